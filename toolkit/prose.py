"""Sentences and reading tables from results, so that the numbers in a report's prose always
come from the data.

The ``describe_*`` functions turn a result table into sentences; :func:`format_model`,
:func:`format_marginal_effects` and :func:`model_diagnostics` turn a fitted model into tables
for reading (the CSV tables keep the numbers). Nothing here computes a statistic.
"""

from __future__ import annotations

from typing import Any

from toolkit.results import interval_label, level_of, level_text, term_label

__all__ = [
    "describe_comparison",
    "describe_judges",
    "describe_model",
    "describe_rates",
    "describe_rule_sensitivity",
    "describe_trend",
    "format_marginal_effects",
    "format_model",
    "model_diagnostics",
]


def _label(value: Any) -> str:
    """A group's name in prose; a missing value is said to be missing."""
    return "(none)" if value is None or value != value else str(value)


def _missing(value: Any) -> bool:
    try:
        return value is None or value != value
    except (TypeError, ValueError):  # pragma: no cover - exotic scalars
        return False


def _pct(value: Any, missing: str = "n/a") -> str:
    """A proportion as a percentage to one decimal (``missing`` for None or NaN)."""
    return missing if _missing(value) else f"{100 * float(value):.1f}%"


def describe_rates(rates: Any, by: str | None = None) -> str:
    """Sentences on a rates table: overall rate, range, small groups.

    Examples
    --------
    >>> import toolkit
    >>> rates = toolkit.reversal_rates(toolkit.load("demo"), by="circuit")
    >>> describe_rates(rates, "circuit").split(";")[0]
    'Of 7,540 cases counted under the disturbed rule, 856 (11.4%) were reversed'
    """
    n, x = int(rates["n"].sum()), int(rates["n_reversed"].sum())
    rule = rates["rule"].iloc[0] if len(rates) else ""
    share = _pct(x / n if n else float("nan"))
    text = (
        f"Of {n:,} cases counted under the {rule} rule, {x:,} ({share})"
        f" were reversed; {int(rates['n_excluded'].sum()):,} more cases were left out of the "
        "denominator by the rule."
    )
    if by and len(rates) > 1:
        interval = interval_label(level_of(rates))
        ranked = rates[rates["n"] > 0].sort_values("rate")
        lo, hi = ranked.iloc[0], ranked.iloc[-1]
        text += (
            f" By {by.replace('_', ' ')}, the rate ranges from {_pct(lo['rate'])} "
            f"({_label(lo[by])}, n = {int(lo['n']):,}; {interval} {_pct(lo['ci_low'])} to "
            f"{_pct(lo['ci_high'])}) to {_pct(hi['rate'])} "
            f"({_label(hi[by])}, n = {int(hi['n']):,}; "
            f"{_pct(hi['ci_low'])} to {_pct(hi['ci_high'])})."
        )
        small = rates[rates["small_n"]]
        if len(small):
            text += (
                f" {len(small)} group(s) have fewer cases than the minimum and are marked: "
                f"{', '.join(map(_label, small[by]))}."
            )
    return text


def describe_comparison(comparison: Any, by: str) -> str:
    """Sentences on :func:`~toolkit.rates.compare_rates`: the test and who stands out."""
    test = comparison.test.iloc[0]
    g = comparison.groups
    p = test["p_value"]
    p_text = "p < 0.001" if p < 0.001 else f"p = {p:.3f}"
    if test["test"] == "chi_square":
        stat = f"chi-square = {test['statistic']:.1f}, df = {int(test['df'])}, "
    elif test["test"] == "rao_scott_f":
        stat = (
            f"design-based Rao-Scott F = {test['statistic']:.2f} on {test['df']:.2f} and "
            f"{test['df_denominator']:.1f} df, "
        )
    else:
        stat = f"{str(test['test']).replace('_', ' ')}, "
    alpha = round(1 - level_of(g), 10)  # compare_rates marks groups at the same level
    verdict = "differ" if p < alpha else "do not differ detectably"
    text = f"Rates {verdict} across the {int(test['n_groups'])} groups ({stat}{p_text}). "
    sig = g[g["significant"]]
    correction = {"holm": "Holm", "fdr_bh": "Benjamini-Hochberg"}[g["correction"].iloc[0]]
    if len(sig):
        above = [_label(v) for v in sig.loc[sig["diff_rest"] > 0, by]]
        below = [_label(v) for v in sig.loc[sig["diff_rest"] < 0, by]]
        parts = []
        if above:
            parts.append(f"above the rest: {', '.join(above)}")
        if below:
            parts.append(f"below the rest: {', '.join(below)}")
        text += (
            f"Compared one by one with the rest of the data ({correction} correction), "
            f"{len(sig)} of {len(g)} differ ({'; '.join(parts)})."
        )
    else:
        text += f"No group differs from the rest after {correction} correction."
    return text


