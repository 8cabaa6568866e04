"""The five codebook readers on tiny synthetic files in their real formats (run by default).

Each file is written here, a few invented rows in the layout of the published files (column
names and codes from the codebooks summarised in the reference data's SOURCES.md; no value is
taken from the reference data). The reference data themselves are tested in
``test_sources_real.py`` (marked ``realdata``).
"""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from toolkit.errors import DataError, ToolkitError
from toolkit.sources import auburn, fjc_judges, greene, scdb, songer


def _csv(path: Path, rows: list[dict], compress: bool = False) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = pd.DataFrame(rows).to_csv(index=False, lineterminator="\n")
    if compress:
        path.write_bytes(gzip.compress(text.encode(), mtime=0))
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _ledger(data) -> list[tuple]:
    ledger = data.ledger.astype({"reason": "object", "rows": "object"})
    return [
        (r.file, r.table, r.action, int(r.n_rows), r.reason or "", r.rows or "")
        for r in ledger.where(ledger.notna(), None).itertuples()
    ]


def _adds_up(data) -> None:
    """Every row read is in the ledger once: the ledger's rows per file are ``rows_read``."""
    per_file = data.ledger.groupby("file")["n_rows"].sum().to_dict()
    assert per_file == data.meta["rows_read"]


# --- Greene: one CSV, one judge per leave application ---------------------------------------

GREENE_ROWS = [
    {"rownames": 11, "judge": "Avery", "nation": "Ruritania", "rater": "no",
     "decision": "yes", "language": "English", "location": "Toronto", "success": -1.2},
    {"rownames": 12, "judge": "Avery", "nation": "Elbonia", "rater": "yes",
     "decision": "no", "language": "French", "location": "Montreal", "success": 0.4},
    {"rownames": 13, "judge": "Brook", "nation": "Ruritania", "rater": "no",
     "decision": " No ", "language": "English", "location": "other", "success": -0.3},
    {"rownames": 14, "judge": "Corrin", "nation": "Freedonia", "rater": "yes",
     "decision": "Yes", "language": "English", "location": "Toronto", "success": 1.1},
]  # fmt: skip


def test_greene_reads_decisions_judges_and_ledger(tmp_path):
    path = _csv(tmp_path / "greene" / "Greene.csv", GREENE_ROWS)
    data = greene.read(raw_dir=tmp_path, cache=False)
    cases = data.cases
    assert cases["case_id"].tolist() == ["greene:11", "greene:12", "greene:13", "greene:14"]
    assert cases["outcome"].astype("str").tolist() == ["granted", "denied", "denied", "granted"]
    assert cases["outcome_raw"].tolist() == ["yes", "no", "No", "Yes"]  # as written, trimmed
    assert (cases["court"] == "fca").all() and (cases["year"] == 1990).all()
    assert cases["nation"].tolist() == ["Ruritania", "Elbonia", "Ruritania", "Freedonia"]
    votes = data.votes
    assert votes["judge_id"].tolist() == ["Avery", "Avery", "Brook", "Corrin"]
    assert votes["is_author"].all() and (votes["vote"].astype("str") == "majority").all()
    assert data.judges["judge_id"].tolist() == ["Avery", "Brook", "Corrin"]
    assert _ledger(data) == [("Greene.csv", "cases", "kept", 4, "", "")]
    assert data.meta["rows_read"] == {"Greene.csv": 4}
    assert data.meta["files"]["Greene.csv"]["bytes"] == path.stat().st_size
    _adds_up(data)


def test_greene_unknown_decision_names_the_row(tmp_path):
    rows = [dict(r) for r in GREENE_ROWS]
    rows[2]["decision"] = "maybe"
    _csv(tmp_path / "greene" / "Greene.csv", rows)
    with pytest.raises(DataError) as e:
        greene.read(raw_dir=tmp_path, cache=False)
    assert e.value.problem == "unknown decision value(s)"
    assert e.value.rows == [4] and e.value.column == "decision"  # header = row 1
    assert e.value.file.endswith("Greene.csv") and e.value.expected == "yes or no"


