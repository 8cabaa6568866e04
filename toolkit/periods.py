"""What the data cover and how they were sampled: coverage by two columns, sampling weights,
and the periods of a database's design, so that a report compares like with like.
"""

from __future__ import annotations

from typing import Any

__all__ = ["coverage", "design_periods", "has_sampling_weights", "like_periods"]


def coverage(data: Any, rows: str = "year", columns: str = "circuit") -> Any:
    """Number of cases by two columns (e.g. year by circuit), with totals.

    Examples
    --------
    >>> import toolkit
    >>> table = coverage(toolkit.load("demo"))
    >>> int(table.loc[table["year"] == "all", "all"].item())
    8000
    """
    import pandas as pd

    cases = data.cases
    if columns not in cases.columns or cases[columns].isna().all():
        table = cases.groupby(rows, dropna=False).size().rename("all").reset_index()
        total = pd.DataFrame({rows: ["all"], "all": [int(table["all"].sum())]})
        return pd.concat([table.astype({rows: "str"}), total], ignore_index=True)
    table = pd.crosstab(
        cases[rows].astype("str"),
        cases[columns].astype("str").fillna("none"),
        margins=True,
        margins_name="all",
        dropna=False,
    )
    ordered = (
        [c for c in cases[columns].cat.categories if c in table.columns]
        if isinstance(cases[columns].dtype, pd.CategoricalDtype)
        else list(table.columns[:-1])
    )
    table = table[[*ordered, *[c for c in table.columns if c not in ordered]]]
    table.columns.name = None
    return table.reset_index()


def has_sampling_weights(data: Any, within: str | None = None) -> bool:
    """True when the cases carry sampling weights that are not all 1.

    With ``within`` (e.g. ``"year"``): only when the weights differ inside some value of that
    column, that is, when they change the rates computed per value of it.
    """
    cases = data.cases
    if "weight" not in cases.columns:
        return False
    w = cases["weight"].fillna(1.0)
    if within is None or within not in cases.columns:
        return bool((w != 1.0).any())
    spread = w.groupby(cases[within], observed=True).agg(lambda s: s.max() - s.min())
    return bool((spread > 0).any())


def design_periods(data: Any) -> Any:
    """Runs of consecutive years sampled the same way (the same weighting), with their circuits.

    A database can change design over time (the U.S. Courts of Appeals Database covers only
    the Sixth Circuit in its 1925-1996 extract, weighted by published decisions per sampled
    case, and every circuit in 1997-2002, unweighted). Rates pooled across such periods mix
    unlike things. One row per period: ``first_year``, ``last_year``, ``cases``,
    ``circuits`` (comma-separated), ``n_circuits``, ``mean_weight``, ``weighting``.
    """
    import pandas as pd

    cases = data.cases[data.cases["year"].notna()]
    columns = ["first_year", "last_year", "cases", "circuits", "n_circuits", "mean_weight",
               "weighting"]  # fmt: skip
    if cases.empty:
        return pd.DataFrame(columns=columns)
    weight = cases["weight"] if "weight" in cases.columns else pd.Series(1.0, cases.index)
    basis = (
        cases["weight_basis"].astype("str")
        if "weight_basis" in cases.columns
        else (weight != 1.0).map({True: "sampling weights", False: "none (weight 1)"})
    )
    frame = pd.DataFrame(
        {
            "year": cases["year"].astype("int64"),
            "circuit": cases["circuit"].astype("object") if "circuit" in cases else None,
            "weight": weight.astype("float64"),
            "basis": basis,
        }
    )
    rows = []
    signature = None
    # a new period starts where the weighting changes; a year's own mix of circuits does not
    # start one (a court of last resort hears a different handful of circuits every year)
    for year, g in frame.groupby("year", sort=True):
        sig = tuple(sorted(g["basis"].unique()))
        if sig != signature:
            rows.append({"first_year": year, "last_year": year, "cases": 0, "sig": (set(), sig),
                         "w": []})  # fmt: skip
            signature = sig
        rows[-1]["last_year"] = year
        rows[-1]["cases"] += len(g)
        rows[-1]["sig"][0].update(map(str, g["circuit"].dropna().unique()))
        rows[-1]["w"].append(g["weight"])
    out = pd.DataFrame(
        {
            "first_year": [r["first_year"] for r in rows],
            "last_year": [r["last_year"] for r in rows],
            "cases": [r["cases"] for r in rows],
            "circuits": [", ".join(sorted(r["sig"][0])) for r in rows],
            "n_circuits": [len(r["sig"][0]) for r in rows],
            "mean_weight": [float(pd.concat(r["w"]).mean()) for r in rows],
            "weighting": ["; ".join(r["sig"][1]) for r in rows],
        }
    )
    return out[columns]


def _years(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}-{last}"


def like_periods(data: Any, purpose: str = "compare") -> tuple[Any, str | None]:
    """Keep only cases that were sampled alike, and say why, when the design changed.

    Parameters
    ----------
    data
        A :class:`~toolkit.schema.CaseData`.
    purpose
        ``"compare"`` (groups side by side): keep the period covering the most circuits (the
        latest on a tie). ``"trend"`` (one series over time): keep the circuits present in
        every period, over all years; if none is, as ``"compare"``.

    Returns
    -------
    (data, sentence)
        The restricted data and a sentence for the report, or the data unchanged and None
        when every year was sampled the same way (or too few years to tell).
    """
    from toolkit.filters import subset

    periods = design_periods(data)
    if len(periods) <= 1 or (periods["cases"] < 20).all():
        return data, None
    described = "; ".join(
        f"{_years(int(r.first_year), int(r.last_year))}: {r.cases:,} cases from "
        f"{r.n_circuits} circuit(s) ({r.circuits if r.n_circuits <= 3 else 'several'}), "
        f"weights {r.weighting} (mean {r.mean_weight:.1f})"
        for r in periods.itertuples()
    )
    text = f"These data were not sampled alike throughout ({described})."
    w = periods["mean_weight"]
    if w.max() > 1.5 * w.min():
        text += (
            f" Pooled, a case from the most heavily weighted period would count about "
            f"{w.max() / w.min():.0f} times as much as one from the least weighted in weighted "
            "rates, and unweighted rates would set one period's circuits against another's."
        )
    common = set.intersection(*(set(c.split(", ")) for c in periods["circuits"] if c))
    if purpose == "trend" and common and len(common) < periods["n_circuits"].max():
        keep = sorted(common)
        restricted = subset(data, circuits=keep)
        return restricted, text + (
            f" The trend therefore follows only the circuit(s) present in every period "
            f"({', '.join(keep)}), over all years."
        )
    best = periods.sort_values(["n_circuits", "last_year"]).iloc[-1]
    span = [int(best["first_year"]), int(best["last_year"])]
    restricted = subset(data, years=span)
    return restricted, text + (
        f" To compare like with like, this section uses only {_years(*span)}, the period "
        f"covering the most circuits ({int(best['n_circuits'])})."
    )
