"""Inter-coder reliability for double-coded data.

When two or more people code the same cases, agreement beyond chance is the standard check that
the coding is trustworthy. The input is long: one row per case, coder and coded variables::

    case_id  coder  outcome   claim_type
    A-1      ann    affirmed  asylum
    A-1      bob    affirmed  asylum
    A-2      ann    reversed  cat
    A-2      bob    affirmed  cat

:func:`agreement` gives, per variable, percent agreement, Cohen's kappa (two coders), Fleiss'
kappa (cases coded by the same number of coders) and Krippendorff's alpha (any number of
coders, missing codings allowed); :func:`disagreements` lists what to resolve.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from toolkit.errors import ToolkitError

__all__ = ["agreement", "cohen_kappa", "disagreements", "fleiss_kappa", "krippendorff_alpha"]


def _wide(codings: pd.DataFrame, unit: str, coder: str, variable: str) -> pd.DataFrame:
    for col in (unit, coder, variable):
        if col not in codings.columns:
            raise ToolkitError(f"codings lack the column {col!r}")
    dup = codings.duplicated([unit, coder], keep=False)
    if dup.any():
        pairs = codings.loc[dup, [unit, coder]].drop_duplicates().head(5).values.tolist()
        raise ToolkitError(f"a coder coded a case twice: {pairs}")
    return codings.pivot(index=unit, columns=coder, values=variable)


def cohen_kappa(a: Sequence, b: Sequence) -> float:
    """Cohen's kappa of two coders over the same units (pairs with a missing code dropped).

    Examples
    --------
    >>> round(cohen_kappa(["x", "x", "y", "y"], ["x", "y", "y", "y"]), 4)
    0.5
    """
    a = pd.Series(list(a), dtype="object")
    b = pd.Series(list(b), dtype="object")
    keep = a.notna() & b.notna()
    a, b = a[keep], b[keep]
    if len(a) == 0:
        return float("nan")
    cats = sorted(set(a) | set(b), key=str)
    table = pd.crosstab(a, b).reindex(index=cats, columns=cats, fill_value=0).to_numpy(float)
    n = table.sum()
    po = np.trace(table) / n
    pe = float(table.sum(1) @ table.sum(0)) / n**2
    return float("nan") if pe == 1 else float((po - pe) / (1 - pe))


def fleiss_kappa(ratings: pd.DataFrame) -> float:
    """Fleiss' kappa of a units x coders frame; only units coded by every coder count.

    Examples
    --------
    >>> r = pd.DataFrame({"a": ["x", "x", "y"], "b": ["x", "y", "y"], "c": ["x", "x", "y"]})
    >>> round(fleiss_kappa(r), 4)
    0.55
    """
    complete = ratings.dropna()
    if len(complete) == 0 or complete.shape[1] < 2:
        return float("nan")
    m = complete.shape[1]
    counts = complete.apply(lambda row: row.value_counts(), axis=1).fillna(0).to_numpy(float)
    n = len(complete)
    p_j = counts.sum(0) / (n * m)
    p_i = ((counts**2).sum(1) - m) / (m * (m - 1))
    pe = float((p_j**2).sum())
    return float("nan") if pe == 1 else float((p_i.mean() - pe) / (1 - pe))


def krippendorff_alpha(ratings: pd.DataFrame, level: str = "nominal") -> float:
    """Krippendorff's alpha of a units x coders frame (missing codings allowed).

    Parameters
    ----------
    ratings
        One row per unit, one column per coder; NA where a coder did not code the unit.
    level
        ``"nominal"`` (categories) or ``"interval"`` (numbers; squared differences).

    Examples
    --------
    >>> r = pd.DataFrame({"a": [1, 2, 3], "b": [1, 2, 3]})
    >>> krippendorff_alpha(r)
    1.0
    """
    if level not in ("nominal", "interval"):
        raise ToolkitError(f"level must be 'nominal' or 'interval', not {level!r}")
    values = sorted({v for v in ratings.stack().dropna().tolist()}, key=str)
    if level == "interval":
        values = sorted(float(v) for v in values)
    index = {v: i for i, v in enumerate(values)}
    k = len(values)
    coincidence = np.zeros((k, k))
    for _, row in ratings.iterrows():
        codes = [index[float(v) if level == "interval" else v] for v in row.dropna().tolist()]
        m = len(codes)
        if m < 2:
            continue
        counts = np.bincount(codes, minlength=k).astype(float)
        pairs = np.outer(counts, counts) - np.diag(counts)
        coincidence += pairs / (m - 1)
    n_c = coincidence.sum(1)
    n = n_c.sum()
    if n <= 1:
        return float("nan")
    if level == "nominal":
        delta = 1.0 - np.eye(k)
    else:
        v = np.array(values)
        delta = (v[:, None] - v[None, :]) ** 2
    observed = (coincidence * delta).sum()
    expected = (np.outer(n_c, n_c) * delta).sum() / (n - 1)
    return float("nan") if expected == 0 else float(1 - observed / expected)


def agreement(
    codings: pd.DataFrame,
    variables: Sequence[str] | None = None,
    unit: str = "case_id",
    coder: str = "coder",
) -> pd.DataFrame:
    """Agreement between coders, one row per coded variable.

    Parameters
    ----------
    codings
        Long frame: one row per unit and coder, one column per coded variable.
    variables
        The variables to assess; default every column but ``unit`` and ``coder``.
    unit, coder
        The columns naming the coded unit (case) and the coder.

    Returns
    -------
    pandas.DataFrame
        ``variable``, ``n_units`` (coded by two or more coders), ``n_coders``,
        ``percent_agreement`` (share of those units on which all coders agree),
        ``cohen_kappa`` (NaN unless exactly two coders), ``fleiss_kappa``,
        ``krippendorff_alpha`` (nominal), ``n_disagreements``.

    Examples
    --------
    >>> codings = pd.DataFrame({"case_id": [1, 1, 2, 2], "coder": ["a", "b", "a", "b"],
    ...                         "outcome": ["affirmed", "affirmed", "reversed", "affirmed"]})
    >>> agreement(codings)[["variable", "n_units", "percent_agreement"]].values.tolist()
    [['outcome', 2, 0.5]]
    """
    variables = list(variables or [c for c in codings.columns if c not in (unit, coder)])
    rows = []
    for var in variables:
        wide = _wide(codings, unit, coder, var)
        coded = wide.notna().sum(axis=1)
        multi = wide[coded >= 2]
        agree = multi.apply(lambda r: r.dropna().nunique() == 1, axis=1)
        kappa = (
            cohen_kappa(wide.iloc[:, 0], wide.iloc[:, 1]) if wide.shape[1] == 2 else float("nan")
        )
        rows.append(
            {
                "variable": var,
                "n_units": int(len(multi)),
                "n_coders": int(wide.shape[1]),
                "percent_agreement": float(agree.mean()) if len(multi) else float("nan"),
                "cohen_kappa": kappa,
                "fleiss_kappa": fleiss_kappa(wide),
                "krippendorff_alpha": krippendorff_alpha(wide),
                "n_disagreements": int((~agree).sum()),
            }
        )
    return pd.DataFrame(rows)


def disagreements(
    codings: pd.DataFrame,
    variables: Sequence[str] | None = None,
    unit: str = "case_id",
    coder: str = "coder",
) -> pd.DataFrame:
    """The units on which coders disagree, one row per unit and variable, coders as columns.

    Examples
    --------
    >>> codings = pd.DataFrame({"case_id": [1, 1, 2, 2], "coder": ["a", "b", "a", "b"],
    ...                         "outcome": ["affirmed", "affirmed", "reversed", "affirmed"]})
    >>> disagreements(codings).values.tolist()
    [[2, 'outcome', 'reversed', 'affirmed']]
    """
    variables = list(variables or [c for c in codings.columns if c not in (unit, coder)])
    frames = []
    for var in variables:
        wide = _wide(codings, unit, coder, var)
        differ = wide.apply(lambda r: r.dropna().nunique() > 1, axis=1)
        part = wide[differ].reset_index()
        part.insert(1, "variable", var)
        frames.append(part)
    if not frames:
        return pd.DataFrame(columns=[unit, "variable"])
    out = pd.concat(frames, ignore_index=True)
    out.columns.name = None
    return out
