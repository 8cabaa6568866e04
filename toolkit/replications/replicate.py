"""Rebuild the registry's published figures from the raw data; see :mod:`toolkit.replications`."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.errors import MappingError, ToolkitError
from toolkit.results import interval_label

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "RANKS",
    "REGISTRY",
    "VERDICTS",
    "chart_replication",
    "load_registry",
    "replicate",
    "replication_summary",
    "replication_table",
]

REGISTRY = Path(__file__).parent / "registry"
"""The folder of registry files shipped with the package."""

RANKS: dict[str, str] = {
    "primary": "P: a primary or official publication",
    "secondary": "S: a secondary summary of one",
    "third_party": "3rd: computed from the data by others, not published as such",
}
"""The rank of a publication, from strongest to weakest."""

VERDICTS = ("exact", "within tolerance", "outside", "not reproducible", "data missing")
"""The verdicts, in the order a figure's worst row decides its own."""

MEASURES = ("rate", "count", "count_each")
_PUBLICATION_KEYS = {"id", "citation", "url", "rank", "rank_note", "notes", "figures"}
_FIGURE_KEYS = {
    "id",
    "title",
    "counted",
    "data",
    "subset",
    "rule",
    "measure",
    "by",
    "table",
    "total",
    "expected",
    "tolerance",
    "tolerance_reason",
    "reproducible",
    "reason",
    "not_participating",
}
_TOLERANCE_KEYS = {"cases", "total_cases", "points"}
_NO_VOTE = "(did not participate)"
COLUMNS = [
    "publication",
    "figure",
    "title",
    "rank",
    "source",
    "rule",
    "group",
    "published_count",
    "published_n",
    "published_rate",
    "count",
    "n",
    "rate",
    "ci_low",
    "ci_high",
    "published_in_interval",
    "diff_count",
    "diff_n",
    "diff_points",
    "verdict",
    "tolerance",
    "reason",
]
"""Columns of :func:`replicate`'s table, one row per published number."""


# ------------------------------------------------------------------ the registry


def _fail(path: Path, problem: str) -> MappingError:
    return MappingError(f"replication registry {path.name}: {problem}")


def _check_figure(path: Path, fig: Mapping[str, Any]) -> None:
    where = f"figure {fig.get('id', '?')!r}"
    unknown = sorted(set(fig) - _FIGURE_KEYS)
    if unknown:
        raise _fail(path, f"{where} has unknown key(s) {', '.join(unknown)}")
    for key in ("id", "title", "counted"):
        if not fig.get(key):
            raise _fail(path, f"{where} lacks {key!r}")
    if fig.get("reproducible", True) is False:
        if not fig.get("reason"):
            raise _fail(path, f"{where} is not reproducible but gives no 'reason'")
        return
    for key in ("data", "measure", "expected", "tolerance", "tolerance_reason"):
        if key not in fig:
            raise _fail(path, f"{where} lacks {key!r}")
    if not isinstance(fig["data"], Mapping) or "source" not in fig["data"]:
        raise _fail(path, f"{where}: 'data' must name a 'source' (and optionally its options)")
    if fig["measure"] not in MEASURES:
        raise _fail(path, f"{where}: measure {fig['measure']!r}; expected one of {MEASURES}")
    tolerance = fig["tolerance"]
    if not isinstance(tolerance, Mapping) or not set(tolerance) <= _TOLERANCE_KEYS:
        raise _fail(
            path, f"{where}: tolerance must be a mapping with keys among {sorted(_TOLERANCE_KEYS)}"
        )
    if not str(fig["tolerance_reason"]).strip():
        raise _fail(path, f"{where}: every tolerance needs its reason")
    expected = fig["expected"]
    if fig["measure"] == "count_each":
        if not isinstance(expected, Mapping) or "every" not in expected:
            raise _fail(path, f"{where}: count_each expects {{every: N, groups: G}}")
        return
    if not isinstance(expected, list) or not expected:
        raise _fail(path, f"{where}: 'expected' must be a non-empty list")
    for row in expected:
        if fig["measure"] == "rate":
            has_counts = "count" in row and "n" in row
            if not has_counts and "percent" not in row:
                raise _fail(path, f"{where}: each expected rate needs count and n, or percent")
            if "percent" in row and "points" not in tolerance:
                raise _fail(path, f"{where}: a published percentage needs a 'points' tolerance")
        elif "count" not in row:
            raise _fail(path, f"{where}: each expected row needs a 'count'")
        if fig.get("by") and "group" not in row:
            raise _fail(path, f"{where}: each expected row needs its 'group'")


