"""The hand-coded reader: mappings, panels, claims, judges, the ledger and every input error."""

from pathlib import Path

import pandas as pd
import pytest
import yaml

import toolkit
from toolkit.errors import DataError, MappingError
from toolkit.sources import coded


def _write_mapping(tmp_path: Path, fixtures: Path, **changes) -> Path:
    mapping = yaml.safe_load((fixtures / "clinic" / "mapping.yaml").read_text())
    mapping["judges"]["file"] = str(fixtures / "clinic" / "judges.csv")
    mapping.update(changes)
    path = tmp_path / "mapping.yaml"
    path.write_text(yaml.safe_dump(mapping))
    return path


def _clinic_mapping(fixtures: Path) -> Path:
    return fixtures / "clinic" / "mapping.yaml"


def test_clinic_csv_maps_labels_panel_and_judges(fixtures):
    data = toolkit.load(_clinic_mapping(fixtures))
    cases = data.cases.set_index("case_id")
    assert list(cases.index) == [
        "clinic:A-1",
        "clinic:A-2",
        "clinic:A-3",
        "clinic:A-4",
        "clinic:A-5",
    ]
    assert cases["outcome"].astype("str").tolist() == [
        "affirmed",
        "reversed_remanded",
        "affirmed",
        "vacated",
        "dismissed",
    ]
    assert cases.loc["clinic:A-2", "outcome_raw"] == "Rev'd & Rem."
    assert cases["circuit"].astype("str").tolist() == ["ca9", "ca9", "ca2", "ca2", "ca2"]
    assert cases["court"].tolist() == ["ca9", "ca9", "ca2", "ca2", "ca2"]
    assert cases.loc["clinic:A-3", "weight"] == 2.5
    assert cases.loc["clinic:A-1", "decided"] == pd.Timestamp("2010-03-01")
    assert cases["year"].tolist() == [2010, 2010, 2011, 2011, 2012]
    assert pd.isna(cases.loc["clinic:A-3", "author"])  # per curiam
    # unmapped columns are kept as they are
    assert cases.loc["clinic:A-4", "Notes"] == "visiting J8"
    votes = data.votes
    assert len(votes) == 15
    dissent = votes[votes["vote"] == "dissent"]
    assert dissent[["case_id", "judge_id"]].values.tolist() == [["clinic:A-2", "J2"]]
    assert votes.loc[votes["is_author"], "judge_id"].tolist() == ["J1", "J4", "J6", "J5"]
    assert data.judges.set_index("judge_id")["party"].astype("str").to_dict()["J6"] == "republican"


def test_ledger_accounts_for_blank_rows(fixtures):
    data = toolkit.load(_clinic_mapping(fixtures))
    summary = data.ledger_summary().set_index("file")
    assert summary.loc["cases.csv"].tolist() == [6, 5, 1]
    assert summary.loc["judges.csv"].tolist() == [9, 8, 1]
    excluded = data.ledger[data.ledger["action"] == "excluded"].set_index("file")
    assert excluded.loc["cases.csv", "rows"] == "5"
    assert excluded.loc["judges.csv", "rows"] == "6"
    assert "blank row" in excluded.loc["cases.csv", "reason"]


def test_typo_in_labels_is_an_error_naming_each_label_and_its_rows(fixtures, tmp_path):
    mapping = _write_mapping(tmp_path, fixtures, file=str(fixtures / "clinic" / "typo.csv"))
    with pytest.raises(DataError) as info:
        toolkit.load(mapping)
    text = str(info.value)
    assert "'Afirmed' in rows 3, 5" in text
    assert "'Reversd' in row 6" in text
    assert "typo.csv" in text and "'Result'" in text
    assert "one of affirmed, denied" in text
    assert sorted(info.value.rows) == [3, 5, 6]


def test_several_panel_columns_and_long_claims(tmp_path):
    pd.DataFrame(
        {
            "id": ["1", "2"],
            "outcome": ["affirmed", "reversed"],
            "j1": ["A", "A"],
            "j2": ["B", "C"],
            "j3": ["C", "D"],
            "visiting": ["", "D"],
        }
    ).to_csv(tmp_path / "c.csv", index=False)
    pd.DataFrame(
        {
            "id": ["1", "2", "2"],
            "claim": ["x", "x", "y"],
            "res": ["affirmed", "reversed", "affirmed"],
        }
    ).to_csv(tmp_path / "cl.csv", index=False)
    mapping = {
        "source": "s",
        "columns": {"case_id": "id", "outcome": "outcome"},
        "panel": {"columns": ["j1", "j2", "j3"], "by_designation": "visiting"},
        "claims": {
            "file": str(tmp_path / "cl.csv"),
            "columns": {"case_id": "id", "claim": "claim", "outcome": "res"},
        },
    }
    data = coded.read(tmp_path / "c.csv", mapping)
    assert data.votes.groupby("case_id").size().tolist() == [3, 3]
    assert data.votes.loc[data.votes["by_designation"], "judge_id"].tolist() == ["D"]
    # case 2 was coded "reversed" but its claims roll up to "mixed": kept, and reported
    assert data.cases["claims_outcome"].astype("str").tolist() == ["affirmed", "mixed"]
    assert any("differs from the roll-up" in n for n in data.meta["notes"])
    assert data.ledger_summary()["read"].tolist() == [2, 3]


