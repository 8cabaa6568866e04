"""Altair charts of reversal patterns, built from the tidy outputs of the statistics modules.

Every ``chart_*`` builder takes an aggregated table (never raw case rows, so large data never
hit Altair's row limit) and returns a chart with a title, axis titles with units and a
description; uncertainty is always drawn. :func:`save_chart` is the one place that writes
files: ``.html`` with the JavaScript inlined (works offline), ``.png`` and ``.svg``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from toolkit.errors import ToolkitError
from toolkit.rates import RATE_COLUMNS
from toolkit.results import COMPOSITIONS, level_of, term_label

__all__ = [
    "chart_confusion",
    "chart_durations",
    "chart_estimates",
    "chart_funnel",
    "chart_heatmap",
    "chart_judge_effects",
    "chart_odds_ratios",
    "chart_panels",
    "chart_rates",
    "chart_rule_sensitivity",
    "chart_trend",
    "natural_order",
    "save_chart",
    "use_theme",
]

THEME = "appellate"
_STAT_COLUMNS = set(RATE_COLUMNS) | {"n_effective", "std_error", "rule", "ci_method"}
RATE_FORMAT = ".1%"


def use_theme() -> None:
    """Register and enable the project's Altair theme (idempotent)."""
    import altair as alt

    if THEME not in alt.theme.names():

        @alt.theme.register(THEME, enable=False)
        def _theme() -> alt.theme.ThemeConfig:
            return {
                "config": {
                    "font": "Helvetica, Arial, sans-serif",
                    "view": {"stroke": None, "continuousWidth": 480, "continuousHeight": 300},
                    "title": {"fontSize": 15, "anchor": "start", "subtitleColor": "#555"},
                    "axis": {"labelFontSize": 11, "titleFontSize": 12, "gridColor": "#e6e6e6"},
                    "legend": {"labelFontSize": 11, "titleFontSize": 12},
                    "range": {
                        "category": [
                            "#1f5a96",
                            "#d1495b",
                            "#edae49",
                            "#00798c",
                            "#66a182",
                            "#8d96a3",
                            "#30638e",
                            "#003d5b",
                        ]
                    },
                }
            }

    alt.theme.enable(THEME)


COURT_COLUMNS = ("circuit", "court", "lower_court")
"""Columns holding courts: drawn in the courts' natural order (ca1, ca2, ..., ca11, cadc, cafc)."""

FULL_WIDTH = {"appellate": {"full_width": True}}
"""``usermeta`` of a chart that fills the page's width in a report (PNG/SVG keep its width)."""

PAGE_WIDTH = 760
"""Width of a full-width chart's PNG and SVG copies, in pixels."""


def _natural_key(value: str) -> tuple[Any, ...]:
    import re

    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part)
        for part in re.split(r"(\d+)", value)
        if part
    )


def natural_order(values: Any) -> list[str]:
    """Distinct values in reading order: courts as the schema lists them, the rest naturally.

    Examples
    --------
    >>> natural_order(["ca10", "cafc", "ca2", "ca1", "cadc", "ca11"])
    ['ca1', 'ca2', 'ca10', 'ca11', 'cadc', 'cafc']
    >>> natural_order(["item10", "item9"])
    ['item9', 'item10']
    """
    from toolkit.schema import CIRCUITS

    present = [str(v) for v in pd.unique(pd.Series(list(values), dtype="object").dropna())]
    courts = [c for c in ("scotus", *CIRCUITS) if c in present]
    rest = sorted((v for v in present if v not in courts), key=_natural_key)
    return [*courts, *rest]


def _sort_for(table: pd.DataFrame, column: str) -> Any:
    """An Altair sort for a column: the natural order of courts, else Altair's default."""
    import altair as alt

    if column in COURT_COLUMNS and column in table.columns:
        return natural_order(table[column])
    return alt.Undefined


def _group_columns(table: pd.DataFrame, exclude: Sequence[str] = ()) -> list[str]:
    return [
        c
        for c in table.columns
        if c not in _STAT_COLUMNS
        and c not in exclude
        and not c.startswith(("fitted", "diff_", "p_", "rate_"))
    ]


def _plain(table: pd.DataFrame) -> pd.DataFrame:
    """A copy Altair serialises without surprises (categories and nullable types as plain)."""
    out = table.copy()
    for col in out.columns:
        dtype = out[col].dtype
        if isinstance(dtype, pd.CategoricalDtype):
            out[col] = out[col].astype("str")
        elif str(dtype) in ("Int64", "Float64"):
            out[col] = out[col].astype("float64")
        elif str(dtype) == "boolean":
            out[col] = out[col].astype("object").where(out[col].notna(), None)
    return out


def _keep(table: pd.DataFrame, columns: Sequence[str | None]) -> pd.DataFrame:
    """Only the columns a chart draws or shows, numbers to 6 decimals: a light page.

    A chart carries its data in the page; every other column would only add weight.
    """
    keep = [c for c in dict.fromkeys(columns) if c is not None and c in table.columns]
    out = table[keep].copy()
    for col in keep:
        if pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].round(6)
    return out


