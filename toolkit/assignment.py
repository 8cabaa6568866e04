"""The panel draw: how much does the luck of the panel decide?

Courts of appeals decide most cases in panels of three judges drawn from the judges who sit in
the circuit. :func:`panel_draw` asks, for each case, what other panels of the same circuit and
year would likely have done with it, and summarises the answer as the **panel disagreement**:

    the probability that two panels drawn at random for the same circuit and year would decide
    the same case differently, holding the case's own merits fixed.

In the multiple-membership logit model that :func:`toolkit.judge_effects` fits with
``method="mixed"`` (every panel judge's random intercept enters the case), a case with linear
predictor ``a`` (its fixed effects: circuit, year, claim type) is decided for reversal by a panel
whose judges' effects sum to ``u`` with probability ``F(a + u)``, ``F`` the logistic function.
Two independent panels decide it differently with probability
``F(a + u1) (1 - F(a + u2)) + F(a + u2) (1 - F(a + u1))``; averaged over the panel draw, its
*systematic* part, the part due to who sits rather than to the coin flip each panel makes
anyway, is ``E |F(a + u1) - F(a + u2)|``. That expectation, averaged over cases, is the panel
disagreement. It is the quantity Fischman estimates from panel data ("Measuring Inconsistency,
Indeterminacy, and Error in Adjudication"; "Estimating Preferences of Circuit Judges").

What it assumes, and the result says so: panels are assigned at random among the judges who
sat in the circuit that year (in the proportions the data show, visiting judges included); judge
effects are additive on the logit scale and the same in every kind of case; the case's merits
are summarised by its fixed effects. Its interval carries the uncertainty of the judge effects
and of their spread (posterior draws, see :func:`_effect_draws`) and of the fixed effects
(normal approximation under a weak prior), not the uncertainty of the model itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import expit

from toolkit.errors import ToolkitError
from toolkit.outcomes import Rule, get_rule
from toolkit.results import LEVEL, MIN_N
from toolkit.schema import CaseData

__all__ = ["ASSUMPTIONS", "PanelDraw", "panel_disagreement", "panel_draw"]

RuleLike = str | Rule | Mapping[str, Any]

ASSUMPTIONS = (
    "Panel disagreement is the probability that two panels drawn at random from the judges who "
    "sat in the same circuit and year would decide the same case differently because of who sat, "
    "holding the case's merits fixed: the average over cases of E|F(a + u1) - F(a + u2)|, with "
    "a the case's linear predictor, u1 and u2 two random panels' summed judge effects and F the "
    "logistic function. It assumes random assignment of judges to panels (in the proportions "
    "the data show, visiting judges included) and judge effects that add up on the logit scale "
    "and are the same in every kind of case; its interval carries the uncertainty of the "
    "estimated judge and fixed effects, not of these assumptions."
)
"""What the panel disagreement means and assumes, in words a report can print."""

THIN_REVERSALS = 3
"""Below this median number of reversed cases per judge, the result carries a warning note."""

PRIOR_SD = 2.5
"""Standard deviation (log-odds) of the weak normal prior on the case-level fixed effects."""


@dataclass(frozen=True)
class PanelDraw:
    """The result of :func:`panel_draw`.

    Attributes
    ----------
    cases
        One row per case analysed: ``case_id``, ``circuit``, ``year``, ``reversed`` (observed),
        ``n_pool`` (judges who sat in the circuit that year), ``p_own_panel`` (the fitted
        probability of reversal before the panel that decided it), ``p_mean``, ``p_low`` and
        ``p_high`` (mean and central ``level`` range of that probability over drawn panels),
        ``disagreement`` (the case's panel disagreement, posterior mean), ``disagreement_low``
        and ``disagreement_high``.
    by_circuit
        Per circuit: ``circuit``, ``n`` (cases), ``n_judges``, ``rate`` (observed),
        ``disagreement``, ``ci_low``, ``ci_high``, ``small_n``.
    disagreement, disagreement_ci
        The panel disagreement over every case analysed, and its interval.
    draws
        The overall panel disagreement in each posterior draw.
    excluded
        Cases left out, with the reason: ``reason``, ``n``.
    judge_sd, judge_sd_ci
        The fitted standard deviation of judge effects (log-odds), and its interval over the
        posterior draws (the draws let it vary; see :func:`_effect_draws`).
    level, rule, n_draws, n_panels, adjust_for
        How it was computed.
    assumptions
        :data:`ASSUMPTIONS`: what the number means and assumes.
    """

    cases: pd.DataFrame
    by_circuit: pd.DataFrame
    disagreement: float
    disagreement_ci: tuple[float, float]
    draws: np.ndarray
    excluded: pd.DataFrame
    judge_sd: float
    judge_sd_ci: tuple[float, float]
    level: float
    rule: str
    n_draws: int
    n_panels: int
    adjust_for: tuple[str, ...]
    assumptions: str = ASSUMPTIONS
    notes: list[str] = field(default_factory=list)


def panel_disagreement(p: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """Expected ``|p1 - p2|`` for two independent draws, along the last axis.

    Without weights the draws are taken as equally likely and the result is the U-statistic
    (the mean over distinct pairs, unbiased for the expectation when ``p`` holds random
    draws). With weights, ``p`` lists every possible value and ``weights`` their
    probabilities, and the result is the exact expectation ``sum_ij w_i w_j |p_i - p_j|``.

    Examples
    --------
    >>> float(panel_disagreement(np.array([0.1, 0.3, 0.6])))  # (0.2 + 0.5 + 0.3) / 3
    0.3333333333333333
    >>> round(float(panel_disagreement(np.array([0.1, 0.3]), np.array([0.5, 0.5]))), 12)
    0.1
    """
    p = np.asarray(p, dtype=float)
    k = p.shape[-1]
    if weights is None:
        if k < 2:
            raise ToolkitError("panel disagreement needs at least two panels")
        order = np.sort(p, axis=-1)
        coef = 2 * np.arange(1, k + 1) - k - 1
        return 2 * (order * coef).sum(axis=-1) / (k * (k - 1))
    w = np.broadcast_to(np.asarray(weights, dtype=float), p.shape)
    idx = np.argsort(p, axis=-1)
    ps = np.take_along_axis(p, idx, axis=-1)
    ws = np.take_along_axis(w, idx, axis=-1)
    ws = ws / ws.sum(axis=-1, keepdims=True)
    below = np.cumsum(ws, axis=-1) - ws  # weight strictly before each sorted value
    wpb = np.cumsum(ws * ps, axis=-1) - ws * ps
    # sum over ordered pairs i > j of w_i w_j (p_i - p_j), doubled for both orders
    return 2 * (ws * (ps * below - wpb)).sum(axis=-1)


def _draw_panels(
    rng: np.random.Generator,
    regular: pd.Series,
    visiting: pd.Series,
    n_visitors: np.ndarray,
    size: int,
    k: int,
) -> list[list[str]]:
    """``k`` panels: visitors in the observed proportion, judges weighted by their sittings."""
    panels: list[list[str]] = []
    counts = rng.choice(n_visitors, size=k) if len(n_visitors) else np.zeros(k, dtype=int)
    for pool, want in ((regular, size - counts), (visiting, counts)):
        ids = pool.index.to_numpy()
        logw = np.log(pool.to_numpy(dtype=float)) if len(pool) else np.zeros(0)
        # Gumbel top-k: weighted sampling without replacement, all panels at once
        keys = logw[None, :] + rng.gumbel(size=(k, len(ids)))
        order = np.argsort(-keys, axis=1)
        for row in range(k):
            chosen = ids[order[row, : int(want[row])]].tolist()
            if len(panels) <= row:
                panels.append(chosen)
            else:
                panels[row].extend(chosen)
    return panels


def _map_logit(
    X: np.ndarray, y: np.ndarray, offset: np.ndarray, prior_sd: float = PRIOR_SD
) -> tuple[np.ndarray, np.ndarray]:
    """Logit with offset and a weak normal prior on every coefficient but the first.

    Returns the posterior mode and the inverse Hessian there (its normal approximation). The
    prior keeps a group without reversals (complete separation, where maximum likelihood runs
    off to minus infinity) at a finite, uncertain value instead of a certain zero.
    """
    k = X.shape[1]
    prec = np.full(k, 1.0 / prior_sd**2)
    prec[0] = 1.0 / 10.0**2  # the intercept: nearly flat
    beta = np.zeros(k)
    for _ in range(100):
        p = expit(X @ beta + offset)
        grad = X.T @ (y - p) - prec * beta
        hess = (X * (p * (1 - p))[:, None]).T @ X + np.diag(prec)
        step = np.linalg.solve(hess, grad)
        beta = beta + step
        if np.max(np.abs(step)) < 1e-10:
            break
    p = expit(X @ beta + offset)
    hess = (X * (p * (1 - p))[:, None]).T @ X + np.diag(prec)
    return beta, np.linalg.inv(hess)


def _effect_draws(
    mu: np.ndarray, lam: np.ndarray, judge_sd: float, draws: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Posterior draws of the judge effects that carry the uncertainty of their spread too.

    Each judge's likelihood is taken in normal form: precision ``lam`` (the Fisher information
    of the judge's effect, the sum of ``p (1 - p)`` over the judge's cases at the fitted
    probabilities) and the centre that, under the fitted prior N(0, judge_sd^2), gives the
    fitted effect ``mu`` as posterior mean. The spread ``tau`` then gets its posterior on a grid
    (flat prior on ``tau``; the centres are N(0, 1/lam + tau^2)), and each draw takes a ``tau``
    from it and the effects from their conditional normal posterior. The spread is thus not
    held at its point estimate, and the interval widens as much as the data leave it
    uncertain. (The variational posterior standard deviations of the mixed model are not used:
    mean-field variational Bayes understates them.)
    """
    score = mu * (lam + 1.0 / judge_sd**2)  # lam * centre
    informed = lam > 1e-9
    grid = np.linspace(0.005, max(3.0, 4 * judge_sd), 600)
    if informed.sum() >= 2:
        centre = score[informed] / lam[informed]
        var = 1.0 / lam[informed][None, :] + grid[:, None] ** 2
        loglik = -0.5 * (np.log(var) + centre[None, :] ** 2 / var).sum(axis=1)
        post = np.exp(loglik - loglik.max())
        post /= post.sum()
        step = grid[1] - grid[0]
        tau = rng.choice(grid, size=draws, p=post) + rng.uniform(-0.5, 0.5, draws) * step
    else:
        tau = np.full(draws, judge_sd)
    prec = lam[None, :] + 1.0 / tau[:, None] ** 2
    mean = score[None, :] / prec
    eff = mean + rng.standard_normal(prec.shape) / np.sqrt(prec)
    return eff, tau


def panel_draw(
    data: CaseData,
    model: pd.DataFrame | None = None,
    draws: int = 200,
    panels: int = 200,
    rule: RuleLike = "disturbed",
    adjust_for: Sequence[str] | None = None,
    level: float = LEVEL,
    min_n: int = MIN_N,
    seed: int = 0,
) -> PanelDraw:
    """How much the panel draw decides: the panel disagreement, per case, circuit and overall.

    For each case decided by a three-judge panel, ``panels`` panels are drawn from the judges
    who sat in the same circuit and year (each judge in proportion to the panels the data show
    them on; visiting judges, by designation, as often as the data show them), and the
    probability of reversal before each drawn panel is predicted from the fitted judge model.
    The panel disagreement of a case is the expected ``|F(a + u1) - F(a + u2)|`` over two random
    panels (see the module docstring and :data:`ASSUMPTIONS`); it is computed in each of
    ``draws`` posterior draws of the judge and fixed effects, so its interval carries their
    uncertainty.

    Parameters
    ----------
    data
        A :class:`CaseData` with votes (who sat on each case), ``circuit`` and ``year``.
    model
        The judge effects, a frame from :func:`toolkit.judge_effects` with ``method="mixed"``
        (its ``judge_id``, ``effect`` and ``judge_sd``); fitted here (with ``adjust_for``)
        when None.
    draws
        Posterior draws of the judge and fixed effects.
    panels
        Panels drawn per circuit and year.
    rule
        Reversal rule; cases it excludes are not analysed (counted in ``excluded``).
    adjust_for
        Case columns entered as fixed effects in the case's linear predictor; default those of
        ``circuit``, ``year`` and ``claim_type`` the cases have.
    level
        Level of the intervals.
    min_n
        Circuits with fewer analysed cases are flagged ``small_n``.
    seed
        Seed of the panel and posterior draws; the same seed gives the same result.

    Returns
    -------
    PanelDraw

    Raises
    ------
    ToolkitError
        When the data have no votes, no circuit or year, or no case decided by a drawn
        three-judge panel (the Supreme Court sits as one bench of nine).

    Examples
    --------
    >>> import toolkit
    >>> pd_ = panel_draw(toolkit.load("demo"), draws=20, panels=50)  # doctest: +SKIP
    >>> 0 < pd_.disagreement < 0.2  # doctest: +SKIP
    True
    """
    import patsy

    from toolkit.models import judge_effects
    from toolkit.rates import flagged_cases

    if not isinstance(data, CaseData):
        raise ToolkitError("panel_draw needs a CaseData with votes (who sat on each case)")
    if data.votes is None or data.votes.empty:
        raise ToolkitError("panel_draw needs the votes table: who sat on each case")
    if draws < 2 or panels < 2:
        raise ToolkitError(f"draws and panels must be at least 2 (got {draws}, {panels})")
    if not 0 < level < 1:
        raise ToolkitError(f"level must lie in (0, 1), not {level!r}")
    r = get_rule(rule)
    cases = flagged_cases(data, r)
    for col in ("circuit", "year"):
        if col not in cases.columns or cases[col].isna().all():
            raise ToolkitError(f"panel_draw needs the cases' {col!r}: these data have none")
    if adjust_for is None:
        adjust = [c for c in ("circuit", "year", "claim_type") if c in cases.columns]
        adjust = [c for c in adjust if cases[c].nunique(dropna=True) > 1]
    else:
        adjust = list(adjust_for)
        missing = [c for c in adjust if c not in cases.columns]
        if missing:
            raise ToolkitError(f"adjust_for: no case column(s) {', '.join(missing)}")

    votes = data.votes
    size = votes.groupby("case_id").size()
    cases = cases.assign(_size=cases["case_id"].map(size).fillna(0).astype("int64"))
    excluded: list[dict[str, Any]] = []

    def drop(mask: pd.Series, reason: str) -> None:
        nonlocal cases
        if mask.any():
            excluded.append({"reason": reason, "n": int(mask.sum())})
            cases = cases[~mask]

    if "court" in cases.columns:
        drop(
            cases["court"].astype("str").eq("scotus"),
            "Supreme Court: the whole bench sits, no panel is drawn",
        )
    drop(cases["_size"] == 0, "no judges recorded")
    drop(cases["_size"] != 3, "not a three-judge panel (en banc, or a judge missing)")
    if cases.empty:
        raise ToolkitError(
            "no case in these data was decided by a three-judge panel drawn from a court's "
            "judges; the panel draw applies to courts of appeals sitting in panels "
            "(left out: " + ", ".join(f"{e['n']:,} {e['reason']}" for e in excluded) + ")"
        )
    drop(cases["circuit"].isna() | cases["year"].isna(), "no circuit or year")
    panel_cases = cases  # every panel case shows who sat, counted or not
    drop(cases["reversed"].isna(), f"outcome not counted by the rule {r.name!r}")
    for col in adjust:
        drop(cases[col].isna(), f"no {col}")
    if cases.empty:
        raise ToolkitError("no case left to analyse: " + "; ".join(e["reason"] for e in excluded))

    # -- the judge model --------------------------------------------------------------------
    if model is None:
        model = judge_effects(data, method="mixed", rule=r, adjust_for=adjust)
    need = {"judge_id", "effect", "judge_sd"}
    if not need <= set(model.columns):
        raise ToolkitError(
            f"model: expected a judge_effects(method='mixed') frame with columns "
            f"{', '.join(sorted(need))}; got {', '.join(map(str, model.columns))}"
        )
    if "method" in model.columns and not (model["method"] == "mixed").all():
        raise ToolkitError("model: judge effects must come from judge_effects(method='mixed')")
    if model["judge_id"].duplicated().any():
        raise ToolkitError("model: one row per judge expected (fit without `within`)")
    mean = model.set_index("judge_id")["effect"].astype(float)
    judge_sd = float(model["judge_sd"].dropna().iloc[0]) if model["judge_sd"].notna().any() else 0
    if not judge_sd > 0:
        raise ToolkitError("model: no positive judge_sd (the spread of the judge effects)")
    sat = set(votes.loc[votes["case_id"].isin(cases["case_id"]), "judge_id"])
    known = len(sat & set(mean.index))
    if known < 0.5 * len(sat):
        raise ToolkitError(
            f"model: only {known} of the {len(sat)} judges who sat on these cases have an "
            "effect in it; fit it on these data, without anonymize=True"
        )
    judges = pd.Index(sorted(set(votes["judge_id"]) | set(mean.index)))
    mu = mean.reindex(judges).fillna(0.0).to_numpy()

    # -- the case's linear predictor: fixed effects, with the judges' effects as offset -----
    v = votes[votes["case_id"].isin(cases["case_id"])]
    pos = judges.get_indexer(v["judge_id"])
    own = pd.Series(mu[pos], index=v.index).groupby(v["case_id"].to_numpy()).sum()
    cases = cases.reset_index(drop=True)
    frame = cases[adjust].astype("str") if adjust else pd.DataFrame(index=cases.index)
    rhs = " + ".join(f"C({c})" for c in adjust) or "1"
    X = patsy.dmatrix(rhs, frame, return_type="dataframe").to_numpy()
    y = cases["reversed"].astype("float64").to_numpy()
    offset = cases["case_id"].map(own).to_numpy(dtype=float)
    beta, cov = _map_logit(X, y, offset)
    notes = []
    sd_beta = np.sqrt(np.diag(cov))[1:]
    if np.any(sd_beta > 1.5):
        notes.append(
            "some fixed effects rest on groups with few or no reversals; the weak prior on "
            "them (normal, sd 2.5) and their uncertainty weigh on the result"
        )

    # -- the pool of each circuit and year ---------------------------------------------------
    pv = votes[votes["case_id"].isin(panel_cases["case_id"])].merge(
        panel_cases[["case_id", "circuit", "year"]], on="case_id"
    )
    if "by_designation" in pv.columns:
        pv["_visit"] = pv["by_designation"].fillna(False).astype(bool)
    else:
        pv["_visit"] = False
    rng = np.random.default_rng(seed)
    cy_key = cases["circuit"].astype("str") + "|" + cases["year"].astype("int64").astype("str")
    pv_key = pv["circuit"].astype("str") + "|" + pv["year"].astype("int64").astype("str")
    pools: dict[str, np.ndarray] = {}
    n_pool: dict[str, int] = {}
    too_small = []
    wanted = set(cy_key.tolist())
    for key, grp in pv.groupby(pv_key.to_numpy(), sort=True):
        if key not in wanted:
            continue
        regular = grp.loc[~grp["_visit"], "judge_id"].value_counts()
        visiting = grp.loc[grp["_visit"], "judge_id"].value_counts()
        n_vis = grp.groupby("case_id")["_visit"].sum().to_numpy(dtype=int)
        n_vis = np.minimum(n_vis, len(visiting))
        if len(regular) < 3 or len(regular) + len(visiting) <= 3:
            too_small.append(key)
            continue
        n_vis = np.minimum(n_vis, 3 - np.maximum(0, 3 - len(regular)))
        drawn = _draw_panels(rng, regular, visiting, n_vis, 3, panels)
        pools[key] = judges.get_indexer(np.array(drawn).ravel()).reshape(panels, 3)
        n_pool[key] = len(regular) + len(visiting)
    small = cy_key.isin(too_small)
    if small.any():
        excluded.append(
            {
                "reason": "fewer than four judges sat in the circuit that year: no panel to draw",
                "n": int(small.sum()),
            }
        )
        keep = ~small.to_numpy()
        cases, X, y, offset = cases[keep].reset_index(drop=True), X[keep], y[keep], offset[keep]
        cy_key = cy_key[keep].reset_index(drop=True)
    if cases.empty:
        raise ToolkitError("no circuit-year has enough judges to draw panels from")

    # -- posterior draws ---------------------------------------------------------------------
    S = int(draws)
    p_fit = expit(X @ beta + offset)
    v_an = votes[votes["case_id"].isin(cases["case_id"])]
    rows = pd.Index(cases["case_id"]).get_indexer(v_an["case_id"])
    cols = judges.get_indexer(v_an["judge_id"])
    lam = np.bincount(cols, weights=(p_fit * (1 - p_fit))[rows], minlength=len(judges))
    eff, sd_draws = _effect_draws(mu, lam, judge_sd, S, rng)
    per_judge = np.bincount(cols, weights=y[rows], minlength=len(judges))
    typical = float(np.median(per_judge[np.bincount(cols, minlength=len(judges)) > 0]))
    if typical < THIN_REVERSALS:
        notes.append(
            f"the typical judge sat on only {typical:.0f} reversed cases here; with so few, "
            "the spread of the judges is poorly measured and mixed logit estimates of it tend "
            "to run low, so the panel disagreement is more likely understated than overstated "
            "(in simulations with about 2,000 cases it came out well below the truth)"
        )
    try:
        chol = np.linalg.cholesky(cov + 1e-12 * np.eye(len(beta)))
    except np.linalg.LinAlgError:
        chol = np.diag(np.sqrt(np.clip(np.diag(cov), 0, None)))
    betas = beta[None, :] + rng.standard_normal((S, len(beta))) @ chol.T

    # identical (circuit-year, covariates) rows share every number: compute each once
    row_key = pd.Series([x.tobytes() for x in X]).astype("category").cat.codes.astype("str")
    group = pd.factorize(cy_key + "#" + row_key)[0]
    n_groups = int(group.max()) + 1
    first = pd.Series(np.arange(len(group))).groupby(group).first().to_numpy()
    d_group = np.empty((S, n_groups))
    p_mean_g = np.empty(n_groups)
    p_low_g = np.empty(n_groups)
    p_high_g = np.empty(n_groups)
    q = [(1 - level) / 2, 0.5 + level / 2]
    a_all = betas @ X[first].T  # S x groups
    for g, row in enumerate(first):
        members = pools[cy_key.iloc[row]]
        u = eff[:, members].sum(axis=2)  # S x panels
        p = expit(a_all[:, g][:, None] + u)
        d_group[:, g] = panel_disagreement(p)
        p_mean_g[g] = p.mean()
        p_low_g[g], p_high_g[g] = np.quantile(p, q)
    d_case = d_group[:, group]  # S x cases

    u_own = np.zeros((S, len(cases)))
    np.add.at(u_own.T, rows, eff[:, cols].T)
    a_case = betas @ X.T
    p_own = expit(a_case + u_own).mean(axis=0)

    w = cases["weight"].astype("float64").fillna(1.0).to_numpy() if "weight" in cases else None
    if w is None:
        w = np.ones(len(cases))
    overall = d_case @ w / w.sum()
    est = float(overall.mean())
    ci = tuple(float(x) for x in np.quantile(overall, q))

    out = pd.DataFrame(
        {
            "case_id": cases["case_id"].to_numpy(),
            "circuit": cases["circuit"].astype("str").to_numpy(),
            "year": cases["year"].astype("int64").to_numpy(),
            "reversed": cases["reversed"].astype("boolean").to_numpy(),
            "n_pool": cy_key.map(n_pool).astype("int64").to_numpy(),
            "p_own_panel": p_own,
            "p_mean": p_mean_g[group],
            "p_low": p_low_g[group],
            "p_high": p_high_g[group],
            "disagreement": d_case.mean(axis=0),
            "disagreement_low": np.quantile(d_group, q[0], axis=0)[group],
            "disagreement_high": np.quantile(d_group, q[1], axis=0)[group],
        }
    )
    circ_rows = []
    for circuit, idx in out.groupby("circuit", sort=False).indices.items():
        wc = w[idx]
        dc = d_case[:, idx] @ wc / wc.sum()
        lo, hi = np.quantile(dc, q)
        circ_rows.append(
            {
                "circuit": circuit,
                "n": len(idx),
                "n_judges": int(
                    pv.loc[pv["circuit"].astype("str") == circuit, "judge_id"].nunique()
                ),
                "rate": float(out["reversed"].iloc[idx].astype(float).mean()),
                "disagreement": float(dc.mean()),
                "ci_low": float(lo),
                "ci_high": float(hi),
                "small_n": len(idx) < min_n,
            }
        )
    by_circuit = pd.DataFrame(circ_rows)
    from toolkit.schema import CIRCUITS

    order = {c: i for i, c in enumerate(CIRCUITS)}
    by_circuit = by_circuit.sort_values(
        "circuit", key=lambda s: s.map(lambda c: order.get(c, len(order)))
    ).reset_index(drop=True)
    return PanelDraw(
        cases=out,
        by_circuit=by_circuit,
        disagreement=est,
        disagreement_ci=ci,
        draws=overall,
        excluded=pd.DataFrame(excluded, columns=["reason", "n"]),
        judge_sd=judge_sd,
        judge_sd_ci=(float(np.quantile(sd_draws, q[0])), float(np.quantile(sd_draws, q[1]))),
        level=level,
        rule=r.name,
        n_draws=S,
        n_panels=int(panels),
        adjust_for=tuple(adjust),
        notes=notes,
    )


def why_no_panel_draw(data: CaseData) -> str | None:
    """Why :func:`panel_draw` does not apply to these data, or None when it does.

    It applies to cases decided by three-judge panels of a court that draws its panels (not
    the Supreme Court, where the whole bench sits), with the judges who sat (votes), the
    circuit and the year.

    Examples
    --------
    >>> import toolkit
    >>> why_no_panel_draw(toolkit.load("demo")) is None
    True
    """
    cases = data.cases
    if data.votes is None or data.votes.empty:
        return "these data do not say which judges sat on each case (no votes)."
    for col in ("circuit", "year"):
        if col not in cases.columns or cases[col].isna().all():
            return f"these data have no {col}, which the panel draw needs."
    size = data.votes.groupby("case_id").size()
    three = cases["case_id"].map(size).eq(3)
    if "court" in cases.columns:
        three &= cases["court"].astype("str").ne("scotus")
    if not three.any():
        courts = ", ".join(sorted(cases["court"].dropna().astype("str").unique())[:5])
        return (
            "no case here was decided by a three-judge panel drawn from a court's judges "
            f"(court: {courts or 'unknown'}); the Supreme Court sits as one bench, so there "
            "is no panel draw to measure."
        )
    return None


def describe_panel_draw(result: PanelDraw) -> str:
    """The panel disagreement in sentences, with what it means and assumes.

    Examples
    --------
    >>> import toolkit  # doctest: +SKIP
    >>> describe_panel_draw(panel_draw(toolkit.load("demo")))  # doctest: +SKIP
    'Two panels drawn at random ...'
    """
    low, high = result.disagreement_ci
    level = f"{100 * result.level:.0f}%"
    by = result.by_circuit.sort_values("disagreement")
    text = (
        f"Two panels drawn at random from the judges who sat in the same circuit and year "
        f"would decide **{100 * result.disagreement:.1f}%** of these {len(result.cases):,} "
        f"cases differently because of who sat ({level} interval {100 * low:.1f}% to "
        f"{100 * high:.1f}%), holding each case's merits fixed."
    )
    if len(by) > 1:
        top, bottom = by.iloc[-1], by.iloc[0]
        text += (
            f" It is highest in {top['circuit']} ({100 * top['disagreement']:.1f}%) and lowest "
            f"in {bottom['circuit']} ({100 * bottom['disagreement']:.1f}%); it grows with the "
            "spread of the judges and is larger where reversal is closer to even odds, since a "
            "panel can hardly change a case that almost always loses (or wins)."
        )
    text += (
        f" The judges' effects have a standard deviation of {result.judge_sd:.2f} on the "
        f"log-odds scale ({level} interval {result.judge_sd_ci[0]:.2f} to "
        f"{result.judge_sd_ci[1]:.2f}).\n\n"
        "This is not a count of cases that came out the other way: it is the expected share "
        "of cases on which two random panels would differ, the quantity Fischman estimates "
        "from panel data. " + result.assumptions
    )
    if result.notes:
        text += "\n\n" + " ".join(f"Note: {n}." for n in result.notes)
    return text