def test_greene_truncated_file_is_a_clear_error(tmp_path):
    path = _csv(tmp_path / "greene" / "Greene.csv.gz", GREENE_ROWS, compress=True)
    path.write_bytes(path.read_bytes()[:40])
    with pytest.raises(DataError, match="cannot read the file") as e:
        greene.read(raw_dir=tmp_path, cache=False)
    assert e.value.file == str(path)


# --- SCDB: case-centered and justice-centered CSVs ------------------------------------------


def _scdb_case(case_id, term, source, disposition, lower, issue, writer, argued="", rearg=""):
    return {
        "caseId": case_id,
        "docketId": f"{case_id}-01",
        "dateDecision": f"06/1{term % 10}/{term + 1}",
        "term": term,
        "dateArgument": argued,
        "dateRearg": rearg,
        "caseSource": source,
        "lcDisposition": lower,
        "caseDisposition": disposition,
        "issueArea": issue,
        "majOpinWriter": writer,
    }


SCDB_CASES = [
    _scdb_case("1990-001", 1990, 29, 3, 2, 1, 101, "11/05/1990"),  # Ninth Circuit, reversed
    _scdb_case("1990-002", 1990, 300, 2, 11, 8, 102, "10/01/1990", "01/15/1991"),  # state
    _scdb_case("1991-001", 1991, 55, 5, "", 2, 101),  # district court, vacated and remanded
    _scdb_case("1991-002", 1991, "", "", "", "", ""),  # original jurisdiction, no disposition
]
JUSTICES = {101: "JQAdams", 102: "JRBrown", 103: "KCDavis"}
# votes per case: justice -> vote code (None: did not participate)
SCDB_VOTES = {
    "1990-001": {101: 1, 102: 2, 103: 1},
    "1990-002": {101: 3, 102: 1, 103: None},
    "1991-001": {101: 1, 102: 1, 103: 8},
    "1991-002": {101: None, 102: None, 103: None},
}


def _scdb_justice_rows(cases: list[dict]) -> list[dict]:
    rows = []
    for case in cases:
        for justice, vote in SCDB_VOTES[case["caseId"]].items():
            rows.append(
                {**case, "justice": justice, "justiceName": JUSTICES[justice], "vote": vote}
            )
    return rows