_RATE_TIPS = ("n", "n_reversed", "rate", "ci_low", "ci_high")


def _rule_text(table: pd.DataFrame) -> str:
    rules = sorted(set(table["rule"].dropna().astype(str))) if "rule" in table else []
    return f"rule: {', '.join(rules)}" if rules else ""


def _tooltip(by: Sequence[str]) -> list[Any]:
    import altair as alt

    return [
        *[alt.Tooltip(f"{c}:N") for c in by],
        alt.Tooltip("n:Q", title="cases counted"),
        alt.Tooltip("n_reversed:Q", title="reversed"),
        alt.Tooltip("rate:Q", format=RATE_FORMAT, title="rate"),
        alt.Tooltip("ci_low:Q", format=RATE_FORMAT, title="interval from"),
        alt.Tooltip("ci_high:Q", format=RATE_FORMAT, title="interval to"),
    ]


def chart_rates(
    rates: pd.DataFrame,
    by: str | None = None,
    overall: float | None = None,
    title: str | None = None,
) -> Any:
    """Point and interval per group, sorted by rate, with the overall rate as a reference line.

    Groups flagged ``small_n`` are drawn as open circles and say so in the legend.

    Parameters
    ----------
    rates
        Output of :func:`~toolkit.rates.reversal_rates` with one grouping column.
    by
        The grouping column; default the table's only one.
    overall
        Reference rate; default the pooled rate of the table (sum reversed / sum counted).
    title
        Chart title.

    Examples
    --------
    >>> import toolkit
    >>> from toolkit.rates import reversal_rates
    >>> chart = chart_rates(reversal_rates(toolkit.load("demo"), by="circuit"))
    >>> [layer["mark"]["type"] for layer in chart.to_dict()["layer"]]
    ['rule', 'rule', 'point']
    """
    import altair as alt

    use_theme()
    by = by or _single_group(rates)
    table = _plain(rates)
    table["sample"] = np.where(table["small_n"], "fewer than min_n cases", "enough cases")
    pooled = overall if overall is not None else table["n_reversed"].sum() / table["n"].sum()
    rule_text = _rule_text(table)
    order = (
        natural_order(table[by])
        if by in COURT_COLUMNS
        else alt.EncodingSortField("rate", order="descending")
    )
    base = alt.Chart(_keep(table, [by, *_RATE_TIPS, "sample"])).encode(
        y=alt.Y(f"{by}:N", sort=order, title=by.replace("_", " ")),
    )
    intervals = base.mark_rule(strokeWidth=2, color="#1f5a96").encode(
        x=alt.X(
            "ci_low:Q",
            axis=alt.Axis(format="%"),
            title=f"Reversal rate, % of cases counted ({rule_text})",
        ),
        x2="ci_high:Q",
        tooltip=_tooltip([by]),
    )
    points = base.mark_point(size=70, color="#1f5a96").encode(
        x="rate:Q",
        fill=alt.Fill(
            "sample:N",
            scale=alt.Scale(
                domain=["enough cases", "fewer than min_n cases"], range=["#1f5a96", "white"]
            ),
            title="Sample size",
        ),
        tooltip=_tooltip([by]),
    )
    reference = (
        alt.Chart(pd.DataFrame({"overall": [pooled]}))
        .mark_rule(color="#888", strokeDash=[4, 4])
        .encode(
            x="overall:Q",
            tooltip=[alt.Tooltip("overall:Q", format=RATE_FORMAT, title="overall rate")],
        )
    )
    level = rates.attrs.get("level", 0.95)
    return alt.layer(reference, intervals, points).properties(
        title=alt.Title(
            title or f"Reversal rate by {by.replace('_', ' ')}",
            subtitle=f"{level:.0%} intervals; dashed line: overall rate {pooled:.1%}; {rule_text}",
        ),
        description=f"Reversal rate by {by} with {level:.0%} confidence intervals"
        + (" in the courts' order" if by in COURT_COLUMNS else ", sorted by rate")
        + "; open circles mark groups with fewer cases than the minimum.",
        height=alt.Step(22),
        width=PAGE_WIDTH,
        usermeta=FULL_WIDTH,
    )


def _single_group(table: pd.DataFrame) -> str:
    groups = _group_columns(table)
    if len(groups) != 1:
        raise ToolkitError(f"say which column to chart: by= one of {groups}")
    return groups[0]


