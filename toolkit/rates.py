"""Reversal rates with intervals, comparisons between groups, and sensitivity to the rule.

Every function takes a :class:`~toolkit.schema.CaseData` (or a cases frame with an ``outcome``
column), the grouping columns as keyword strings and a reversal rule, and returns a new tidy
frame with fixed snake_case columns. Nothing prints or plots.

Intervals for a proportion (``ci=``):

``wilson`` (default)
    score interval; close to nominal coverage at every rate, also near 0 and 1.
``jeffreys``
    equal-tailed Beta(x + 1/2, n - x + 1/2) interval.
``exact``
    Clopper-Pearson, from Beta quantiles; conservative.
``agresti_coull``
    the Wald interval around the estimate with z^2/2 successes and failures added.

At the edges (``x = 0`` or ``x = n``) the ``jeffreys`` interval is set to start at 0 or end
at 1 (the one-sided convention of Brown, Cai and DasGupta 2001), ``exact`` does the same by
definition, and ``agresti_coull``, whose Wald-type ends can fall outside [0, 1], is clipped to
[0, 1]; ``wilson`` stays within [0, 1] by construction. ``n = 0`` gives no interval (NaN), and
the group is flagged ``small_n``.

Weighted rates (``weighted=True``, e.g. the sampling weights of the U.S. Courts of Appeals
Database) use the weighted share (R's ``survey::svymean``) and compute the interval from Kish's
effective sample size ``n_eff = (sum w)^2 / sum w^2``; the output says so in ``ci_method``.
They also carry ``std_error``, the design-based (linearization) standard error of the weighted
share, equal to ``survey::svymean(~y, svydesign(ids = ~1, weights = ~w))`` (per group:
``svyby(~y, ~group, design, svymean)``, each group a domain of the whole sample). Weights must be
finite and >= 0; a weight of 0 leaves the case out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from toolkit.errors import ToolkitError
from toolkit.outcomes import RULES, Rule, get_rule
from toolkit.results import LEVEL, MIN_N, RATE_STATISTICS
from toolkit.schema import CaseData

__all__ = [
    "CI_METHODS",
    "Comparison",
    "compare_rates",
    "flagged_cases",
    "proportion_ci",
    "rates_from_flags",
    "reversal_rates",
    "rule_sensitivity",
]

CI_METHODS = ("wilson", "jeffreys", "exact", "agresti_coull")
RATE_COLUMNS = RATE_STATISTICS  # declared in toolkit.results

RuleLike = str | Rule | Mapping[str, Any]


def proportion_ci(
    x: Any, n: Any, method: str = "wilson", level: float = LEVEL
) -> tuple[np.ndarray, np.ndarray]:
    """Confidence interval for proportions ``x / n`` (arrays; ``x`` may be fractional).

    Parameters
    ----------
    x, n
        Successes and trials (array-like). ``n == 0`` gives NaN.
    method
        One of :data:`CI_METHODS`.
    level
        Confidence level.

    Returns
    -------
    (low, high) : tuple of numpy arrays

    Examples
    --------
    >>> low, high = proportion_ci([3], [10])
    >>> round(float(low[0]), 4), round(float(high[0]), 4)
    (0.1078, 0.6032)
    """
    from scipy import stats

    if method not in CI_METHODS:
        raise ToolkitError(f"unknown interval method {method!r}; expected one of {CI_METHODS}")
    if not 0 < level < 1:
        raise ToolkitError(f"level must be between 0 and 1, not {level}")
    x = np.asarray(x, dtype=float)
    n = np.asarray(n, dtype=float)
    alpha = 1 - level
    z = stats.norm.ppf(1 - alpha / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / n
        if method == "wilson":
            center = (x + z**2 / 2) / (n + z**2)
            half = z * np.sqrt(n * p * (1 - p) + z**2 / 4) / (n + z**2)
            low, high = center - half, center + half
        elif method == "agresti_coull":
            n_t = n + z**2
            p_t = (x + z**2 / 2) / n_t
            half = z * np.sqrt(p_t * (1 - p_t) / n_t)
            low, high = p_t - half, p_t + half
        elif method == "jeffreys":
            low = stats.beta.ppf(alpha / 2, x + 0.5, n - x + 0.5)
            high = stats.beta.ppf(1 - alpha / 2, x + 0.5, n - x + 0.5)
            low = np.where(x <= 0, 0.0, low)
            high = np.where(x >= n, 1.0, high)
        else:  # exact (Clopper-Pearson)
            low = np.where(x <= 0, 0.0, stats.beta.ppf(alpha / 2, x, n - x + 1))
            high = np.where(x >= n, 1.0, stats.beta.ppf(1 - alpha / 2, x + 1, n - x))
    bad = n <= 0
    low = np.where(bad, np.nan, np.clip(low, 0.0, 1.0))
    high = np.where(bad, np.nan, np.clip(high, 0.0, 1.0))
    return low, high


def _as_list(by: str | Sequence[str] | None) -> list[str]:
    if by is None:
        return []
    return [by] if isinstance(by, str) else list(by)


def flagged_cases(data: CaseData | pd.DataFrame, rule: RuleLike = "disturbed") -> pd.DataFrame:
    """The cases frame with a nullable boolean ``reversed`` column under ``rule``.

    Accepts a :class:`CaseData` or a cases frame with an ``outcome`` column.
    """
    r = get_rule(rule)
    cases = data.cases if isinstance(data, CaseData) else data
    if "outcome" not in cases.columns:
        raise ToolkitError("the cases need an 'outcome' column to apply a reversal rule")
    return cases.assign(reversed=r.flag(cases["outcome"]))


def _check_by(cases: pd.DataFrame, by: list[str]) -> None:
    missing = [c for c in by if c not in cases.columns]
    if missing:
        raise ToolkitError(
            f"cannot group by {', '.join(missing)}: no such column; "
            f"available: {', '.join(map(str, cases.columns))}"
        )


def _aggregate(cases: pd.DataFrame, by: list[str], weighted: bool) -> pd.DataFrame:
    """n, n_reversed, n_excluded (and weighted sums) per group, from flagged cases."""
    y = cases["reversed"]
    counted = y.notna()
    frame = pd.DataFrame(
        {
            "n": counted.astype("int64"),
            "n_reversed": (y.fillna(False) & counted).astype("int64"),
            "n_excluded": (~counted).astype("int64"),
        },
        index=cases.index,
    )
    if weighted:
        if "weight" not in cases.columns:
            raise ToolkitError("weighted=True needs a 'weight' column")
        raw = pd.to_numeric(cases["weight"], errors="coerce").astype("float64")
        bad = raw.isna() | ~np.isfinite(raw.fillna(0.0)) | (raw < 0)
        if bad.any():
            rows = np.flatnonzero(bad.to_numpy())[:10].tolist()
            raise ToolkitError(
                f"weighted rates: {int(bad.sum())} case(s) have a missing, negative or infinite "
                f"weight (positions {', '.join(map(str, rows))}"
                f"{', ...' if bad.sum() > 10 else ''}); expected a finite weight >= 0 for every "
                "case"
            )
        w = raw.where(counted.to_numpy(), 0.0)
        yf = y.fillna(False).astype("float64")
        frame["w"] = w
        frame["w2"] = w**2
        frame["wy"] = w * yf
        frame["w2y"] = w**2 * yf
        frame["m"] = (w > 0).astype("int64")
    if not by:
        agg = frame.sum().to_frame().T
    else:
        for col in by:
            frame[col] = cases[col]
        agg = frame.groupby(by, observed=True, dropna=False, sort=True).sum().reset_index()
    return agg


def reversal_rates(
    data: CaseData | pd.DataFrame,
    by: str | Sequence[str] | None = None,
    rule: RuleLike = "disturbed",
    ci: str = "wilson",
    level: float = LEVEL,
    min_n: int = MIN_N,
    weighted: bool = False,
) -> pd.DataFrame:
    """Reversal rates per group with confidence intervals.

    Parameters
    ----------
    data
        A :class:`CaseData`, or a cases frame with an ``outcome`` column.
    by
        Column name(s) to group by; None for one overall rate.
    rule
        Reversal rule: ``"reversed"``, ``"disturbed"``, ``"appellant_win"`` or a mapping.
    ci
        Interval method, one of :data:`CI_METHODS`.
    level
        Confidence level of the interval.
    min_n
        Groups with fewer counted cases are flagged ``small_n``.
    weighted
        Weight cases by their ``weight`` column (sampling weights).

    Returns
    -------
    pandas.DataFrame
        One row per group: the ``by`` columns, ``n`` (cases counted under the rule),
        ``n_reversed``, ``rate``, ``ci_low``, ``ci_high``, ``small_n``, ``n_excluded`` (cases
        the rule leaves out of the denominator), ``n_effective`` (Kish's effective sample
        size; equals ``n`` when unweighted), ``rule`` and ``ci_method``.

    Examples
    --------
    >>> import toolkit
    >>> data = toolkit.load("demo")
    >>> rates = reversal_rates(data, by="circuit")
    >>> rates.loc[rates["circuit"] == "ca9", ["n", "n_reversed", "n_excluded"]].values.tolist()
    [[2242, 430, 138]]
    >>> rates.columns.tolist()[:8]
    ['circuit', 'n', 'n_reversed', 'rate', 'ci_low', 'ci_high', 'small_n', 'n_excluded']
    """
    r = get_rule(rule)
    out = rates_from_flags(
        flagged_cases(data, r),
        by,
        ci=ci,
        level=level,
        min_n=min_n,
        weighted=weighted,
        rule_name=r.name,
    )
    out.attrs["rule"] = r.as_dict()
    return out


def rates_from_flags(
    frame: pd.DataFrame,
    by: str | Sequence[str] | None = None,
    *,
    ci: str = "wilson",
    level: float = LEVEL,
    min_n: int = MIN_N,
    weighted: bool = False,
    rule_name: str = "",
) -> pd.DataFrame:
    """Rates of a nullable boolean ``reversed`` column per group (NA rows are excluded).

    The engine behind :func:`reversal_rates`, for frames that already carry the flag (for
    example one row per judge's vote). Same columns as :func:`reversal_rates`.
    """
    by = _as_list(by)
    _check_by(frame, by)
    agg = _aggregate(frame, by, weighted)
    n = agg["n"].to_numpy(dtype=float)
    if weighted:
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = agg["wy"].to_numpy() / agg["w"].to_numpy()
            n_eff = agg["w"].to_numpy() ** 2 / agg["w2"].to_numpy()
        low, high = proportion_ci(rate * n_eff, n_eff, ci, level)
        method = f"{ci}, weighted (Kish effective n)"
        # linearization, each group a domain of the whole sample (as survey::svyby does):
        # sum of w^2 (y - p)^2 over the group's cases, times N / (N - 1) for the N cases of
        # the whole sample, over (sum w)^2
        m_all = float(agg["m"].sum())
        with np.errstate(divide="ignore", invalid="ignore"):
            ss = (
                agg["w2y"].to_numpy() * (1 - rate) ** 2
                + (agg["w2"].to_numpy() - agg["w2y"].to_numpy()) * rate**2
            )
            factor = m_all / (m_all - 1) if m_all > 1 else np.nan  # one case: no variance
            std_error = np.sqrt(factor * ss) / agg["w"].to_numpy()
        std_error = np.where((agg["m"].to_numpy() > 0) & (m_all > 1), std_error, np.nan)
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = agg["n_reversed"].to_numpy() / n
        n_eff = n
        low, high = proportion_ci(agg["n_reversed"], n, ci, level)
        method = ci
    out = agg[by].copy() if by else pd.DataFrame(index=agg.index)
    out["n"] = agg["n"].astype("int64")
    out["n_reversed"] = agg["n_reversed"].astype("int64")
    out["rate"] = rate
    out["ci_low"] = low
    out["ci_high"] = high
    out["small_n"] = out["n"] < min_n
    out["n_excluded"] = agg["n_excluded"].astype("int64")
    out["n_effective"] = n_eff
    if weighted:
        out["std_error"] = std_error
    out["rule"] = rule_name
    out["ci_method"] = method
    out.attrs.update(ci=ci, level=level, weighted=weighted, min_n=min_n)
    return out.reset_index(drop=True)


class Comparison(NamedTuple):
    """Result of :func:`compare_rates`: one row per group, and the homogeneity test."""

    groups: pd.DataFrame
    test: pd.DataFrame


def _two_by_two_p(x1: int, n1: int, x2: int, n2: int) -> tuple[float, str]:
    from scipy import stats

    table = np.array([[x1, n1 - x1], [x2, n2 - x2]])
    if n1 == 0 or n2 == 0:
        return float("nan"), "none (empty group)"
    expected = table.sum(1, keepdims=True) * table.sum(0, keepdims=True) / table.sum()
    if (expected < 5).any():
        return float(stats.fisher_exact(table).pvalue), "fisher_exact"
    if (table.sum(0) == 0).any():
        return 1.0, "chi_square"
    return float(stats.chi2_contingency(table, correction=False).pvalue), "chi_square"


def _newcombe(x1: Any, n1: Any, x2: Any, n2: Any, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Newcombe's hybrid score interval for p1 - p2 (independent groups)."""
    l1, u1 = proportion_ci(x1, n1, "wilson", level)
    l2, u2 = proportion_ci(x2, n2, "wilson", level)
    with np.errstate(divide="ignore", invalid="ignore"):
        p1 = np.asarray(x1, float) / np.asarray(n1, float)
        p2 = np.asarray(x2, float) / np.asarray(n2, float)
    d = p1 - p2
    low = d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return low, high


def _rao_scott(y: np.ndarray, g: np.ndarray, w: np.ndarray) -> tuple[float, float, float, float]:
    """Design-based test that the weighted reversal share is the same in every group: the
    Rao-Scott second-order corrected Pearson chi-square of the group-by-outcome table, as R's
    ``survey::svychisq(~group + y, svydesign(ids = ~1, weights = ~w), statistic = "F")``.

    ``y`` is 0/1, ``g`` integer group codes ``0..r-1``, ``w`` positive weights of the cases
    (independent draws with unequal weights: no strata or clusters). Returns the F statistic,
    its numerator and denominator degrees of freedom and the p-value.
    """
    from scipy import stats

    n, r = len(y), int(g.max()) + 1
    cell = g + r * y.astype(int)  # cells ordered as R's expand.grid(rows, cols): rows first
    Z = np.zeros((n, 2 * r))
    Z[np.arange(n), cell] = 1.0
    W = w.sum()
    p = (w @ Z) / W
    infl = w[:, None] * (Z - p) / W  # linearized influence of each case on the cell shares
    V = n / (n - 1) * infl.T @ infl
    rows = np.tile(np.arange(r), 2)
    cols = np.repeat([0, 1], r)
    X1 = np.column_stack([np.ones(2 * r)] + [rows == i for i in range(1, r)] + [cols == 1])
    X12 = np.column_stack([(rows == i) & (cols == 1) for i in range(1, r)]).astype(float)
    C = X12 - X1 @ np.linalg.lstsq(X1.astype(float), X12, rcond=None)[0]
    inv_d = np.where(p > 0, 1 / np.where(p > 0, p, 1.0), 0.0)
    denom = C.T @ (inv_d[:, None] * C)
    numer = C.T @ (inv_d[:, None] * V * inv_d[None, :]) @ C
    delta = np.linalg.solve(denom, numer)
    trace = float(np.trace(delta))
    row_p, col_p = p.reshape(2, r).sum(0), p.reshape(2, r).sum(1)
    expected = np.outer(col_p, row_p).ravel()
    if trace <= 0 or (col_p == 0).any():
        return 0.0, float(r - 1), float(n - 1), 1.0
    pearson = float(np.sum(np.where(expected > 0, (p - expected) ** 2 / expected, 0.0)))
    f = pearson / trace
    d0 = trace**2 / float(np.trace(delta @ delta))
    return f, d0, d0 * (n - 1), float(stats.f.sf(f, d0, d0 * (n - 1)))


def compare_rates(
    data: CaseData | pd.DataFrame,
    by: str | Sequence[str],
    rule: RuleLike = "disturbed",
    correction: str = "holm",
    level: float = LEVEL,
    min_n: int = MIN_N,
    n_resamples: int = 20000,
    seed: int = 0,
    weighted: bool = False,
) -> Comparison:
    """Do reversal rates differ between groups, and which groups stand out?

    Parameters
    ----------
    data
        A :class:`CaseData` or cases frame.
    by
        The grouping column(s), e.g. ``"circuit"``.
    rule
        Reversal rule.
    correction
        Multiplicity correction of the group-vs-rest tests: ``"holm"`` (default, controls the
        family-wise error rate) or ``"fdr_bh"`` (Benjamini-Hochberg false discovery rate).
    level
        Confidence level of the intervals.
    min_n
        Groups with fewer counted cases are flagged ``small_n``.
    n_resamples, seed
        Monte Carlo resamples (and their seed) for Fisher's exact test on tables larger than
        2x2, used when an expected count is below 5.
    weighted
        Use the cases' sampling weights (``weight`` column), design-based throughout: rates
        and intervals as in :func:`reversal_rates` with ``weighted=True`` (``std_error`` is the
        linearized standard error); the homogeneity test and each group-vs-rest test are the
        Rao-Scott corrected chi-square (an F test with the second-order correction), as R's
        ``survey::svychisq(~group + y, svydesign(ids = ~1, weights = ~w), statistic = "F")``
        (``test`` is ``"rao_scott_f"``; ``df`` and ``df_denominator`` are its degrees of
        freedom); ``diff_rest`` is the difference of weighted shares with a Wald interval from
        the linearized standard errors (the group and the rest are disjoint domains of one
        sample, so their covariance is zero, as in ``svyby`` followed by ``svycontrast``).
        The design is that of independent cases with unequal weights (no strata or
        clusters); cases with a counted outcome and a positive weight enter it.

    Returns
    -------
    Comparison
        ``groups``: one row per group with its rate and interval (Wilson); ``rate_rest`` and
        ``diff_rest`` (the group minus the rest of the data) with Newcombe's interval
        (``diff_rest_low``, ``diff_rest_high``), ``p_value`` (chi-square, or Fisher's exact
        when an expected count is below 5; ``test`` says which), ``p_adjusted`` and
        ``significant`` (at ``1 - level``); ``diff_overall`` (group minus the pooled rate, which
        equals ``diff_rest`` times the share of cases outside the group, with its interval
        scaled the same way); ``diff_median`` (group minus the median group rate, taken as a
        fixed reference, with the group's own interval shifted).
        ``test``: one row with the homogeneity test across all groups (``statistic``, ``df``,
        ``p_value``, ``test``, ``n_groups``, ``n``).

    Examples
    --------
    >>> import toolkit
    >>> comp = compare_rates(toolkit.load("demo"), by="circuit")
    >>> comp.test["test"].item(), bool(comp.test["p_value"].item() < 1e-10)
    ('chi_square', True)
    """
    from scipy import stats
    from statsmodels.stats.multitest import multipletests

    if correction not in ("holm", "fdr_bh"):
        raise ToolkitError(f"unknown correction {correction!r}; expected 'holm' or 'fdr_bh'")
    by = _as_list(by)
    if not by:
        raise ToolkitError("compare_rates needs at least one grouping column")
    if weighted:
        return _compare_weighted(data, by, rule, correction, level, min_n)
    rates = reversal_rates(data, by=by, rule=rule, level=level, min_n=min_n)
    rates = rates[rates["n"] > 0].reset_index(drop=True)
    x = rates["n_reversed"].to_numpy()
    n = rates["n"].to_numpy()
    total_x, total_n = int(x.sum()), int(n.sum())
    if len(rates) < 2:
        raise ToolkitError("compare_rates needs at least two groups with counted cases")

    table = np.column_stack([x, n - x])
    expected = table.sum(1, keepdims=True) * table.sum(0, keepdims=True) / table.sum()
    if (table.sum(0) == 0).any():
        test = {"statistic": 0.0, "df": len(rates) - 1, "p_value": 1.0, "test": "chi_square"}
    elif (expected < 5).any():
        if table.shape[0] == 2:
            res = stats.fisher_exact(table)
            name = "fisher_exact"
        else:
            res = stats.fisher_exact(
                table, method=stats.PermutationMethod(n_resamples=n_resamples, rng=seed)
            )
            name = f"fisher_exact (Monte Carlo, {n_resamples} resamples)"
        test = {
            "statistic": float("nan"),
            "df": len(rates) - 1,
            "p_value": float(res.pvalue),
            "test": name,
        }
    else:
        chi2, p, dof, _ = stats.chi2_contingency(table, correction=False)
        test = {"statistic": float(chi2), "df": int(dof), "p_value": float(p), "test": "chi_square"}
    test.update(n_groups=len(rates), n=total_n, rule=rates["rule"].iloc[0])

    rest_x, rest_n = total_x - x, total_n - n
    pvals, tests = zip(
        *(
            _two_by_two_p(int(a), int(b), int(c), int(d))
            for a, b, c, d in zip(x, n, rest_x, rest_n, strict=True)
        ),
        strict=True,
    )
    pvals = np.array(pvals, dtype=float)
    ok = ~np.isnan(pvals)
    adjusted = np.full_like(pvals, np.nan)
    if ok.any():
        adjusted[ok] = multipletests(pvals[ok], method=correction)[1]
    with np.errstate(divide="ignore", invalid="ignore"):
        rate_rest = rest_x / rest_n
    d_low, d_high = _newcombe(x, n, rest_x, rest_n, level)
    share_rest = rest_n / total_n
    median = float(np.median(rates["rate"]))

    out = rates.drop(columns=["n_effective"])
    out["rate_rest"] = rate_rest
    out["diff_rest"] = rates["rate"].to_numpy() - rate_rest
    out["diff_rest_low"] = d_low
    out["diff_rest_high"] = d_high
    out["p_value"] = pvals
    out["test"] = tests
    out["p_adjusted"] = adjusted
    out["correction"] = correction
    out["significant"] = adjusted < (1 - level)
    out["diff_overall"] = out["diff_rest"] * share_rest
    out["diff_overall_low"] = d_low * share_rest
    out["diff_overall_high"] = d_high * share_rest
    out["diff_median"] = out["rate"] - median
    out["diff_median_low"] = out["ci_low"] - median
    out["diff_median_high"] = out["ci_high"] - median
    return Comparison(groups=out, test=pd.DataFrame([test]))


def _compare_weighted(
    data: CaseData | pd.DataFrame,
    by: list[str],
    rule: RuleLike,
    correction: str,
    level: float,
    min_n: int,
) -> Comparison:
    """:func:`compare_rates` with sampling weights (design-based tests and intervals)."""
    from scipy import stats
    from statsmodels.stats.multitest import multipletests

    rates = reversal_rates(data, by=by, rule=rule, level=level, min_n=min_n, weighted=True)
    r = get_rule(rule)
    cases = flagged_cases(data, r)
    keep = cases["reversed"].notna().to_numpy().copy()
    w = pd.to_numeric(cases["weight"], errors="coerce").astype("float64").to_numpy()
    keep &= w > 0
    cases = cases[keep]
    w = w[keep]
    rates = rates[rates["n_effective"] > 0].reset_index(drop=True)
    if len(rates) < 2:
        raise ToolkitError(
            "compare_rates needs at least two groups with counted cases of positive weight"
        )
    if len(cases) < 3:
        raise ToolkitError(
            f"a design-based comparison needs at least three cases with a positive weight, "
            f"not {len(cases)}"
        )
    keys = pd.MultiIndex.from_frame(rates[by]) if len(by) > 1 else pd.Index(rates[by[0]])
    case_keys = pd.MultiIndex.from_frame(cases[by]) if len(by) > 1 else pd.Index(cases[by[0]])
    g = keys.get_indexer(case_keys)
    y = cases["reversed"].astype("float64").to_numpy()
    f, d1, d2, p = _rao_scott(y, g, w)
    test = {
        "statistic": f,
        "df": d1,
        "df_denominator": d2,
        "p_value": p,
        "test": "rao_scott_f",
        "n_groups": len(rates),
        "n": int(len(cases)),
        "rule": r.name,
    }
    pvals = np.array([_rao_scott(y, (g == i).astype(int), w)[3] for i in range(len(rates))])
    adjusted = multipletests(pvals, method=correction)[1]
    W, WY = w.sum(), (w * y).sum()
    wg = np.bincount(g, weights=w, minlength=len(rates))
    wyg = np.bincount(g, weights=w * y, minlength=len(rates))
    rate = rates["rate"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        rate_rest = (WY - wyg) / (W - wg)
    # linearized standard error of the rest's share, a domain of the same sample
    m = len(cases)
    se_rest = np.empty(len(rates))
    for i in range(len(rates)):
        out_i = g != i
        dev = w[out_i] * (y[out_i] - rate_rest[i])
        se_rest[i] = np.sqrt(m / (m - 1) * np.sum(dev**2)) / (W - wg[i])
    se_diff = np.sqrt(rates["std_error"].to_numpy() ** 2 + se_rest**2)
    z = stats.norm.ppf(0.5 + level / 2)
    diff = rate - rate_rest
    share_rest = (W - wg) / W
    median = float(np.median(rate))
    out = rates.copy()
    out["rate_rest"] = rate_rest
    out["diff_rest"] = diff
    out["diff_rest_low"] = diff - z * se_diff
    out["diff_rest_high"] = diff + z * se_diff
    out["p_value"] = pvals
    out["test"] = "rao_scott_f"
    out["p_adjusted"] = adjusted
    out["correction"] = correction
    out["significant"] = adjusted < (1 - level)
    out["diff_overall"] = diff * share_rest
    out["diff_overall_low"] = out["diff_rest_low"] * share_rest
    out["diff_overall_high"] = out["diff_rest_high"] * share_rest
    out["diff_median"] = out["rate"] - median
    out["diff_median_low"] = out["ci_low"] - median
    out["diff_median_high"] = out["ci_high"] - median
    return Comparison(groups=out, test=pd.DataFrame([test]))


def rule_sensitivity(
    data: CaseData | pd.DataFrame,
    by: str | Sequence[str] | None = None,
    rules: Sequence[RuleLike] | None = None,
    ci: str = "wilson",
    level: float = LEVEL,
    min_n: int = MIN_N,
) -> pd.DataFrame:
    """The same rates under each reversal rule, stacked (one row per group and rule).

    Parameters
    ----------
    data
        A :class:`CaseData` or cases frame.
    by
        Grouping column(s); None for overall rates.
    rules
        Rules to compare; default the three named rules.
    ci, level, min_n
        As in :func:`reversal_rates`.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`reversal_rates`, with ``rule`` telling the rule; pivot on
        ``rule`` for a side-by-side table.

    Examples
    --------
    >>> import toolkit
    >>> sens = rule_sensitivity(toolkit.load("demo"))
    >>> sens["rule"].tolist()
    ['reversed', 'disturbed', 'appellant_win']
    """
    chosen = list(rules) if rules is not None else list(RULES)
    frames = [reversal_rates(data, by=by, rule=r, ci=ci, level=level, min_n=min_n) for r in chosen]
    return pd.concat(frames, ignore_index=True)