def test_wide_claims_in_the_cases_file(tmp_path):
    pd.DataFrame(
        {
            "id": ["1", "2"],
            "Asylum": ["Denied", "Granted"],
            "CAT": ["Denied", ""],
        }
    ).to_csv(tmp_path / "c.csv", index=False)
    mapping = {
        "columns": {"case_id": "id"},
        "claims": {
            "wide": {"asylum": "Asylum", "cat": "CAT"},
            "values": {"outcome": {"Denied": "denied", "Granted": "granted"}},
        },
    }
    data = coded.read(tmp_path / "c.csv", mapping)
    assert len(data.claims) == 3
    assert data.cases["outcome"].astype("str").tolist() == ["denied", "granted"]
    assert "Asylum" not in data.cases.columns
    assert data.claims["outcome_raw"].tolist() == ["Denied", "Granted", "Denied"]


def test_excel_and_parquet_read_like_csv(fixtures, tmp_path):
    frame = pd.read_csv(fixtures / "clinic" / "cases.csv", dtype=str)
    mapping = yaml.safe_load((fixtures / "clinic" / "mapping.yaml").read_text())
    del mapping["judges"]
    frame.to_excel(tmp_path / "cases.xlsx", index=False, sheet_name="Coded")
    xl = coded.read(tmp_path / "cases.xlsx", {**mapping, "sheet": "Coded"})
    csv = coded.read(fixtures / "clinic" / "cases.csv", mapping)
    assert xl.cases["outcome"].tolist() == csv.cases["outcome"].tolist()
    assert xl.ledger_summary()["excluded"].tolist() == [1]
    frame.dropna(how="all").to_parquet(tmp_path / "cases.parquet")
    pq = coded.read(tmp_path / "cases.parquet", mapping)
    assert pq.cases["case_id"].tolist() == csv.cases["case_id"].tolist()


def test_canonical_csv_needs_no_mapping(tmp_path):
    pd.DataFrame(
        {"case_id": ["a", "b"], "outcome": ["granted", "denied"], "circuit": ["ca9", ""]}
    ).to_csv(tmp_path / "mine.csv", index=False)
    data = toolkit.load(tmp_path / "mine.csv")
    assert data.source == "mine"
    assert data.cases["case_id"].tolist() == ["mine:a", "mine:b"]
    assert data.cases["weight"].tolist() == [1.0, 1.0]
    assert pd.isna(data.cases["circuit"].iloc[1])


# ---------------------------------------------------------------- every kind of bad input


