"""Appellate toolkit: reversal patterns in appellate review, with honest statistics.

The public API is listed in ``__all__``. Importing the package is fast and silent: the heavy
libraries (pandas, statsmodels, altair) load on first use of a name that needs them.

Examples
--------
>>> import toolkit
>>> data = toolkit.apply_rule(toolkit.load("demo"), rule="disturbed")
>>> data.meta["rule"]["name"]
'disturbed'
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from toolkit.errors import DataError, MappingError, ToolkitError, UnknownSourceError

__version__ = "0.1.0"

__all__ = [
    "CIRCUITS",
    "OUTCOMES",
    "RULES",
    "__version__",
    "agreement",
    "apply_rule",
    "CaseData",
    "chart_funnel",
    "chart_durations",
    "chart_heatmap",
    "chart_judge_effects",
    "chart_panels",
    "chart_rates",
    "chart_rule_sensitivity",
    "chart_trend",
    "chart_confusion",
    "chart_estimates",
    "chart_odds_ratios",
    "code_disposition",
    "code_dispositions",
    "cohen_kappa",
    "compare_rates",
    "data_dictionary",
    "DataError",
    "detect_separation",
    "disagreements",
    "draft_mapping",
    "durations",
    "firth_logit",
    "fit_reversal_model",
    "fleiss_kappa",
    "get_rule",
    "init_project",
    "judge_effects",
    "krippendorff_alpha",
    "load",
    "outcome_table",
    "MappingError",
    "panel_composition",
    "panel_draw",
    "proportion_ci",
    "pseudonym",
    "read_mapping",
    "replicate",
    "replication_summary",
    "reversal_rates",
    "rollup",
    "rollup_claims",
    "rule_sensitivity",
    "save_chart",
    "simulate_petitions",
    "subset",
    "ToolkitError",
    "trend",
    "UnknownSourceError",
    "validate_coding",
]

_LAZY = {
    "CIRCUITS": "toolkit.schema",
    "OUTCOMES": "toolkit.schema",
    "CaseData": "toolkit.schema",
    "data_dictionary": "toolkit.schema",
    "RULES": "toolkit.outcomes",
    "apply_rule": "toolkit.outcomes",
    "get_rule": "toolkit.outcomes",
    "rollup": "toolkit.outcomes",
    "rollup_claims": "toolkit.outcomes",
    "outcome_table": "toolkit.outcomes",
    "load": "toolkit.sources",
    "simulate_petitions": "toolkit.simulate",
    "proportion_ci": "toolkit.rates",
    "reversal_rates": "toolkit.rates",
    "compare_rates": "toolkit.rates",
    "rule_sensitivity": "toolkit.rates",
    "fit_reversal_model": "toolkit.models",
    "judge_effects": "toolkit.models",
    "trend": "toolkit.models",
    "pseudonym": "toolkit.models",
    "detect_separation": "toolkit.diagnostics",
    "firth_logit": "toolkit.diagnostics",
    "panel_composition": "toolkit.panels",
    "panel_draw": "toolkit.assignment",
    "durations": "toolkit.timing",
    "chart_durations": "toolkit.charts",
    "agreement": "toolkit.reliability",
    "disagreements": "toolkit.reliability",
    "cohen_kappa": "toolkit.reliability",
    "fleiss_kappa": "toolkit.reliability",
    "krippendorff_alpha": "toolkit.reliability",
    "chart_rates": "toolkit.charts",
    "chart_heatmap": "toolkit.charts",
    "chart_funnel": "toolkit.charts",
    "chart_judge_effects": "toolkit.charts",
    "chart_trend": "toolkit.charts",
    "chart_panels": "toolkit.charts",
    "chart_rule_sensitivity": "toolkit.charts",
    "chart_confusion": "toolkit.charts",
    "chart_estimates": "toolkit.charts",
    "chart_odds_ratios": "toolkit.charts",
    "save_chart": "toolkit.charts",
    "draft_mapping": "toolkit.drafting",
    "read_mapping": "toolkit.mapping",
    "init_project": "toolkit.project",
    "subset": "toolkit.filters",
    "replicate": "toolkit.replications",
    "replication_summary": "toolkit.replications",
    "code_disposition": "toolkit.text",
    "code_dispositions": "toolkit.text",
    "validate_coding": "toolkit.text",
}

if TYPE_CHECKING:
    from toolkit.assignment import panel_draw
    from toolkit.charts import (
        chart_confusion,
        chart_durations,
        chart_estimates,
        chart_funnel,
        chart_heatmap,
        chart_judge_effects,
        chart_odds_ratios,
        chart_panels,
        chart_rates,
        chart_rule_sensitivity,
        chart_trend,
        save_chart,
    )
    from toolkit.diagnostics import detect_separation, firth_logit
    from toolkit.drafting import draft_mapping
    from toolkit.filters import subset
    from toolkit.mapping import read_mapping
    from toolkit.models import fit_reversal_model, judge_effects, pseudonym, trend
    from toolkit.outcomes import (
        RULES,
        apply_rule,
        get_rule,
        outcome_table,
        rollup,
        rollup_claims,
    )
    from toolkit.panels import panel_composition
    from toolkit.project import init_project
    from toolkit.rates import compare_rates, proportion_ci, reversal_rates, rule_sensitivity
    from toolkit.reliability import (
        agreement,
        cohen_kappa,
        disagreements,
        fleiss_kappa,
        krippendorff_alpha,
    )
    from toolkit.replications import replicate, replication_summary
    from toolkit.schema import CIRCUITS, OUTCOMES, CaseData, data_dictionary
    from toolkit.simulate import simulate_petitions
    from toolkit.sources import load
    from toolkit.text import code_disposition, code_dispositions, validate_coding
    from toolkit.timing import durations


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'toolkit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
