"""Rates, intervals and comparisons, each against an independent computation."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

import toolkit
from toolkit.errors import ToolkitError
from toolkit.rates import (
    CI_METHODS,
    compare_rates,
    proportion_ci,
    reversal_rates,
    rule_sensitivity,
)
from toolkit.schema import CaseData, conform

STATSMODELS_NAME = {
    "wilson": "wilson",
    "jeffreys": "jeffreys",
    "exact": "beta",
    "agresti_coull": "agresti_coull",
}


def _data(rows):
    """Cases from (group, outcome[, weight]) tuples."""
    frame = pd.DataFrame(rows, columns=["group", "outcome", "weight"][: len(rows[0])])
    frame.insert(0, "case_id", [f"t:{i}" for i in range(len(frame))])
    frame["source"] = "t"
    if "weight" not in frame:
        frame["weight"] = 1.0
    return CaseData(cases=conform(frame, "cases"))


@pytest.mark.parametrize("method", CI_METHODS)
def test_intervals_match_statsmodels(method):
    x = np.array([0, 1, 3, 10, 29, 30, 50, 400])
    n = np.array([30, 30, 10, 100, 30, 30, 1000, 400])
    low, high = proportion_ci(x, n, method)
    ref_low, ref_high = proportion_confint(x, n, alpha=0.05, method=STATSMODELS_NAME[method])
    inner = (x > 0) & (x < n)
    np.testing.assert_allclose(low[inner], np.clip(ref_low, 0, 1)[inner], atol=1e-10)
    np.testing.assert_allclose(high[inner], np.clip(ref_high, 0, 1)[inner], atol=1e-10)
    # at x = 0 and x = n the interval reaches the boundary (Brown, Cai & DasGupta's Jeffreys
    # modification; statsmodels does not apply it)
    if method in ("jeffreys", "exact"):
        assert (low[x == 0] == 0).all() and (high[x == n] == 1).all()
    if method != "jeffreys":
        np.testing.assert_allclose(low, np.clip(ref_low, 0, 1), atol=1e-10)
        np.testing.assert_allclose(high, np.clip(ref_high, 0, 1), atol=1e-10)


def test_wilson_by_hand():
    # x = 3, n = 10, z = 1.959964: centre (3 + z^2/2)/(10 + z^2), half-width z*sqrt(...)
    z = 1.959963984540054
    centre = (3 + z**2 / 2) / (10 + z**2)
    half = z * np.sqrt(10 * 0.3 * 0.7 + z**2 / 4) / (10 + z**2)
    low, high = proportion_ci([3], [10])
    assert low[0] == pytest.approx(centre - half) and high[0] == pytest.approx(centre + half)
    assert round(low[0], 4) == 0.1078 and round(high[0], 4) == 0.6032


def test_empty_group_gives_nan():
    low, high = proportion_ci([0], [0])
    assert np.isnan(low[0]) and np.isnan(high[0])


def test_bad_method_and_level():
    with pytest.raises(ToolkitError, match="unknown interval method"):
        proportion_ci([1], [2], "wald")
    with pytest.raises(ToolkitError, match="level"):
        proportion_ci([1], [2], level=95)


def _coverage(method, n, p):
    x = np.arange(n + 1)
    low, high = proportion_ci(x, np.full(n + 1, n), method)
    return stats.binom.pmf(x, n, p)[(low <= p) & (p <= high)].sum()


def test_wilson_coverage_exact_over_a_grid():
    """Exact coverage (the limit of a simulation) for n >= 30 across rates 2%-50%."""
    covs = [
        _coverage("wilson", n, p) for n in (30, 50, 100, 400) for p in np.linspace(0.02, 0.5, 25)
    ]
    assert 0.945 <= np.mean(covs) <= 0.955
    assert min(covs) >= 0.90


def test_wilson_coverage_by_simulation():
    rng = np.random.default_rng(7)
    hits = []
    for p in (0.03, 0.1, 0.3):
        for n in (30, 200):
            x = rng.binomial(n, p, size=4000)
            low, high = proportion_ci(x, np.full_like(x, n))
            hits.append(((low <= p) & (p <= high)).mean())
    assert 0.93 <= np.mean(hits) <= 0.965


def test_rates_by_hand():
    data = _data(
        [
            ("a", "affirmed"),
            ("a", "reversed"),
            ("a", "dismissed"),
            ("b", "vacated_remanded"),
            ("b", "denied"),
            ("b", "unknown"),
        ]
    )
    r = reversal_rates(data, by="group", rule="reversed", min_n=2)
    assert r[["group", "n", "n_reversed", "n_excluded"]].values.tolist() == [
        ["a", 2, 1, 1],
        ["b", 2, 0, 1],
    ]
    assert r["rate"].tolist() == [0.5, 0.0]
    assert r["small_n"].tolist() == [False, False]
    d = reversal_rates(data, by="group", rule="disturbed", min_n=3)
    assert d["n_reversed"].tolist() == [1, 1] and d["small_n"].tolist() == [True, True]
    w = reversal_rates(data, by="group", rule="appellant_win")
    assert w["n"].tolist() == [3, 2] and w["n_excluded"].tolist() == [0, 1]
    overall = reversal_rates(data, rule="disturbed")
    assert overall[["n", "n_reversed", "n_excluded"]].values.tolist() == [[4, 2, 2]]
    assert (overall["rule"] == "disturbed").all() and (overall["ci_method"] == "wilson").all()


def test_weighted_rate_and_effective_n_by_hand():
    data = _data(
        [
            ("a", "reversed", 1.0),
            ("a", "affirmed", 3.0),
            ("a", "affirmed", 4.0),
            ("a", "dismissed", 10.0),
        ]
    )
    r = reversal_rates(data, weighted=True)
    assert r["rate"].item() == pytest.approx(1 / 8)
    n_eff = 8**2 / (1 + 9 + 16)
    assert r["n_effective"].item() == pytest.approx(n_eff)
    low, high = proportion_ci([n_eff / 8], [n_eff])
    assert r["ci_low"].item() == pytest.approx(low[0])
    assert "weighted" in r["ci_method"].item()
    assert r["n"].item() == 3 and r["n_excluded"].item() == 1


def test_bad_grouping_column():
    with pytest.raises(ToolkitError, match="no such column"):
        reversal_rates(toolkit.load("demo"), by="circuitt")


def test_compare_rates_against_scipy_and_statsmodels():
    data = toolkit.load("demo")
    comp = compare_rates(data, by="circuit")
    g = comp.groups
    table = np.column_stack([g["n_reversed"], g["n"] - g["n_reversed"]])
    chi2, p, dof, _ = stats.chi2_contingency(table, correction=False)
    assert comp.test["statistic"].item() == pytest.approx(chi2)
    assert comp.test["p_value"].item() == pytest.approx(p)
    assert comp.test["df"].item() == dof == 10
    raw = []
    for i in range(len(g)):
        x, n = g["n_reversed"].iloc[i], g["n"].iloc[i]
        rx, rn = g["n_reversed"].sum() - x, g["n"].sum() - n
        two = np.array([[x, n - x], [rx, rn - rx]])
        raw.append(stats.chi2_contingency(two, correction=False).pvalue)
        low, high = confint_proportions_2indep(x, n, rx, rn, method="newcomb")
        assert g["diff_rest_low"].iloc[i] == pytest.approx(low)
        assert g["diff_rest_high"].iloc[i] == pytest.approx(high)
        overall = g["n_reversed"].sum() / g["n"].sum()
        assert g["diff_overall"].iloc[i] == pytest.approx(g["rate"].iloc[i] - overall)
    np.testing.assert_allclose(g["p_value"], raw)
    np.testing.assert_allclose(g["p_adjusted"], multipletests(raw, method="holm")[1])
    bh = compare_rates(data, by="circuit", correction="fdr_bh").groups
    np.testing.assert_allclose(bh["p_adjusted"], multipletests(raw, method="fdr_bh")[1])
    assert g["diff_median"].tolist() == pytest.approx((g["rate"] - g["rate"].median()).tolist())


def test_compare_rates_uses_fisher_for_small_counts():
    data = _data([("a", "reversed")] * 3 + [("a", "affirmed")] * 2 + [("b", "affirmed")] * 6)
    comp = compare_rates(data, by="group")
    assert comp.test["test"].item() == "fisher_exact"
    ref = stats.fisher_exact([[3, 2], [0, 6]]).pvalue
    assert comp.test["p_value"].item() == pytest.approx(ref)
    assert comp.groups["test"].tolist() == ["fisher_exact", "fisher_exact"]
    three = _data(
        [("a", "reversed")] * 3
        + [("a", "affirmed")] * 2
        + [("b", "affirmed")] * 6
        + [("c", "affirmed")] * 4
        + [("c", "reversed")]
    )
    comp3 = compare_rates(three, by="group", n_resamples=4000, seed=1)
    assert comp3.test["test"].item().startswith("fisher_exact (Monte Carlo")
    exact = stats.fisher_exact(np.array([[3, 2], [0, 6], [1, 4]])).pvalue
    assert abs(comp3.test["p_value"].item() - exact) < 0.03


def test_compare_rates_needs_two_groups():
    with pytest.raises(ToolkitError, match="at least two groups"):
        compare_rates(_data([("a", "reversed"), ("a", "affirmed")]), by="group")
    with pytest.raises(ToolkitError, match="holm"):
        compare_rates(toolkit.load("demo"), by="circuit", correction="bonferonni")


def test_rule_sensitivity_stacks_rules():
    data = _data([("a", "vacated"), ("a", "dismissed"), ("a", "affirmed")])
    s = rule_sensitivity(data, by="group")
    assert s[["rule", "n", "n_reversed"]].values.tolist() == [
        ["reversed", 2, 0],
        ["disturbed", 2, 1],
        ["appellant_win", 3, 1],
    ]


def test_demo_circuit_rates_in_2009_cover_the_planted_rates():
    data = toolkit.load("demo")
    truth = toolkit.sources.demo.truth()
    cases = data.cases[data.cases["year"] == 2009]
    r = reversal_rates(cases, by="circuit")
    target = r["circuit"].astype("str").map(truth["target_grant_rate_2009"])
    covered = (r["ci_low"] <= target) & (target <= r["ci_high"])
    assert covered.sum() >= 10  # 11 of 11 with the committed demo data


# -- sampling weights against R's survey package -----------------------------------------------


def _weighted_sample():
    """60 cases in three circuits with weights between 1 and 3 (seeded; the same cases as
    tests/test_degenerate.py's ``_data(60, seed=4)``)."""
    rng = np.random.default_rng(4)
    n = 60
    cases = pd.DataFrame(
        {
            "case_id": [f"t:{i}" for i in range(n)],
            "source": "t",
            "circuit": np.array(["ca1", "ca2", "ca9"])[rng.integers(0, 3, n)],
            "year": rng.integers(2000, 2006, n),
            "claim_type": np.array(["asylum", "cat"])[rng.integers(0, 2, n)],
            "outcome": np.where(rng.random(n) < 0.4, "reversed", "affirmed"),
            "weight": rng.uniform(1, 3, n),
        }
    )
    return CaseData(cases=conform(cases, "cases"))


# R 4.2.2, survey 4.1-1: des <- svydesign(ids = ~1, weights = ~weight, data = d)
# svyby(~y, ~circuit, des, svymean); svyglm(y ~ factor(circuit), des, quasibinomial());
# predict(svyglm(y ~ year, des, quasibinomial()), data.frame(year = 2000:2005), se.fit = TRUE)
R_SVY_RATE = [0.358084625003, 0.320295460983, 0.38156197]
R_SVY_SE = [0.136363539763, 0.100329775748, 0.105712058756]
R_SVYGLM_COEF = [-0.583687139198, -0.168727177729, 0.100763421681]
R_SVYGLM_SE = [0.593245993809, 0.75121424544, 0.743391668794]
R_SVY_TREND_ETA = [-0.646492999468, -0.631631931893, -0.616770864318, -0.601909796742,
                   -0.587048729167, -0.572187661592]  # fmt: skip
R_SVY_TREND_SE = [0.498094644206, 0.370747785257, 0.290212051128, 0.297330821835,
                  0.387300489611, 0.518662886203]  # fmt: skip


def test_weighted_rates_match_svymean():
    r = reversal_rates(_weighted_sample(), by="circuit", weighted=True)
    np.testing.assert_allclose(r["rate"], R_SVY_RATE, rtol=1e-10)
    np.testing.assert_allclose(r["std_error"], R_SVY_SE, rtol=1e-10)
    assert r["ci_method"].iloc[0] == "wilson, weighted (Kish effective n)"


def test_weighted_model_and_trend_match_svyglm():
    from scipy import stats

    data = _weighted_sample()
    m = toolkit.fit_reversal_model(data, "~ C(circuit)", weights="weight", cov_type="HC0")
    n = m.n_obs
    np.testing.assert_allclose(m.table["estimate"], R_SVYGLM_COEF, rtol=1e-7)
    # svyglm's variance is HC0 times n / (n - 1)
    np.testing.assert_allclose(m.table["std_error"] * np.sqrt(n / (n - 1)), R_SVYGLM_SE, rtol=1e-7)
    t = toolkit.trend(data, weighted=True, df=5)  # six years < df + 2: a straight logit line
    eta = np.log(t["fitted"] / (1 - t["fitted"]))
    se = (eta - np.log(t["fitted_low"] / (1 - t["fitted_low"]))) / stats.norm.ppf(0.975)
    np.testing.assert_allclose(eta, R_SVY_TREND_ETA, rtol=1e-7)
    np.testing.assert_allclose(se, R_SVY_TREND_SE, rtol=1e-7)


def test_bad_weights_are_refused():
    data = _weighted_sample()
    cases = data.cases.assign(weight=-1.0)
    with pytest.raises(ToolkitError, match="negative or infinite"):
        reversal_rates(cases, weighted=True)
    with pytest.raises(ToolkitError, match="sampling weights need robust errors"):
        toolkit.fit_reversal_model(data, "~ 1", weights="weight", robust=False)


def _svychisq_sample():
    """120 cases in three circuits with weights of 1, 4 or 13 (as between Songer's periods)."""
    rng = np.random.default_rng(7)
    n = 120
    g = rng.choice(["ca1", "ca2", "ca3"], n, p=[0.5, 0.3, 0.2])
    w = rng.choice([1.0, 4.0, 13.0], n)
    p = np.where(g == "ca1", 0.2, np.where(g == "ca2", 0.35, 0.3))
    y = rng.random(n) < p
    return pd.DataFrame(
        {"circuit": g, "outcome": np.where(y, "reversed", "affirmed"), "weight": w, "y": y * 1}
    )


# R 4.2.2, survey 4.1-1 on _svychisq_sample() (SVYCHISQ_CHECK): the Rao-Scott F, its degrees
# of freedom and p-value; then per circuit the group-vs-rest F test's p-value and the
# difference of weighted shares (svycontrast of svyby) with its standard error
R_SVYCHISQ = [3.41699226675, 1.99745597529, 237.69726106, 0.0344883895239]
R_SVY_VS_REST = [
    [0.0608287729148, -0.191450849346, 0.0996552297586],
    [0.934455461778, -0.00924478178368, 0.111716152888],
    [0.0137716112484, 0.321602616167, 0.139545795817],
]
SVYCHISQ_CHECK = r"""
suppressMessages(library(survey))
d <- read.csv(commandArgs(TRUE)[1]); d$yf <- factor(d$y)
des <- svydesign(ids = ~1, weights = ~weight, data = d)
r <- svychisq(~circuit + yf, des, statistic = "F")
out <- c(r$statistic, r$parameter, r$p.value)
for (lv in sort(unique(d$circuit))) {
  des <- update(des, ing = factor(circuit == lv, levels = c(FALSE, TRUE)))
  rr <- svychisq(~ing + yf, des, statistic = "F")
  ct <- svycontrast(svyby(~y, ~ing, des, svymean), c(-1, 1))
  out <- c(out, rr$p.value, coef(ct), SE(ct))
}
cat(sprintf("%.12g", out), "\n")
"""


def test_weighted_comparison_matches_svychisq():
    from scipy import stats

    comp = compare_rates(_svychisq_sample(), by="circuit", weighted=True, min_n=0)
    t = comp.test.iloc[0]
    np.testing.assert_allclose(
        [t["statistic"], t["df"], t["df_denominator"], t["p_value"]], R_SVYCHISQ, rtol=1e-9
    )
    assert t["test"] == "rao_scott_f" and t["n"] == 120
    g = comp.groups
    z = stats.norm.ppf(0.975)
    r = np.array(R_SVY_VS_REST)
    np.testing.assert_allclose(g["p_value"], r[:, 0], rtol=1e-9)
    np.testing.assert_allclose(g["diff_rest"], r[:, 1], rtol=1e-9)
    np.testing.assert_allclose((g["diff_rest_high"] - g["diff_rest"]) / z, r[:, 2], rtol=1e-9)
    assert (g["test"] == "rao_scott_f").all()
    # equal weights: the design-based F with its correction is close to Pearson's chi-square
    same = _svychisq_sample().assign(weight=2.0)
    plain = compare_rates(same, by="circuit", min_n=0).test.iloc[0]
    equal = compare_rates(same, by="circuit", weighted=True, min_n=0).test.iloc[0]
    assert equal["statistic"] * equal["df"] == pytest.approx(plain["statistic"], rel=0.02)


def test_stored_svychisq_numbers_are_surveys(tmp_path):
    import shutil
    import subprocess

    if shutil.which("Rscript") is None:
        pytest.skip("Rscript not installed: the stored survey numbers are checked instead")
    _svychisq_sample().to_csv(tmp_path / "d.csv", index=False)
    (tmp_path / "check.R").write_text(SVYCHISQ_CHECK)
    run = subprocess.run(
        ["Rscript", str(tmp_path / "check.R"), str(tmp_path / "d.csv")],
        capture_output=True,
        text=True,
    )
    if run.returncode != 0:
        pytest.skip("R lacks the survey package")
    got = [float(v) for v in run.stdout.split()]
    np.testing.assert_allclose(got, R_SVYCHISQ + sum(R_SVY_VS_REST, []), rtol=1e-9)


def test_weighted_judge_estimates_use_kish_effective_counts():
    from toolkit.models import _beta_binomial_group

    rng = np.random.default_rng(3)
    n = 90
    cases = pd.DataFrame(
        {
            "case_id": [f"w:{i}" for i in range(n)],
            "source": "w",
            "circuit": "ca1",
            "outcome": np.where(rng.random(n) < 0.3, "reversed", "affirmed"),
            "weight": rng.choice([1.0, 4.0, 13.0], n),
        }
    )
    votes = pd.DataFrame({"case_id": cases["case_id"], "judge_id": [f"J{i % 6}" for i in range(n)]})
    data = CaseData(cases=conform(cases, "cases"), votes=conform(votes, "votes"))
    # equal weights change nothing
    flat = CaseData(cases=conform(cases.assign(weight=5.0), "cases"), votes=data.votes)
    plain = toolkit.judge_effects(flat, min_n=0)
    same = toolkit.judge_effects(flat, min_n=0, weighted=True)
    np.testing.assert_allclose(same["estimate"], plain["estimate"], rtol=1e-12)
    np.testing.assert_allclose(same["n_effective"], same["n"], rtol=1e-12)
    # unequal weights: each judge's record is the weighted share over Kish's effective n
    je = toolkit.judge_effects(data, min_n=0, weighted=True).sort_values("judge_id")
    y = (cases["outcome"] == "reversed").astype(float)
    judge = votes["judge_id"]
    w = cases["weight"]
    n_eff = (w.groupby(judge).sum() ** 2 / (w**2).groupby(judge).sum()).to_numpy()
    share = ((w * y).groupby(judge).sum() / w.groupby(judge).sum()).to_numpy()
    np.testing.assert_allclose(je["n_effective"], n_eff, rtol=1e-12)
    np.testing.assert_allclose(je["raw_rate"], share, rtol=1e-12)
    est, low, high, *_ = _beta_binomial_group(share * n_eff, n_eff, 0.95)
    np.testing.assert_allclose(je["estimate"], est, rtol=1e-10)
    np.testing.assert_allclose(je["ci_low"], low, rtol=1e-8)
    assert (n_eff < je["n"]).all()  # unequal weights: less information than the raw count
    with pytest.raises(ToolkitError, match="mixed model does not take sampling weights"):
        toolkit.judge_effects(data, method="mixed", weighted=True)
