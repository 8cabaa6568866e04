"""The result tables the statistics return, declared: columns, types, labels, and which are rates.

Input tables are declared in :data:`toolkit.schema.TABLES`; this module does the same for the
output. Each :class:`ResultTable` lists its columns in order after the grouping columns (which
vary with ``by=``), with their dtype, a human label, whether the column is a proportion shown as
a percentage, and which column an interval bound belongs to. The statistics, the DuckDB path, the
charts and the report pages take their column lists, percentage columns and labels from here, so
they cannot drift apart; a test checks each declaration against what its function returns.

It also holds the one default for the interval level (:data:`LEVEL`) and for the smallest group
read without a warning (:data:`MIN_N`): every function's ``level=`` and ``min_n=`` default to
them, and the prose and captions say the level actually used (:func:`level_text`).

Examples
--------
>>> RATES.names()[:5]
['n', 'n_reversed', 'rate', 'ci_low', 'ci_high']
>>> label("rate"), label("ci_low", level=0.9), interval_label(0.95)
('Reversal rate', '90% interval, low', '95% interval')
>>> RATES.percent()
['rate', 'ci_low', 'ci_high']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

__all__ = [
    "COMPOSITIONS",
    "KEY_LABELS",
    "LEVEL",
    "MIN_N",
    "PERCENT_COLUMNS",
    "RATES",
    "RATE_STATISTICS",
    "RESULTS",
    "Column",
    "ResultTable",
    "interval_label",
    "column_labels",
    "label",
    "level_of",
    "level_text",
    "term_label",
]

LEVEL = 0.95
"""The default confidence level of every interval."""

MIN_N = 30
"""The default smallest number of counted cases for a group to be read without a warning."""

COMPOSITIONS = ("RRR", "RRD", "RDD", "DDD")
"""Three-judge panels by the number of Democratic appointees (0 to 3): the order of the
``composition`` column of :func:`toolkit.panel_composition` and of its chart."""

DTYPES = ("int64", "float64", "bool", "object", "category")


@dataclass(frozen=True)
class Column:
    """One column of a result table.

    Attributes
    ----------
    name
        The column name (snake_case).
    dtype
        ``int64``, ``float64``, ``bool``, ``object`` (text) or ``category``.
    label
        A human label; ``{interval}`` stands for the interval's name at the level used
        (e.g. "95% interval").
    percent
        A proportion, shown as a percentage (bounds of a proportion are percentages too).
    bound_of
        For an interval bound: the column it bounds.
    optional
        Present only in some variants (e.g. ``std_error`` of weighted rates).
    method
        Says how the row was computed (the rule, the interval method, the effective number
        of cases), rather than being a statistic of the group.
    """

    name: str
    dtype: str
    label: str
    percent: bool = False
    bound_of: str | None = None
    optional: bool = False
    method: bool = False

    def __post_init__(self) -> None:
        if self.dtype not in DTYPES:  # a declaration error, caught by the tests on import
            raise ValueError(f"column {self.name}: dtype {self.dtype!r} not among {DTYPES}")


def _c(name: str, dtype: str, text: str, **kw: Any) -> Column:
    return Column(name, dtype, text, **kw)


_CI = {"rate", "ame", "estimate"}
"""Columns whose interval is ``ci_low``/``ci_high``; any other's is ``<column>_low``/``_high``."""


def _bounds(of: str, text: str, percent: bool) -> tuple[Column, Column]:
    """The two bounds of ``of``'s interval, labelled ``text`` (", low" / ", high")."""
    low, high = ("ci_low", "ci_high") if of in _CI else (f"{of}_low", f"{of}_high")
    return (
        _c(low, "float64", f"{text}, low", percent=percent, bound_of=of),
        _c(high, "float64", f"{text}, high", percent=percent, bound_of=of),
    )


