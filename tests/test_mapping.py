"""Mappings validated whole, drafted from a sheet, and every bad input named by file, row and
column (never a traceback from pandas, openpyxl or pyarrow)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

import toolkit
from toolkit import cli, paths
from toolkit.drafting import draft_mapping, guess_circuit, guess_outcome
from toolkit.errors import DataError, MappingError
from toolkit.mapping import read_mapping
from toolkit.sources import coded

SHEET = Path(__file__).parent / "data" / "coding_sheet"
BASE = """source: clinic
file: cases.csv
columns:
  case_id: Docket
  outcome: Result
"""


def _mapping(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mapping.yaml"
    path.write_text(text)
    return path


def _csv(tmp_path: Path, text: str, name: str = "cases.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


# ---------------------------------------------------------------- the mapping, before any data


def test_a_target_typo_names_file_line_key_and_the_nearest_value(tmp_path):
    path = _mapping(
        tmp_path, BASE + "values:\n  outcome:\n    Affirmed: affirmed\n    Vacated: vacate\n"
    )
    with pytest.raises(MappingError) as e:
        read_mapping(path)
    text = str(e.value)
    assert str(path) in text and "line 9, values.outcome.Vacated" in text
    assert "'vacate' is not a canonical outcome; did you mean 'vacated'?" in text


def test_duplicate_yaml_keys_are_refused_with_both_lines(tmp_path):
    path = _mapping(tmp_path, BASE + "values:\n  outcome:\n    Aff: affirmed\n    Aff: denied\n")
    with pytest.raises(
        MappingError, match=r"line 9, values\.outcome\.Aff: duplicate key \(also on line 8\)"
    ):
        read_mapping(path)
    path = _mapping(tmp_path, BASE + "columns:\n  circuit: Circuit\n")
    with pytest.raises(MappingError, match=r"line 6, columns: duplicate key \(also on line 3\)"):
        read_mapping(path)


def test_one_column_mapped_to_two_fields(tmp_path):
    path = _mapping(tmp_path, BASE + "  claim_type: Result\n")
    with pytest.raises(
        MappingError,
        match=r"line 6, columns\.claim_type: column 'Result' is already mapped to outcome",
    ):
        read_mapping(path)


@pytest.mark.parametrize(
    "extra, expected",
    [
        (
            "values: outcome\n",
            r"line 6, values: expected canonical column: \{label: value\}, not the text 'outcome'",
        ),
        (
            "values:\n  outcome: affirmed\n",
            r"line 7, values\.outcome: expected a mapping of your label",
        ),
        ("date_format: 12\n", r"line 6, date_format: expected a strftime format"),
        (
            "encoding: utf-88\n",
            r"line 6, encoding: unknown encoding 'utf-88'; did you mean 'utf-8'\?",
        ),
        (
            "panel: {column: Panel, separator: 5}\n",
            r"line 6, panel\.separator: expected the separator as text",
        ),
        (
            "panel: {column: Panel, markers: {'(by desig.)': visitor}}\n",
            r"unknown role 'visitor'; did you mean 'visiting'\?",
        ),
        ("colums: {x: y}\n", r"line 6, colums: unknown key; did you mean 'columns'\?"),
        (
            "defaults: {lower_cort: bia}\n",
            r"'lower_cort' is not a canonical cases column; did you mean 'lower_court'\?",
        ),
        ("panel: {column: Panel, size: three}\n", r"panel\.size: expected the number of judges"),
    ],
)
def test_wrong_types_and_unknown_keys(tmp_path, extra, expected):
    with pytest.raises(MappingError, match=expected):
        read_mapping(_mapping(tmp_path, BASE + extra))


def test_file_that_is_a_folder_or_a_number(tmp_path):
    with pytest.raises(MappingError, match=r"line 2, file: '\.' is a folder"):
        read_mapping(_mapping(tmp_path, BASE.replace("file: cases.csv", "file: .")))
    with pytest.raises(
        MappingError, match=r"line 2, file: expected a file name \(text\), not the number 12"
    ):
        read_mapping(_mapping(tmp_path, BASE.replace("file: cases.csv", "file: 12")))


def test_every_problem_is_listed_at_once(tmp_path):
    path = _mapping(
        tmp_path, BASE + "values: {outcome: {A: afirmed}}\nencoding: nope\nsheet: [1]\n"
    )
    with pytest.raises(MappingError, match="has 3 problems") as e:
        read_mapping(path)
    assert (
        str(e.value).index("line 6") < str(e.value).index("line 7") < str(e.value).index("line 8")
    )


def test_a_parsed_dict_is_validated_too(tmp_path):
    with pytest.raises(MappingError, match="'cat' is not a canonical outcome"):
        coded.read(
            _csv(tmp_path, "id,r\n1,a\n"),
            {"columns": {"case_id": "id", "outcome": "r"}, "values": {"outcome": {"a": "cat"}}},
        )


def test_yaml_labels_stay_text(tmp_path):
    """`No`, `Y` and `1` are labels as typed, not YAML booleans or numbers."""
    path = _mapping(
        tmp_path, BASE + "values:\n  outcome: {No: denied, Yes: granted, 1: affirmed}\n"
    )
    m = read_mapping(path)
    assert m["values"]["outcome"] == {"No": "denied", "Yes": "granted", "1": "affirmed"}
    _csv(tmp_path, "Docket,Result\na,No\nb,yes\nc,1\n")
    data = toolkit.load(path)
    assert data.cases["outcome"].astype("str").tolist() == ["denied", "granted", "affirmed"]


def test_the_demo_mapping_is_valid():
    assert read_mapping(paths.demo_dir() / "mapping.yaml")["source"] == "demo"


# ---------------------------------------------------------------- data errors, with rows


def test_missing_column_lists_the_files_own_columns_and_the_nearest(tmp_path):
    _csv(tmp_path, "Docket,Reslt,Panel\na,Aff'd,J1;J2;J3\n")
    with pytest.raises(DataError) as e:
        toolkit.load(_mapping(tmp_path, BASE))
    text = str(e.value)
    assert "'Result' (for outcome, did you mean 'Reslt'?)" in text
    assert "'Docket', 'Reslt', 'Panel'" in text
    for added in ("lower_court", "source", "weight"):
        assert added not in e.value.expected
    assert e.value.rows == [1]


def test_unknown_label_suggests_the_nearest_mapped_label_and_says_how_rows_count(tmp_path):
    rows = "".join(f"c{i},Affirmed\n" for i in range(17)) + "c17,Afirmed\n"
    _csv(tmp_path, "Docket,Result\n" + rows)
    path = _mapping(tmp_path, BASE + "values:\n  outcome: {Affirmed: affirmed, Vac.: vacated}\n")
    with pytest.raises(DataError) as e:
        toolkit.load(path)
    text = str(e.value)
    assert "'Afirmed' in row 19: did you mean 'Affirmed' (affirmed)?" in text
    assert "header = row 1" in text
    assert e.value.rows == [19] and e.value.column == "Result"
    assert "'Vac.'" in e.value.expected


def test_ragged_rows_are_named(tmp_path):
    _csv(tmp_path, "Docket,Result\na,affirmed\nb,denied,extra\nc,granted\n")
    with pytest.raises(DataError, match="more fields than the header") as e:
        toolkit.load(_mapping(tmp_path, BASE))
    assert e.value.rows == [3]


def test_an_extra_field_in_the_first_row_does_not_shift_the_columns(tmp_path):
    _csv(tmp_path, "Docket,Result\na,affirmed,oops\nb,denied\n")
    with pytest.raises(DataError, match="more fields than the header") as e:
        toolkit.load(_mapping(tmp_path, BASE))
    assert e.value.rows == [2]
    _csv(tmp_path, "Docket,Result\na,affirmed,,\nb,denied\n")  # empty trailing fields are fine
    assert len(toolkit.load(_mapping(tmp_path, BASE)).cases) == 2


def test_unknown_encoding_and_damaged_parquet(tmp_path):
    path = _csv(tmp_path, "Docket,Result\na,affirmed\n")
    with pytest.raises(DataError, match="unknown encoding 'klingon'") as e:
        coded.read_table(path, encoding="klingon")
    assert "cases.csv" in str(e.value)
    (tmp_path / "cases.parquet").write_bytes(b"PAR1 not really parquet PAR1")
    with pytest.raises(DataError, match="cannot read the Parquet file") as e:
        coded.read(
            tmp_path / "cases.parquet", {"columns": {"case_id": "Docket", "outcome": "Result"}}
        )
    assert "cases.parquet" in str(e.value)


def test_a_folder_given_as_the_data_file(tmp_path):
    with pytest.raises(DataError, match="folder, not a file"):
        coded.read_table(tmp_path)


def test_mixed_date_formats_parse_and_blanks_stay_blank(tmp_path):
    _csv(
        tmp_path,
        "Docket,Result,Decided\na,affirmed,2005-09-04\nb,denied,1/27/2010\n"
        'c,granted,"March 3, 2011"\nd,denied,\ne,denied,4 Sept. 2012\n',
    )
    data = toolkit.load(_mapping(tmp_path, BASE + "  decided: Decided\n"))
    assert data.cases["decided"].dt.strftime("%Y-%m-%d").fillna("").tolist() == [
        "2005-09-04",
        "2010-01-27",
        "2011-03-03",
        "",
        "2012-09-04",
    ]
    assert data.cases["year"].tolist()[:3] == [2005, 2010, 2011]


def test_ambiguous_dates_name_their_rows(tmp_path):
    _csv(
        tmp_path,
        "Docket,Result,Decided\na,affirmed,03/04/2010\nb,denied,2010-05-06\nc,denied,05/05/2011\nd,denied,11/02/2011\n",
    )
    path = _mapping(tmp_path, BASE + "  decided: Decided\n")
    with pytest.raises(DataError, match="ambiguous dates") as e:
        toolkit.load(path)
    assert e.value.rows == [2, 5] and e.value.column == "Decided"
    data = toolkit.load(
        _mapping(tmp_path, BASE + "  decided: Decided\ndate_format: ['%d/%m/%Y', '%Y-%m-%d']\n")
    )
    assert data.cases["decided"].dt.strftime("%Y-%m-%d").tolist() == [
        "2010-04-03",
        "2010-05-06",
        "2011-05-05",
        "2011-02-11",
    ]


def test_free_text_in_a_date_column_is_an_error_unless_mapped_to_blank(tmp_path):
    _csv(
        tmp_path, "Docket,Result,Decided\na,affirmed,2005-09-04\nb,unknown,pending\nc,unknown,TBD\n"
    )
    with pytest.raises(DataError, match="not dates") as e:
        toolkit.load(_mapping(tmp_path, BASE + "  decided: Decided\n"))
    assert e.value.rows == [3, 4] and e.value.column == "Decided"
    assert "pending: null" in e.value.expected
    path = _mapping(
        tmp_path, BASE + "  decided: Decided\nvalues:\n  decided: {pending: null, TBD: null}\n"
    )
    assert toolkit.load(path).cases["decided"].isna().tolist() == [False, True, True]


# ---------------------------------------------------------------- panels as researchers type them


PANELS = (
    "Docket,Result,Panel,Author\n"
    'a,affirmed,"Judge M, Judge U, Judge B (by desig.)",Judge B\n'
    'b,denied,"Judge M, Judge B, Judge C",Judge M\n'
    'c,denied,"Judge U*, Judge C, Judge D (D.J.)",\n'
    'd,denied,"Judge E, Judge C, sitting by designation, Judge M",\n'
)


def test_markers_are_stripped_and_mean_visiting(tmp_path):
    _csv(tmp_path, PANELS)
    data = toolkit.load(
        _mapping(tmp_path, BASE + "panel: {column: Panel, separator: ',', author: Author}\n")
    )
    votes = data.votes
    assert sorted(votes["judge_id"].unique()) == [
        "Judge B",
        "Judge C",
        "Judge D",
        "Judge E",
        "Judge M",
        "Judge U",
    ]
    visiting = votes[votes["by_designation"]][["case_id", "judge_id"]].values.tolist()
    assert visiting == [
        ["clinic:a", "Judge B"],
        ["clinic:c", "Judge U"],
        ["clinic:c", "Judge D"],
        ["clinic:d", "Judge C"],
    ]
    assert data.cases["author"].tolist()[:2] == ["Judge B", "Judge M"]


def test_a_missing_separator_is_detected_and_said(tmp_path):
    _csv(tmp_path, PANELS)
    data = toolkit.load(_mapping(tmp_path, BASE + "panel: {column: Panel}\n"))
    assert data.votes.groupby("case_id").size().tolist() == [3, 3, 3, 3]
    assert "panel separator not given in the mapping: detected ','" in data.meta["notes"]


def test_a_wrong_separator_cannot_make_one_judge_panels(tmp_path):
    _csv(tmp_path, PANELS)
    with pytest.raises(DataError, match="4 of 4 panels do not have 3 judges") as e:
        toolkit.load(_mapping(tmp_path, BASE + "panel: {column: Panel, separator: ';'}\n"))
    assert e.value.rows == [2, 3, 4, 5] and e.value.column == "Panel"


def test_other_panel_sizes_are_kept_and_counted_in_the_ledger(tmp_path):
    _csv(
        tmp_path,
        "Docket,Result,Panel,Sitting\na,affirmed,A;B;C,\nb,denied,A;B,\nc,denied,A;B;C,\n"
        "d,denied,A;B;C;D;E;F;G,en banc\n",
    )
    data = toolkit.load(
        _mapping(tmp_path, BASE + "panel: {column: Panel, separator: ';', en_banc: Sitting}\n")
    )
    ledger = data.ledger.set_index("reason", drop=False)
    assert ledger.loc["panel of 2 judges, expected 3", "rows"] == "3"
    assert data.ledger["n_rows"].sum() == 4 and "Sitting" not in data.cases.columns
    s = data.ledger_summary()
    assert s["read"].tolist() == [4] and s["kept"].tolist() == [4]


# ---------------------------------------------------------------- claims from one cell


def test_delimited_claims_take_the_case_outcome_or_their_own(tmp_path):
    _csv(
        tmp_path,
        "Docket,Result,Claims,Claim results\n"
        "a,denied,asylum; CAT; withholding,Denied;Granted;Denied\n"
        "b,granted,Asylum,Granted\nc,denied,,\n",
    )
    base = BASE + "values:\n  claim_type: {CAT: cat, Asylum: asylum}\n"
    data = toolkit.load(_mapping(tmp_path, base + "claims: {column: Claims, separator: ';'}\n"))
    claims = data.claims
    assert claims["claim"].tolist() == ["asylum", "cat", "withholding", "asylum"]
    assert claims["outcome"].astype("str").tolist() == ["denied", "denied", "denied", "granted"]
    assert data.cases["claim_type"].tolist()[:2] == ["asylum", "asylum"]
    assert data.cases["n_claims"].tolist() == [3, 1, 0]
    own = (
        base
        + "claims:\n  column: Claims\n  separator: ';'\n  outcomes: Claim results\n"
        + "  values: {outcome: {Denied: denied, Granted: granted}}\n"
    )
    data = toolkit.load(_mapping(tmp_path, own))
    assert data.claims["outcome"].astype("str").tolist() == [
        "denied",
        "granted",
        "denied",
        "granted",
    ]
    assert data.cases["claims_outcome"].astype("str").tolist()[:2] == ["mixed", "granted"]


# ---------------------------------------------------------------- the draft, on a messy sheet


def test_circuit_and_outcome_guesses():
    forms = [
        "2d Cir.",
        "2nd",
        "Second Circuit",
        "CA2",
        "United States Court of Appeals for the Second Circuit",
    ]
    assert {guess_circuit(f) for f in forms} == {"ca2"}
    assert guess_circuit("D.C. Cir.") == "cadc" and guess_circuit("11th Cir.") == "ca11"
    assert guess_circuit("12th") is None and guess_circuit("BIA") is None
    assert guess_outcome("Rev'd & Rem.") == "reversed_remanded"
    assert guess_outcome("Dism.") == "dismissed" and guess_outcome("GRANTED") == "granted"


@pytest.mark.parametrize("name, sheet", [("sheet.csv", None), ("sheet.xlsx", "Coding")])
def test_the_draft_loads_the_coding_sheet_right(tmp_path, name, sheet):
    import json

    text = draft_mapping(SHEET / name, sheet=sheet, relative_to=tmp_path)
    assert text.count("# check") >= 10
    path = tmp_path / "mapping.yaml"
    path.write_text(text)
    data = toolkit.load(path)
    truth = {t["case_id"]: t for t in json.loads((SHEET / "truth.json").read_text())}
    cases = data.cases.set_index("case_id")
    assert len(cases) == 60
    for cid, t in truth.items():
        row = cases.loc[f"sheet:{cid}"]
        assert row["circuit"] == t["circuit"], cid
        assert row["outcome"] == t["outcome"], cid
        decided = None if pd.isna(row["decided"]) else row["decided"].strftime("%Y-%m-%d")
        assert decided == t["decided"], cid
        assert (None if pd.isna(row["author"]) else row["author"]) == t["author"], cid
    votes = data.votes
    assert votes["judge_id"].nunique() == 24
    assert votes.loc[votes["by_designation"], "judge_id"].nunique() == 7
    for cid, t in truth.items():
        mine = votes[votes["case_id"] == f"sheet:{cid}"]
        assert sorted(mine["judge_id"]) == t["judges"], cid
        assert sorted(mine.loc[mine["by_designation"], "judge_id"]) == t["visiting"], cid
    claims = data.claims.groupby("case_id")["claim"].agg(list)
    for cid, t in truth.items():
        assert claims[f"sheet:{cid}"] == t["claims"], cid
    assert data.cases["claim_type"].nunique() <= 4
    s = data.ledger_summary()
    assert (s["read"] == s["kept"] + s["excluded"]).all() and s["read"].tolist() == [60]
    assert "panel of 2 judges, expected 3" in data.ledger["reason"].dropna().tolist()


def test_unplaced_labels_are_listed_and_validate_reports_them(tmp_path, capsys):
    _csv(tmp_path, "Docket,Circuit,Disposition\na,9th Cir.,Aff'd\nb,2d Cir.,Zapped\n")
    text = draft_mapping(tmp_path / "cases.csv")
    assert '#   outcome "Zapped": ?' in text
    (tmp_path / "mapping.yaml").write_text(text)
    assert cli.main(["validate", str(tmp_path / "mapping.yaml")]) == 1
    assert "'Zapped' in row 3" in capsys.readouterr().err


def test_mapping_draft_command(tmp_path, capsys):
    out = tmp_path / "m.yaml"
    assert cli.main(["mapping", "draft", str(SHEET / "sheet.csv"), "--out", str(out)]) == 0
    assert "guesses to check" in capsys.readouterr().out
    assert yaml.safe_load(out.read_text())["panel"]["column"] == "Panel"
    assert len(toolkit.load(out).cases) == 60
    assert cli.main(["mapping", "draft", str(SHEET / "sheet.csv"), "--out", str(out)]) == 1
    assert cli.main(["mapping", "draft", str(SHEET / "sheet.xlsx"), "--sheet", "Coding"]) == 0
    assert 'sheet: "Coding"' in capsys.readouterr().out


def test_role_markers_and_markers_switched_off(tmp_path):
    _csv(
        tmp_path,
        "Docket,Result,Panel\n"
        'a,affirmed,"Judge A (author); Judge B (dissenting); Judge C* (concurring)"\n'
        'b,denied,"Judge A; Judge B; Judge C*"\n',
    )
    data = toolkit.load(_mapping(tmp_path, BASE + "panel: {column: Panel, separator: ';'}\n"))
    first = data.votes[data.votes["case_id"] == "clinic:a"].set_index("judge_id")
    assert first["vote"].astype("str").to_dict() == {
        "Judge A": "majority",
        "Judge B": "dissent",
        "Judge C": "concurrence",
    }
    assert first["is_author"].to_dict()["Judge A"] and first["by_designation"].to_dict()["Judge C"]
    assert data.cases["author"].tolist()[0] == "Judge A"
    off = BASE + "panel: {column: Panel, separator: ';', markers: {'*': null}}\n"
    data = toolkit.load(_mapping(tmp_path, off))
    assert "Judge C*" in set(data.votes["judge_id"]) and not data.votes["by_designation"].any()


def test_the_draft_maps_text_in_a_date_column_to_blank(tmp_path):
    _csv(tmp_path, "Docket,Decided,Result\na,2010-01-02,Denied\nb,pending,\nc,3/14/2011,Granted\n")
    text = draft_mapping(tmp_path / "cases.csv")
    assert 'decided: "Decided"' in text and '"pending": null' in text
    (tmp_path / "mapping.yaml").write_text(text)
    data = toolkit.load(tmp_path / "mapping.yaml")
    assert data.cases["decided"].isna().tolist() == [False, True, False]
    assert data.cases["outcome"].astype("str").tolist() == ["denied", "unknown", "granted"]


def test_excel_date_cells_pass_whatever_the_format(tmp_path):
    frame = pd.DataFrame(
        {
            "Docket": ["a", "b"],
            "Result": ["affirmed", "denied"],
            "Decided": [pd.Timestamp("2010-02-03"), "03/04/2011"],
        }
    )
    frame.astype("object").to_excel(tmp_path / "cases.xlsx", index=False)
    text = BASE.replace("cases.csv", "cases.xlsx") + "  decided: Decided\n"
    data = toolkit.load(_mapping(tmp_path, text + "date_format: '%d/%m/%Y'\n"))
    assert data.cases["decided"].dt.strftime("%Y-%m-%d").tolist() == ["2010-02-03", "2011-04-03"]