def chart_heatmap(rates: pd.DataFrame, x: str, y: str, title: str | None = None) -> Any:
    """Two groupings, rate as colour; n and interval in the tooltips, n in each cell.

    Examples
    --------
    >>> import toolkit
    >>> from toolkit.rates import reversal_rates
    >>> r = reversal_rates(toolkit.load("demo"), by=["circuit", "claim_type"])
    >>> chart_heatmap(r, x="claim_type", y="circuit").to_dict()["layer"][0]["mark"]["type"]
    'rect'
    """
    import altair as alt

    use_theme()
    table = _plain(rates)
    rule_text = _rule_text(table)
    columns = natural_order(table[x])
    # a cell wide enough for its longest count ("1,249") and its column's label
    longest = max([len(f"{int(v):,}") for v in table["n"].dropna()] + [1])
    label = max([len(str(v)) for v in columns] + [1])
    step_x = int(min(120, max(48, 9 * longest + 16, 7 * label + 12)))
    top = float(table["rate"].max()) if table["rate"].notna().any() else 0.0
    dark = 0.55 * top if top > 0 else 1.0
    base = alt.Chart(_keep(table, [x, y, *_RATE_TIPS])).encode(
        x=alt.X(
            f"{x}:N",
            title=x.replace("_", " "),
            sort=columns,
            axis=alt.Axis(labelAngle=0, orient="top", labelLimit=step_x),
        ),
        y=alt.Y(f"{y}:N", title=y.replace("_", " "), sort=natural_order(table[y])),
    )
    cells = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color(
            "rate:Q",
            scale=alt.Scale(scheme="blues", domainMin=0),
            legend=alt.Legend(format="%", title="Reversal rate"),
        ),
        tooltip=_tooltip([x, y]),
    )
    labels = base.mark_text(fontSize=12).encode(
        text=alt.Text("n:Q", format=",d"),
        color=alt.condition(f"datum.rate > {dark:.6f}", alt.value("white"), alt.value("#222")),
    )
    return alt.layer(cells, labels).properties(
        title=alt.Title(
            title or f"Reversal rate by {y.replace('_', ' ')} and {x.replace('_', ' ')}",
            subtitle=f"colour: rate; number: cases counted; {rule_text}",
        ),
        description=f"Heatmap of reversal rates by {y} and {x}; each cell shows the number "
        "of cases, the tooltip the rate and its interval.",
        width=alt.Step(step_x),
        height=alt.Step(30),
    )


def chart_funnel(
    judges: pd.DataFrame, overall: float | None = None, title: str | None = None
) -> Any:
    """Judge raw rates against their number of cases, with 95% and 99.8% control limits.

    Points outside the funnel differ from the overall rate by more than chance would make
    likely at that number of cases.

    Parameters
    ----------
    judges
        Output of :func:`~toolkit.models.judge_effects` (``judge_id``, ``n``, ``n_reversed``,
        ``raw_rate``).
    overall
        Centre line; default the pooled rate.

    Examples
    --------
    >>> import toolkit
    >>> from toolkit.models import judge_effects
    >>> chart = chart_funnel(judge_effects(toolkit.load("demo")))
    >>> sorted({layer["mark"]["type"] for layer in chart.to_dict()["layer"]})
    ['line', 'point', 'rule']
    """
    import altair as alt
    from scipy import stats

    use_theme()
    table = _plain(judges)
    p = overall if overall is not None else table["n_reversed"].sum() / table["n"].sum()
    grid = np.unique(np.geomspace(max(1, table["n"].min()), table["n"].max(), 120).round())
    limits = []
    for level, name in ((0.95, "95% limits"), (0.998, "99.8% limits")):
        z = stats.norm.ppf(0.5 + level / 2)
        half = z * np.sqrt(p * (1 - p) / grid)
        for side, values in (("low", np.clip(p - half, 0, 1)), ("high", np.clip(p + half, 0, 1))):
            limits.append(
                pd.DataFrame({"n": grid, "limit": values, "band": name, "side": f"{name} {side}"})
            )
    lim = pd.concat(limits, ignore_index=True)
    lines = (
        alt.Chart(_keep(lim, ["n", "limit", "band", "side"]))
        .mark_line(strokeDash=[4, 3])
        .encode(
            x=alt.X(
                "n:Q",
                scale=alt.Scale(type="log", nice=False, domain=[grid[0], grid[-1]]),
                title="Cases counted per judge (log scale)",
            ),
            y=alt.Y("limit:Q", axis=alt.Axis(format="%")),
            detail="side:N",
            color=alt.Color(
                "band:N", title="Control limits", scale=alt.Scale(range=["#888", "#d1495b"])
            ),
        )
    )
    center = alt.Chart(pd.DataFrame({"rate": [p]})).mark_rule(color="#444").encode(y="rate:Q")
    extra = [c for c in ("party", "court") if c in table.columns]
    points = (
        alt.Chart(_keep(table, ["judge_id", "n", "n_reversed", "raw_rate", *extra]))
        .mark_point(filled=True, opacity=0.7, color="#1f5a96")
        .encode(
            x="n:Q",
            y=alt.Y("raw_rate:Q", title=f"Judge's raw reversal rate, % ({_rule_text(table)})"),
            tooltip=[
                alt.Tooltip("judge_id:N", title="judge"),
                "n:Q",
                "n_reversed:Q",
                alt.Tooltip("raw_rate:Q", format=RATE_FORMAT),
                *extra,
            ],
        )
    )
    return alt.layer(lines, center, points).properties(
        title=alt.Title(
            title or "Funnel plot of judges' reversal rates",
            subtitle=f"centre line: overall rate {p:.1%}; dashed: 95% and 99.8% "
            "limits for a judge with that many cases",
        ),
        description="Each point is a judge: raw reversal rate against number of cases; "
        "points outside the dashed funnel differ from the overall rate by more "
        "than chance alone would make likely.",
        width=PAGE_WIDTH,
        height=380,
        usermeta=FULL_WIDTH,
    )