def test_scdb_case_and_justice_files(tmp_path):
    folder = tmp_path / "scdb"
    _csv(folder / "SCDB_2024_01_caseCentered_Citation.csv", SCDB_CASES)
    _csv(
        folder / "SCDB_2024_01_justiceCentered_Citation.csv.gz",
        _scdb_justice_rows(SCDB_CASES),
        True,
    )
    data = scdb.read(raw_dir=tmp_path, cache=False)
    cases = data.cases
    assert data.meta["release"] == "2024_01" and data.meta["unit"] == "citation"
    assert cases["case_id"].tolist() == [
        "scdb:1990-001", "scdb:1990-002", "scdb:1991-001", "scdb:1991-002",
    ]  # fmt: skip
    assert cases["outcome"].astype("str").tolist() == [
        "reversed", "affirmed", "vacated_remanded", "unknown",
    ]  # fmt: skip
    assert cases["outcome_raw"].tolist()[:3] == ["3", "2", "5"]
    assert cases["outcome_raw"].isna().tolist()[3]
    assert cases["lower_outcome"].astype("str").tolist() == [
        "affirmed", "remanded", "unknown", "unknown",
    ]  # fmt: skip
    assert (
        cases["circuit"].astype("str").tolist()[:1] == ["ca9"] and cases["circuit"][1:].isna().all()
    )
    assert cases["lower_court"].astype("str").tolist()[:3] == ["ca9", "state", "other"]
    assert cases["source_court"].astype("str").tolist()[:3] == ["ca9", "state", "district"]
    assert cases["source_court_label"].tolist()[:3] == [
        "Ninth Circuit", "State Court", "U.S. District Court",
    ]  # fmt: skip
    assert cases["claim_type"].astype("str").tolist()[:3] == [
        "criminal_procedure", "economic_activity", "civil_rights",
    ]  # fmt: skip
    # the last argument: the reargument when there was one
    assert cases["argued"].dt.strftime("%Y-%m-%d").tolist()[:2] == ["1990-11-05", "1991-01-15"]
    assert cases["argued"][2:].isna().all()
    assert cases["year"].tolist() == [1990, 1990, 1991, 1991]
    votes = data.votes
    assert len(votes) == 8  # 12 justice rows, 4 without a vote
    assert votes["vote_raw"].tolist() == ["1", "2", "1", "3", "1", "1", "1", "8"]
    assert votes["vote"].astype("str").tolist()[:4] == [
        "majority",
        "dissent",
        "majority",
        "concurrence",
    ]
    assert votes["vote"].isna().tolist()[-1]  # code 8, equally divided: no category
    author = votes[votes["is_author"]]
    assert list(zip(author["case_id"], author["judge_id"], strict=True)) == [
        ("scdb:1990-001", "101"), ("scdb:1990-002", "102"), ("scdb:1991-001", "101"),
    ]  # fmt: skip
    assert data.judges["name"].tolist() == ["JQAdams", "JRBrown", "KCDavis"]
    assert data.meta["not_participating_by_term"] == {"1990": 1, "1991": 3}
    justice_file = "SCDB_2024_01_justiceCentered_Citation.csv.gz"
    assert _ledger(data) == [
        ("SCDB_2024_01_caseCentered_Citation.csv", "cases", "kept", 4, "", ""),
        (justice_file, "votes", "kept", 8, "", ""),
        (justice_file, "votes", "excluded", 4,
         "no vote recorded (the justice did not participate)", "7, 11-13"),
    ]  # fmt: skip
    _adds_up(data)
    assert any("vote code 8" in note for note in data.meta["notes"])


def test_scdb_case_table_derived_from_the_newest_justice_file(tmp_path):
    folder = tmp_path / "scdb"
    _csv(folder / "SCDB_2024_01_caseCentered_Citation.csv", SCDB_CASES[:1])
    _csv(folder / "SCDB_2025_01_justiceCentered_Citation.csv", _scdb_justice_rows(SCDB_CASES))
    data = scdb.read(raw_dir=tmp_path, cache=False)  # the newest release
    assert data.meta["release"] == "2025_01"
    assert len(data.cases) == 4 and "justice" not in data.cases.columns
    assert "case table derived from the justice-centered file" in data.meta["notes"][0]
    assert data.meta["rows_read"] == {"SCDB_2025_01_justiceCentered_Citation.csv": 12}
    older = scdb.read(release="2024_01", raw_dir=tmp_path, cache=False)
    assert len(older.cases) == 1 and older.votes is None
    with pytest.raises(ToolkitError, match="SCDB release 2023_01 has no citation file"):
        scdb.read(release="2023_01", raw_dir=tmp_path, cache=False)


def test_scdb_docket_unit(tmp_path):
    rows = [dict(SCDB_CASES[0]), {**SCDB_CASES[0], "docketId": "1990-001-02"}]
    _csv(tmp_path / "scdb" / "SCDB_2024_01_caseCentered_Docket.csv", rows)
    data = scdb.read(raw_dir=tmp_path, cache=False, unit="docket")
    assert data.cases["case_id"].tolist() == ["scdb:1990-001-01", "scdb:1990-001-02"]
    assert data.cases["caseId"].tolist() == ["1990-001", "1990-001"]
    assert data.meta["unit"] == "docket" and data.votes is None


