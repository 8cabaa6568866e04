"""Models against statsmodels called directly, and recovery of the demo's planted effects."""

import numpy as np
import pandas as pd
import patsy
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf
from scipy import stats

import toolkit
from toolkit.errors import ToolkitError
from toolkit.models import fit_reversal_model, judge_effects, pseudonym, trend
from toolkit.panels import panel_composition
from toolkit.rates import flagged_cases
from toolkit.schema import CaseData, conform
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
    """One categorical predictor saturates the groups: the estimates are the groups' log-odds
    (contrasts with the first), the model-based errors sqrt(1/(n p (1-p))) per group, added
    in quadrature for a contrast: arithmetic on the group counts, no model fitted."""
    hc1 = fit_reversal_model(demo, "~ C(claim_type)")
    plain = fit_reversal_model(demo, "~ C(claim_type)", robust=False)
    assert hc1.cov_type == "HC1" and plain.cov_type == "nonrobust"
    assert len(hc1.marginal_effects) == 3
    frame = _demo_frame(demo)
    groups = frame.groupby(frame["claim_type"].astype("str"))["y"].agg(["sum", "count"])
    p = groups["sum"] / groups["count"]
    logit = np.log(p / (1 - p))
    var = 1 / (groups["count"] * p * (1 - p))
    terms = plain.table.set_index("term")
    levels = [t.split("[T.")[1].rstrip("]") for t in terms.index if "[T." in t]
    (base,) = set(groups.index) - set(levels)
    expected_estimate = [logit[base], *(logit[g] - logit[base] for g in levels)]
    expected_se = [np.sqrt(var[base]), *(np.sqrt(var[g] + var[base]) for g in levels)]
    np.testing.assert_allclose(terms["estimate"], expected_estimate, rtol=1e-6)
    np.testing.assert_allclose(terms["std_error"], expected_se, rtol=1e-6)
    # with saturated groups HC0 is the same arithmetic, and HC1 scales it by n / (n - k)
    n, k = hc1.n_obs, len(hc1.table)
    np.testing.assert_allclose(
        hc1.table["std_error"], np.array(expected_se) * np.sqrt(n / (n - k)), rtol=1e-6
    )


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


def _counts_data(counts):
    from toolkit.schema import CaseData, conform

    rows = []
    for judge, x, n in counts:
        for i in range(n):
            rows.append((f"{judge}{i}", judge, "reversed" if i < x else "affirmed"))
    cases = pd.DataFrame({"case_id": [r[0] for r in rows], "outcome": [r[2] for r in rows]})
    votes = pd.DataFrame({"case_id": [r[0] for r in rows], "judge_id": [r[1] for r in rows]})
    return CaseData(
        cases=conform(cases.assign(source="t", weight=1.0), "cases"), votes=conform(votes, "votes")
    )


def test_beta_binomial_posterior_by_quadrature():
    """Posterior mean and interval ends against two-dimensional numerical integration over
    the hyperparameters (logit mean, log concentration) under the (a + b)^(-5/2) prior."""
    from scipy import integrate
    from scipy.special import betainc, betaln

    counts = (("A", 2, 20), ("B", 9, 30), ("C", 1, 25), ("D", 6, 15))
    je = judge_effects(_counts_data(counts), min_n=0).set_index("judge_id")
    x = np.array([c[1] for c in counts], float)
    n = np.array([c[2] for c in counts], float)

    def post(m, t):
        mu, kappa = 1 / (1 + np.exp(-m)), np.exp(t)
        a, b = mu * kappa, (1 - mu) * kappa
        ll = np.sum(betaln(x + a, n - x + b) - betaln(a, b))
        return np.exp(ll + np.log(mu * (1 - mu)) - 0.5 * t + 60), a, b

    m0 = np.log(18 / 72)
    box = (np.log(2.0), np.log(1e5), lambda t: m0 - 6, lambda t: m0 + 6)

    def integral(f):
        return integrate.dblquad(lambda m, t: f(*post(m, t)), *box, epsabs=0, epsrel=1e-7)[0]

    z = integral(lambda d, a, b: d)
    mean_b = integral(lambda d, a, b: d * (9 + a) / (30 + a + b)) / z
    assert je.loc["B", "estimate"] == pytest.approx(mean_b, abs=2e-4)
    hi = je.loc["B", "ci_high"]
    assert integral(lambda d, a, b: d * betainc(9 + a, 21 + b, hi)) / z == pytest.approx(
        0.975, abs=1e-3
    )
    # shrinkage: estimates lie between the raw rate and the pooled rate
    pooled = x.sum() / n.sum()
    for j, xj, nj in counts:
        lo_, hi_ = sorted([xj / nj, pooled])
        assert lo_ - 0.01 <= je.loc[j, "estimate"] <= hi_ + 0.01