def chart_judge_effects(
    judges: pd.DataFrame, title: str | None = None, show: int | None = 40
) -> Any:
    """Caterpillar plot: each judge's shrunk estimate and interval, sorted.

    Parameters
    ----------
    judges
        The table of :func:`toolkit.judge_effects`.
    title
        The chart's title.
    show
        With more judges than this, only the ``show // 2`` highest and ``show // 2`` lowest
        estimates are drawn, named, and the subtitle says so (a caterpillar of hundreds of
        judges cannot be read; every judge stays in the table). None: every judge.

    Examples
    --------
    >>> import toolkit
    >>> from toolkit.models import judge_effects
    >>> chart = chart_judge_effects(judge_effects(toolkit.load("demo")))
    >>> chart.to_dict()["layer"][1]["mark"]["type"]
    'point'
    """
    import altair as alt

    use_theme()
    table = _plain(judges)
    table["sample"] = np.where(table["small_n"], "fewer than min_n cases", "enough cases")
    method = ", ".join(sorted(set(table["method"].astype(str)))) if "method" in table else ""
    shown = f"method: {method}; intervals are posterior intervals"
    if show is not None and len(table) > show:
        ranked = table.sort_values("estimate", kind="stable")
        half = max(1, show // 2)
        table = pd.concat([ranked.head(half), ranked.tail(half)])
        shown = (
            f"the {half} highest and {half} lowest estimates of {len(ranked):,} judges (every "
            f"judge is in the table); {shown}"
        )
    used = ["judge_id", "n", "raw_rate", "estimate", "ci_low", "ci_high", "sample", "rule"]
    base = alt.Chart(_keep(table, used)).encode(
        y=alt.Y(
            "judge_id:N",
            sort=alt.EncodingSortField("estimate", order="ascending"),
            title="Judge",
            axis=alt.Axis(labels=len(table) <= 60),
        ),
    )
    tips = [
        alt.Tooltip("judge_id:N", title="judge"),
        "n:Q",
        alt.Tooltip("raw_rate:Q", format=RATE_FORMAT, title="raw rate"),
        alt.Tooltip("estimate:Q", format=RATE_FORMAT, title="shrunk estimate"),
        alt.Tooltip("ci_low:Q", format=RATE_FORMAT),
        alt.Tooltip("ci_high:Q", format=RATE_FORMAT),
    ]
    bars = base.mark_rule(color="#8d96a3").encode(
        x=alt.X(
            "ci_low:Q",
            axis=alt.Axis(format="%"),
            title=f"Estimated reversal propensity, % ({_rule_text(table)})",
        ),
        x2="ci_high:Q",
        tooltip=tips,
    )
    points = base.mark_point(filled=True, size=25).encode(
        x="estimate:Q",
        color=alt.Color(
            "sample:N",
            title="Sample size",
            scale=alt.Scale(
                domain=["enough cases", "fewer than min_n cases"], range=["#1f5a96", "#edae49"]
            ),
        ),
        tooltip=tips,
    )
    return alt.layer(bars, points).properties(
        title=alt.Title(
            title or "Judges' reversal propensities after shrinkage",
            subtitle=shown,
        ),
        description="Caterpillar plot of each judge's shrunk reversal estimate with its "
        "interval, sorted from lowest to highest.",
        height=alt.Step(max(3, min(14, 900 // max(1, len(table))))),
        width=PAGE_WIDTH,
        usermeta=FULL_WIDTH,
    )


def chart_trend(trend: pd.DataFrame, by: str | None = None, title: str | None = None) -> Any:
    """Rates by year (points with intervals) and the smooth logit trend with its band.

    Examples
    --------
    >>> import toolkit
    >>> from toolkit.models import trend
    >>> chart = chart_trend(trend(toolkit.load("demo")))
    >>> [layer["mark"]["type"] for layer in chart.to_dict()["layer"]]
    ['area', 'line', 'rule', 'point']
    """
    import altair as alt

    use_theme()
    table = _plain(trend)
    color = (
        {"color": alt.Color(f"{by}:N", title=by.replace("_", " "), sort=_sort_for(table, by))}
        if by
        else {}
    )
    used = [by, "year", *_RATE_TIPS, "fitted", "fitted_low", "fitted_high"]
    base = alt.Chart(_keep(table, used)).encode(
        x=alt.X("year:O", title="Year of decision", axis=alt.Axis(labelAngle=0)),
    )
    band = base.mark_area(opacity=0.2).encode(
        y=alt.Y(
            "fitted_low:Q",
            axis=alt.Axis(format="%"),
            title=f"Reversal rate, % of cases ({_rule_text(table)})",
        ),
        y2="fitted_high:Q",
        **color,
    )
    line = base.mark_line().encode(y="fitted:Q", **color)
    bars = base.mark_rule(opacity=0.6).encode(
        y="ci_low:Q", y2="ci_high:Q", tooltip=_tooltip([c for c in [by, "year"] if c]), **color
    )
    points = base.mark_point(filled=True).encode(
        y="rate:Q", tooltip=_tooltip([c for c in [by, "year"] if c]), **color
    )
    return alt.layer(band, line, bars, points).properties(
        title=alt.Title(
            title or "Reversal rate over time",
            subtitle="points: yearly rate with interval; line and band: smooth "
            "logit trend with its 95% band",
        ),
        description="Yearly reversal rates with confidence intervals and a smoothed logistic "
        "trend with its confidence band.",
        width=PAGE_WIDTH - 120 if by else PAGE_WIDTH,
        usermeta=FULL_WIDTH,
    )


def chart_durations(result: Any, title: str | None = None, points: int = 150) -> Any:
    """Kaplan-Meier curves of the share of cases still pending, with their bands.

    Parameters
    ----------
    result
        A :class:`toolkit.timing.Durations` (from :func:`toolkit.durations`).
    title
        Chart title.
    points
        Days at which each curve is drawn (the step curve is read at evenly spaced days, so
        large data never reach Altair's row limit).

    Examples
    --------
    >>> import toolkit
    >>> chart = chart_durations(toolkit.durations(toolkit.load("demo"), by="circuit"))
    >>> [layer["mark"]["type"] for layer in chart.to_dict()["layer"]]
    ['area', 'line']
    """
    import altair as alt

    use_theme()
    by = list(result.by)
    curves = result.curves
    if curves.empty:
        raise ToolkitError("no curve to draw: no case was measured")
    parts = curves.groupby(by, observed=True, sort=False) if by else [((), curves)]
    frames = []
    top = float(curves["days"].max()) or 1.0
    grid = np.linspace(0.0, top, points)
    for key, part in parts:
        part = part.sort_values("days")
        last = float(part["days"].max())
        at = np.union1d(grid[grid <= last], [last])
        idx = np.searchsorted(part["days"].to_numpy(), at, side="right") - 1
        frame = part.iloc[idx][["pending", "ci_low", "ci_high"]].reset_index(drop=True)
        frame.insert(0, "days", at)
        key = key if isinstance(key, tuple) else (key,)
        for col, value in zip(by, key, strict=True):
            frame[col] = str(value)
        frames.append(frame)
    table = pd.concat(frames, ignore_index=True)
    group = " x ".join(by)
    if by:
        table["group"] = table[by].astype("str").agg(" ".join, axis=1)
    color = {}
    if by:
        order = (
            natural_order(table["group"])
            if len(by) == 1 and by[0] in COURT_COLUMNS
            else list(pd.unique(table["group"]))
        )
        scale = alt.Scale(scheme="tableau20") if len(order) > 8 else alt.Undefined
        color = {
            "color": alt.Color("group:N", title=group.replace("_", " "), sort=order, scale=scale)
        }
    used = ["days", "pending", "ci_low", "ci_high", *by, "group" if by else None]
    base = alt.Chart(_keep(table, used)).encode(
        x=alt.X("days:Q", title=f"Days from {result.start} to {result.end}")
    )
    band = base.mark_area(opacity=0.15, interpolate="step-after").encode(
        y=alt.Y("ci_low:Q", axis=alt.Axis(format="%"), title="Share still pending"),
        y2="ci_high:Q",
        **color,
    )
    line = base.mark_line(interpolate="step-after").encode(
        y="pending:Q",
        tooltip=[
            *[alt.Tooltip(f"{c}:N") for c in by],
            alt.Tooltip("days:Q", format=".0f"),
            alt.Tooltip("pending:Q", format=".1%", title="still pending"),
        ],
        **color,
    )
    level = f"{100 * result.level:.0f}%"
    return alt.layer(band, line).properties(
        title=alt.Title(
            title or f"Time from {result.start} to {result.end}",
            subtitle=f"Kaplan-Meier curves with {level} bands; cases without a {result.end} "
            f"date are pending (censored) at {result.as_of.date()}",
        ),
        description=f"Kaplan-Meier curves of the share of cases not yet {result.end}, by days "
        f"since {result.start}, with pointwise confidence bands.",
        width=PAGE_WIDTH - 120,
        usermeta=FULL_WIDTH,
    )


def chart_panels(rates: pd.DataFrame, title: str | None = None) -> Any:
    """Reversal rate by panel composition (RRR ... DDD) with intervals.

    Examples
    --------
    >>> import toolkit
    >>> from toolkit.panels import panel_composition
    >>> chart = chart_panels(panel_composition(toolkit.load("demo")).rates)
    >>> chart.to_dict()["layer"][0]["mark"]["type"]
    'rule'
    """
    import altair as alt

    use_theme()
    table = _plain(rates[rates["composition"].notna()])
    base = alt.Chart(table).encode(
        x=alt.X(
            "composition:N",
            sort=list(COMPOSITIONS),
            title="Panel composition (appointing party: R Republican, D Democratic)",
            axis=alt.Axis(labelAngle=0),
        ),
    )
    bars = base.mark_rule(strokeWidth=2).encode(
        y=alt.Y(
            "ci_low:Q",
            axis=alt.Axis(format="%"),
            title=f"Reversal rate, % of cases ({_rule_text(table)})",
        ),
        y2="ci_high:Q",
        tooltip=_tooltip(["composition"]),
    )
    points = base.mark_point(filled=True, size=80).encode(
        y="rate:Q", tooltip=_tooltip(["composition"])
    )
    return alt.layer(bars, points).properties(
        title=alt.Title(
            title or "Reversal rate by panel composition",
            subtitle="number of Democratic appointees on a three-judge panel",
        ),
        description="Reversal rates with confidence intervals for panels with 0, 1, 2 and 3 "
        "Democratic appointees.",
        width=360,
    )


def chart_rule_sensitivity(
    sensitivity: pd.DataFrame, by: str | None = None, title: str | None = None
) -> Any:
    """The same rates under each reversal rule, side by side.

    Examples
    --------
    >>> import toolkit
    >>> from toolkit.rates import rule_sensitivity
    >>> chart = chart_rule_sensitivity(rule_sensitivity(toolkit.load("demo"), by="circuit"))
    >>> chart.to_dict()["layer"][1]["encoding"]["color"]["field"]
    'rule'
    """
    import altair as alt

    use_theme()
    table = _plain(sensitivity)
    groups = _group_columns(table)
    by = by or (groups[0] if groups else None)
    if by is None:
        table["group"] = "all cases"
        by = "group"
    base = alt.Chart(table).encode(
        y=alt.Y(f"{by}:N", title=by.replace("_", " "), sort=_sort_for(table, by)),
        yOffset=alt.YOffset("rule:N"),
        color=alt.Color("rule:N", title="Reversal rule"),
    )
    bars = base.mark_rule().encode(
        x=alt.X("ci_low:Q", axis=alt.Axis(format="%"), title="Reversal rate, % of cases counted"),
        x2="ci_high:Q",
        tooltip=[*_tooltip([by]), "rule:N", "n_excluded:Q"],
    )
    points = base.mark_point(filled=True).encode(
        x="rate:Q",
        tooltip=[*_tooltip([by]), "rule:N", "n_excluded:Q"],
    )
    return alt.layer(bars, points).properties(
        title=alt.Title(
            title or "How the definition of reversal moves the rate",
            subtitle="the same cases counted under each reversal rule",
        ),
        description="Reversal rates under each reversal rule, side by side per group.",
        height=alt.Step(max(30, 14 * table["rule"].nunique())),
        width=PAGE_WIDTH - 160,
        usermeta=FULL_WIDTH,
    )


def chart_odds_ratios(
    coefficients: pd.DataFrame, title: str | None = None, bound: float = 1e4
) -> Any:
    """Odds ratios with their intervals on a log axis, one row per model term.

    The intercept is left out; a ratio or bound beyond ``bound`` (or below ``1 / bound``),
    as separated data give, is drawn at the edge and its tooltip says "beyond".

    Parameters
    ----------
    coefficients
        A model's coefficient table (``term``, ``odds_ratio``, ``or_low``, ``or_high``,
        ``p_value``), e.g. :attr:`toolkit.models.ReversalModel.table`.
    title
        Chart title.
    bound
        Largest ratio drawn as itself.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"term": ["Intercept", "C(circuit)[T.ca2]", "year"],
    ...                   "odds_ratio": [0.1, 2.0, 0.9], "or_low": [0.05, 1.2, 0.8],
    ...                   "or_high": [0.2, 3.3, 1.01], "p_value": [0.0, 0.01, 0.08]})
    >>> spec = chart_odds_ratios(t).to_dict()
    >>> spec["layer"][1]["encoding"]["x"]["scale"]["type"]
    'log'
    >>> [row["label"] for row in spec["datasets"][spec["layer"][1]["data"]["name"]]]
    ['circuit: ca2', 'year']
    """
    import altair as alt

    use_theme()
    table = coefficients[coefficients["term"].astype(str) != "Intercept"].copy()
    table = table[np.isfinite(table["odds_ratio"].astype(float))]
    if table.empty:
        raise ToolkitError("no coefficient to draw: the model has only an intercept")
    table["label"] = table["term"].astype(str).map(term_label)
    for col in ("odds_ratio", "or_low", "or_high"):
        values = table[col].astype(float)
        table[f"{col}_shown"] = values.clip(1 / bound, bound).fillna(
            1 / bound if col == "or_low" else bound
        )
        table[f"{col}_text"] = [
            "n/a"
            if v != v
            else (
                f"beyond {bound:,.0f}"
                if v > bound
                else f"below 1/{bound:,.0f}"
                if v < 1 / bound
                else f"{v:.3g}"
            )
            for v in values
        ]
    alpha = round(1 - level_of(coefficients), 10)  # the level the intervals were drawn at
    below, above = f"p < {alpha:g}", f"p >= {alpha:g} (or not computed)"
    table["significance"] = np.where(table["p_value"].astype(float) < alpha, below, above)
    table = _plain(table[[c for c in table.columns if c != "term"] + ["term"]])
    order = list(table["label"])
    tips = [
        alt.Tooltip("label:N", title="term"),
        alt.Tooltip("odds_ratio_text:N", title="odds ratio"),
        alt.Tooltip("or_low_text:N", title="interval from"),
        alt.Tooltip("or_high_text:N", title="interval to"),
        alt.Tooltip("p_value:Q", format=".3f", title="p-value"),
    ]
    low, high = float(table["or_low_shown"].min()), float(table["or_high_shown"].max())
    domain = [min(low, 1.0) / 1.2, max(high, 1.0) * 1.2]
    x = alt.X(
        "or_low_shown:Q",
        scale=alt.Scale(type="log", domain=domain, nice=False),
        title="Odds ratio of reversal (log scale; 1 = no difference)",
    )
    base = alt.Chart(table).encode(y=alt.Y("label:N", sort=order, title=None))
    one = alt.Chart(pd.DataFrame({"one": [1.0]})).mark_rule(color="#888", strokeDash=[4, 4])
    bars = base.mark_rule(strokeWidth=2, color="#1f5a96").encode(
        x=x, x2="or_high_shown:Q", tooltip=tips
    )
    points = base.mark_point(size=60, filled=True).encode(
        x="odds_ratio_shown:Q",
        color=alt.Color(
            "significance:N",
            title="Term",
            scale=alt.Scale(domain=[below, above], range=["#1f5a96", "#8d96a3"]),
        ),
        tooltip=tips,
    )
    return alt.layer(one.encode(x="one:Q"), bars, points).properties(
        title=alt.Title(
            title or "Odds ratios of reversal, with their intervals",
            subtitle="each term against its reference level, the others held fixed; "
            "dashed line: no difference",
        ),
        description="Odds ratios of the regression's terms with their confidence intervals "
        "on a log axis.",
        width=PAGE_WIDTH - 160,
        height=alt.Step(20),
        usermeta=FULL_WIDTH,
    )


def chart_estimates(
    table: pd.DataFrame,
    by: str,
    estimate: str,
    low: str,
    high: str,
    title: str,
    axis_title: str,
    percent: bool = True,
    reference: float | None = None,
    subtitle: str | None = None,
) -> Any:
    """Point and interval per row for any estimate (a share, a difference), groups in order.

    Courts are drawn in their natural order, other groups in the table's order; rows marked
    ``small_n`` are drawn as open circles. ``reference`` draws a dashed line (e.g. 0 for a
    difference).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"circuit": ["ca10", "ca2"], "d": [0.1, 0.2], "lo": [0.05, 0.1],
    ...                   "hi": [0.2, 0.3]})
    >>> spec = chart_estimates(t, "circuit", "d", "lo", "hi", "Share", "share").to_dict()
    >>> spec["layer"][0]["encoding"]["y"]["sort"]
    ['ca2', 'ca10']
    >>> chart_estimates(t, "circuit", "d", "lo", "hi", "Share", "share", reference=0).to_dict()[
    ...     "layer"][0]["mark"]["type"]
    'rule'

    """
    import altair as alt

    use_theme()
    data = _plain(table)
    data[by] = data[by].astype("str")
    order = natural_order(data[by]) if by in COURT_COLUMNS else list(data[by])
    fmt = RATE_FORMAT if percent else ".3g"
    tips = [
        alt.Tooltip(f"{by}:N", title=by.replace("_", " ")),
        alt.Tooltip(f"{estimate}:Q", format=fmt, title="estimate"),
        alt.Tooltip(f"{low}:Q", format=fmt, title="interval from"),
        alt.Tooltip(f"{high}:Q", format=fmt, title="interval to"),
    ]
    if "n" in data.columns:
        tips.append(alt.Tooltip("n:Q", title="cases"))
    axis = alt.Axis(format="%") if percent else alt.Axis()
    sample = (
        np.where(
            data["small_n"].fillna(False).astype(bool), "fewer than min_n cases", "enough cases"
        )
        if "small_n" in data.columns
        else np.full(len(data), "enough cases")
    )
    data["sample"] = sample
    data = _keep(data, [by, estimate, low, high, "n", "sample"])
    base = alt.Chart(data).encode(y=alt.Y(f"{by}:N", sort=order, title=by.replace("_", " ")))
    bars = base.mark_rule(strokeWidth=2, color="#1f5a96").encode(
        x=alt.X(f"{low}:Q", axis=axis, title=axis_title), x2=f"{high}:Q", tooltip=tips
    )
    points = base.mark_point(size=70, color="#1f5a96").encode(
        x=f"{estimate}:Q",
        fill=alt.Fill(
            "sample:N",
            scale=alt.Scale(
                domain=["enough cases", "fewer than min_n cases"], range=["#1f5a96", "white"]
            ),
            title="Sample size",
        ),
        tooltip=tips,
    )
    layers = [bars, points]
    if reference is not None:
        line = alt.Chart(pd.DataFrame({"reference": [reference]})).mark_rule(
            color="#888", strokeDash=[4, 4]
        )
        layers.insert(0, line.encode(x="reference:Q"))
    return alt.layer(*layers).properties(
        title=alt.Title(title, subtitle=subtitle or alt.Undefined),
        description=f"{title}: estimate and interval per {by.replace('_', ' ')}.",
        width=PAGE_WIDTH,
        height=alt.Step(22),
        usermeta=FULL_WIDTH,
    )


def chart_confusion(confusion: pd.DataFrame, title: str | None = None) -> Any:
    """A confusion matrix as a grid: hand codes down, machine codes across, counts in cells.

    Cells on the diagonal (agreement) are blue, the others (disagreement) red, darker with
    more cases.

    Parameters
    ----------
    confusion
        Hand codes (rows) by machine codes (columns), counts; e.g.
        :attr:`toolkit.text.validate.CodingValidation.confusion`.
    title
        Chart title.

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame([[8, 1], [2, 5]], index=["upheld", "disturbed"],
    ...                  columns=["upheld", "disturbed"])
    >>> spec = chart_confusion(m).to_dict()
    >>> sorted(r["count"] for r in spec["datasets"][spec["data"]["name"]])
    [1, 2, 5, 8]
    """
    import altair as alt

    use_theme()
    rows = [str(r) for r in confusion.index]
    cols = [str(c) for c in confusion.columns]
    cells = pd.DataFrame(
        [
            {
                "hand": r,
                "machine": c,
                "count": int(confusion.iloc[i, j]),
                "agree": "agree" if r == c else "disagree",
            }
            for i, r in enumerate(rows)
            for j, c in enumerate(cols)
        ]
    )
    top = max(1, int(cells["count"].max()))
    cells["shade"] = cells["count"] / top
    cells["label_color"] = np.where(cells["shade"] > 0.55, "white", "#222")
    step = int(max(56, 8 * max(len(x) for x in rows + cols) + 12))
    base = alt.Chart(cells).encode(
        x=alt.X(
            "machine:N",
            sort=cols,
            title="Machine code",
            axis=alt.Axis(labelAngle=0, orient="top", labelLimit=step),
        ),
        y=alt.Y("hand:N", sort=rows, title="Hand code"),
    )
    rect = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color(
            "agree:N",
            scale=alt.Scale(domain=["agree", "disagree"], range=["#1f5a96", "#d1495b"]),
            title="Codes",
        ),
        opacity=alt.Opacity(
            "shade:Q", scale=alt.Scale(domain=[0, 1], range=[0.08, 1]), legend=None
        ),
        tooltip=["hand:N", "machine:N", "count:Q"],
    )
    text = base.mark_text(fontSize=12).encode(
        text=alt.Text("count:Q", format=",d"),
        color=alt.Color("label_color:N", scale=None),
    )
    return alt.layer(rect, text).properties(
        title=alt.Title(
            title or "Hand codes against machine codes",
            subtitle="number of opinions in each cell; the diagonal is agreement",
        ),
        description="Confusion matrix of hand codes (rows) against machine codes (columns), "
        "with the number of opinions in each cell.",
        width=alt.Step(step),
        height=alt.Step(32),
    )


def save_chart(chart: Any, path: str | Path, formats: Sequence[str] | None = None) -> list[Path]:
    """Write a chart to ``.html`` (JavaScript inlined, works offline), ``.png`` or ``.svg``.

    Parameters
    ----------
    chart
        An Altair chart.
    path
        Target file. With a suffix, that one format; without, every format in ``formats``.
    formats
        Formats to write when ``path`` has no suffix (default ``html``, ``png``, ``svg``).

    Returns
    -------
    list of Path
        The files written.
    """
    path = Path(path)
    allowed = ("html", "png", "svg")
    if path.suffix:
        targets = [path]
    else:
        targets = [path.with_suffix(f".{f}") for f in (formats or allowed)]
    path.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for target in targets:
        fmt = target.suffix.lstrip(".").lower()
        if fmt not in allowed:
            raise ToolkitError(f"cannot save a chart as .{fmt}; expected one of {allowed}")
        if fmt == "html":
            chart.save(str(target), format="html", inline=True)
        elif fmt == "png":
            chart.save(str(target), format="png", scale_factor=2)
        else:
            chart.save(str(target), format="svg")
        written.append(target)
    return written
