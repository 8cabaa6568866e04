"""Regression models of reversal: fixed-effects logit, judge effects, trends.

:func:`fit_reversal_model`
    logistic regression with fixed effects and robust or cluster-robust errors.
:func:`judge_effects`
    judge-level propensities that do not rank judges by noise: empirical-Bayes beta-binomial
    shrinkage, or a multiple-membership mixed logit (every judge on the panel contributes a
    random intercept to the case).
:func:`trend`
    rates by year with intervals, and a smooth logit trend with its band.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from toolkit.errors import ToolkitError
from toolkit.formulas import check_formula
from toolkit.outcomes import Rule, get_rule
from toolkit.rates import _as_list, flagged_cases, reversal_rates
from toolkit.schema import CaseData

__all__ = ["ReversalModel", "fit_reversal_model", "judge_effects", "pseudonym", "trend"]

RuleLike = str | Rule | Mapping[str, Any]


@dataclass(frozen=True)
class ReversalModel:
    """A fitted reversal model.

    Attributes
    ----------
    table
        One row per term: ``term``, ``estimate`` (log-odds), ``std_error``, ``z``, ``p_value``,
        ``ci_low``, ``ci_high`` (log-odds), ``odds_ratio``, ``or_low``, ``or_high``.
    marginal_effects
        Average marginal effects on the probability scale: ``term``, ``ame``, ``std_error``,
        ``z``, ``p_value``, ``ci_low``, ``ci_high``.
    result
        The statsmodels results object.
    n_obs, n_dropped
        Cases used, and cases dropped for missing values (outcome excluded by the rule, or a
        missing covariate or cluster).
    cov_type, cluster, n_clusters, rule, formula
        How the model was fitted.
    """

    table: pd.DataFrame
    marginal_effects: pd.DataFrame
    result: Any
    n_obs: int
    n_dropped: int
    cov_type: str
    cluster: str | None
    n_clusters: int | None
    rule: str
    formula: str


def _panel_key(data: CaseData) -> pd.Series:
    if data.votes is None:
        raise ToolkitError("cluster='panel' needs the votes table (panel judges)")
    key = data.votes.groupby("case_id")["judge_id"].agg(lambda s: "|".join(sorted(s)))
    return data.cases["case_id"].map(key)


def fit_reversal_model(
    data: CaseData | pd.DataFrame,
    formula: str,
    rule: RuleLike = "disturbed",
    cluster: str | None = None,
    robust: bool = True,
    level: float = 0.95,
) -> ReversalModel:
    """Logistic regression of reversal with fixed effects and (cluster-)robust errors.

    Parameters
    ----------
    data
        A :class:`CaseData` or cases frame.
    formula
        A patsy formula; the left side may be omitted (``"~ C(circuit) + year"``) and is then
        the ``reversed`` indicator under ``rule``.
    rule
        Reversal rule; cases it excludes are dropped (and counted in ``n_dropped``).
    cluster
        Column whose values define clusters for cluster-robust errors (e.g. ``"circuit"``,
        ``"author"``), or ``"panel"`` for the set of judges on the panel. Rows dropped for
        missing values are dropped from the groups too, by index, so they never misalign.
    robust
        Without ``cluster``: heteroskedasticity-robust (HC1) errors when True, model-based
        errors when False.
    level
        Confidence level of the intervals.

    Returns
    -------
    ReversalModel

    Examples
    --------
    >>> import toolkit
    >>> m = fit_reversal_model(toolkit.load("demo"), "~ C(circuit) + year", cluster="panel")
    >>> m.table["term"].iloc[0], m.n_obs + m.n_dropped
    ('Intercept', 8000)
    """
    import patsy
    import statsmodels.api as sm

    r = get_rule(rule)
    cases = flagged_cases(data, r)
    if cluster == "panel":
        if not isinstance(data, CaseData):
            raise ToolkitError("cluster='panel' needs a CaseData with votes")
        cases = cases.assign(_cluster=_panel_key(data).to_numpy())
    elif cluster is not None:
        if cluster not in cases.columns:
            raise ToolkitError(f"cluster column {cluster!r} not found in the cases")
        cases = cases.assign(_cluster=cases[cluster].astype("object"))
    formula = formula.strip()
    if formula.startswith("~"):
        formula = "reversed ~ " + formula[1:].strip()
    check_formula(formula, cases.columns)  # before patsy evaluates any of it
    frame = cases.copy()
    frame["reversed"] = frame["reversed"].astype("float64")
    for col in frame.columns:  # patsy treats categoricals well, nullable dtypes less so
        dtype = frame[col].dtype
        if str(dtype) in ("Int64", "Float64"):
            frame[col] = frame[col].astype("float64")
        elif str(dtype) == "boolean":
            frame[col] = frame[col].astype("float64")
        elif isinstance(dtype, pd.CategoricalDtype):
            frame[col] = frame[col].cat.remove_unused_categories()
    if cluster is not None:
        frame = frame[frame["_cluster"].notna()]
    if formula.split("~")[0].strip() == "reversed":  # excluded outcomes never reach patsy
        frame = frame[frame["reversed"].notna()]
    try:
        y, X = patsy.dmatrices(formula, frame, return_type="dataframe", NA_action="drop")
    except patsy.PatsyError as exc:
        raise ToolkitError(f"cannot build the model from {formula!r}: {exc}") from None
    n_dropped = len(cases) - len(y)
    empty = [c for c in X.columns if c != "Intercept" and (X[c] == 0).all()]
    if empty:  # a level seen only in rows that were dropped: no information, no column
        X = X.drop(columns=empty)
    if y.shape[1] != 1:
        raise ToolkitError("the left side of the formula must be one 0/1 variable")
    model = sm.Logit(y.iloc[:, 0], X)
    if cluster is not None:
        groups = pd.factorize(frame.loc[X.index, "_cluster"])[0]
        result = model.fit(disp=0, cov_type="cluster", cov_kwds={"groups": groups})
        cov_type, n_clusters = "cluster", int(len(np.unique(groups)))
    else:
        cov_type = "HC1" if robust else "nonrobust"
        result = model.fit(disp=0, cov_type=cov_type)
        n_clusters = None
    ci = result.conf_int(alpha=1 - level)
    table = pd.DataFrame(
        {
            "term": result.params.index,
            "estimate": result.params.to_numpy(),
            "std_error": result.bse.to_numpy(),
            "z": result.tvalues.to_numpy(),
            "p_value": result.pvalues.to_numpy(),
            "ci_low": ci.iloc[:, 0].to_numpy(),
            "ci_high": ci.iloc[:, 1].to_numpy(),
        }
    )
    table["odds_ratio"] = np.exp(table["estimate"])
    table["or_low"] = np.exp(table["ci_low"])
    table["or_high"] = np.exp(table["ci_high"])
    margeff = result.get_margeff(at="overall").summary_frame(alpha=1 - level)
    me = pd.DataFrame(
        {
            "term": margeff.index,
            "ame": margeff.iloc[:, 0].to_numpy(),
            "std_error": margeff.iloc[:, 1].to_numpy(),
            "z": margeff.iloc[:, 2].to_numpy(),
            "p_value": margeff.iloc[:, 3].to_numpy(),
            "ci_low": margeff.iloc[:, 4].to_numpy(),
            "ci_high": margeff.iloc[:, 5].to_numpy(),
        }
    )
    return ReversalModel(
        table=table,
        marginal_effects=me,
        result=result,
        n_obs=int(result.nobs),
        n_dropped=int(n_dropped),
        cov_type=cov_type,
        cluster=cluster,
        n_clusters=n_clusters,
        rule=r.name,
        formula=formula,
    )


def pseudonym(judge_id: str, salt: str = "") -> str:
    """A stable pseudonym for a judge id: the same id (and salt) always gives the same name.

    Examples
    --------
    >>> pseudonym("J0901") == pseudonym("J0901")
    True
    >>> pseudonym("J0901").startswith("Judge ")
    True
    """
    digest = hashlib.sha256(f"{salt}\x00{judge_id}".encode()).hexdigest()
    return f"Judge {digest[:6].upper()}"


def _fit_beta_binomial(x: np.ndarray, n: np.ndarray) -> tuple[float, float]:
    """Maximum marginal likelihood (a, b) of a beta-binomial prior."""
    from scipy import optimize, stats

    keep = n > 0
    x, n = x[keep], n[keep]
    p = x.sum() / n.sum()
    if p <= 0 or p >= 1 or len(x) < 2:
        raise ToolkitError("too few judges, or no variation, to fit a shrinkage prior")

    def nll(theta: np.ndarray) -> float:
        mu = 1 / (1 + np.exp(-theta[0]))
        conc = np.exp(theta[1])
        return -float(stats.betabinom.logpmf(x, n, mu * conc, (1 - mu) * conc).sum())

    start = np.array([np.log(p / (1 - p)), np.log(50.0)])
    res = optimize.minimize(
        nll, start, method="Nelder-Mead", options={"xatol": 1e-8, "fatol": 1e-10, "maxiter": 4000}
    )
    mu = 1 / (1 + np.exp(-res.x[0]))
    conc = float(np.exp(min(res.x[1], 30.0)))  # an infinite concentration: complete pooling
    return mu * conc, (1 - mu) * conc


def _judge_cases(data: CaseData, r: Rule) -> pd.DataFrame:
    if data.votes is None:
        raise ToolkitError("judge effects need the votes table (who sat on each case)")
    cases = flagged_cases(data, r)
    cols = ["case_id", "reversed"] + [
        c for c in ("circuit", "year", "claim_type") if c in cases.columns
    ]
    return data.votes[["case_id", "judge_id"]].merge(cases[cols], on="case_id", how="inner")


def judge_effects(
    data: CaseData,
    method: str = "beta_binomial",
    rule: RuleLike = "disturbed",
    within: str | None = None,
    adjust_for: Sequence[str] | None = None,
    level: float = 0.95,
    min_n: int = 30,
    anonymize: bool = False,
    salt: str = "",
) -> pd.DataFrame:
    """Judge-level reversal propensities with shrinkage.

    A judge's cases are those on which the judge sat (any vote). Raw rates of judges with few
    cases are mostly noise; both methods pull them toward the court-wide pattern in proportion
    to how little data each judge has.

    Parameters
    ----------
    data
        A :class:`CaseData` with votes.
    method
        ``"beta_binomial"``: empirical Bayes. A Beta(a, b) prior is fitted to the judges'
        counts by maximum marginal likelihood; each judge's estimate is the posterior mean
        ``(x + a) / (n + a + b)`` with an equal-tailed posterior interval (closed form).
        ``"mixed"``: a multiple-membership mixed logit, ``logit P(reversed) = X b + sum of
        the panel judges' random intercepts``, fitted by variational Bayes (statsmodels'
        ``BinomialBayesMixedGLM``); ``effect`` is the judge's intercept (log-odds) and
        ``estimate`` the implied probability for an average case.
    rule
        Reversal rule.
    within
        ``beta_binomial`` only: fit a separate prior within each value of this column (e.g.
        ``"circuit"``), so judges are compared with their own court.
    adjust_for
        ``mixed`` only: case columns entered as fixed effects (e.g. ``["circuit"]``).
    level
        Interval level.
    min_n
        Judges with fewer counted cases are flagged ``small_n``.
    anonymize
        Replace judge ids by stable pseudonyms (:func:`pseudonym`).
    salt
        Salt of the pseudonyms; a private salt keeps them from being matched to ids.

    Returns
    -------
    pandas.DataFrame
        One row per judge: ``judge_id``, ``n``, ``n_reversed``, ``raw_rate``, ``estimate``,
        ``ci_low``, ``ci_high``, ``effect`` (log-odds relative to the reference),
        ``small_n``, ``method``, ``rule``, plus ``within`` or the judge's ``party`` and
        ``court`` where known; sorted by ``estimate``.

    Examples
    --------
    >>> import toolkit
    >>> je = judge_effects(toolkit.load("demo"), within="circuit")
    >>> bool((je["ci_low"] <= je["estimate"]).all() and (je["estimate"] <= je["ci_high"]).all())
    True
    """
    from scipy import stats

    if not isinstance(data, CaseData):
        raise ToolkitError("judge_effects needs a CaseData with votes")
    r = get_rule(rule)
    jc = _judge_cases(data, r)
    counted = jc[jc["reversed"].notna()]
    keys = ["judge_id"] + ([within] if within else [])
    if within and within not in counted.columns:
        raise ToolkitError(f"within={within!r}: no such case column")
    agg = (
        counted.assign(y=counted["reversed"].astype("int64"))
        .groupby(keys, observed=True)["y"]
        .agg(n="size", n_reversed="sum")
        .reset_index()
    )
    if within:  # a judge sitting in two groups is counted in each
        agg = agg.sort_values(keys).reset_index(drop=True)
    agg["raw_rate"] = agg["n_reversed"] / agg["n"]
    z = stats.norm.ppf(0.5 + level / 2)

    if method == "beta_binomial":
        est = np.empty(len(agg))
        low = np.empty(len(agg))
        high = np.empty(len(agg))
        eff = np.empty(len(agg))
        groups = agg.groupby(within, observed=True).groups if within else {None: agg.index}
        for _, idx in groups.items():
            x = agg.loc[idx, "n_reversed"].to_numpy(float)
            n = agg.loc[idx, "n"].to_numpy(float)
            a, b = _fit_beta_binomial(x, n)
            pos = agg.index.get_indexer(idx)
            est[pos] = (x + a) / (n + a + b)
            low[pos] = stats.beta.ppf((1 - level) / 2, x + a, n - x + b)
            high[pos] = stats.beta.ppf(0.5 + level / 2, x + a, n - x + b)
            prior = a / (a + b)
            eff[pos] = np.log(est[pos] / (1 - est[pos])) - np.log(prior / (1 - prior))
        agg["estimate"], agg["ci_low"], agg["ci_high"], agg["effect"] = est, low, high, eff
    elif method == "mixed":
        agg = _mixed(data, r, agg, adjust_for, z)
    else:
        raise ToolkitError(f"unknown method {method!r}; expected 'beta_binomial' or 'mixed'")
    agg["small_n"] = agg["n"] < min_n
    agg["method"] = method
    agg["rule"] = r.name
    if data.judges is not None:
        cols = [c for c in ("party", "court") if c in data.judges.columns]
        agg = agg.merge(data.judges[["judge_id", *cols]], on="judge_id", how="left")
    if anonymize:
        agg["judge_id"] = agg["judge_id"].map(lambda j: pseudonym(j, salt))
    return agg.sort_values("estimate", kind="stable").reset_index(drop=True)


def _mixed(
    data: CaseData, r: Rule, agg: pd.DataFrame, adjust_for: Sequence[str] | None, z: float
) -> pd.DataFrame:
    import patsy
    from scipy import sparse
    from statsmodels.genmod.bayes_mixed_glm import BinomialBayesMixedGLM

    cases = flagged_cases(data, r)
    adjust = list(adjust_for or [])
    keep = cases["reversed"].notna()
    for col in adjust:
        if col not in cases.columns:
            raise ToolkitError(f"adjust_for: no case column {col!r}")
        keep &= cases[col].notna()
    cases = cases[keep].reset_index(drop=True)
    rhs = " + ".join(f"C({c})" for c in adjust) or "1"
    X = patsy.dmatrix(
        rhs, cases.assign(**{c: cases[c].astype("str") for c in adjust}), return_type="dataframe"
    )
    votes = data.votes[data.votes["case_id"].isin(cases["case_id"])]
    judges = pd.Index(sorted(votes["judge_id"].unique()))
    rows = pd.Index(cases["case_id"]).get_indexer(votes["case_id"])
    cols = judges.get_indexer(votes["judge_id"])
    Z = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(cases), len(judges)))
    y = cases["reversed"].astype("float64").to_numpy()
    model = BinomialBayesMixedGLM(
        y,
        X.to_numpy(),
        Z,
        np.zeros(len(judges), dtype=int),
        fep_names=list(X.columns),
        vc_names=list(judges),
    )
    fit = model.fit_vb()
    u = pd.Series(fit.vc_mean, index=judges)
    sd = pd.Series(fit.vc_sd, index=judges)
    base = float(np.mean(X.to_numpy() @ fit.fe_mean))
    agg = agg.copy()
    agg["effect"] = agg["judge_id"].map(u).to_numpy()
    eff_sd = agg["judge_id"].map(sd).to_numpy()
    expit = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    agg["estimate"] = expit(base + agg["effect"])
    agg["ci_low"] = expit(base + agg["effect"] - z * eff_sd)
    agg["ci_high"] = expit(base + agg["effect"] + z * eff_sd)
    agg["judge_sd"] = float(np.exp(fit.vcp_mean[0]))
    return agg


def trend(
    data: CaseData | pd.DataFrame,
    by: str | Sequence[str] | None = None,
    rule: RuleLike = "disturbed",
    ci: str = "wilson",
    level: float = 0.95,
    min_n: int = 30,
    df: int = 3,
) -> pd.DataFrame:
    """Rates by year with intervals, and a smooth logit trend with its confidence band.

    The smooth trend is a logistic regression on a natural cubic spline of the year with
    ``df`` degrees of freedom (a straight logit line when there are fewer distinct years than
    ``df + 2``), fitted per group; its band is the delta-method interval on the log-odds scale.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`reversal_rates` by ``by`` and ``year``, plus ``fitted``,
        ``fitted_low`` and ``fitted_high``.

    Examples
    --------
    >>> import toolkit
    >>> t = trend(toolkit.load("demo"))
    >>> t["year"].tolist()[:3], bool(t["fitted"].iloc[0] > t["fitted"].iloc[-1])
    ([2004, 2005, 2006], True)
    """
    import patsy
    import statsmodels.api as sm
    from scipy import stats

    by = _as_list(by)
    rates = reversal_rates(data, by=[*by, "year"], rule=rule, ci=ci, level=level, min_n=min_n)
    rates = rates[rates["year"].notna()].reset_index(drop=True)
    rates["fitted"] = np.nan
    rates["fitted_low"] = np.nan
    rates["fitted_high"] = np.nan
    z = stats.norm.ppf(0.5 + level / 2)
    key = by[0] if len(by) == 1 else by
    groups = rates.groupby(key, observed=True, dropna=False).groups if by else {None: rates.index}
    for _, idx in groups.items():
        part = rates.loc[idx]
        part = part[part["n"] > 0]
        years = part["year"].astype(float).to_numpy()
        if len(years) < 2 or part["n_reversed"].sum() == 0:
            continue
        spline = len(np.unique(years)) >= df + 2
        rhs = f"cr(year, df={df}, constraints='center')" if spline else "year"
        X = patsy.dmatrix(rhs, {"year": years}, return_type="dataframe")
        endog = np.column_stack([part["n_reversed"], part["n"] - part["n_reversed"]])
        res = sm.GLM(endog, X, family=sm.families.Binomial()).fit()
        eta = X.to_numpy() @ res.params.to_numpy()
        se = np.sqrt(
            np.einsum("ij,jk,ik->i", X.to_numpy(), res.cov_params().to_numpy(), X.to_numpy())
        )
        pos = rates.index.get_indexer(part.index)
        rates.loc[rates.index[pos], "fitted"] = 1 / (1 + np.exp(-eta))
        rates.loc[rates.index[pos], "fitted_low"] = 1 / (1 + np.exp(-(eta - z * se)))
        rates.loc[rates.index[pos], "fitted_high"] = 1 / (1 + np.exp(-(eta + z * se)))
    rates["year"] = rates["year"].astype("int64")
    return rates
