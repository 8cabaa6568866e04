"""Models against statsmodels called directly, and recovery of the demo's planted effects."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf
from scipy import stats

import toolkit
from toolkit.errors import ToolkitError
from toolkit.models import fit_reversal_model, judge_effects, pseudonym, trend
from toolkit.panels import panel_composition
from toolkit.rates import flagged_cases
from toolkit.sources.demo import truth


@pytest.fixture(scope="module")
def demo():
    return toolkit.load("demo")


def test_logit_matches_statsmodels_with_clusters_aligned(demo):
    m = fit_reversal_model(demo, "~ C(circuit) + year", cluster="author")
    cases = flagged_cases(demo)
    frame = cases[cases["reversed"].notna() & cases["author"].notna()].copy()
    frame["y"] = frame["reversed"].astype(float)
    frame["year"] = frame["year"].astype(float)
    frame["circuit"] = frame["circuit"].cat.remove_unused_categories()
    ref = smf.logit("y ~ C(circuit) + year", frame).fit(
        disp=0, cov_type="cluster", cov_kwds={"groups": pd.factorize(frame["author"])[0]}
    )
    np.testing.assert_allclose(m.table["estimate"], ref.params.to_numpy(), rtol=1e-6)
    np.testing.assert_allclose(m.table["std_error"], ref.bse.to_numpy(), rtol=1e-6)
    assert m.n_obs == len(frame)
    assert m.n_dropped == len(cases) - len(frame)  # excluded outcomes and per curiam cases
    assert m.n_clusters == frame["author"].nunique()
    assert m.table["odds_ratio"].tolist() == pytest.approx(np.exp(m.table["estimate"]).tolist())


def test_cluster_groups_stay_aligned_when_rows_drop():
    """A covariate missing in some rows must not shift the cluster labels onto other rows."""
    rng = np.random.default_rng(3)
    n = 600
    frame = pd.DataFrame(
        {
            "case_id": [f"t:{i}" for i in range(n)],
            "source": "t",
            "outcome": np.where(rng.random(n) < 0.3, "reversed", "affirmed"),
            "weight": 1.0,
            "x": rng.normal(size=n),
            "g": rng.integers(0, 20, n).astype(str),
        }
    )
    frame.loc[::7, "x"] = np.nan
    m = fit_reversal_model(frame, "~ x", cluster="g")
    keep = frame["x"].notna()
    y = (frame.loc[keep, "outcome"] == "reversed").astype(float)
    ref = sm.Logit(y, sm.add_constant(frame.loc[keep, "x"])).fit(
        disp=0, cov_type="cluster", cov_kwds={"groups": pd.factorize(frame.loc[keep, "g"])[0]}
    )
    np.testing.assert_allclose(m.table["std_error"], ref.bse.to_numpy(), rtol=1e-8)
    assert m.n_dropped == int((~keep).sum())


def test_robust_and_model_based_errors(demo):
    hc1 = fit_reversal_model(demo, "~ C(claim_type)")
    plain = fit_reversal_model(demo, "~ C(claim_type)", robust=False)
    assert hc1.cov_type == "HC1" and plain.cov_type == "nonrobust"
    np.testing.assert_allclose(hc1.table["estimate"], plain.table["estimate"])
    assert len(hc1.marginal_effects) == 3


def test_model_errors(demo):
    with pytest.raises(ToolkitError, match="cluster column"):
        fit_reversal_model(demo, "~ year", cluster="nope")
    with pytest.raises(ToolkitError, match="cannot build the model"):
        fit_reversal_model(demo, "~ no_such_column")


def test_demo_recovers_claim_type_panel_and_trend_effects(demo):
    """The planted effects lie inside the 95% intervals of a panel-clustered logit."""
    t = truth()
    pc = panel_composition(demo)
    cases = demo.cases.merge(pc.cases[["case_id", "n_democratic"]], on="case_id")
    cases["t"] = cases["year"] - t["reference_year"]
    m = fit_reversal_model(
        demo.replace(cases=cases),
        '~ C(circuit) + C(claim_type, Treatment("asylum")) + n_democratic + t',
        cluster="panel",
    )
    tab = m.table.set_index("term")
    planted = {
        'C(claim_type, Treatment("asylum"))[T.withholding]': t["beta_claim_type"]["withholding"],
        'C(claim_type, Treatment("asylum"))[T.cat]': t["beta_claim_type"]["cat"],
        'C(claim_type, Treatment("asylum"))[T.motion_to_reopen]': t["beta_claim_type"][
            "motion_to_reopen"
        ],
        "n_democratic": t["beta_democratic_appointee"],
        "t": t["trend_per_year"],
    }
    for term, value in planted.items():
        assert tab.loc[term, "ci_low"] <= value <= tab.loc[term, "ci_high"], term


def _truth_corr(table, values):
    table = table.drop_duplicates("judge_id")
    return np.corrcoef(table["effect"], table["judge_id"].map(values))[0, 1]


def test_beta_binomial_posterior_by_hand():
    # two judges' counts; the posterior is Beta(x + a, n - x + b) for the fitted prior
    rows = []
    for judge, x, n in (("A", 2, 20), ("B", 9, 30), ("C", 1, 25), ("D", 6, 15)):
        for i in range(n):
            rows.append((f"{judge}{i}", judge, "reversed" if i < x else "affirmed"))
    cases = pd.DataFrame({"case_id": [r[0] for r in rows], "outcome": [r[2] for r in rows]})
    votes = pd.DataFrame({"case_id": [r[0] for r in rows], "judge_id": [r[1] for r in rows]})
    from toolkit.schema import CaseData, conform

    data = CaseData(
        cases=conform(cases.assign(source="t", weight=1.0), "cases"), votes=conform(votes, "votes")
    )
    je = judge_effects(data, min_n=0).set_index("judge_id")
    from toolkit.models import _fit_beta_binomial

    a, b = _fit_beta_binomial(np.array([2, 9, 1, 6.0]), np.array([20, 30, 25, 15.0]))
    # the fitted prior maximises the beta-binomial marginal likelihood
    ll = lambda a_, b_: stats.betabinom.logpmf([2, 9, 1, 6], [20, 30, 25, 15], a_, b_).sum()  # noqa: E731
    assert ll(a, b) >= ll(a * 1.2, b * 1.2) and ll(a, b) >= ll(a * 0.8, b * 0.8)
    assert je.loc["B", "estimate"] == pytest.approx((9 + a) / (30 + a + b))
    assert je.loc["B", "ci_high"] == pytest.approx(stats.beta.ppf(0.975, 9 + a, 21 + b))
    # shrinkage: estimates lie between the raw rate and the prior mean
    prior = a / (a + b)
    for j in "ABCD":
        lo, hi = sorted([je.loc[j, "raw_rate"], prior])
        assert lo <= je.loc[j, "estimate"] <= hi


def test_judge_shrinkage_tracks_planted_effects_better_than_raw_rates(demo):
    u = pd.Series(truth()["judge_effects"])
    eb = judge_effects(demo, within="circuit", min_n=0)
    raw_dev = np.log(eb["raw_rate"].clip(0.005, 0.995) / (1 - eb["raw_rate"].clip(0.005, 0.995)))
    circuit_rate = eb.groupby("circuit", observed=True).apply(
        lambda g: g["n_reversed"].sum() / g["n"].sum()
    )
    cr = eb["circuit"].map(circuit_rate).astype(float)
    raw_dev = raw_dev - np.log(cr / (1 - cr))
    raw_corr = np.corrcoef(raw_dev, eb["judge_id"].map(u))[0, 1]
    eb_corr = _truth_corr(eb, u)
    mixed = judge_effects(demo, method="mixed", adjust_for=["circuit"])
    mixed_corr = _truth_corr(mixed, u)
    assert eb_corr > raw_corr + 0.1
    assert mixed_corr > raw_corr + 0.1
    assert 0.2 < mixed["judge_sd"].iloc[0] < 0.6  # planted 0.35


def test_pseudonyms_are_stable_and_hide_ids(demo):
    a = judge_effects(demo, anonymize=True)
    b = judge_effects(demo, anonymize=True)
    assert a["judge_id"].tolist() == b["judge_id"].tolist()
    assert not a["judge_id"].str.match(r"^[JD]\d{4}$").any()
    assert a["judge_id"].is_unique
    assert pseudonym("J0101", salt="x") != pseudonym("J0101")


def test_judge_effects_need_votes():
    from toolkit.schema import CaseData, conform

    cases = conform(
        pd.DataFrame({"case_id": ["a"], "source": "t", "outcome": ["affirmed"], "weight": 1.0}),
        "cases",
    )
    with pytest.raises(ToolkitError, match="votes"):
        judge_effects(CaseData(cases=cases))


def test_trend_matches_a_direct_binomial_glm(demo):
    t = trend(demo)
    cases = flagged_cases(demo)
    cases = cases[cases["reversed"].notna()]
    by_year = cases.groupby("year")["reversed"].agg(["sum", "count"]).astype(float)
    import patsy

    X = patsy.dmatrix(
        "cr(year, df=3, constraints='center')",
        {"year": by_year.index.to_numpy(float)},
        return_type="dataframe",
    )
    endog = np.column_stack([by_year["sum"], by_year["count"] - by_year["sum"]])
    ref = sm.GLM(endog, X, family=sm.families.Binomial()).fit()
    np.testing.assert_allclose(t["fitted"], ref.predict(X), rtol=1e-8)
    assert (t["fitted_low"] < t["fitted"]).all() and (t["fitted"] < t["fitted_high"]).all()
    by = trend(demo, by="circuit")
    assert by.groupby("circuit", observed=True).size().min() == 9
