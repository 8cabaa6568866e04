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
    "CaseData",
    "DataError",
    "MappingError",
    "ToolkitError",
    "UnknownSourceError",
    "__version__",
    "apply_rule",
    "data_dictionary",
    "get_rule",
    "load",
    "rollup",
    "rollup_claims",
    "simulate_petitions",
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
    "load": "toolkit.sources",
    "simulate_petitions": "toolkit.simulate",
}

if TYPE_CHECKING:
    from toolkit.outcomes import RULES, apply_rule, get_rule, rollup, rollup_claims
    from toolkit.schema import CIRCUITS, OUTCOMES, CaseData, data_dictionary
    from toolkit.simulate import simulate_petitions
    from toolkit.sources import load


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'toolkit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