@pytest.mark.parametrize(
    "column, code, says",
    [
        ("caseDisposition", 12, r"undocumented code\(s\) \[12\] in 'caseDisposition'"),
        ("caseSource", 999, r"undocumented caseSource code\(s\) \[999\]"),
    ],
)
def test_scdb_undocumented_code_is_an_error(tmp_path, column, code, says):
    rows = [dict(r) for r in SCDB_CASES]
    rows[1][column] = code
    _csv(tmp_path / "scdb" / "SCDB_2024_01_caseCentered_Citation.csv", rows)
    with pytest.raises(DataError, match=says) as e:
        scdb.read(raw_dir=tmp_path, cache=False)
    assert e.value.column == column
    assert e.value.rows == [3]  # header = row 1
    assert e.value.file.endswith("SCDB_2024_01_caseCentered_Citation.csv")


# --- Songer: cta96 (Sixth Circuit extract), cta02 and the circuit-year weights --------------


def _cta02(casenum, year, circuit, treatment, genissue, judges, maj):
    row = {
        "casenum": casenum,
        "year": year,
        "decisiondate": f"03/{year % 10 + 1:02d}/{year % 100:02d}",
        "treatment": treatment,
        "circuit": circuit,
        "genissue": genissue,
    }
    for k, code in enumerate(judges, start=1):
        row[f"j{k}"] = code
    for k, code in enumerate(maj, start=2):
        row[f"j{k}maj1"] = code
    return row


CTA02 = [
    _cta02(30001, 1998, 9, 1, 7, [1201, 1202, 1203], [1, 1]),
    _cta02(30002, 1998, 9, 3, 1, [1201, 10044, 1204], [1, 2]),  # a visiting district judge
    _cta02(30003, 1999, 0, 11, 2, [1301, 1302, 0], [3, np.nan]),  # undocumented 11; empty seat
    _cta02(30003, 2001, 4, 8, 0, [1401, 1402, 99999], [1, np.nan]),  # casenum used twice
]
CTA96 = [
    {"casenum": 501, "year": 1961, "month": 2, "day": 14, "treat": 2, "circuit": 6,
     "geniss": 6, "codej1": 601, "codej2": 602, "codej3": 603, "j2maj1": 1, "j3maj1": 1,
     "weighting": 0.5},
    {"casenum": 502, "year": 1961, "month": 11, "day": 3, "treat": 5, "circuit": 6,
     "geniss": 9, "codej1": 602, "codej2": 604, "codej3": 601, "j2maj1": 4, "j3maj1": 2,
     "weighting": 0.5},
]  # fmt: skip
WEIGHTS = [
    {"Circuit": 9, "Year": 98, "Circuit_Cases": 500},
    {"Circuit": 0, "Year": 99, "Circuit_Cases": 120},
    {"Circuit": 6, "Year": 61, "Circuit_Cases": 240},
]


def _songer(tmp_path: Path, cta02: list[dict] = CTA02) -> None:
    folder = tmp_path / "songer"
    _csv(folder / "cta02.csv.gz", cta02, compress=True)
    _csv(folder / "cta96_sixth_circuit.csv", CTA96)
    _csv(folder / "data_weights.csv", WEIGHTS)


