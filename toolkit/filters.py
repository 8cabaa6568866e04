"""Keeping part of a dataset, with every exclusion counted in the ledger.

:func:`subset` keeps the cases that pass every condition (years or terms, circuits, claim
types, and any column), drops the claims and votes of the cases it leaves out, and records each
condition as its own ledger entry: how many cases it excluded, among those still present when it
was applied. The entries of one call share a ``file`` named ``subset <k>: ...`` whose rows read
are the cases (and claims and votes) before the call, so the ledger still adds up.

The conditions are applied in a fixed order: years, circuits, claim types, then ``where`` in
the order given. The counts of later conditions depend on the earlier ones, as in any filter
funnel; the ledger shows the order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from toolkit.errors import ToolkitError

if TYPE_CHECKING:
    import pandas as pd

    from toolkit.schema import CaseData

__all__ = ["subset"]

Condition = Any  # a value, a list of values, a (low, high) range as a dict, or a callable


def _describe(values: Sequence[Any], limit: int = 6) -> str:
    shown = ", ".join(map(str, list(values)[:limit]))
    return shown + (f", ... ({len(values)} values)" if len(values) > limit else "")


def _years(cases: pd.DataFrame, years: Any) -> tuple[pd.Series, str, str]:
    if isinstance(years, int) and not isinstance(years, bool):
        years = [years, years]
    ok = (
        isinstance(years, list | tuple)
        and len(years) == 2
        and all(isinstance(y, int) and not isinstance(y, bool) for y in years)
        and years[0] <= years[1]
    )
    if not ok:
        raise ToolkitError(
            f"subset: years expected [first, last] with first <= last, not {years!r}"
        )
    if "year" not in cases.columns:
        raise ToolkitError("subset: the cases have no 'year' column to filter on")
    keep = cases["year"].between(years[0], years[1]).fillna(False).astype(bool)
    return (
        keep,
        f"year (or term) outside {years[0]}-{years[1]} or missing",
        (f"years {years[0]}-{years[1]}"),
    )


def _isin(cases: pd.DataFrame, column: str, values: Any, what: str) -> tuple[pd.Series, str, str]:
    if column not in cases.columns:
        raise ToolkitError(
            f"subset: no column {column!r} in the cases; available: "
            f"{', '.join(map(str, cases.columns))}"
        )
    if isinstance(values, str) or not isinstance(values, Sequence | set | frozenset):
        values = [values]
    values = list(values)
    if not values:
        raise ToolkitError(f"subset: {what} is an empty list; give at least one value or None")
    keep = cases[column].astype("object").isin(values).fillna(False).astype(bool)
    return keep, f"{what} not among {_describe(values)}", f"{column} in {_describe(values)}"


def _condition(
    cases: pd.DataFrame, column: str, condition: Condition
) -> tuple[pd.Series, str, str]:
    import pandas as pd

    if column not in cases.columns:
        raise ToolkitError(
            f"subset: no column {column!r} in the cases; available: "
            f"{', '.join(map(str, cases.columns))}"
        )
    if callable(condition):
        result = condition(cases[column])
        if not isinstance(result, pd.Series) or not pd.api.types.is_bool_dtype(result.dtype):
            raise ToolkitError(
                f"subset: the condition on {column!r} must return a boolean Series, "
                f"not {type(result).__name__}"
            )
        name = getattr(condition, "__name__", "condition")
        return result.fillna(False).astype(bool), f"{column}: {name} not met", f"{column}: {name}"
    if isinstance(condition, Mapping):
        unknown = set(condition) - {"min", "max", "not"}
        if unknown:
            raise ToolkitError(
                f"subset: condition on {column!r} has unknown key(s) {', '.join(sorted(unknown))}; "
                "expected 'min', 'max' (inclusive) or 'not' (values to leave out)"
            )
        keep = pd.Series(True, index=cases.index)
        parts, kept_parts = [], []
        if "not" in condition:
            values = condition["not"]
            values = (
                [values] if isinstance(values, str) or not isinstance(values, Sequence) else values
            )
            keep &= ~cases[column].astype("object").isin(list(values)).fillna(False).astype(bool)
            parts.append(f"{column} among {_describe(list(values))}")
            kept_parts.append(f"{column} not in {_describe(list(values))}")
        if "min" in condition or "max" in condition:
            low, high = condition.get("min"), condition.get("max")
            col = cases[column]
            inside = pd.Series(True, index=cases.index)
            if low is not None:
                inside &= (col >= low).fillna(False).astype(bool)
            if high is not None:
                inside &= (col <= high).fillna(False).astype(bool)
            keep &= inside
            span = f"{'' if low is None else low}..{'' if high is None else high}"
            parts.append(f"{column} outside {span} or missing")
            kept_parts.append(f"{column} {span}")
        return keep, "; ".join(parts), "; ".join(kept_parts)
    return _isin(cases, column, condition, column)


def subset(
    data: CaseData,
    *,
    years: Sequence[int] | int | None = None,
    circuits: Sequence[str] | str | None = None,
    claim_types: Sequence[str] | str | None = None,
    where: Mapping[str, Condition] | None = None,
    label: str | None = None,
) -> CaseData:
    """Keep the cases that pass every condition; count each exclusion in the ledger.

    Parameters
    ----------
    data
        The dataset; it is not modified.
    years
        ``[first, last]`` year (for the SCDB: term), inclusive; a single year keeps that year.
        Cases with no year are excluded.
    circuits
        Circuit codes to keep (``"ca9"`` or ``["ca2", "ca9"]``); cases with no circuit are
        excluded.
    claim_types
        Claim types to keep.
    where
        Column -> condition, for any column of the cases: a value or a list of values to keep,
        ``{"min": a, "max": b}`` (inclusive; either may be left out), ``{"not": [...]}``
        (values to leave out), or a function of the column returning a boolean Series.
    label
        A name for this step in the ledger (default: the conditions).

    Returns
    -------
    CaseData
        The kept cases, their claims and votes; ``meta["subsets"]`` lists each call's
        conditions and counts. Judges are kept whole.

    Raises
    ------
    ToolkitError
        On a column that does not exist or a malformed condition; also when nothing is left,
        since an empty result is almost always a mistyped condition.

    Examples
    --------
    >>> import toolkit
    >>> data = toolkit.load("demo")
    >>> part = toolkit.subset(data, years=[2005, 2006], circuits="ca9")
    >>> step = part.ledger[part.ledger["file"].str.startswith("subset")]
    >>> step[["table", "action", "n_rows"]].values.tolist()[:3]
    [['cases', 'excluded', 6225], ['cases', 'excluded', 1290], ['cases', 'kept', 485]]
    >>> int(step["n_rows"][step["table"] == "cases"].sum()) == len(data.cases)
    True
    """
    import pandas as pd

    from toolkit.schema import ledger_frame
    from toolkit.sources.base import entry

    cases = data.cases
    steps: list[tuple[pd.Series, str, str]] = []
    if years is not None:
        steps.append(_years(cases, years))
    if circuits is not None:
        steps.append(_isin(cases, "circuit", circuits, "circuit"))
    if claim_types is not None:
        steps.append(_isin(cases, "claim_type", claim_types, "claim type"))
    for column, condition in (where or {}).items():
        steps.append(_condition(cases, column, condition))
    if not steps:
        return data
    previous = [f for f in data.ledger["file"].astype("str").unique() if f.startswith("subset ")]
    described = "; ".join(kept_label for _, _, kept_label in steps)
    name = f"subset {len(previous) + 1}: {label or described}"
    records = []
    alive = pd.Series(True, index=cases.index)
    for keep, reason, _ in steps:
        out = alive & ~keep.to_numpy()
        if out.any():
            records.append(entry(name, "cases", "excluded", int(out.sum()), f"excluded: {reason}"))
        alive &= keep.to_numpy()
    n_kept = int(alive.sum())
    if n_kept == 0:
        raise ToolkitError(
            f"subset: no case is left after keeping {described} (of {len(cases):,} cases); "
            "check the conditions"
        )
    records.append(entry(name, "cases", "kept", n_kept))
    kept = cases[alive.to_numpy()].reset_index(drop=True)
    ids = set(kept["case_id"])
    changes: dict[str, Any] = {"cases": kept}
    rows_before = len(cases)
    for table_name in ("claims", "votes"):
        table = getattr(data, table_name)
        if table is None:
            continue
        inside = table["case_id"].isin(ids)
        rows_before += len(table)
        records.append(entry(name, table_name, "kept", int(inside.sum())))
        if (~inside).any():
            records.append(
                entry(
                    name,
                    table_name,
                    "excluded",
                    int((~inside).sum()),
                    "excluded: belongs to a case the subset left out",
                )
            )
        changes[table_name] = table[inside].reset_index(drop=True)
    meta = dict(data.meta)
    rows_read = dict(meta.get("rows_read") or {})
    if "rows_read" in meta or len(data.ledger) == 0:
        rows_read[name] = rows_before
        meta["rows_read"] = rows_read
    meta["subsets"] = [
        *list(meta.get("subsets") or []),
        {"step": name, "cases_before": len(cases), "cases_after": n_kept},
    ]
    changes["ledger"] = ledger_frame([*data.ledger.to_dict("records"), *records])
    changes["meta"] = meta
    return data.replace(**changes)