@dataclass(frozen=True)
class ResultTable:
    """A declared result table: its columns in order, after the grouping columns."""

    name: str
    description: str
    columns: tuple[Column, ...]

    def names(self, include_optional: bool = True) -> list[str]:
        """The column names in order (without the grouping columns)."""
        return [c.name for c in self.columns if include_optional or not c.optional]

    def column(self, name: str) -> Column:
        """The declared column ``name``; KeyError if this table has none."""
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")

    def percent(self) -> list[str]:
        """The columns shown as percentages."""
        return [c.name for c in self.columns if c.percent]

    def bounds(self) -> dict[str, tuple[str, str]]:
        """Column -> (low, high) of its interval."""
        found: dict[str, list[str]] = {}
        for c in self.columns:
            if c.bound_of:
                found.setdefault(c.bound_of, []).append(c.name)
        return {k: (v[0], v[1]) for k, v in found.items()}

    def problems(self, frame: Any, keys: Iterable[str] = ()) -> list[str]:
        """How ``frame`` differs from the declaration (empty: it conforms).

        ``keys`` are the grouping columns expected before the declared ones. Optional columns
        may be absent; present columns must come in the declared order with the declared dtype.
        """
        keys = list(keys)
        cols = [str(c) for c in frame.columns]
        problems = []
        if cols[: len(keys)] != keys:
            problems.append(f"grouping columns {cols[: len(keys)]}, expected {keys}")
        rest = cols[len(keys) :]
        expected = [c.name for c in self.columns if not c.optional or c.name in rest]
        if rest != expected:
            problems.append(f"columns {rest}, expected {expected}")
        for name in rest:
            try:
                declared = self.column(name).dtype
            except KeyError:
                continue
            actual = str(frame[name].dtype)
            text = declared == "object" and actual in ("str", "string")
            whole = declared == "float64" and actual == "int64"  # e.g. a chi-square's df
            if actual != declared and not (text or whole):
                problems.append(f"{name}: dtype {actual}, expected {declared}")
        return problems


_RULE = _c("rule", "object", "Reversal rule", method=True)
_N = _c("n", "int64", "Cases")
_N_REVERSED = _c("n_reversed", "int64", "Reversed")

RATES = ResultTable(
    "rates",
    "Reversal rates per group (toolkit.reversal_rates, rule_sensitivity, idb.aggregate).",
    (
        _N,
        _N_REVERSED,
        _c("rate", "float64", "Reversal rate", percent=True),
        *_bounds("rate", "{interval}", percent=True),
        _c("small_n", "bool", "Too few cases"),
        _c("n_excluded", "int64", "Left out by the rule"),
        _c("n_effective", "float64", "Effective cases", method=True),
        _c("std_error", "float64", "Standard error", optional=True, method=True),
        _RULE,
        _c("ci_method", "object", "Interval method", method=True),
    ),
)

COMPARISON_GROUPS = ResultTable(
    "comparison_groups",
    "Each group against the rest (toolkit.compare_rates(...).groups).",
    (
        *(
            replace(c, optional=True) if c.name == "n_effective" else c
            for c in RATES.columns  # weighted comparisons keep the effective counts
        ),
        _c("rate_rest", "float64", "Rate of the rest", percent=True),
        _c("diff_rest", "float64", "Difference from the rest", percent=True),
        *_bounds("diff_rest", "{interval} of the difference", percent=True),
        _c("p_value", "float64", "p-value"),
        _c("test", "object", "Test"),
        _c("p_adjusted", "float64", "Adjusted p-value"),
        _c("correction", "object", "Correction"),
        _c("significant", "bool", "Differs"),
        _c("diff_overall", "float64", "Difference from the overall rate", percent=True),
        *_bounds("diff_overall", "{interval} of the difference", percent=True),
        _c("diff_median", "float64", "Difference from the median group", percent=True),
        *_bounds("diff_median", "{interval} of the difference", percent=True),
    ),
)

COMPARISON_TEST = ResultTable(
    "comparison_test",
    "The test that the groups' rates are equal (toolkit.compare_rates(...).test).",
    (
        _c("statistic", "float64", "Statistic"),
        _c("df", "float64", "Degrees of freedom"),  # whole for chi-square, not for Rao-Scott
        _c("df_denominator", "float64", "Denominator degrees of freedom", optional=True),
        _c("p_value", "float64", "p-value"),
        _c("test", "object", "Test"),
        _c("n_groups", "int64", "Groups"),
        _N,
        _RULE,
    ),
)