def test_judges_with_few_votes_and_no_variation_get_honest_intervals():
    """Twenty judges with 1 to 10 votes, all at the same rate: the old plug-in prior gave
    every judge the same 0.03-point interval; now the intervals are wide and it is said."""
    rng = np.random.default_rng(5)
    n = rng.integers(1, 11, 20)
    x = rng.binomial(n, 0.6)
    je = judge_effects(_counts_data(list(zip(map(str, range(20)), x, n, strict=True))), min_n=30)
    width = je["ci_high"] - je["ci_low"]
    assert width.min() > 0.15
    assert any("no detectable variation among judges" in s for s in je.attrs["notes"])
    assert any("fewer than 30" in s for s in je.attrs["notes"])


def test_judge_shrinkage_within_circuit_by_default(demo):
    je = judge_effects(demo)
    assert je.attrs["within"] == "circuit" and "circuit" in je.columns
    pooled = judge_effects(demo, within=None)
    assert pooled.attrs["within"] is None


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
    # the model's own notes survive the merge with the judges table
    assert any("covered the planted judge effects" in s for s in mixed.attrs["notes"])


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


# -- small, separated data: the 60-case hand-coded fixture ------------------------------------

SIXTY = "~ C(circuit) + C(claim_type) + year"
# R 4.2.2, brglm2 0.9, sandwich 3.0-2 on the same 60 rows (tests/data/sixty; R_CHECK below):
# glm(y ~ circuit + claim_type + year, binomial, method = "brglmFit", type = "AS_mean")
R_FIRTH_COEF = [-214.122521057, -1.4978545783, -1.19486111227, -3.90490005125,
                -3.25203268061, 0.155057250309, 0.103082497039, 0.106848065384]  # fmt: skip
R_FIRTH_SE = [338.483809147, 1.95046444711, 1.99684959504, 2.43770449109, 1.99270970838,
              0.832885956833, 0.826508236035, 0.167740553033]  # fmt: skip
R_FIRTH_HC0 = [347.232844969, 0.997425231992, 1.10480907178, 1.00368124704, 1.05532800306,
               0.740197304929, 0.748218516181, 0.172096092239]  # fmt: skip
R_FIRTH_CL = [366.642987122, 1.40337822418, 1.46646712907, 1.53386593938, 1.45491814542,
              0.705857084073, 0.777762458873, 0.181723065008]  # fmt: skip
# glm(y ~ claim_type + year, binomial): vcovHC HC0/HC1/HC3, vcovCL(cluster = ~panel, "HC1")
R_ML_COEF = [-187.267011363, 0.920760278552, 0.345144087111, 0.0923603255524]
R_ML_SE = {
    "HC0": [317.64319606, 0.704369585891, 0.740078258571, 0.157434024535],
    "HC1": [328.791944785, 0.729091788407, 0.766053776187, 0.162959697305],
    "HC3": [344.079768231, 0.77849812239, 0.819690882219, 0.170539140361],
    "CR1": [311.945600141, 0.601541799146, 0.794569105249, 0.154619063254],
}
R_CHECK = """
suppressMessages({library(brglm2); library(sandwich)})
d <- read.csv(commandArgs(TRUE)[1])
d$circuit <- factor(d$circuit)
d$claim_type <- factor(d$claim_type, levels = c("asylum", "cat", "withholding"))
f <- glm(y ~ circuit + claim_type + year, family = binomial, data = d,
         method = "brglmFit", type = "AS_mean")
g <- glm(y ~ claim_type + year, family = binomial, data = d)
cat(sprintf("%.12g", c(coef(f), sqrt(diag(vcovCL(f, cluster = ~panel, type = "HC1"))),
    coef(g), sqrt(diag(vcovHC(g, type = "HC1"))))), "\\n")
"""


