"""The declared result tables agree with what the statistics return; one default level and
minimum group size; prose and labels say the level actually used."""

import inspect
import json
import warnings

import pandas as pd
import pytest

import toolkit
from toolkit import paths, results
from toolkit import rates as rates_module
from toolkit.prose import (
    describe_comparison,
    describe_judges,
    describe_rates,
    describe_trend,
    format_marginal_effects,
    format_model,
)
from toolkit.results import LEVEL, MIN_N, RESULTS, interval_label, label, level_text
from toolkit.sources import idb


@pytest.fixture(scope="module")
def demo():
    return toolkit.load("demo")


@pytest.fixture(scope="module")
def small(demo):
    return toolkit.subset(demo, circuits=["ca1"])


def _conforms(table, frame, keys=()):
    problems = RESULTS[table].problems(frame, keys)
    assert problems == [], (table, problems)


def test_rates_and_what_is_built_on_them_conform(demo, small):
    _conforms("rates", toolkit.reversal_rates(small, by="claim_type"), ["claim_type"])
    _conforms("rates", toolkit.reversal_rates(small), [])
    weighted = toolkit.reversal_rates(small.cases.assign(weight=2.0), by="year", weighted=True)
    assert "std_error" in weighted.columns  # the optional column, in its declared place
    _conforms("rates", weighted, ["year"])
    _conforms("rates", toolkit.rule_sensitivity(small, by="claim_type"), ["claim_type"])
    comparison = toolkit.compare_rates(demo, by="circuit")  # no Monte Carlo test: fast
    _conforms("comparison_groups", comparison.groups, ["circuit"])
    _conforms("comparison_test", comparison.test)
    _conforms("trend", toolkit.trend(small), ["year"])
    pc = toolkit.panel_composition(small)
    _conforms("panel_rates", pc.rates, ["composition"])
    _conforms("rates", pc.votes, ["party", "democratic_colleagues"])
    assert list(pc.rates["composition"].cat.categories) == list(results.COMPOSITIONS)


def test_models_judges_and_agreement_conform(demo, small):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = toolkit.fit_reversal_model(small, "~ C(claim_type) + year", cluster=None)
        mixed = toolkit.judge_effects(small, method="mixed")
    _conforms("model_coefficients", model.table)
    _conforms("marginal_effects", model.marginal_effects)
    _conforms("judge_effects", toolkit.judge_effects(demo), ["judge_id", "circuit"])
    _conforms("judge_effects", toolkit.judge_effects(small, within=None), ["judge_id"])
    _conforms("judge_effects_mixed", mixed, ["judge_id"])
    codings = pd.DataFrame(
        {"case_id": [1, 1, 2, 2], "coder": ["a", "b"] * 2, "outcome": ["x", "x", "y", "x"]}
    )
    _conforms("agreement", toolkit.agreement(codings))


