import pandas as pd
import pytest

from toolkit.errors import DataError
from toolkit.schema import OUTCOMES, TABLES, CaseData, conform, data_dictionary, ledger_frame


def _cases(**extra):
    frame = pd.DataFrame(
        {
            "case_id": ["a", "b"],
            "source": "t",
            "outcome": ["affirmed", "granted"],
            "weight": 1.0,
            **extra,
        }
    )
    return conform(frame, "cases")


def test_conform_dtypes():
    cases = _cases(
        year=["2004", "2005"],
        published=["Y", "no"],
        decided=["2004-01-02", None],
        circuit=["ca9", None],
        extra=["x", "y"],
    )
    assert str(cases["case_id"].dtype) == "str"
    assert list(cases["outcome"].cat.categories) == list(OUTCOMES)
    assert str(cases["year"].dtype) == "Int64"
    assert cases["published"].tolist() == [True, False]
    assert str(cases["decided"].dtype) == "datetime64[us]"
    assert str(cases["weight"].dtype) == "Float64"
    assert list(cases.columns)[-1] == "extra"  # other columns kept, after the canonical ones


def test_conform_does_not_modify_input():
    frame = pd.DataFrame({"case_id": ["a"], "source": "t", "outcome": ["affirmed"], "weight": 1})
    before = frame.copy()
    conform(frame, "cases")
    pd.testing.assert_frame_equal(frame, before)


def test_whole_floats_become_text_ids():
    judges = conform(pd.DataFrame({"judge_id": [101.0, 102.0]}), "judges")
    assert judges["judge_id"].tolist() == ["101", "102"]


@pytest.mark.parametrize(
    "column, values, expected",
    [
        ("year", ["2004", "2004.5"], "an integer"),
        ("published", ["Y", "maybe"], "true/false"),
        ("decided", ["2004-01-01", "not a date"], "a date"),
        ("circuit", ["ca9", "ca14"], "one of ca1"),
    ],
)
def test_conform_errors_name_rows_and_expectation(column, values, expected):
    with pytest.raises(DataError) as e:
        _cases(**{column: values})
    assert e.value.rows == [3]
    assert expected in e.value.expected
    assert e.value.column == column


def test_missing_required_column():
    with pytest.raises(DataError, match="missing required column.*outcome"):
        conform(pd.DataFrame({"case_id": ["a"], "source": "t", "weight": 1}), "cases")


def test_case_data_checks_its_tables():
    cases = _cases()
    with pytest.raises(DataError, match="dtype"):
        CaseData(cases=cases.assign(year=["2004", "2005"]))
    votes = conform(pd.DataFrame({"case_id": ["zzz"], "judge_id": ["j"]}), "votes")
    with pytest.raises(DataError, match="case ids not in cases: zzz"):
        CaseData(cases=cases, votes=votes)
    ledger = ledger_frame([{"file": "f", "table": "cases", "action": "kept", "n_rows": 2}])
    CaseData(cases=cases, ledger=ledger, meta={"rows_read": {"f": 2}})
    with pytest.raises(DataError, match="ledger does not add up"):
        CaseData(cases=cases, ledger=ledger, meta={"rows_read": {"f": 3}})


def test_case_data_is_frozen():
    data = CaseData(cases=_cases())
    with pytest.raises(AttributeError):
        data.cases = None
    with pytest.raises(TypeError):
        data.meta["source"] = "x"


def test_data_dictionary_covers_every_table():
    dd = data_dictionary()
    assert set(dd["table"]) == set(TABLES)
    assert (
        dd.loc[(dd["table"] == "cases") & (dd["column"] == "circuit"), "allowed"]
        .item()
        .startswith("ca1, ca2")
    )
