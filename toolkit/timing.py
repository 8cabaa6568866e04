"""Time to decision: Kaplan-Meier medians and quartiles, with pending cases censored.

:func:`durations` measures the days from one canonical date to another (``filed`` to
``decided`` by default; the SCDB gives ``argued`` to ``decided``, the FJC IDB filing to
termination), per group. A case without an end date is still pending: it is *censored* at the
``as_of`` date (by default the latest date in the data), so it counts as "not decided after so
many days" instead of being dropped, which would make courts with a backlog look fast.

The survival curve and its Greenwood standard error come from statsmodels'
``SurvfuncRight``. Quantiles and their intervals follow R's ``survival::quantile.survfit``
(checked in the tests against ``survival::survfit`` on the same rows): the ``p`` quantile is
the first time at which at least a share ``p`` of cases is decided, the midpoint of two event
times when the curve sits exactly at ``1 - p`` between them; its interval is where the
pointwise ``conf.type = "log"`` band of the curve crosses ``1 - p``. A quantile the data do not
reach (fewer than half decided by the last date: no median) is empty, not extrapolated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from toolkit.errors import ToolkitError
from toolkit.results import LEVEL, MIN_N
from toolkit.schema import CaseData

__all__ = ["Durations", "durations", "km_quantiles"]

_TOL = float(np.sqrt(np.finfo(float).eps))


@dataclass(frozen=True)
class Durations:
    """The result of :func:`durations`.

    Attributes
    ----------
    table
        One row per group: the ``by`` columns, ``n`` (cases measured), ``n_decided``,
        ``n_pending`` (censored at ``as_of``), ``median``, ``median_low``, ``median_high``,
        ``q25``, ``q25_low``, ``q25_high``, ``q75``, ``q75_low``, ``q75_high`` (days; empty
        when the curve does not reach the quantile or its bound), ``small_n``.
    curves
        The Kaplan-Meier curves, one row per group and event time (with time 0): the ``by``
        columns, ``days``, ``pending`` (share not yet decided), ``ci_low``, ``ci_high``,
        ``n_at_risk``.
    excluded
        Cases not measured, with the reason: ``reason``, ``n``.
    start, end, as_of, by, level
        What was measured.
    """

    table: pd.DataFrame
    curves: pd.DataFrame
    excluded: pd.DataFrame
    start: str
    end: str
    as_of: pd.Timestamp
    by: tuple[str, ...]
    level: float


def _findq(x: np.ndarray, y: np.ndarray, p: float, xmax: float) -> float:
    """First ``x`` where the nondecreasing ``y`` reaches ``p``; a midpoint on an exact hit."""
    keep = ~np.isnan(y)
    x, y = x[keep], y[keep]
    if len(y) == 0 or y.max() < p:
        return np.nan
    first = np.concatenate([[True], np.diff(y) != 0])  # the first time of each distinct value
    x, y = x[first], y[first]
    hit1 = np.flatnonzero(y + _TOL >= p)
    hit2 = np.flatnonzero(y - _TOL >= p)
    if len(hit1) == 0:
        return np.nan
    i1 = hit1[0]
    if len(hit2) == 0:  # the curve ends exactly at 1 - p
        return float((x[i1] + xmax) / 2)
    return float((x[i1] + x[hit2[0]]) / 2)


def km_quantiles(
    days: np.ndarray, decided: np.ndarray, probs: Sequence[float] = (0.25, 0.5, 0.75), level=LEVEL
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Kaplan-Meier quantiles with intervals, and the curve, for one group.

    Parameters
    ----------
    days
        Time from start to end (or to the censoring date).
    decided
        True for an observed end, False for a case censored (still pending).
    probs
        Shares decided whose times are wanted (0.5: the median).
    level
        Level of the pointwise band and of the quantiles' intervals.

    Returns
    -------
    (quantiles, curve)
        ``quantiles``: ``prob``, ``days``, ``ci_low``, ``ci_high``; ``curve``: ``days``,
        ``pending``, ``ci_low``, ``ci_high``, ``n_at_risk``.

    Examples
    --------
    >>> q, curve = km_quantiles(np.array([1, 2, 3, 4]), np.array([True, True, True, True]))
    >>> q["days"].tolist()  # the curve sits exactly at 0.75, 0.5, 0.25: midpoints, as R gives
    [1.5, 2.5, 3.5]
    """
    from scipy import stats
    from statsmodels.duration.survfunc import SurvfuncRight

    days = np.asarray(days, dtype=float)
    decided = np.asarray(decided, dtype=bool)
    empty = pd.DataFrame({"prob": list(probs), "days": np.nan, "ci_low": np.nan, "ci_high": np.nan})
    curve_cols = ["days", "pending", "ci_low", "ci_high", "n_at_risk"]
    if len(days) == 0:
        return empty, pd.DataFrame(columns=curve_cols)
    if not decided.any():
        curve = pd.DataFrame([[0.0, 1.0, 1.0, 1.0, len(days)]], columns=curve_cols)
        return empty, curve
    sf = SurvfuncRight(days, decided.astype(float))
    t = np.asarray(sf.surv_times, dtype=float)
    s = np.asarray(sf.surv_prob, dtype=float)
    se = np.asarray(sf.surv_prob_se, dtype=float)
    z = stats.norm.ppf(0.5 + level / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        se_log = np.where(s > 0, se / s, np.nan)
        low = np.where(s > 0, s * np.exp(-z * se_log), np.nan)
        high = np.where(s > 0, np.minimum(1.0, s * np.exp(z * se_log)), np.nan)
    x = np.concatenate([[0.0], t])
    xmax = float(days.max())
    rows = []
    for p in probs:
        rows.append(
            {
                "prob": p,
                "days": _findq(x, np.concatenate([[0.0], 1 - s]), p, xmax),
                "ci_low": _findq(x, np.concatenate([[0.0], 1 - low]), p, xmax),
                "ci_high": _findq(x, np.concatenate([[0.0], 1 - high]), p, xmax),
            }
        )
    curve = pd.DataFrame(
        {
            "days": x,
            "pending": np.concatenate([[1.0], s]),
            "ci_low": np.concatenate([[1.0], low]),
            "ci_high": np.concatenate([[1.0], high]),
            "n_at_risk": np.concatenate([[len(days)], np.asarray(sf.n_risk, dtype=float)]),
        }
    )
    return pd.DataFrame(rows), curve


def _as_dates(cases: pd.DataFrame, column: str) -> pd.Series:
    if column not in cases.columns:
        raise ToolkitError(
            f"no {column!r} dates in these data; date columns present: "
            f"{', '.join(c for c in cases.columns if _is_date(cases[c])) or 'none'}"
        )
    s = cases[column]
    if pd.api.types.is_datetime64_any_dtype(s):
        return s
    parsed = pd.to_datetime(s, errors="coerce")
    bad = s.notna() & (s.astype("str").str.strip() != "") & parsed.isna()
    if bad.any():
        examples = ", ".join(repr(v) for v in pd.unique(s[bad].astype("str"))[:3])
        ids = ", ".join(cases.loc[bad, "case_id"].astype("str").head(5))
        raise ToolkitError(
            f"column {column!r}: {int(bad.sum())} value(s) are not dates (e.g. {examples}; "
            f"cases {ids}); expected a date"
        )
    return parsed


def _is_date(s: pd.Series) -> bool:
    return pd.api.types.is_datetime64_any_dtype(s)


def durations(
    data: CaseData | pd.DataFrame,
    start: str = "filed",
    end: str = "decided",
    by: str | Sequence[str] | None = None,
    as_of: Any = None,
    level: float = LEVEL,
    min_n: int = MIN_N,
) -> Durations:
    """Days from ``start`` to ``end``: Kaplan-Meier medians and quartiles, with intervals.

    Parameters
    ----------
    data
        A :class:`CaseData` or cases frame with the two date columns.
    start, end
        Canonical date columns: ``filed``, ``argued``, ``decided``.
    by
        Column(s) to group by (e.g. ``"circuit"``); None: all cases together.
    as_of
        The date at which cases without an ``end`` date are still pending (censored); default
        the latest ``start`` or ``end`` date in the data. Cases that started after it are left
        out.
    level
        Level of the intervals.
    min_n
        Groups with fewer measured cases are flagged ``small_n``.

    Returns
    -------
    Durations

    Examples
    --------
    >>> import toolkit
    >>> d = durations(toolkit.load("demo"), by="circuit")
    >>> bool((d.table["median_low"] <= d.table["median"]).all())
    True
    """
    if not 0 < level < 1:
        raise ToolkitError(f"level must lie in (0, 1), not {level!r}")
    cases = data.cases if isinstance(data, CaseData) else data
    groups = [by] if isinstance(by, str) else list(by or [])
    missing = [c for c in groups if c not in cases.columns]
    if missing:
        raise ToolkitError(f"cannot group by {', '.join(missing)}: no such column")
    if start == end:
        raise ToolkitError(f"start and end are the same column ({start!r})")
    t0, t1 = _as_dates(cases, start), _as_dates(cases, end)
    if as_of is None:
        latest = pd.concat([t0, t1]).max()
        if pd.isna(latest):
            raise ToolkitError(f"no {start!r} or {end!r} date in these data")
        as_of_ts = pd.Timestamp(latest)
    else:
        try:
            as_of_ts = pd.Timestamp(as_of)
        except (TypeError, ValueError):
            raise ToolkitError(f"as_of: expected a date, not {as_of!r}") from None
    excluded = []
    keep = pd.Series(True, index=cases.index)

    def drop(mask: pd.Series, reason: str) -> None:
        nonlocal keep
        mask = mask.fillna(False).astype(bool) & keep
        if mask.any():
            excluded.append({"reason": reason, "n": int(mask.sum())})
            keep &= ~mask

    drop(t0.isna(), f"no {start} date")
    drop(t0 > as_of_ts, f"{start} after the as_of date {as_of_ts.date()}")
    drop(t1 < t0, f"{end} before {start} (a coding error?)")
    decided = t1.notna() & (t1 <= as_of_ts)
    for col in groups:
        drop(cases[col].isna(), f"no {col}")
    days = ((t1.where(decided, as_of_ts) - t0).dt.days).astype("float64")
    frame = pd.DataFrame({"days": days, "decided": decided})[keep.to_numpy()]
    for col in groups:
        frame[col] = cases.loc[keep, col]
    if frame.empty:
        raise ToolkitError(
            f"no case has a usable {start!r} date: "
            + "; ".join(f"{e['n']:,} {e['reason']}" for e in excluded)
        )
    rows, curves = [], []
    parts = (
        frame.groupby(groups if len(groups) > 1 else groups[0], observed=True, sort=True)
        if groups
        else [((), frame)]
    )
    for key, part in parts:
        key = key if isinstance(key, tuple) else (key,)
        q, curve = km_quantiles(part["days"].to_numpy(), part["decided"].to_numpy(), level=level)
        row: dict[str, Any] = dict(zip(groups, key, strict=True))
        row.update(
            n=len(part),
            n_decided=int(part["decided"].sum()),
            n_pending=int((~part["decided"]).sum()),
        )
        for prob, name in ((0.5, "median"), (0.25, "q25"), (0.75, "q75")):
            hit = q[q["prob"] == prob].iloc[0]
            row[name], row[f"{name}_low"], row[f"{name}_high"] = (
                hit["days"],
                hit["ci_low"],
                hit["ci_high"],
            )
        row["small_n"] = len(part) < min_n
        rows.append(row)
        for col, value in reversed(list(zip(groups, key, strict=True))):
            curve.insert(0, col, value)
        curves.append(curve)
    return Durations(
        table=pd.DataFrame(rows),
        curves=pd.concat(curves, ignore_index=True),
        excluded=pd.DataFrame(excluded, columns=["reason", "n"]),
        start=start,
        end=end,
        as_of=as_of_ts,
        by=tuple(groups),
        level=level,
    )


def default_start(data: CaseData | pd.DataFrame, end: str = "decided") -> str | None:
    """The first of ``filed`` and ``argued`` that holds dates (and is not ``end``), or None.

    Examples
    --------
    >>> import toolkit
    >>> default_start(toolkit.load("demo"))
    'filed'
    """
    cases = data.cases if isinstance(data, CaseData) else data
    for col in ("filed", "argued"):
        if col != end and col in cases.columns and cases[col].notna().any():
            return col
    return None


def describe_durations(result: Durations) -> str:
    """The medians in sentences: overall, fastest and slowest group, pending cases.

    Examples
    --------
    >>> import toolkit
    >>> describe_durations(durations(toolkit.load("demo"))).startswith("Half of the")
    True
    """
    table = result.table
    level = f"{100 * result.level:.0f}%"

    def days(v: float) -> str:
        return "not reached" if pd.isna(v) else f"{v:,.0f} days"

    n, pending = int(table["n"].sum()), int(table["n_pending"].sum())
    if not result.by:
        row = table.iloc[0]
        text = (
            f"Half of the {n:,} cases were {result.end} within {days(row['median'])} of being "
            f"{result.start} ({level} interval {days(row['median_low'])} to "
            f"{days(row['median_high'])}); a quarter within {days(row['q25'])}, three quarters "
            f"within {days(row['q75'])}."
        )
    else:
        ranked = table.dropna(subset=["median"]).sort_values("median")
        label = " x ".join(result.by)
        text = f"Median days from {result.start} to {result.end} by {label}"
        if len(ranked):
            fast, slow = ranked.iloc[0], ranked.iloc[-1]
            name = lambda r: " ".join(str(r[c]) for c in result.by)  # noqa: E731
            text += (
                f": shortest in {name(fast)} ({days(fast['median'])}, {level} interval "
                f"{days(fast['median_low'])} to {days(fast['median_high'])}), longest in "
                f"{name(slow)} ({days(slow['median'])}, {days(slow['median_low'])} to "
                f"{days(slow['median_high'])})."
            )
        else:
            text += ": no group reached its median."
    text += (
        f" {pending:,} of the {n:,} cases had no {result.end} date by {result.as_of.date()} "
        "and count as pending there (censored), not as dropped."
    )
    if len(result.excluded):
        text += (
            " Not measured: "
            + "; ".join(
                f"{r.n:,} cases with {r.reason}"
                if r.reason.startswith("no ")
                else f"{r.n:,}: {r.reason}"
                for r in result.excluded.itertuples()
            )
            + "."
        )
    return text