TREND = ResultTable(
    "trend",
    "Rates by year with a smooth logit trend (toolkit.trend), after the by columns and year.",
    (
        *RATES.columns,
        _c("fitted", "float64", "Fitted rate", percent=True),
        *_bounds("fitted", "{interval} of the trend", percent=True),
        _c("fit", "object", "Trend fitted by"),
    ),
)

MODEL_COEFFICIENTS = ResultTable(
    "model_coefficients",
    "One row per term of a reversal model (toolkit.fit_reversal_model(...).table).",
    (
        _c("term", "object", "Term"),
        _c("estimate", "float64", "Log-odds"),
        _c("std_error", "float64", "Standard error"),
        _c("z", "float64", "z"),
        _c("p_value", "float64", "p-value"),
        *_bounds("estimate", "{interval} (log-odds)", percent=False),
        _c("odds_ratio", "float64", "Odds ratio"),
        _c("or_low", "float64", "{interval} of the odds ratio, low", bound_of="odds_ratio"),
        _c("or_high", "float64", "{interval} of the odds ratio, high", bound_of="odds_ratio"),
    ),
)

MARGINAL_EFFECTS = ResultTable(
    "marginal_effects",
    "Average marginal effects (toolkit.fit_reversal_model(...).marginal_effects).",
    (
        _c("term", "object", "Term"),
        _c("ame", "float64", "Change in probability", percent=True),
        _c("std_error", "float64", "Standard error"),
        _c("z", "float64", "z"),
        _c("p_value", "float64", "p-value"),
        *_bounds("ame", "{interval}", percent=True),
    ),
)

_JUDGE_COUNTS = (
    _N,
    _N_REVERSED,
    _c("n_effective", "float64", "Effective votes", optional=True, method=True),
    _c("raw_rate", "float64", "Raw rate", percent=True),
)
_JUDGE_ESTIMATE = (
    _c("estimate", "float64", "Estimated rate", percent=True),
    *_bounds("estimate", "{interval}", percent=True),
)
_EFFECT = _c("effect", "float64", "Effect (log-odds)")
_JUDGE_END = (
    _c("small_n", "bool", "Too few cases"),
    _c("method", "object", "Method", method=True),
    _RULE,
    _c("party", "category", "Party", optional=True),
    _c("court", "object", "Court", optional=True),
)

JUDGE_EFFECTS = ResultTable(
    "judge_effects",
    "One row per judge, shrunk by the empirical-Bayes beta-binomial (toolkit.judge_effects), "
    "after ``judge_id`` and the ``within`` column if any.",
    (
        *_JUDGE_COUNTS,
        *_JUDGE_ESTIMATE,
        _EFFECT,
        _c("between_judge_sd", "float64", "Spread between judges"),
        _c("variation_p_value", "float64", "p-value of any spread"),
        *_JUDGE_END,
    ),
)

JUDGE_EFFECTS_MIXED = ResultTable(
    "judge_effects_mixed",
    "One row per judge from the mixed logit (toolkit.judge_effects(method='mixed')), after "
    "``judge_id``.",
    (
        *_JUDGE_COUNTS,
        _EFFECT,
        *_JUDGE_ESTIMATE,
        *_bounds("effect", "{interval} of the effect", percent=False),
        _c("judge_sd", "float64", "Spread of judge effects"),
        *_JUDGE_END,
    ),
)

PANEL_RATES = ResultTable(
    "panel_rates",
    f"Reversal by panel composition ({', '.join(COMPOSITIONS)}), after ``composition`` "
    "(toolkit.panel_composition(...).rates; ``.votes`` has the same columns after ``party`` "
    "and ``democratic_colleagues``).",
    RATES.columns,
)

AGREEMENT = ResultTable(
    "agreement",
    "Agreement between coders, one row per coded variable (toolkit.agreement).",
    (
        _c("variable", "object", "Variable"),
        _c("n_units", "int64", "Units coded twice or more"),
        _c("n_coders", "int64", "Coders"),
        _c("percent_agreement", "float64", "Share of units agreed on"),
        _c("cohen_kappa", "float64", "Cohen's kappa"),
        _c("fleiss_kappa", "float64", "Fleiss' kappa"),
        _c("krippendorff_alpha", "float64", "Krippendorff's alpha"),
        _c("n_disagreements", "int64", "Disagreements"),
    ),
)