@pytest.fixture(scope="module")
def sixty(fixtures_dir=None):
    from pathlib import Path

    return toolkit.load(str(Path(__file__).parent / "data" / "sixty" / "mapping.yaml"))


def test_separated_sixty_cases_get_firth_matching_brglm2(sixty):
    m = fit_reversal_model(sixty, SIXTY, cluster="panel")
    assert m.method == "firth" and m.cov_type == "CR1"
    assert "C(circuit)[T.ca7]" in m.diagnostics["separated"]
    assert m.diagnostics["converged"] is False and m.diagnostics["trusted"] is True
    assert m.diagnostics["events_per_parameter"] == pytest.approx(20 / 8)
    # brglm2 stops at its default tolerance (largest modified score 9e-5 here, ours 8e-8),
    # which bounds the agreement at about 1e-7 relative
    np.testing.assert_allclose(m.table["estimate"], R_FIRTH_COEF, rtol=5e-7)
    np.testing.assert_allclose(m.table["std_error"], R_FIRTH_CL, rtol=5e-7)
    assert any("Firth" in s for s in m.notes) and any("clustering" in s for s in m.notes)
    assert np.isfinite(m.table[["odds_ratio", "p_value", "ci_low", "ci_high"]]).all().all()
    plain = fit_reversal_model(sixty, SIXTY, robust=False)
    np.testing.assert_allclose(plain.table["std_error"], R_FIRTH_SE, rtol=5e-7)
    hc0 = fit_reversal_model(sixty, SIXTY, cov_type="HC0")
    np.testing.assert_allclose(hc0.table["std_error"], R_FIRTH_HC0, rtol=5e-7)


def test_separation_note_names_the_groups_in_words(sixty):
    """The 60 rows: the 7th Circuit's 6 cases all affirmed, the 1st Circuit's 2 (the reference
    level) all reversed; the other circuits' terms are separated only through the reference."""
    m = fit_reversal_model(sixty, SIXTY, cluster="panel")
    note = next(s for s in m.notes if s.startswith("Separated: "))
    assert "the 7th Circuit (ca7): none of its 6 cases was reversed" in note
    assert (
        "the 1st Circuit (ca1), the reference group: every one of its 2 cases was reversed" in note
    )
    assert "the 2nd Circuit (ca2)" in note and "[T." not in note
    ref = fit_reversal_model(sixty, "~ C(circuit, Treatment('ca7')) + year", firth=False)
    note = next(s for s in ref.notes if s.startswith("Separated: "))
    assert note.startswith("Separated: the 7th Circuit (ca7), the reference group: none of its 6")
    assert not any("C(circuit" in s for s in m.notes + ref.notes)


def test_diagnostics_table_names_separated_terms_for_reading(sixty):
    """The report's diagnostics table names terms as the model table does; the result keeps
    the raw names for programs."""
    from toolkit.prose import model_diagnostics

    for formula, raw in (
        (SIXTY, "C(circuit)[T.ca7]"),
        ("~ C(circuit, Treatment('ca1')) + year", "C(circuit, Treatment('ca1'))[T.ca7]"),
    ):
        m = fit_reversal_model(sixty, formula, firth=False)
        assert raw in m.diagnostics["separated"]
        row = model_diagnostics(m).set_index("check").loc["separated terms", "result"]
        shown = row.split(", ")
        assert "circuit: ca7" in shown and "C(" not in row and "[T." not in row
        assert len(shown) == len(m.diagnostics["separated"])