def describe_rule_sensitivity(sensitivity: Any) -> str:
    """How much the choice of reversal rule moves the overall rate."""
    totals = sensitivity.groupby("rule", sort=False)[["n", "n_reversed"]].sum()
    rates = totals["n_reversed"] / totals["n"].where(totals["n"] > 0)
    parts = [
        f"{rule}: {_pct(rate)} of {int(totals.loc[rule, 'n']):,}" for rule, rate in rates.items()
    ]
    text = f"The overall rate under each rule is {'; '.join(parts)}."
    empty = [str(rule) for rule, rate in rates.items() if rate != rate]
    if empty:
        return text + (
            f" No case is counted under {', '.join(empty)}, so the rules cannot all be compared."
        )
    spread = 100 * (rates.max() - rates.min())
    return text + f" The choice of rule moves it by {spread:.1f} percentage points."


def describe_trend(trend: Any, by: str | None = None) -> str:
    """The first and last year's fitted rates: overall, or for each group of ``by``."""
    if by is not None:
        parts, unfitted = [], []
        for group, rows in trend.groupby(by, observed=True, sort=True):
            t = rows.dropna(subset=["fitted"]).sort_values("year")
            if t.empty:
                unfitted.append(_label(group))
                continue
            first, last = t.iloc[0], t.iloc[-1]
            parts.append(
                f"{_label(group)} {_pct(first['fitted'])} ({int(first['year'])}) to "
                f"{_pct(last['fitted'])} ({int(last['year'])})"
            )
        text = f"Fitted rates by {by.replace('_', ' ')}: {'; '.join(parts)}." if parts else ""
        if unfitted:
            text += f" Too few cases per year to fit a trend for {', '.join(unfitted)}."
        return text.strip() or "Too few cases per year to fit a trend in any group."
    t = trend.dropna(subset=["fitted"]).sort_values("year")
    if t.empty:
        return "Too few cases per year to fit a trend."
    first, last = t.iloc[0], t.iloc[-1]
    band = level_text(level_of(trend))
    return (
        f"The fitted rate moves from {_pct(first['fitted'])} in {int(first['year'])} "
        f"({band} band {_pct(first['fitted_low'])} to {_pct(first['fitted_high'])}) to "
        f"{_pct(last['fitted'])} in {int(last['year'])} ({_pct(last['fitted_low'])} to "
        f"{_pct(last['fitted_high'])})."
    )


def describe_judges(judges: Any, min_n: int) -> str:
    """How many judges, how many below the minimum, and the spread after shrinkage."""
    enough = judges[~judges["small_n"]]
    text = (
        f"{len(judges):,} judges; {len(judges) - len(enough):,} sat on fewer than {min_n} "
        "counted cases and are marked as too few to judge. "
    )
    if len(enough):
        text += (
            f"Among the others, raw rates range from {_pct(enough['raw_rate'].min())} to "
            f"{_pct(enough['raw_rate'].max())}; after shrinkage the estimates range from "
            f"{_pct(enough['estimate'].min())} to {_pct(enough['estimate'].max())}."
        )
    if len(judges):
        widths = judges["ci_high"] - judges["ci_low"]
        text += (
            f" The {interval_label(level_of(judges))}s are {100 * widths.min():.1f} to "
            f"{100 * widths.max():.1f} percentage points wide."
        )
    notes = judges.attrs.get("notes", [])
    if notes:
        text += " " + " ".join(notes)
    return text


def _ratio(value: float) -> str:
    """An odds ratio for reading: three significant digits, extreme values bounded."""
    if value != value:
        return "n/a"
    if value > 1e4:
        return "> 10,000"
    if value < 1e-4:
        return "< 0.0001"
    return f"{value:.3g}"


