"""Degenerate input never crashes deep inside a library and never goes silent.

Every public statistic function of the rates and models modules is walked through every
awkward input: it either returns a result whose problem is flagged (``small_n``, ``n = 0``,
notes, diagnostics) or raises a :class:`~toolkit.errors.ToolkitError` that says what is wrong.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import toolkit
from toolkit.errors import ToolkitError
from toolkit.schema import CaseData, conform


def _data(n=40, seed=0, **change):
    rng = np.random.default_rng(seed)
    circuits = np.array(["ca1", "ca2", "ca9"])[rng.integers(0, 3, n)]
    cases = pd.DataFrame(
        {
            "case_id": [f"t:{i}" for i in range(n)],
            "source": "t",
            "circuit": circuits,
            "year": rng.integers(2000, 2006, n),
            "claim_type": np.array(["asylum", "cat"])[rng.integers(0, 2, n)],
            "outcome": np.where(rng.random(n) < 0.4, "reversed", "affirmed"),
            "weight": rng.uniform(1, 3, n),
            "author": [f"J{k}" for k in rng.integers(0, 6, n)],
        }
    )
    for key, value in change.items():
        if callable(value):
            cases = value(cases)
        else:
            cases[key] = value
    judges = [f"J{k}" for k in range(6)]
    votes = pd.DataFrame(
        {
            "case_id": np.repeat(cases["case_id"].to_numpy(), 3),
            "judge_id": [judges[(i + s) % 6] for i in range(len(cases)) for s in range(3)],
        }
    )
    return CaseData(cases=conform(cases, "cases"), votes=conform(votes, "votes"))


# each awkward input, and the column it empties or breaks (None: it affects every call)
INPUTS = {
    "zero rows": (lambda: _data(0), None),
    "one row": (lambda: _data(1), None),
    "constant outcome": (lambda: _data(outcome="affirmed"), None),
    "group of one": (
        lambda: _data(circuit=lambda c: c.assign(circuit=["ca5"] + list(c["circuit"].iloc[1:]))),
        None,
    ),
    "all-missing covariate": (lambda: _data(year=lambda c: c.assign(year=pd.NA)), "year"),
    "all-missing cluster": (lambda: _data(author=lambda c: c.assign(author=pd.NA)), "author"),
    "infinite weight": (
        lambda: _data(weight=lambda c: c.assign(weight=[np.inf] + [1.0] * (len(c) - 1))),
        "weight",
    ),
}

# each public statistic function, and the columns it reads besides circuit and outcome
CALLS = {
    "reversal_rates": (lambda d: toolkit.reversal_rates(d, by="circuit"), ()),
    "reversal_rates weighted": (
        lambda d: toolkit.reversal_rates(d, by="circuit", weighted=True),
        ("weight",),
    ),
    "compare_rates": (lambda d: toolkit.compare_rates(d, by="circuit", n_resamples=199), ()),
    "compare_rates weighted": (
        lambda d: toolkit.compare_rates(d, by="circuit", weighted=True),
        ("weight",),
    ),
    "rule_sensitivity": (lambda d: toolkit.rule_sensitivity(d, by="circuit"), ()),
    "fit_reversal_model": (
        lambda d: toolkit.fit_reversal_model(d, "~ C(circuit) + year"),
        ("year",),
    ),
    "fit_reversal_model clustered": (
        lambda d: toolkit.fit_reversal_model(d, "~ C(circuit)", cluster="author"),
        ("author",),
    ),
    "fit_reversal_model weighted": (
        lambda d: toolkit.fit_reversal_model(d, "~ C(circuit)", weights="weight"),
        ("weight",),
    ),
    "judge_effects": (lambda d: toolkit.judge_effects(d, min_n=5), ()),
    "judge_effects weighted": (
        lambda d: toolkit.judge_effects(d, min_n=5, weighted=True),
        ("weight",),
    ),
    "judge_effects mixed": (lambda d: toolkit.judge_effects(d, method="mixed"), ()),
    "trend": (lambda d: toolkit.trend(d), ("year",)),
    "trend weighted": (lambda d: toolkit.trend(d, weighted=True), ("year", "weight")),
}

# every call meets every input that changes what it reads; an input that breaks a column a
# call never reads (a missing year for rates by circuit) gives it the ordinary data again
PAIRS = [
    (case, call)
    for case, (_, column) in INPUTS.items()
    for call, (_, reads) in CALLS.items()
    if column is None or column in reads
]


@pytest.fixture(scope="module")
def inputs() -> dict:
    """The awkward data sets, built once for the module (the functions never modify them)."""
    return {case: make() for case, (make, _) in INPUTS.items()}


def _flagged(result) -> None:
    """A returned result must not hide a problem: no silent NaN where there are cases."""
    frames = []
    if isinstance(result, pd.DataFrame):
        frames = [result]
    elif hasattr(result, "groups"):
        frames = [result.groups]
    elif hasattr(result, "table"):
        d = result.diagnostics
        assert d["trusted"] or result.table["p_value"].isna().all()
        assert result.n_obs > 0
        return
    for frame in frames:
        if "rate" in frame.columns:
            counted = frame["n"] > 0
            assert frame.loc[counted, "rate"].notna().all()
            assert frame.loc[counted, ["ci_low", "ci_high"]].notna().all().all()
            assert frame.loc[~counted, "small_n"].all()  # empty groups are marked
        if "estimate" in frame.columns and len(frame):
            assert frame["estimate"].notna().all()
            assert (frame["ci_high"] - frame["ci_low"]).min() > 0


def test_every_input_meets_every_call_that_reads_what_it_breaks():
    for case, (_, column) in INPUTS.items():
        met = {call for c, call in PAIRS if c == case}
        assert met == {call for call, (_, reads) in CALLS.items() if column in (None, *reads)}
        assert met  # no input is left untested


@pytest.mark.parametrize(("case", "call"), PAIRS)
def test_degenerate_input_is_flagged_or_refused(case, call, inputs):
    data = inputs[case]
    try:
        result = CALLS[call][0](data)
    except ToolkitError as exc:
        assert len(str(exc)) > 20  # a sentence, not a code
        return
    _flagged(result)


def test_refusals_say_what_is_wrong():
    with pytest.raises(ToolkitError, match="no cases left to model"):
        toolkit.fit_reversal_model(_data(0), "~ year")
    with pytest.raises(ToolkitError, match="same outcome"):
        toolkit.fit_reversal_model(_data(outcome="affirmed"), "~ year")
    with pytest.raises(ToolkitError, match="year is missing in every case"):
        toolkit.fit_reversal_model(_data(year=lambda c: c.assign(year=pd.NA)), "~ year")
    with pytest.raises(ToolkitError, match="missing in every case"):
        toolkit.fit_reversal_model(
            _data(author=lambda c: c.assign(author=pd.NA)), "~ 1", cluster="author"
        )
    with pytest.raises(ToolkitError, match="level"):
        toolkit.fit_reversal_model(_data(), "~ year", level=2)
    with pytest.raises(ToolkitError, match="df"):
        toolkit.trend(_data(), df=0)
    with pytest.raises(ToolkitError, match="infinite weight"):
        toolkit.reversal_rates(
            _data(weight=lambda c: c.assign(weight=[np.inf] + [1.0] * (len(c) - 1))),
            weighted=True,
        )
    with pytest.raises(ToolkitError, match="both outcomes"):
        toolkit.judge_effects(_data(outcome="affirmed"), method="mixed")
    with pytest.raises(ToolkitError, match="at least two"):
        toolkit.fit_reversal_model(_data(author="J1"), "~ 1", cluster="author")


def test_a_circuit_of_one_case_gets_firth_not_confident_numbers():
    """A circuit with one case used to give every circuit 12-13 log-odds with p = 5e-9."""
    data = _data(circuit=lambda c: c.assign(circuit=["ca5"] + list(c["circuit"].iloc[1:])))
    m = toolkit.fit_reversal_model(data, "~ C(circuit)")
    assert m.method == "firth" and "C(circuit)[T.ca5]" in m.diagnostics["separated"]
    assert any(n.startswith("Separated: the 5th Circuit (ca5): its only case was") for n in m.notes)
    assert (m.table["estimate"].abs() < 5).all()
    assert (m.table["p_value"] > 0.01).all()


def test_summary_json_is_strict(tmp_path):
    import json

    from toolkit.notebook import strict_json

    text = json.dumps(
        strict_json({"x": float("nan"), "y": np.float64("inf"), "z": [np.nan]}), allow_nan=False
    )
    assert json.loads(text) == {"x": None, "y": None, "z": [None]}


def test_rule_sensitivity_sentence_never_says_nan():
    from toolkit.notebook import describe_rule_sensitivity

    data = _data(outcome="dismissed")  # counted under appellant_win only
    text = describe_rule_sensitivity(toolkit.rule_sensitivity(data))
    assert "nan" not in text.lower() and "cannot all be compared" in text


def test_report_turns_warnings_into_notes_and_writes_strict_json(tmp_path):
    import json
    import warnings

    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    from toolkit.notebook import Report

    report = Report.start("probe", data="demo", output_dir=str(tmp_path))
    warnings.warn("raw statsmodels text", ConvergenceWarning, stacklevel=1)
    report.headline(bad=float("nan"), worse=np.float64("inf"))
    summary = report.finish()
    assert summary["status"] == "ok, with notes"
    assert any("did not converge" in n for n in summary["notes"])
    assert not any("raw statsmodels text" in n for n in summary["notes"])
    text = (tmp_path / "summary.json").read_text()
    assert "NaN" not in text and "Infinity" not in text
    assert json.loads(text)["headline"]["bad"] is None


def test_ok_with_notes_is_reused_by_the_incremental_build(tmp_path):
    import hashlib
    import json

    from toolkit.reports import Job, _unchanged

    page, notebook = tmp_path / "index.html", tmp_path / "probe.ipynb"
    page.write_text("<html></html>")
    notebook.write_text("{}")
    job = Job("probe", notebook, {}, tmp_path, "key1")
    intact = {
        "build_key": "key1",
        "executed_notebook": notebook.name,
        "executed_sha256": hashlib.sha256(notebook.read_bytes()).hexdigest(),
        "html_sha256": hashlib.sha256(page.read_bytes()).hexdigest(),
    }
    (tmp_path / "summary.json").write_text(json.dumps({**intact, "status": "ok, with notes"}))
    assert _unchanged(job) is not None
    (tmp_path / "summary.json").write_text(json.dumps({**intact, "status": "failed"}))
    assert _unchanged(job) is None


def test_like_periods_keep_cases_sampled_alike():
    """A one-circuit weighted period before an all-circuit unweighted one (as in Songer)."""
    from toolkit.notebook import design_periods, has_sampling_weights, like_periods

    early = _data(60, seed=1).cases.assign(circuit="ca6", year=1990, weight=13.0)
    late = _data(60, seed=2).cases.assign(
        weight=1.0,
        case_id=lambda c: "u" + c["case_id"],
        circuit=lambda c: c["circuit"].astype(str).replace("ca9", "ca6"),
    )
    both = CaseData(cases=conform(pd.concat([early, late], ignore_index=True), "cases"))
    periods = design_periods(both)
    assert periods["n_circuits"].tolist() == [1, 3]
    compare, text = like_periods(both, "compare")
    assert compare.cases["year"].min() >= 2000 and "13 times" in text
    trend_data, text = like_periods(both, "trend")
    assert set(trend_data.cases["circuit"].astype(str)) == {"ca6"} and "every period" in text
    assert has_sampling_weights(both) and not has_sampling_weights(both, within="year")
    assert like_periods(late_only := CaseData(cases=conform(late, "cases")), "compare") == (
        late_only,
        None,
    )