def test_unremedied_separated_fit_shows_no_p_values(sixty):
    m = fit_reversal_model(sixty, SIXTY, firth=False)
    assert m.method == "logit" and not m.diagnostics["trusted"]
    assert m.table[["p_value", "ci_low", "ci_high"]].isna().all().all()
    assert (
        m.table.set_index("term").loc["C(circuit)[T.ca7]", "odds_ratio"]
        != m.table.set_index("term").loc["C(circuit)[T.ca7]", "odds_ratio"]
    )  # NaN, not 1e-20
    assert any("cannot be trusted" in s for s in m.notes)


@pytest.mark.parametrize("kind", ["HC0", "HC1", "HC3", "CR1"])
def test_covariance_types_match_sandwich(sixty, kind):
    opts = {"cluster": "panel"} if kind == "CR1" else {"cov_type": kind}
    m = fit_reversal_model(sixty, "~ C(claim_type) + year", **opts)
    assert m.method == "logit" and m.cov_type == kind
    assert m.diagnostics["cov_r"].startswith("sandwich::vcov")
    # an uncentred calendar year makes the fit ill-conditioned; R's glm stops at a deviance
    # change of 1e-8, which leaves differences of about 2e-7 relative
    np.testing.assert_allclose(m.table["estimate"], R_ML_COEF, rtol=1e-6)
    np.testing.assert_allclose(m.table["std_error"], R_ML_SE[kind], rtol=1e-6)


def test_hc1_is_hc0_times_n_over_n_minus_k(demo):
    hc0 = fit_reversal_model(demo, "~ C(claim_type)", cov_type="HC0")
    hc1 = fit_reversal_model(demo, "~ C(claim_type)")
    n, k = hc1.n_obs, len(hc1.table)
    np.testing.assert_allclose(
        hc1.table["std_error"], hc0.table["std_error"] * np.sqrt(n / (n - k))
    )
    ref = smf.logit("y ~ C(claim_type)", _demo_frame(demo)).fit(disp=0, cov_type="HC0")
    np.testing.assert_allclose(hc0.table["std_error"], ref.bse.to_numpy(), rtol=1e-6)


def _demo_frame(demo):
    cases = flagged_cases(demo)
    frame = cases[cases["reversed"].notna()].copy()
    frame["y"] = frame["reversed"].astype(float)
    return frame


def test_marginal_effects_match_statsmodels(demo):
    """A number's effect is statsmodels' average derivative; a category's is the average change
    in predicted probability from the reference level, computed here from statsmodels'
    predictions with a numerical gradient for its error."""
    m = fit_reversal_model(demo, "~ C(claim_type) + year", robust=False)
    frame = _demo_frame(demo).assign(year=lambda f: f["year"].astype(float))
    ref = smf.logit("y ~ C(claim_type) + year", frame).fit(disp=0)
    me = m.marginal_effects.set_index("term")
    year = ref.get_margeff(at="overall").summary_frame().loc["year"]
    np.testing.assert_allclose(me.loc["year", "ame"], year.iloc[0], rtol=1e-6)
    np.testing.assert_allclose(me.loc["year", "std_error"], year.iloc[1], rtol=1e-4)
    reference = sorted(frame["claim_type"].astype(str).unique())[0]

    def change(params, level):
        p0, p1 = (
            1 / (1 + np.exp(-(patsy.dmatrix(ref.model.data.orig_exog.design_info, frame.assign(
                claim_type=c), return_type="dataframe").to_numpy() @ params)))
            for c in (reference, level)
        )  # fmt: skip
        return float(np.mean(p1 - p0))

    for level in ("cat", "motion_to_reopen", "withholding"):
        term = f"C(claim_type)[T.{level}]"
        assert me.loc[term, "ame"] == pytest.approx(change(ref.params.to_numpy(), level), rel=1e-6)
        grad = np.array(
            [
                (
                    change(ref.params.to_numpy() + h, level)
                    - change(ref.params.to_numpy() - h, level)
                )
                / 2e-6
                for h in np.eye(len(ref.params)) * 1e-6
            ]
        )
        se = float(np.sqrt(grad @ ref.cov_params().to_numpy() @ grad))
        assert me.loc[term, "std_error"] == pytest.approx(se, rel=1e-4)