def test_songer_reads_both_namings_with_weights_votes_and_ledger(tmp_path):
    _songer(tmp_path)
    data = songer.read(raw_dir=tmp_path, cache=False, judges=False)
    cases = data.cases.set_index("case_id")
    assert cases.index.tolist() == [
        "songer:cta96:501", "songer:cta96:502", "songer:cta02:30001", "songer:cta02:30002",
        "songer:cta02:30003-1", "songer:cta02:30003-2",
    ]  # fmt: skip
    assert cases["outcome"].astype("str").tolist() == [
        "reversed", "mixed", "affirmed", "reversed_remanded", "unknown", "dismissed",
    ]  # fmt: skip
    assert cases["circuit"].astype("str").tolist() == ["ca6", "ca6", "ca9", "ca9", "cadc", "ca4"]
    assert cases["claim_type"].astype("str").tolist() == [
        "labor_relations", "miscellaneous", "economic_activity", "criminal", "civil_rights",
        "not_labelled_0",
    ]  # fmt: skip
    assert cases["decided"].dt.strftime("%Y-%m-%d").tolist() == [
        "1961-02-14", "1961-11-03", "1998-03-09", "1998-03-09", "1999-03-10", "2001-03-02",
    ]  # fmt: skip
    # weight = published decisions in the circuit-year / sampled cases in it
    assert cases["weight"].tolist() == [120.0, 120.0, 250.0, 250.0, 120.0, 1.0]
    assert "weighting" not in cases.columns  # a third party's derived column
    votes = data.votes
    case2 = votes[votes["case_id"] == "songer:cta02:30002"]
    assert case2["judge_id"].tolist() == ["1201", "10044", "1204"]
    assert case2["vote"].astype("str").tolist() == ["majority", "majority", "dissent"]
    assert case2["by_designation"].tolist() == [False, True, False]
    assert len(votes[votes["case_id"] == "songer:cta02:30003-1"]) == 2  # seat code 0: empty
    assert len(votes[votes["case_id"] == "songer:cta02:30003-2"]) == 2  # 99999: not ascertained
    case502 = votes[votes["case_id"] == "songer:cta96:502"]
    assert case502["vote"].astype("str").tolist() == ["majority", "concurrence", "dissent"]
    assert _ledger(data) == [
        ("cta96_sixth_circuit.csv", "cases", "kept", 2, "", ""),
        ("cta02.csv.gz", "cases", "kept", 3, "", ""),
        ("cta02.csv.gz", "cases", "kept", 1,
         "treatment code 11 is undocumented: outcome set to unknown", "4"),
        ("data_weights.csv", "weights", "kept", 3,
         "circuit-year totals used for sampling weights", ""),
    ]  # fmt: skip
    _adds_up(data)
    notes = " | ".join(data.meta["notes"])
    assert "dropped 1 derived columns" in notes and "casenum 30003" in notes
    assert "1 cases in circuit-years without a published-decision total keep weight 1" in notes


def test_songer_links_votes_to_auburn_judges(tmp_path):
    _songer(tmp_path)
    _auburn(tmp_path)
    data = songer.read(raw_dir=tmp_path, cache=False)
    assert set(data.judges["judge_id"]) >= {"601", "602", "10044"}
    # 6 of the 16 votes link (601 twice, 602 twice, 1301 and 10044 once)
    assert "37.5% of 16 votes link to a judge in the Auburn data" in data.meta["notes"][-1]
    _adds_up(data)


def test_songer_undocumented_code_is_an_error(tmp_path):
    rows = [dict(r) for r in CTA02]
    rows[1]["treatment"] = 13
    _songer(tmp_path, rows)
    with pytest.raises(DataError, match=r"undocumented code\(s\) \[13\] in 'treatment'") as e:
        songer.read(raw_dir=tmp_path, cache=False, judges=False)
    assert e.value.rows == [3] and e.value.file.endswith("cta02.csv.gz")  # header = row 1


# --- Auburn: appeals and district judges (Stata), keyed by Songer codes ---------------------


def _auburn(tmp_path: Path, appeals: list[dict] | None = None) -> Path:
    folder = tmp_path / "auburn"
    folder.mkdir(parents=True, exist_ok=True)
    appeals = appeals or [
        {"ids": 601.0, "name": "ADAMS, JANE", "circuit": 6, "party": 1, "yeara": 1955},
        {"ids": 602.0, "name": "BROWN, OMAR", "circuit": 6, "party": 0, "yeara": 1958},
        {"ids": np.nan, "name": "CRUZ, ANA", "circuit": 12, "party": 1, "yeara": 1979},
        {"ids": 601.0, "name": "ADAMS, JANE Q", "circuit": 6, "party": 1, "yeara": 1955},
        {"ids": 1301.0, "name": "DIAZ, LEE", "circuit": 12, "party": 7, "yeara": 1990},
    ]
    district = [
        {"songer_code": 10044.0, "name": "EVANS, KIM", "circuit": 9, "party": 0, "ayear": 1985},
        {"songer_code": np.nan, "name": "FOX, SAM", "circuit": 3, "party": 1, "ayear": 1970},
    ]
    path = folder / "auburn_appct_stata.dta"
    pd.DataFrame(appeals).to_stata(path, write_index=False, version=114)
    pd.DataFrame(district).to_stata(
        folder / "auburn_district_w_songer_codes.dta", write_index=False, version=114
    )
    return path