def _csv(tmp_path, text, name="cases.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


MAP = {"columns": {"case_id": "id", "outcome": "result", "decided": "date", "weight": "w"}}


def test_missing_required_column(tmp_path):
    path = _csv(tmp_path, "id,date,w\n1,2010-01-01,1\n")
    with pytest.raises(
        DataError, match=r"mapped column\(s\) not found: 'result' \(for outcome\)"
    ) as e:
        coded.read(path, MAP)
    assert "cases.csv" in str(e.value) and "'id', 'date', 'w'" in str(e.value)


def test_wrong_type(tmp_path):
    path = _csv(
        tmp_path, "id,result,date,w\n1,affirmed,2010-01-01,1\n2,affirmed,2010-01-02,heavy\n"
    )
    with pytest.raises(DataError, match="wrong type") as e:
        coded.read(path, MAP)
    assert e.value.rows == [3] and e.value.column == "w" and e.value.expected == "a number"


def test_non_positive_weight(tmp_path):
    path = _csv(tmp_path, "id,result,date,w\n1,affirmed,2010-01-01,0\n")
    with pytest.raises(DataError, match="non-positive") as e:
        coded.read(path, MAP)
    assert e.value.rows == [2]


def test_unparseable_date(tmp_path):
    path = _csv(tmp_path, "id,result,date,w\n1,affirmed,2010-01-01,1\n2,affirmed,31/02/2010,1\n")
    with pytest.raises(DataError, match="wrong type") as e:
        coded.read(path, {**MAP, "date_format": "%Y-%m-%d"})
    assert e.value.rows == [3] and e.value.column == "date"
    assert "%Y-%m-%d" in e.value.expected


def test_unknown_label(tmp_path):
    path = _csv(tmp_path, "id,result,date,w\n1,Afirmed,2010-01-01,1\n")
    with pytest.raises(DataError, match="'Afirmed' in row 2"):
        coded.read(path, MAP)


def test_blank_outcome_needs_an_explicit_label(tmp_path):
    path = _csv(tmp_path, "id,result,date,w\n1,,2010-01-01,1\n2,affirmed,2010-01-01,1\n")
    with pytest.raises(DataError, match="empty value") as e:
        coded.read(path, MAP)
    assert e.value.rows == [2]
    data = coded.read(path, {**MAP, "values": {"outcome": {"": "unknown"}}})
    assert data.cases["outcome"].astype("str").tolist() == ["unknown", "affirmed"]


def test_duplicate_case_id(tmp_path):
    path = _csv(tmp_path, "id,result,date,w\n1,affirmed,,1\n2,affirmed,,1\n1,denied,,1\n")
    with pytest.raises(DataError, match="duplicate case_id") as e:
        coded.read(path, MAP)
    assert e.value.rows == [2, 4]


def test_empty_file(tmp_path):
    with pytest.raises(DataError, match="empty"):
        coded.read(_csv(tmp_path, ""), MAP)


def test_header_without_rows(tmp_path):
    with pytest.raises(DataError, match="no rows"):
        coded.read(_csv(tmp_path, "id,result,date,w\n"), MAP)


def test_wrong_encoding(tmp_path):
    path = _csv(tmp_path, "id,result,date,w\n1,affirmed,,1\n2,affirmé,,1\n", encoding="latin-1")
    with pytest.raises(DataError, match="not valid utf-8") as e:
        coded.read(path, MAP)
    assert e.value.rows == [3]
    assert "latin-1" in e.value.expected
    with pytest.raises(DataError, match="'affirmé' in row 3"):
        coded.read(path, {**MAP, "encoding": "latin-1"})


def test_unreadable_excel_sheet(tmp_path):
    pd.DataFrame({"id": [1], "result": ["affirmed"]}).to_excel(tmp_path / "c.xlsx", index=False)
    with pytest.raises(DataError, match="cannot read sheet 'Cases'") as e:
        coded.read(tmp_path / "c.xlsx", {**MAP, "sheet": "Cases"})
    assert "'Sheet1'" in e.value.expected
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(DataError, match="cannot read the workbook"):
        coded.read(tmp_path / "broken.xlsx", MAP)


def test_unsupported_and_missing_files(tmp_path):
    with pytest.raises(DataError, match="unsupported file type"):
        coded.read(_csv(tmp_path, "x", name="cases.sav"), MAP)
    with pytest.raises(DataError, match="file not found"):
        coded.read(tmp_path / "nope.csv", MAP)


def test_panel_errors(tmp_path, fixtures):
    path = _csv(
        tmp_path,
        "Docket,Circuit,Decided,Result,Judges,Author,Dissent,Weight\n"
        "A-1,9th,2010-03-01,Aff'd,J1;J2;J3,J9,,1\n",
    )
    mapping = yaml.safe_load((fixtures / "clinic" / "mapping.yaml").read_text())
    del mapping["judges"]
    with pytest.raises(DataError, match="author judge who is not on the panel") as e:
        coded.read(path, mapping)
    assert e.value.rows == [2]
    path = _csv(
        tmp_path,
        "Docket,Circuit,Decided,Result,Judges,Author,Dissent,Weight\n"
        "A-1,9th,2010-03-01,Aff'd,J1;J1;J3,J1,,1\n",
    )
    with pytest.raises(DataError, match="same judge twice"):
        coded.read(path, mapping)


def test_panel_judge_missing_from_judges_file(tmp_path, fixtures):
    path = _csv(
        tmp_path,
        "Docket,Circuit,Decided,Result,Judges,Author,Dissent,Weight\n"
        "A-1,9th,2010-03-01,Aff'd,J1;J2;J99,J1,,1\n",
    )
    mapping = _write_mapping(tmp_path, fixtures, file=str(path))
    with pytest.raises(DataError, match="not in the judges file: J99") as e:
        toolkit.load(mapping)
    assert e.value.rows == [2]


def test_claims_for_unknown_case(tmp_path):
    cases = _csv(tmp_path, "id,result\n1,affirmed\n")
    _csv(tmp_path, "id,claim,res\n1,x,affirmed\n7,x,affirmed\n", name="claims.csv")
    mapping = {
        "columns": {"case_id": "id", "outcome": "result"},
        "claims": {
            "file": str(tmp_path / "claims.csv"),
            "columns": {"case_id": "id", "claim": "claim", "outcome": "res"},
        },
    }
    with pytest.raises(DataError, match="not in the cases file") as e:
        coded.read(cases, mapping)
    assert e.value.rows == [3] and "claims.csv" in str(e.value)


@pytest.mark.parametrize(
    "text, message",
    [
        ("colums: {case_id: id}\n", "unknown key"),
        ("columns: {case_number: id}\n", "not a canonical cases column"),
        ("columns: [a, b\n", "not valid YAML"),
        ("- a\n- b\n", "must hold a YAML mapping"),
        ("panel: {columns: [a], sep: ','}\n", "unknown key"),
    ],
)
def test_malformed_mapping(tmp_path, text, message):
    path = tmp_path / "m.yaml"
    path.write_text(text)
    with pytest.raises(MappingError, match=message):
        coded.read_mapping(path)


def test_mapping_without_outcome_or_case_id(tmp_path):
    path = _csv(tmp_path, "id,result\n1,affirmed\n")
    with pytest.raises(MappingError, match="outcome"):
        coded.read(path, {"columns": {"case_id": "id"}})
    with pytest.raises(MappingError, match="case id"):
        coded.read(path, {"columns": {"outcome": "result"}})