def load_registry(
    names: Sequence[str] | None = None, folder: str | Path | None = None
) -> list[dict[str, Any]]:
    """The registry's publications, checked, in file-name order.

    Parameters
    ----------
    names
        Publication ids to keep (default all); an unknown id raises, naming the nearest.
    folder
        A registry folder (default: the one shipped with the package).

    Examples
    --------
    >>> [p["id"] for p in load_registry(["anesi_2019"])]
    ['anesi_2019']
    """
    import difflib

    import yaml

    folder = Path(folder) if folder is not None else REGISTRY
    publications = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            entry = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise _fail(path, f"not valid YAML: {exc}") from None
        if not isinstance(entry, dict):
            raise _fail(path, "expected a mapping")
        unknown = sorted(set(entry) - _PUBLICATION_KEYS)
        if unknown:
            raise _fail(path, f"unknown key(s) {', '.join(unknown)}")
        for key in ("id", "citation", "rank", "figures"):
            if not entry.get(key):
                raise _fail(path, f"lacks {key!r}")
        if entry["id"] != path.stem:
            raise _fail(path, f"id {entry['id']!r} differs from the file name")
        if entry["rank"] not in RANKS:
            raise _fail(path, f"rank {entry['rank']!r}; expected one of {', '.join(RANKS)}")
        for fig in entry["figures"]:
            _check_figure(path, fig)
        publications.append(entry)
    known = [p["id"] for p in publications]
    if names:
        missing = [n for n in names if n not in known]
        if missing:
            hints = []
            for n in missing:
                close = difflib.get_close_matches(n, known, n=1, cutoff=0.4)
                hints.append(f"{n!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
            raise ToolkitError(
                f"no such publication(s) in the replication registry: {', '.join(hints)}; "
                f"known: {', '.join(known)}"
            )
        publications = [p for p in publications if p["id"] in names]
    return publications


# ------------------------------------------------------------------ rebuilding


def _row(pub: Mapping[str, Any], fig: Mapping[str, Any], **values: Any) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(COLUMNS)
    row.update(
        publication=pub["id"],
        figure=fig["id"],
        title=fig["title"],
        rank=pub["rank"],
        source=(fig.get("data") or {}).get("source"),
        rule=_rule_name(fig.get("rule")),
        tolerance=_tolerance_text(fig.get("tolerance")),
        reason=fig.get("tolerance_reason") or fig.get("reason"),
    )
    row.update(values)
    return row


def _rule_name(rule: Any) -> str | None:
    if rule is None:
        return None
    if isinstance(rule, Mapping):
        return str(rule.get("name", "custom"))
    return str(rule)


def _tolerance_text(tolerance: Mapping[str, Any] | None) -> str | None:
    if not tolerance:
        return None
    parts = []
    if "cases" in tolerance:
        parts.append(f"{tolerance['cases']} case(s) per group")
    if "total_cases" in tolerance:
        parts.append(f"{tolerance['total_cases']} in the total")
    if "points" in tolerance:
        parts.append(f"{tolerance['points']} percentage point(s)")
    return ", ".join(parts)


def _load(spec: Mapping[str, Any], raw_dir: Path | None, memo: dict[str, Any]) -> Any:
    import toolkit
    from toolkit.store import raw_files

    key = json.dumps(dict(spec), sort_keys=True, default=str)
    if key not in memo:
        options = {k: v for k, v in spec.items() if k != "source"}
        source = spec["source"]
        if not raw_files(source, raw_dir):
            memo[key] = ToolkitError(
                f"{source} has not been fetched: run `appellate fetch {source}` (or "
                f"`appellate replicate --mirror DIR`)"
            )
        else:
            try:
                memo[key] = toolkit.load(source, raw_dir=raw_dir, **options)
            except ToolkitError as exc:
                memo[key] = exc
    return memo[key]


def _verdict(diffs: Sequence[float], tolerance: float | None) -> str:
    worst = max(abs(d) for d in diffs)
    if worst == 0:
        return "exact"
    if tolerance is not None and worst <= tolerance:
        return "within tolerance"
    return "outside"


def _expected_group(fig: Mapping[str, Any], exp: Mapping[str, Any]) -> tuple[str, list[str], Any]:
    """An expected row's group, the groups it adds up (itself, or all others for the
    figure's ``total`` row) and its tolerance in cases."""
    group = str(exp.get("group", "all"))
    tol = fig["tolerance"]
    total = fig.get("total")
    if total is not None and group == str(total):
        parts = [str(e["group"]) for e in fig["expected"] if str(e["group"]) != group]
        return group, parts, tol.get("total_cases", tol.get("cases"))
    return group, [group], tol.get("cases")


def _rate_rows(pub: Mapping[str, Any], fig: Mapping[str, Any], data: Any) -> list[dict[str, Any]]:
    from toolkit.outcomes import apply_rule
    from toolkit.rates import proportion_ci, rates_from_flags

    flagged = apply_rule(data, fig.get("rule", "disturbed")).cases
    by = fig.get("by")
    rates = rates_from_flags(flagged, by, min_n=0)
    if by:
        rates = rates.assign(_group=rates[by].astype("str").fillna("(none)"))
    else:
        rates = rates.assign(_group="all")
    found = {g: (int(n), int(x)) for g, n, x in rates[["_group", "n", "n_reversed"]].values}
    rows = []
    for exp in fig["expected"]:
        group, parts, case_tol = _expected_group(fig, exp)
        n = sum(found.get(g, (0, 0))[0] for g in parts)
        x = sum(found.get(g, (0, 0))[1] for g in parts)
        low, high = (float(v[0]) for v in proportion_ci([x], [n]))
        rate = x / n if n else float("nan")
        values: dict[str, Any] = dict(
            group=group, count=x, n=n, rate=rate, ci_low=low, ci_high=high
        )
        if "count" in exp and "n" in exp:
            pub_rate = exp["count"] / exp["n"] if exp["n"] else float("nan")
            diffs = [x - exp["count"], n - exp["n"]]
            values.update(
                published_count=int(exp["count"]),
                published_n=int(exp["n"]),
                published_rate=pub_rate,
                diff_count=diffs[0],
                diff_n=diffs[1],
                diff_points=100 * (rate - pub_rate),
                verdict=_verdict(diffs, case_tol),
            )
        else:
            percent = float(exp["percent"])
            decimals = len(str(exp["percent"]).partition(".")[2])
            pub_rate = percent / 100
            shown = round(100 * rate, decimals) if n else float("nan")
            diff = 100 * rate - percent
            verdict = (
                "exact"
                if shown == percent
                else (
                    "within tolerance"
                    if abs(diff) <= float(fig["tolerance"]["points"])
                    else "outside"
                )
            )
            values.update(published_rate=pub_rate, diff_points=diff, verdict=verdict)
        values["published_in_interval"] = bool(low <= values["published_rate"] <= high)
        rows.append(_row(pub, fig, **values))
    return rows


def _count_rows(pub: Mapping[str, Any], fig: Mapping[str, Any], data: Any) -> list[dict[str, Any]]:
    table_name = fig.get("table", "cases")
    table = getattr(data, table_name, None)
    if table is None:
        raise ToolkitError(f"{pub['id']}/{fig['id']}: these data have no {table_name} table")
    by = fig.get("by")
    if by:
        counts = table[by].astype("str").fillna("(missing)").value_counts().to_dict()
    else:
        counts = {"all": len(table)}
    if fig.get("not_participating"):
        terms = {str(t) for t in data.cases["year"].dropna().astype("int64").unique()}
        by_term = data.meta.get("not_participating_by_term") or {}
        counts[_NO_VOTE] = sum(int(n) for t, n in by_term.items() if str(t) in terms)
    rows = []
    for exp in fig["expected"]:
        group, parts, case_tol = _expected_group(fig, exp)
        count = sum(int(counts.get(g, 0)) for g in parts)
        diff = count - int(exp["count"])
        rows.append(
            _row(
                pub,
                fig,
                group=group,
                published_count=int(exp["count"]),
                count=count,
                diff_count=diff,
                verdict=_verdict([diff], case_tol),
            )
        )
    return rows


def _count_each_rows(
    pub: Mapping[str, Any], fig: Mapping[str, Any], data: Any
) -> list[dict[str, Any]]:
    table = getattr(data, fig.get("table", "cases"))
    by = fig.get("by")
    by = [by] if isinstance(by, str) else list(by)
    sizes = table.groupby(by, observed=True, dropna=False).size()
    exp = fig["expected"]
    every = int(exp["every"])
    diffs = [int(s) - every for s in sizes.tolist()] or [every]
    groups = exp.get("groups")
    verdict = _verdict(diffs, fig["tolerance"].get("cases"))
    if groups is not None and int(groups) != len(sizes):
        verdict = "outside"
    low, high = (int(sizes.min()), int(sizes.max())) if len(sizes) else (0, 0)
    label = exp.get("label") or f"each {' x '.join(by)}"
    return [
        _row(
            pub,
            fig,
            group=f"{label} ({low}-{high} each)",
            published_count=every,
            published_n=None if groups is None else int(groups),
            count=low if abs(low - every) >= abs(high - every) else high,
            n=len(sizes),
            diff_count=max(diffs, key=abs),
            diff_n=None if groups is None else len(sizes) - int(groups),
            verdict=verdict,
        )
    ]


def replicate(
    names: Sequence[str] | str | None = None,
    *,
    raw_dir: str | Path | None = None,
    mirror: str | Path | None = None,
    sources: Sequence[str] | None = None,
    registry: str | Path | None = None,
) -> pd.DataFrame:
    """Rebuild the registry's figures and compare them with the published ones.

    Parameters
    ----------
    names
        Publication ids (default: every publication in the registry).
    raw_dir
        Where the fetched raw files are (default :func:`toolkit.paths.raw_dir`).
    mirror
        First fetch the sources the figures need from this local folder (laid out like the
        reference data) into ``raw_dir``.
    sources
        Only the figures made from these sources (e.g. ``["scdb"]``).
    registry
        Another registry folder (default: the one shipped with the package).

    Returns
    -------
    pandas.DataFrame
        One row per published number (:data:`COLUMNS`): published and reproduced count,
        denominator and rate, the reproduced rate's 95% Wilson interval and whether the
        published rate lies in it, the differences, the verdict, the tolerance and its reason.
        ``replication_summary`` rolls it up to one row per figure.
    """
    import pandas as pd

    from toolkit.filters import subset

    if isinstance(names, str):
        names = [names]
    publications = load_registry(names, registry)
    raw = Path(raw_dir) if raw_dir is not None else None
    if mirror is not None:
        from toolkit.sources import fetch

        needed = {
            f["data"]["source"]
            for p in publications
            for f in p["figures"]
            if f.get("reproducible", True) is not False
            and (not sources or f["data"]["source"] in sources)
        }
        for source in sorted(needed):
            fetch(source, mirror=mirror, raw_dir=raw)
    memo: dict[str, Any] = {}
    rows: list[dict[str, Any]] = []
    for pub in publications:
        for fig in pub["figures"]:
            if fig.get("reproducible", True) is False:
                rows.append(_row(pub, fig, group="(whole figure)", verdict="not reproducible"))
                continue
            if sources and fig["data"]["source"] not in sources:
                continue
            data = _load(fig["data"], raw, memo)
            if isinstance(data, ToolkitError):
                rows.append(
                    _row(pub, fig, group="(whole figure)", verdict="data missing", reason=str(data))
                )
                continue
            if fig.get("subset"):
                data = subset(data, **fig["subset"])
            measure = {"rate": _rate_rows, "count": _count_rows, "count_each": _count_each_rows}
            rows.extend(measure[fig["measure"]](pub, fig, data))
    frame = pd.DataFrame(rows, columns=COLUMNS)
    for col in ("published_count", "published_n", "count", "n", "diff_count", "diff_n"):
        frame[col] = frame[col].astype("Int64")
    for col in ("published_rate", "rate", "ci_low", "ci_high", "diff_points"):
        frame[col] = frame[col].astype("Float64")
    frame["published_in_interval"] = frame["published_in_interval"].astype("boolean")
    return frame


def replication_summary(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per figure: its rank, how many numbers are exact, within, outside; the verdict.

    A figure's verdict is its worst row's (in the order of :data:`VERDICTS`).
    """
    import pandas as pd

    order = {v: i for i, v in enumerate(VERDICTS)}
    records = []
    for (pub, fig), group in frame.groupby(["publication", "figure"], sort=False):
        verdicts = group["verdict"].tolist()
        counted = [v for v in verdicts if v in ("exact", "within tolerance", "outside")]
        worst = max(verdicts, key=lambda v: order[v])
        records.append(
            {
                "publication": pub,
                "figure": fig,
                "title": group["title"].iloc[0],
                "rank": group["rank"].iloc[0],
                "numbers": len(counted),
                "exact": verdicts.count("exact"),
                "within_tolerance": verdicts.count("within tolerance"),
                "outside": verdicts.count("outside"),
                "verdict": worst,
            }
        )
    return pd.DataFrame(records)


def chart_replication(frame: pd.DataFrame, publication: str | None = None) -> Any:
    """Published against reproduced numbers of one publication, as an Altair chart.

    Rates: the reproduced rate with its 95% interval (bar) and the published rate (red tick),
    one row per group. Counts: published (open circle) and reproduced (dot) counts.
    """
    import altair as alt
    import pandas as pd

    rows = frame if publication is None else frame[frame["publication"] == publication]
    rows = rows[rows["verdict"].isin(["exact", "within tolerance", "outside"])]
    if rows.empty:
        raise ToolkitError(f"nothing reproduced for {publication or 'these figures'} to chart")
    heading = (
        f"{publication}: published vs reproduced" if publication else "published vs reproduced"
    )
    subtitle = "circle: published; square: reproduced"
    several = rows["figure"].nunique() > 1
    label = rows["group"].astype("str")
    rows = rows.assign(label=(rows["figure"] + ": " + label) if several else label)
    if rows["rate"].notna().any():
        data = pd.DataFrame(
            {
                "label": rows["label"],
                "reproduced": rows["rate"].astype("float64") * 100,
                "low": rows["ci_low"].astype("float64") * 100,
                "high": rows["ci_high"].astype("float64") * 100,
                "published": rows["published_rate"].astype("float64") * 100,
                "verdict": rows["verdict"],
            }
        ).dropna(subset=["reproduced"])
        base = alt.Chart(data).encode(y=alt.Y("label:N", title=None, sort=None))
        band = base.mark_rule(strokeWidth=2, color="#8aa").encode(
            x=alt.X("low:Q", title=f"rate (%) with the reproduced rate's {interval_label()}"),
            x2="high:Q",
        )
        dot = base.mark_point(filled=True, size=50, color="#1f4e79").encode(
            x="reproduced:Q",
            tooltip=["label", "reproduced", "low", "high", "published", "verdict"],
        )
        tick = base.mark_tick(color="#d1495b", thickness=2, size=14).encode(x="published:Q")
        chart = band + dot + tick
        subtitle = f"dot and bar: reproduced rate and its {interval_label()}; red tick: published"
    else:
        data = pd.concat(
            [
                pd.DataFrame(
                    {
                        "label": rows["label"],
                        "count": rows["published_count"].astype("float64"),
                        "which": "published",
                    }
                ),
                pd.DataFrame(
                    {
                        "label": rows["label"],
                        "count": rows["count"].astype("float64"),
                        "which": "reproduced",
                    }
                ),
            ]
        )
        chart = (
            alt.Chart(data)
            .mark_point(size=60)
            .encode(
                y=alt.Y("label:N", title=None, sort=None),
                x=alt.X(
                    "count:Q",
                    title="count (symmetric log scale)",
                    scale=alt.Scale(type="symlog"),
                    axis=alt.Axis(values=[0, 10, 100, 1000, 10000, 100000], format=",d"),
                ),
                color=alt.Color(
                    "which:N", scale=alt.Scale(range=["#d1495b", "#1f4e79"]), title=None
                ),
                shape=alt.Shape("which:N", title=None),
                tooltip=["label", "which", "count"],
            )
        )
    return chart.properties(
        title=alt.TitleParams(heading, subtitle=subtitle),
        width=420,
        height=alt.Step(18),
        description=f"replication of {publication}",
    )


def _shown(row: Mapping[str, Any], prefix: str) -> str:
    import pandas as pd

    count, n, rate = (row[f"{prefix}{k}"] for k in ("count", "n", "rate"))
    if not pd.isna(count) and not pd.isna(n) and not pd.isna(rate):
        return f"{int(count):,}/{int(n):,} {100 * float(rate):.1f}%"
    if not pd.isna(rate):
        return f"{100 * float(rate):.1f}%"
    if not pd.isna(count) and not pd.isna(n):
        return f"{int(count):,} x {int(n)} groups"
    if not pd.isna(count):
        return f"{int(count):,}"
    return "-"


def replication_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Published and reproduced numbers as text, side by side, for printing.

    Columns: ``publication``, ``figure``, ``group``, ``published``, ``reproduced``,
    ``interval`` (the reproduced rate's 95% Wilson interval), ``in_interval``, ``verdict``.
    """
    import pandas as pd

    records = []
    for row in frame.to_dict("records"):
        low, high = row["ci_low"], row["ci_high"]
        inside = row["published_in_interval"]
        records.append(
            {
                "publication": row["publication"],
                "figure": row["figure"],
                "group": row["group"],
                "published": _shown(row, "published_"),
                "reproduced": _shown(row, ""),
                "interval": "" if pd.isna(low) else f"{100 * low:.1f}-{100 * high:.1f}%",
                "in_interval": "" if pd.isna(inside) else ("yes" if inside else "no"),
                "verdict": row["verdict"],
            }
        )
    return pd.DataFrame(
        records,
        columns=[
            "publication",
            "figure",
            "group",
            "published",
            "reproduced",
            "interval",
            "in_interval",
            "verdict",
        ],
    )