def test_auburn_reads_judges_parties_courts_and_ledger(tmp_path):
    _auburn(tmp_path)
    data = auburn.read(raw_dir=tmp_path, cache=False)
    assert len(data.cases) == 0
    judges = data.judges
    assert judges["judge_id"].tolist() == ["601", "602", "1301", "10044"]
    assert judges["name"].tolist() == ["ADAMS, JANE", "BROWN, OMAR", "DIAZ, LEE", "EVANS, KIM"]
    assert judges["party"].astype("str").tolist() == [
        "democratic", "republican", "other", "republican",
    ]  # fmt: skip
    assert judges["court"].astype("str").tolist() == ["ca6", "ca6", "cadc", "district:ca9"]
    assert judges["seat"].tolist() == ["appeals", "appeals", "appeals", "district"]
    assert judges["yeara"].tolist()[:3] == [1955, 1958, 1990]
    appeals, district = "auburn_appct_stata.dta", "auburn_district_w_songer_codes.dta"
    no_code = "no Songer judge code: cannot link to Songer votes"
    assert _ledger(data) == [
        (appeals, "judges", "kept", 3, "", ""),
        (appeals, "judges", "excluded", 1, no_code, "4"),
        (appeals, "judges", "excluded", 1, "Songer judge code already listed (first row kept)",
         "5"),
        (district, "judges", "kept", 1, "", ""),
        (district, "judges", "excluded", 1, no_code, "3"),
    ]  # fmt: skip
    _adds_up(data)


def test_auburn_damaged_file_is_a_clear_error(tmp_path):
    path = _auburn(tmp_path)
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(DataError, match="cannot read the file") as e:
        auburn.read(raw_dir=tmp_path, cache=False)
    assert e.value.file == str(path)


# --- FJC: judges.csv (one row per judge) and federal-judicial-service.csv -------------------

FJC_JUDGES = [
    {"nid": 9001, "jid": 1, "Last Name": "Okafor", "First Name": "Ruth", "Middle Name": "A.",
     "Suffix": "", "Gender": "Female", "Race or Ethnicity": "African American"},
    {"nid": 9002, "jid": 2, "Last Name": "Lind", "First Name": "Peter", "Middle Name": "",
     "Suffix": "Jr.", "Gender": "Male", "Race or Ethnicity": "White"},
    {"nid": 9003, "jid": 3, "Last Name": "Hale", "First Name": "Amos", "Middle Name": "",
     "Suffix": "", "Gender": "Male", "Race or Ethnicity": "White"},
]  # fmt: skip


def _service(nid, seq, court, kind, president, party, commission, end="", why=""):
    return {
        "nid": nid,
        "Sequence": seq,
        "JudgeName": "x",
        "CourtType": kind,
        "CourtName": court,
        "AppointingPresident": president,
        "PartyofAppointingPresident": party,
        "CommissionDate": commission,
        "Termination": why,
        "Termination Date": end,
    }


NINTH = "U.S. Court of Appeals for the Ninth Circuit"
DISTRICT = "U.S. District Court for the District of Oregon"
FJC_SERVICE = [
    _service(9001, 1, DISTRICT, "U.S. District Court", "Bill Clinton", "Democratic", "03/01/1994",
             "05/02/2000", "Appointment to Another Judicial Position"),
    _service(9001, 2, NINTH, "U.S. Court of Appeals", "Bill Clinton", "Democratic", "05/02/2000"),
    _service(9001, 3, DISTRICT, "U.S. District Court", "None (reassignment)",
             "None (reassignment)", "01/01/2010"),
    _service(9002, 1, DISTRICT, "U.S. District Court", "George W. Bush", "Republican",
             "07/15/2003", "09/30/2015", "Retirement"),
    _service(9003, 1, "Supreme Court of the United States", "Supreme Court", "Millard Fillmore",
             "Whig", "1852-12-06"),  # the directory writes many early dates as ISO dates
]  # fmt: skip