KEY_LABELS = {
    "circuit": "Circuit",
    "year": "Year",
    "claim_type": "Claim type",
    "judge_id": "Judge",
    "composition": "Panel composition",
    "party": "Party",
    "democratic_colleagues": "Democratic colleagues",
}
"""Labels of the usual grouping columns (which no table declares: they follow ``by=``)."""

RESULTS: dict[str, ResultTable] = {
    t.name: t
    for t in (
        RATES,
        COMPARISON_GROUPS,
        COMPARISON_TEST,
        TREND,
        MODEL_COEFFICIENTS,
        MARGINAL_EFFECTS,
        JUDGE_EFFECTS,
        JUDGE_EFFECTS_MIXED,
        PANEL_RATES,
        AGREEMENT,
    )
}
"""Every declared result table by name."""

RATE_STATISTICS = [c.name for c in RATES.columns if not c.method]
"""The statistics of a rates table, without the columns saying how they were computed."""

PERCENT_COLUMNS = frozenset(
    c.name
    for t in (RATES, COMPARISON_GROUPS, TREND, MARGINAL_EFFECTS, JUDGE_EFFECTS, JUDGE_EFFECTS_MIXED)
    for c in t.columns
    if c.percent
)
"""Columns shown as percentages when a table is displayed without its declaration (a model's
coefficients are shown formatted, so their log-odds ``estimate`` is not among them by name)."""


def level_text(level: float = LEVEL) -> str:
    """A level as a percentage for reading: 0.95 -> "95%", 0.995 -> "99.5%"."""
    return f"{100 * float(level):.10g}%"


def interval_label(level: float = LEVEL) -> str:
    """The name of an interval at ``level``: "95% interval"."""
    return f"{level_text(level)} interval"


def label(column: str, level: float = LEVEL, table: str | None = None) -> str:
    """The human label of a result column, with the interval level used.

    Parameters
    ----------
    column
        A column name (e.g. ``"ci_low"``).
    level
        The interval level the table was computed at (``frame.attrs["level"]``; see
        :func:`level_of`).
    table
        The declared table (a key of :data:`RESULTS`); default: the first that has the column.
        A column no table declares keeps its name, with underscores as spaces.
    """
    tables = [RESULTS[table]] if table else list(RESULTS.values())
    for t in tables:
        try:
            text = t.column(column).label
        except KeyError:
            continue
        return text.format(interval=interval_label(level))
    return KEY_LABELS.get(column, column.replace("_", " "))


def column_labels() -> dict[str, str]:
    """Column -> label, for every declared column whose label does not depend on its table or
    on the level (interval bounds, labelled from the level, are left out)."""
    seen: dict[str, set[str]] = {}
    for t in RESULTS.values():
        for c in t.columns:
            seen.setdefault(c.name, set()).add(c.label)
    return {k: v.pop() for k, v in seen.items() if len(v) == 1 and "{" not in next(iter(v))}


def term_label(term: str) -> str:
    """A model term for reading: ``C(circuit)[T.ca2]`` -> ``circuit: ca2``; others unchanged.

    >>> term_label("C(claim_type)[T.motion_to_reopen]"), term_label("year")
    ('claim type: motion_to_reopen', 'year')
    >>> term_label("C(circuit, Treatment('ca1'))[T.ca7]")
    'circuit: ca7'
    """
    import re

    # a contrast such as Treatment('ca1') brings one level of parentheses of its own
    found = re.fullmatch(r"C\((\w+)(?:[^()]|\([^()]*\))*\)\[T\.(.+)\]", term)
    return f"{found.group(1).replace('_', ' ')}: {found.group(2)}" if found else term


def level_of(result: Any, default: float = LEVEL) -> float:
    """The interval level a result was computed at: ``attrs["level"]``, else ``default``."""
    attrs = getattr(result, "attrs", None)
    if isinstance(attrs, Mapping) and attrs.get("level") is not None:
        return float(attrs["level"])
    return default
