"""Appellate toolkit: reversal patterns in appellate review, with honest statistics.

The public API is listed in ``__all__``, built from the ``_LAZY`` table (name -> module).
Importing the package is fast and silent: the heavy libraries (pandas, statsmodels, altair)
load on first use of a name that needs them.

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

# Public name -> the module that defines it, imported on first use (see __getattr__).
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
    "chart_odds_ratios": "toolkit.charts",
    "chart_estimates": "toolkit.charts",
    "chart_confusion": "toolkit.charts",
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

# The public names, written once: the table above, plus what is defined or imported here.
__all__ = ["__version__", "DataError", "MappingError", "ToolkitError", "UnknownSourceError", *_LAZY]

if TYPE_CHECKING:  # static analysers and IDEs only; tests/test_package.py checks it is _LAZY
    from toolkit.assignment import panel_draw as panel_draw
    from toolkit.charts import chart_confusion as chart_confusion
    from toolkit.charts import chart_durations as chart_durations
    from toolkit.charts import chart_estimates as chart_estimates
    from toolkit.charts import chart_funnel as chart_funnel
    from toolkit.charts import chart_heatmap as chart_heatmap
    from toolkit.charts import chart_judge_effects as chart_judge_effects
    from toolkit.charts import chart_odds_ratios as chart_odds_ratios
    from toolkit.charts import chart_panels as chart_panels
    from toolkit.charts import chart_rates as chart_rates
    from toolkit.charts import chart_rule_sensitivity as chart_rule_sensitivity
    from toolkit.charts import chart_trend as chart_trend
    from toolkit.charts import save_chart as save_chart
    from toolkit.diagnostics import detect_separation as detect_separation
    from toolkit.diagnostics import firth_logit as firth_logit
    from toolkit.drafting import draft_mapping as draft_mapping
    from toolkit.filters import subset as subset
    from toolkit.mapping import read_mapping as read_mapping
    from toolkit.models import fit_reversal_model as fit_reversal_model
    from toolkit.models import judge_effects as judge_effects
    from toolkit.models import pseudonym as pseudonym
    from toolkit.models import trend as trend
    from toolkit.outcomes import RULES as RULES
    from toolkit.outcomes import apply_rule as apply_rule
    from toolkit.outcomes import get_rule as get_rule
    from toolkit.outcomes import outcome_table as outcome_table
    from toolkit.outcomes import rollup as rollup
    from toolkit.outcomes import rollup_claims as rollup_claims
    from toolkit.panels import panel_composition as panel_composition
    from toolkit.project import init_project as init_project
    from toolkit.rates import compare_rates as compare_rates
    from toolkit.rates import proportion_ci as proportion_ci
    from toolkit.rates import reversal_rates as reversal_rates
    from toolkit.rates import rule_sensitivity as rule_sensitivity
    from toolkit.reliability import agreement as agreement
    from toolkit.reliability import cohen_kappa as cohen_kappa
    from toolkit.reliability import disagreements as disagreements
    from toolkit.reliability import fleiss_kappa as fleiss_kappa
    from toolkit.reliability import krippendorff_alpha as krippendorff_alpha
    from toolkit.replications import replicate as replicate
    from toolkit.replications import replication_summary as replication_summary
    from toolkit.schema import CIRCUITS as CIRCUITS
    from toolkit.schema import OUTCOMES as OUTCOMES
    from toolkit.schema import CaseData as CaseData
    from toolkit.schema import data_dictionary as data_dictionary
    from toolkit.simulate import simulate_petitions as simulate_petitions
    from toolkit.sources import load as load
    from toolkit.text import code_disposition as code_disposition
    from toolkit.text import code_dispositions as code_dispositions
    from toolkit.text import validate_coding as validate_coding
    from toolkit.timing import durations as durations


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'toolkit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