def _fjc(tmp_path: Path) -> Path:
    _csv(tmp_path / "fjc_judges" / "judges.csv", FJC_JUDGES)
    return _csv(tmp_path / "fjc_judges" / "federal-judicial-service.csv.gz", FJC_SERVICE, True)


def test_fjc_judges_one_row_per_judge_the_appeals_appointment_first(tmp_path):
    _fjc(tmp_path)
    data = fjc_judges.read(raw_dir=tmp_path, cache=False)
    judges = data.judges
    assert judges["judge_id"].tolist() == ["fjc:9001", "fjc:9002", "fjc:9003"]
    assert judges["name"].tolist() == ["Ruth A. Okafor", "Peter Lind Jr.", "Amos Hale"]
    # 9001's later reassignment to a district court does not hide the court of appeals
    assert judges["court"].astype("str").tolist() == ["ca9", DISTRICT, "scotus"]
    assert judges["party"].astype("str").tolist() == ["democratic", "republican", "other"]
    assert judges["commissioned"].dt.strftime("%Y-%m-%d").tolist() == [
        "2000-05-02", "2003-07-15", "1852-12-06",
    ]  # fmt: skip
    assert judges["n_appointments"].tolist() == [3, 1, 1]
    assert judges["courts"].tolist()[0] == f"{DISTRICT}; ca9; {DISTRICT}"
    assert judges["gender"].tolist() == ["Female", "Male", "Male"]
    assert _ledger(data) == [
        ("judges.csv", "judges", "kept", 3, "", ""),
        ("federal-judicial-service.csv.gz", "judges", "kept", 5,
         "appointments: one per judge chosen (court of appeals first, else latest)", ""),
    ]  # fmt: skip
    _adds_up(data)
    service = fjc_judges.read_service(tmp_path)
    assert service["party"].isna().tolist() == [False, False, True, False, False]
    assert service["party_raw"].tolist()[2] == "None (reassignment)"
    assert service["terminated"].notna().tolist() == [True, False, False, True, False]


def test_an_unreadable_fjc_date_is_an_error_naming_its_row(tmp_path):
    _csv(tmp_path / "fjc_judges" / "judges.csv", FJC_JUDGES)
    rows = [dict(r) for r in FJC_SERVICE]
    rows[3]["Termination Date"] = "30/09/2015"
    _csv(tmp_path / "fjc_judges" / "federal-judicial-service.csv.gz", rows, True)
    with pytest.raises(DataError) as err:
        fjc_judges.read(raw_dir=tmp_path, cache=False)
    text = str(err.value)
    assert "'30/09/2015'" in text and "'Termination Date'" in text and "row 5" in text
    assert "federal-judicial-service.csv.gz" in text and "M/D/YYYY or YYYY-MM-DD" in text


def test_fjc_judges_need_both_files_and_their_columns(tmp_path):
    path = _fjc(tmp_path)
    (tmp_path / "fjc_judges" / "judges.csv").unlink()
    with pytest.raises(ToolkitError, match="judges.csv and federal-judicial-service.csv"):
        fjc_judges.read(raw_dir=tmp_path, cache=False)
    _csv(tmp_path / "fjc_judges" / "judges.csv", FJC_JUDGES)
    _csv(path, [{k: v for k, v in r.items() if k != "CourtName"} for r in FJC_SERVICE], True)
    with pytest.raises(ToolkitError, match=r"none of the columns \('CourtName', 'Court Name'\)"):
        fjc_judges.read(raw_dir=tmp_path, cache=False)