def test_a_categorys_marginal_effect_stays_a_change_in_probability(sixty):
    """On 60 separated hand-coded cases, each level's effect is a change of probability, within
    -100 to +100 points (the derivative put one at -69 points, interval -120 to -18)."""
    me = fit_reversal_model(sixty, SIXTY).marginal_effects
    levels = me[me["term"].str.startswith("C(")]
    assert len(levels) > 5 and levels["ame"].between(-1, 1).all()
    assert levels["ci_low"].between(-1, 1).all() and levels["ci_high"].between(-1, 1).all()
    ca7 = levels.set_index("term").loc["C(circuit)[T.ca7]"]  # none of its 6 cases reversed
    assert ca7["ci_low"] == -1.0 and ca7["ame"] - 1.96 * ca7["std_error"] < -1.0


def test_profile_interval_against_a_direct_search():
    """Firth profile interval of a separated 2x2 design, by brute force with another optimizer."""
    from scipy import optimize

    from toolkit.diagnostics import firth_logit, profile_interval

    X = np.column_stack([np.ones(8), [0, 0, 0, 0, 1, 1, 1, 1]])
    y = np.array([0, 0, 1, 0, 1, 1, 1, 1.0])

    def pen(b):
        p = 1 / (1 + np.exp(-X @ b))
        info = X.T @ ((p * (1 - p))[:, None] * X)
        return np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)) + 0.5 * np.linalg.slogdet(info)[1]

    fit = firth_logit(X, y)
    best = -optimize.minimize(
        lambda b: -pen(b),
        np.zeros(2),
        method="Nelder-Mead",
        options={"xatol": 1e-10, "fatol": 1e-12},
    ).fun
    assert fit.loglik == pytest.approx(best, abs=1e-8)

    def drop(v):
        prof = -optimize.minimize_scalar(
            lambda a: -pen(np.array([a, v])),
            bounds=(-20, 20),
            method="bounded",
            options={"xatol": 1e-10},
        ).fun
        return 2 * (best - prof) - stats.chi2.ppf(0.95, 1)

    lo, hi = profile_interval(X, y, fit, 1)
    assert lo == pytest.approx(optimize.brentq(drop, -5, fit.params[1]), abs=1e-5)
    assert hi == pytest.approx(optimize.brentq(drop, fit.params[1], 30), abs=1e-5)


def test_separation_test_by_hand():
    from toolkit.diagnostics import detect_separation

    X = np.column_stack([np.ones(6), [0, 0, 0, 1, 1, 1], [1.0, 2, 3, 1, 2, 3]])
    assert detect_separation(X, np.array([0, 1, 0, 1, 1, 1]), ["1", "g", "x"]) == ["g"]
    assert detect_separation(X, np.array([0, 1, 0, 1, 0, 1]), ["1", "g", "x"]) == []
    # complete separation on a continuous covariate
    assert "x" in detect_separation(X, np.array([0, 0, 1, 0, 0, 1]), ["1", "g", "x"])


