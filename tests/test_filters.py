"""toolkit.subset: conditions on any column, each exclusion counted in the ledger."""

import pandas as pd
import pytest

import toolkit
from toolkit.errors import ToolkitError
from toolkit.filters import subset
from toolkit.schema import CaseData, conform, ledger_frame


def _tiny() -> CaseData:
    """Six hand-made cases: one without a year, one without a circuit, two votes each."""
    cases = conform(
        pd.DataFrame(
            {
                "case_id": ["a", "b", "c", "d", "e", "f"],
                "source": "t",
                "circuit": ["ca1", "ca1", "ca9", "ca9", None, "ca2"],
                "year": [2001, 2002, 2003, None, 2002, 2005],
                "claim_type": ["x", "y", "x", "x", "x", "y"],
                "outcome": ["affirmed", "reversed", "reversed", "denied", "granted", "mixed"],
                "weight": 1.0,
                "panel_size": [3, 3, 3, 5, 3, 3],
            }
        ),
        "cases",
    )
    votes = conform(
        pd.DataFrame(
            {
                "case_id": [c for c in "abcdef" for _ in range(2)],
                "judge_id": ["j1", "j2"] * 6,
                "vote": "majority",
            }
        ),
        "votes",
    )
    ledger = ledger_frame(
        [
            {"file": "t.csv", "table": "cases", "action": "kept", "n_rows": 6},
            {"file": "t.csv", "table": "votes", "action": "kept", "n_rows": 12},
        ]
    )
    return CaseData(cases=cases, votes=votes, ledger=ledger, meta={"rows_read": {"t.csv": 18}})


def _steps(data: CaseData) -> pd.DataFrame:
    return data.ledger[data.ledger["file"].str.startswith("subset")]


def test_each_condition_is_counted_in_order_by_hand():
    data = _tiny()
    part = subset(data, years=[2001, 2003], circuits=["ca1", "ca9"], claim_types="x")
    # years drop d (no year) and f (2005); circuits then drop e (no circuit); claim type b (y)
    assert part.cases["case_id"].tolist() == ["a", "c"]
    steps = _steps(part)
    cases = steps[steps["table"] == "cases"]
    assert cases[["action", "n_rows"]].values.tolist() == [
        ["excluded", 2],
        ["excluded", 1],
        ["excluded", 1],
        ["kept", 2],
    ]
    assert "2001-2003" in cases["reason"].iloc[0] and "circuit" in cases["reason"].iloc[1]
    votes = steps[steps["table"] == "votes"]
    assert votes[["action", "n_rows"]].values.tolist() == [["kept", 4], ["excluded", 8]]
    assert set(part.votes["case_id"]) == {"a", "c"}
    summary = part.ledger_summary()  # CaseData checked read == kept + excluded on build
    assert (summary["read"] == summary["kept"] + summary["excluded"]).all()
    assert part.meta["subsets"][0]["cases_before"] == 6
    assert len(data.cases) == 6 and len(_steps(data)) == 0  # the input is untouched


def test_where_takes_values_ranges_exclusions_and_functions():
    data = _tiny()
    assert subset(data, where={"outcome": "reversed"}).cases["case_id"].tolist() == ["b", "c"]
    ranged = subset(data, where={"year": {"min": 2002, "max": 2003}})
    assert ranged.cases["case_id"].tolist() == ["b", "c", "e"]
    assert subset(data, where={"panel_size": {"not": [5]}}).cases["case_id"].tolist() == list(
        "abcef"
    )

    def even_year(col):
        return (col % 2 == 0).fillna(False)

    assert subset(data, where={"year": even_year}).cases["case_id"].tolist() == ["b", "e"]
    assert subset(data, years=2002).cases["case_id"].tolist() == ["b", "e"]


def test_successive_subsets_keep_the_ledger_adding_up():
    data = _tiny()
    once = subset(data, years=[2001, 2005])
    twice = subset(once, circuits="ca9", label="ninth only")
    files = list(dict.fromkeys(_steps(twice)["file"]))
    assert files == ["subset 1: years 2001-2005", "subset 2: ninth only"]
    assert twice.meta["rows_read"]["subset 2: ninth only"] == 5 + 10  # cases + votes before
    assert twice.cases["case_id"].tolist() == ["c"]


def test_bad_conditions_and_an_empty_result_are_refused():
    data = _tiny()
    with pytest.raises(ToolkitError, match="no column 'court_name'"):
        subset(data, where={"court_name": "x"})
    with pytest.raises(ToolkitError, match="years expected"):
        subset(data, years=[2005, 2001])
    with pytest.raises(ToolkitError, match="unknown key"):
        subset(data, where={"year": {"from": 2001}})
    with pytest.raises(ToolkitError, match="no case is left"):
        subset(data, circuits="cadc")
    with pytest.raises(ToolkitError, match="empty list"):
        subset(data, circuits=[])
    assert subset(data) is data


def test_demo_counts_agree_with_pandas():
    data = toolkit.load("demo")
    part = toolkit.subset(data, years=[2005, 2006], circuits=["ca9", "ca2"])
    cases = data.cases
    expected = cases[
        cases["year"].between(2005, 2006) & cases["circuit"].astype("str").isin(["ca9", "ca2"])
    ]
    assert sorted(part.cases["case_id"]) == sorted(expected["case_id"])
    steps = _steps(part)
    excluded_years = int((~cases["year"].between(2005, 2006)).sum())
    assert steps["n_rows"].iloc[0] == excluded_years
    assert set(part.votes["case_id"]) <= set(part.cases["case_id"])
    assert len(part.votes) == int(data.votes["case_id"].isin(expected["case_id"]).sum())


def test_report_filters_go_through_subset(tmp_path):
    from toolkit.notebook import Report

    report = Report.start("t", circuits=["ca9"], years=[2005, 2006], output_dir=str(tmp_path))
    steps = _steps(report.data)
    assert steps["file"].iloc[0] == "subset 1: years 2005-2006; circuit in ca9"
    assert int(steps.loc[steps["table"] == "cases", "n_rows"].sum()) == 8000