def test_weighted_comparisons_and_judge_estimates_conform(demo):
    weighted = demo.cases.assign(weight=pd.array([1.0, 3.0] * (len(demo.cases) // 2), "Float64"))
    comparison = toolkit.compare_rates(weighted, by="circuit", weighted=True)
    assert comparison.test["test"].item() == "rao_scott_f"
    _conforms("comparison_test", comparison.test)
    _conforms("comparison_groups", comparison.groups, ["circuit"])
    assert "n_effective" in comparison.groups.columns
    judges = toolkit.judge_effects(demo.replace(cases=weighted), weighted=True)
    assert "n_effective" in judges.columns
    _conforms("judge_effects", judges, ["judge_id", "circuit"])


def test_a_frame_that_drifts_is_told_apart(demo):
    rates = toolkit.reversal_rates(demo, by="circuit")
    assert RESULTS["rates"].problems(rates, ["circuit"]) == []
    moved = rates[["circuit", "rate", *[c for c in rates.columns if c not in ("circuit", "rate")]]]
    assert RESULTS["rates"].problems(moved, ["circuit"])  # order
    assert RESULTS["rates"].problems(rates.drop(columns="ci_method"), ["circuit"])  # missing
    assert RESULTS["rates"].problems(rates.assign(n=rates["n"].astype(float)), ["circuit"])
    assert RESULTS["rates"].problems(rates, ["year"])  # grouping columns


def test_the_declarations_say_which_columns_are_rates_and_bounds():
    rates = RESULTS["rates"]
    assert rates.percent() == ["rate", "ci_low", "ci_high"]
    assert rates.bounds() == {"rate": ("ci_low", "ci_high")}
    coefficients = RESULTS["model_coefficients"]
    assert coefficients.percent() == []  # log-odds and odds ratios are not percentages
    assert coefficients.bounds() == {
        "estimate": ("ci_low", "ci_high"),
        "odds_ratio": ("or_low", "or_high"),
    }
    assert rates_module.RATE_COLUMNS == [
        "n", "n_reversed", "rate", "ci_low", "ci_high", "small_n", "n_excluded"
    ]  # fmt: skip
    # what a report shows as a percentage: the same columns as before the declarations
    legacy = {"rate", "ci_low", "ci_high", "raw_rate", "estimate", "fitted", "fitted_low",
              "fitted_high", "rate_rest", "ame"}  # fmt: skip
    assert {c for c in results.PERCENT_COLUMNS if not c.startswith("diff_")} == legacy


def test_labels_carry_the_level():
    assert label("rate") == "Reversal rate"
    assert label("n") == "Cases" and label("n_reversed") == "Reversed"
    assert label("ci_low") == "95% interval, low"
    assert label("ci_high", level=0.9) == "90% interval, high"
    assert label("or_low", level=0.99) == "99% interval of the odds ratio, low"
    assert label("estimate", table="model_coefficients") == "Log-odds"
    assert label("estimate", table="judge_effects") == "Estimated rate"
    assert label("circuit") == "Circuit" and label("no_such_column") == "no such column"
    assert interval_label(0.995) == "99.5% interval" and level_text(0.8) == "80%"


def _defaults(func, name):
    parameter = inspect.signature(func).parameters.get(name)
    return None if parameter is None else parameter.default


@pytest.mark.parametrize(
    "func",
    [
        toolkit.reversal_rates,
        toolkit.compare_rates,
        toolkit.rule_sensitivity,
        toolkit.trend,
        toolkit.judge_effects,
        toolkit.panel_composition,
        toolkit.durations,
        toolkit.panel_draw,
        toolkit.fit_reversal_model,
        toolkit.proportion_ci,
        rates_module.rates_from_flags,
        idb.aggregate,
    ],
    ids=lambda f: f.__name__,
)
def test_one_default_level_and_minimum(func):
    level, min_n = _defaults(func, "level"), _defaults(func, "min_n")
    assert level is LEVEL or level == LEVEL
    assert min_n is None or min_n == MIN_N
    source = inspect.getsource(func).split('"""')[0]  # the signature, not the examples
    assert "0.95" not in source and "= 30" not in source


def test_the_notebooks_default_min_n_is_the_constant():
    from toolkit.parameters import PARAMETERS, notebook_parameters

    assert PARAMETERS["min_n"] == MIN_N
    for notebook in sorted((paths.home() / "notebooks").glob("*.ipynb")):
        assert notebook_parameters(notebook)["min_n"] == MIN_N, notebook.name


def test_prose_says_the_level_used(demo, small):
    at_90 = toolkit.reversal_rates(demo, by="circuit", level=0.9)
    assert "; 90% interval" in describe_rates(at_90, "circuit")
    assert "; 95% interval" in describe_rates(toolkit.reversal_rates(demo, by="circuit"), "circuit")
    assert "(90% band" in describe_trend(toolkit.trend(small, level=0.9))
    assert "(95% band" in describe_trend(toolkit.trend(small))
    assert "The 80% intervals are" in describe_judges(toolkit.judge_effects(small, level=0.8), 30)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = toolkit.fit_reversal_model(small, "~ year", cluster=None, level=0.9)
    assert "90% interval" in format_model(model).columns
    assert format_model(model)["term"].iloc[0] == "intercept (reference groups, numeric terms at 0)"
    assert "90% interval" in format_marginal_effects(model).columns


def test_the_verdict_on_a_comparison_follows_the_level(demo):
    # two circuits whose rates differ with p between 0.01 and 0.05 (planted counts)
    cases = pd.DataFrame(
        {
            "case_id": [f"c{i}" for i in range(400)],
            "circuit": ["ca1"] * 200 + ["ca2"] * 200,
            "outcome": ["reversed"] * 30 + ["affirmed"] * 170 + ["reversed"] * 48
            + ["affirmed"] * 152,
        }
    )  # fmt: skip
    at_95 = toolkit.compare_rates(cases, by="circuit")
    p = at_95.test["p_value"].iloc[0]
    assert 0.01 < p < 0.05, p
    assert describe_comparison(at_95, "circuit").startswith("Rates differ")
    at_99 = toolkit.compare_rates(cases, by="circuit", level=0.99)
    assert describe_comparison(at_99, "circuit").startswith("Rates do not differ detectably")
    assert not at_99.groups["significant"].any()  # the same level as the groups' marks


def test_results_is_a_leaf_and_imports_nothing_heavy():
    import subprocess
    import sys

    code = (
        "import sys, toolkit.results; "
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('pandas', 'numpy', 'toolkit'))))"
    )
    run = subprocess.run(
        [sys.executable, "-c", "import json; " + code], capture_output=True, text=True, check=True
    )
    assert json.loads(run.stdout) == ["toolkit", "toolkit.errors", "toolkit.results"]