def test_live_r_agrees_on_the_sixty_cases(sixty, tmp_path):
    import shutil
    import subprocess

    if shutil.which("Rscript") is None:
        pytest.skip("Rscript not installed: the stored R numbers above are checked instead")
    from toolkit.models import _panel_key

    cases = flagged_cases(sixty).assign(panel=_panel_key(sixty).to_numpy())
    cases["y"] = cases["reversed"].astype(int)
    cases[["y", "circuit", "claim_type", "year", "panel"]].to_csv(tmp_path / "d.csv", index=False)
    (tmp_path / "check.R").write_text(R_CHECK)
    out = subprocess.run(
        ["Rscript", str(tmp_path / "check.R"), str(tmp_path / "d.csv")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if out.returncode != 0 and "there is no package" in out.stderr:
        pytest.skip("R lacks brglm2 or sandwich")
    values = np.array(out.stdout.split(), dtype=float)
    np.testing.assert_allclose(values[:8], R_FIRTH_COEF, rtol=1e-9)
    np.testing.assert_allclose(values[8:16], R_FIRTH_CL, rtol=1e-9)
    np.testing.assert_allclose(values[16:20], R_ML_COEF, rtol=1e-9)
    np.testing.assert_allclose(values[20:24], R_ML_SE["HC1"], rtol=1e-9)


# -- coverage of the judge intervals, by simulation with planted rates --------------------------


def _bb_coverage(reps, n_judges, n_lo, n_hi, sd, seed):
    from toolkit.models import _beta_binomial_group

    rng = np.random.default_rng(seed)
    hits = total = 0
    for _ in range(reps):
        p = 1 / (1 + np.exp(-rng.normal(-0.85, sd, n_judges)))
        n = rng.integers(n_lo, n_hi + 1, n_judges)
        x = rng.binomial(n, p)
        _, low, high, *_ = _beta_binomial_group(x.astype(float), n.astype(float), 0.95)
        hits += int(((low <= p) & (p <= high)).sum())
        total += n_judges
    return hits / total


@pytest.mark.parametrize(
    ("n_judges", "n_lo", "n_hi", "sd"),
    [(20, 1, 10, 0.6), (10, 60, 120, 0.6)],
    ids=["small-data", "many-cases"],
)
def test_judge_intervals_cover_planted_rates(n_judges, n_lo, n_hi, sd):
    """50 replications; each case has one judge with a planted rate (logit-normal around 30%).
    The larger run, with judges who do not differ at all and the mixed model on panels, is
    benchmarks/judge_coverage.py."""
    assert _bb_coverage(50, n_judges, n_lo, n_hi, sd, seed=11) >= 0.93


# -- the mixed judge model: modes against lme4, coverage of planted effects --------------------


def _panel_sim(seed, courts=8, per=10, n=900, sd=0.4):
    """Cases decided by three-judge panels drawn from each court's roster, rare reversals
    (about 4-12% by court), one binary covariate and planted judge effects with sd ``sd``."""
    from scipy import sparse

    rng = np.random.default_rng(seed)
    J = courts * per
    u = rng.normal(0, sd, J)
    alpha = np.linspace(-3.3, -2.0, courts)
    court = rng.integers(0, courts, n)
    panel = np.array([rng.choice(per, 3, replace=False) + c * per for c in court])
    x = rng.random(n) < 0.5
    eta = alpha[court] + 0.4 * x + u[panel].sum(1)
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float)
    X = np.column_stack([np.ones(n), x] + [(court == c) for c in range(1, courts)]).astype(float)
    Z = sparse.csr_matrix(
        (np.ones(3 * n), (np.repeat(np.arange(n), 3), panel.ravel())), shape=(n, J)
    )
    return y, X, Z, u, panel, court, per


# lme4 1.1-31, the same rows (_panel_sim(1001)) with the multiple-membership design put in
# through glFormula's Zt and nAGQ = 0 (fixed effects and judge intercepts at their joint
# penalized mode): the judge sd, the fixed effects and the first six judges' conditional modes
LME4_SIGMA = 0.03284199291
LME4_FIXEF = [-3.17737186237, 0.38810154994, 1.01407030424, 0.09417913233, 0.59258307268,
              0.88277789073, 1.28697360324, 1.84207075386, 1.28987711930]  # fmt: skip
LME4_RANEF = [1.360595302e-03, 3.600962562e-04, -6.431506522e-05, -4.620323689e-04,
              -1.462751995e-03, 2.557885413e-03]  # fmt: skip
LME4_SCRIPT = r"""
suppressMessages(library(lme4)); library(Matrix)
d <- read.csv("{csv}"); d$court <- factor(d$court); J <- 80; n <- nrow(d)
d$g <- factor(rep(0:(J - 1), length.out = n))
Zt <- sparseMatrix(i = c(d$j1, d$j2, d$j3) + 1, j = rep(1:n, 3), x = 1, dims = c(J, n))
lf <- glFormula(y ~ x + court + (1 | g), data = d, family = binomial)
lf$reTrms$Zt <- as(Zt, "dgCMatrix"); lf$reTrms$Ztlist[[1]] <- lf$reTrms$Zt
devfun <- do.call(mkGlmerDevfun, lf)
m <- mkMerMod(environment(devfun), optimizeGlmer(devfun), lf$reTrms, fr = lf$fr)
cat(format(c(sqrt(VarCorr(m)$g[1]), fixef(m), ranef(m)$g[1:6, 1]), digits = 12))
"""


def test_mixed_model_modes_match_lme4_at_the_same_judge_sd():
    """At a given judge sd, the fixed effects and judge intercepts are the joint penalized
    mode, as in lme4::glmer(nAGQ = 0) (the stored numbers; R recomputes them below)."""
    from toolkit.models import _laplace_glmm

    y, X, Z, *_ = _panel_sim(1001)
    fit = _laplace_glmm(y, X, Z, grid=np.array([np.log(LME4_SIGMA)]))
    np.testing.assert_allclose(fit["beta"], LME4_FIXEF, rtol=1e-6)
    np.testing.assert_allclose(fit["u"][:6], LME4_RANEF, rtol=1e-4, atol=1e-9)


def _lme4(tmp_path, script: str) -> list[float]:
    """What an lme4 script prints on the panel rows of seed 1001 (skips without R or lme4)."""
    import shutil
    import subprocess

    if shutil.which("Rscript") is None:
        pytest.skip("Rscript not installed: the stored lme4 numbers are checked instead")
    y, X, _, _, panel, court, _ = _panel_sim(1001)
    csv = tmp_path / "panels.csv"
    pd.DataFrame(
        {"y": y, "x": X[:, 1], "court": court, **{f"j{i + 1}": panel[:, i] for i in range(3)}}
    ).to_csv(csv, index=False)
    run = subprocess.run(
        ["Rscript", "-e", script.replace("{csv}", str(csv))], capture_output=True, text=True
    )
    if run.returncode != 0:
        pytest.skip("R lacks lme4")
    return [float(v) for v in run.stdout.split()]


@pytest.mark.slow
def test_stored_lme4_numbers_are_lme4s(tmp_path):
    np.testing.assert_allclose(
        _lme4(tmp_path, LME4_SCRIPT),
        [LME4_SIGMA, *LME4_FIXEF, *LME4_RANEF],
        rtol=1e-6,
        atol=1e-9,
    )


# lme4's conditional variances (ranef(condVar = TRUE)) of the first six judges at the same fit
LME4_CONDVAR = [1.07668477079e-03, 1.07676046798e-03, 1.07742667757e-03, 1.07702225242e-03,
                1.07709773139e-03, 1.07680246956e-03]  # fmt: skip
LME4_CONDVAR_SCRIPT = LME4_SCRIPT.replace(
    "cat(format(c(sqrt(VarCorr(m)$g[1]), fixef(m), ranef(m)$g[1:6, 1]), digits = 12))",
    'cat(format(attr(ranef(m, condVar = TRUE)$g, "postVar")[1, 1, 1:6], digits = 12))',
)


def test_mixed_model_variances_match_lme4_condvar():
    """At lme4's judge sd, the intercepts' block of the information at the joint mode is
    lme4's: its inverse is ``condVar`` (the variance given the fixed effects). The model's
    variances add the fixed effects' uncertainty on top, so they are never smaller."""
    from toolkit.models import _laplace_glmm

    y, X, Z, *_ = _panel_sim(1001)
    fit = _laplace_glmm(y, X, Z, grid=np.array([np.log(LME4_SIGMA)]))
    p = 1 / (1 + np.exp(-(X @ fit["beta"] + Z @ fit["u"])))
    info = (Z.T @ Z.multiply((p * (1 - p))[:, None])).toarray() + np.eye(Z.shape[1]) / LME4_SIGMA**2
    np.testing.assert_allclose(np.diag(np.linalg.inv(info))[:6], LME4_CONDVAR, rtol=1e-5)
    assert (fit["u_sd"][:6] ** 2 > np.array(LME4_CONDVAR)).all()
    assert (fit["u_sd"][:6] ** 2 < 1.01 * np.array(LME4_CONDVAR)).all()


@pytest.mark.slow
def test_stored_lme4_condvar_is_lme4s(tmp_path):
    np.testing.assert_allclose(_lme4(tmp_path, LME4_CONDVAR_SCRIPT), LME4_CONDVAR, rtol=1e-9)


def test_mixed_model_judge_sd_is_not_pulled_to_zero():
    """On these rows lme4's Laplace maximum likelihood puts the judge sd at 0.054 (planted
    0.4): profiling out 9 fixed effects aliased with the courts' judges. Integrating them out
    (as the model does) recovers it."""
    from toolkit.models import _laplace_glmm

    y, X, Z, *_ = _panel_sim(1001)
    assert 0.25 < _laplace_glmm(y, X, Z)["sigma"] < 0.6


def test_mixed_model_intervals_cover_planted_judge_effects():
    """Four replications of 80 judges on three-judge panels with rare reversals; within its
    court a judge's effect is identified up to the court's mean (the court's fixed effect
    absorbs it). Here the plug-in Laplace fit covered 67%, the posterior over the judge sd
    with a prior flat on sd 88%, and flat on the variance (the model's) 93.4%; the larger
    run on the demo's design is benchmarks/judge_coverage.py."""
    from toolkit.models import _laplace_glmm

    z = stats.norm.ppf(0.975)
    hits = total = 0
    for seed in range(1000, 1004):
        y, X, Z, u, _, _, per = _panel_sim(seed)
        fit = _laplace_glmm(y, X, Z)
        target = u - np.repeat(u.reshape(-1, per).mean(1), per)
        hits += int(np.sum(np.abs(fit["u"] - target) <= z * fit["u_sd"]))
        total += len(u)
    assert hits / total >= 0.92


def _panel_case_data(seed, sd):
    """_panel_sim's rows as a CaseData: courts as circuits, judges by number."""
    y, _, _, _, panel, court, _ = _panel_sim(seed, sd=sd)
    ids = [f"s:{i}" for i in range(len(y))]
    cases = pd.DataFrame(
        {
            "case_id": ids,
            "source": "s",
            "circuit": [f"ca{c + 1}" for c in court],
            "year": 2000,
            "outcome": np.where(y == 1, "reversed", "affirmed"),
            "weight": 1.0,
        }
    )
    votes = pd.DataFrame(
        {"case_id": np.repeat(ids, 3), "judge_id": [f"J{j:02d}" for j in panel.ravel()]}
    )
    return CaseData(cases=conform(cases, "cases"), votes=conform(votes, "votes"))


def test_mixed_model_says_when_judges_do_not_differ():
    """Judges planted without any spread: the test of a spread finds none, and the notes say
    so in words; with a planted spread of 0.4 that the data show (p = 0.005), they do not."""
    from toolkit.models import _laplace_glmm

    y, X, Z, *_ = _panel_sim(1000, sd=0.0)
    assert _laplace_glmm(y, X, Z)["variation_p_value"] > 0.5
    flat = judge_effects(_panel_case_data(1000, 0.0), method="mixed", adjust_for=["circuit"])
    assert any("no detectable variation among judges" in s for s in flat.attrs["notes"])
    spread = judge_effects(_panel_case_data(1003, 0.4), method="mixed", adjust_for=["circuit"])
    assert not any("no detectable variation" in s for s in spread.attrs["notes"])


def test_dummy_columns_are_told_from_interactions():
    """A category's marginal effect and the separation note read only a single term's dummy
    columns; an interaction's columns keep the derivative and are named as they stand."""
    from toolkit.models import _dummies, _dummy

    columns = [
        "Intercept",
        "C(circuit)[T.ca2]",
        "circuit[T.ca3]",
        "C(circuit, Treatment('ca1'))[T.ca7]",
        "C(circuit)[T.ca2]:C(claim_type)[T.cat]",
        "C(circuit)[T.ca2]:year",
        "year",
    ]
    assert _dummy(columns[3]) == ("circuit", "ca7") and _dummy(columns[4]) is None
    assert _dummies(columns) == {"circuit": [1, 2, 3]}