def _p(value: Any, missing: str = "n/a") -> str:
    """A p-value to three decimals, ``<0.001`` below that (``missing`` for None or NaN)."""
    if _missing(value):
        return missing
    return "<0.001" if float(value) < 0.001 else f"{float(value):.3f}"


_INTERCEPT = "intercept (reference groups, numeric terms at 0)"


def format_model(model: Any) -> Any:
    """The coefficients of a :class:`~toolkit.models.ReversalModel` for reading.

    Odds ratios with their interval (bounded at 1/10,000 and 10,000), the log-odds to two
    decimals, p-values; never a log-odds shown as a percentage. Missing numbers read "n/a".
    The intercept is named for what it is: the odds in the reference groups with every
    numeric term at 0 (year 0 for an uncentred year), not a rate to read.
    """
    import pandas as pd

    t = model.table
    interval = interval_label(level_of(t))
    return pd.DataFrame(
        {
            "term": t["term"]
            .astype(str)
            .map(lambda term: _INTERCEPT if term == "Intercept" else term_label(term)),
            "odds ratio": t["odds_ratio"].map(_ratio),
            interval: [
                f"{_ratio(lo)} to {_ratio(hi)}" if lo == lo else "n/a"
                for lo, hi in zip(t["or_low"], t["or_high"], strict=True)
            ],
            "log-odds": t["estimate"].map(lambda v: f"{v:.2f}"),
            "std. error": t["std_error"].map(lambda v: "n/a" if v != v else f"{v:.2f}"),
            "p-value": t["p_value"].map(_p),
        }
    )


def format_marginal_effects(model: Any) -> Any:
    """Average marginal effects in percentage points, with interval and p-value."""
    import pandas as pd

    me = model.marginal_effects
    interval = interval_label(level_of(me))

    def pts(v: float) -> str:
        return "n/a" if v != v else f"{100 * v:+.1f}"

    return pd.DataFrame(
        {
            "term": me["term"].astype(str).map(term_label),
            "change in probability (points)": me["ame"].map(pts),
            interval: [
                f"{pts(lo)} to {pts(hi)}" if lo == lo else "n/a"
                for lo, hi in zip(me["ci_low"], me["ci_high"], strict=True)
            ],
            "p-value": me["p_value"].map(_p),
        }
    )


def model_diagnostics(model: Any) -> Any:
    """How far to trust a fitted model, one plain line per check."""
    import pandas as pd

    d = model.diagnostics
    rare = min(d["events"], d["non_events"])
    rows = [
        (
            "cases used",
            f"{d['n_obs']:,} ({d['n_dropped']:,} dropped: excluded by the rule or "
            "missing a variable)",
        ),
        (
            "method",
            "Firth's bias-reduced logit" if d["method"] == "firth" else "maximum-likelihood logit",
        ),
        ("maximum likelihood converged", "yes" if d["converged"] else "no"),
        ("separated terms", ", ".join(map(term_label, d["separated"])) or "none"),
        (
            "events per parameter",
            f"{d['events_per_parameter']:.1f} ({rare:,} cases with the rarer outcome, "
            f"{d['n_params']} parameters)",
        ),
        (
            "standard errors",
            f"{d['cov_type']} (R: {d['cov_r']})"
            + (f", {model.n_clusters:,} clusters by {model.cluster}" if model.cluster else ""),
        ),
        ("intervals", d["intervals"]),
        ("sampling weights", d["weights"] or "none"),
        ("results usable as shown", "yes" if d["trusted"] else "no: see the notes"),
    ]
    return pd.DataFrame(rows, columns=["check", "result"])


def describe_model(model: Any) -> str:
    """Sentences on a fitted model: what was fitted on what, and any remedy used."""
    d = model.diagnostics
    text = (
        f"Formula `{model.formula}`, {d['n_obs']:,} cases used ({d['n_dropped']:,} dropped), "
        f"{'Firth' if d['method'] == 'firth' else 'maximum-likelihood'} logit; standard errors "
        f"{d['cov_type']}"
        + (f" by {model.cluster} ({model.n_clusters:,} clusters)" if model.cluster else "")
        + f", the same as R's `{d['cov_r']}`."
    )
    if model.notes:
        text += " " + " ".join(model.notes)
    return text
