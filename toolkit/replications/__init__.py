"""The replication gallery: published figures rebuilt from the raw data with one command.

Each publication is one YAML file in ``toolkit/replications/registry/`` (shipped with the
package): citation, URL, rank, and its figures, each saying what is counted and how, from which
source and release, with which filters and reversal rule, the published count and denominator
per group, and a tolerance with its reason. :func:`replicate` rebuilds every figure through the
toolkit's own readers, filters and rules, and sets published and reproduced side by side with
the reproduced rate's interval and a verdict:

``exact``
    the reproduced counts equal the published ones (for a published percentage: it rounds to
    the published value);
``within tolerance``
    they differ, by no more than the entry's tolerance;
``outside``
    they differ by more: ``appellate replicate`` exits with status 1;
``not reproducible``
    the figure rests on data not held here (the entry says why); listed, never a failure;
``data missing``
    the source has not been fetched (``appellate fetch NAME``): nothing was checked, and
    ``appellate replicate`` exits with status 1.

Ranks (``rank``): ``primary`` (an official or primary publication), ``secondary`` (a summary
of one), ``third_party`` (computed from the data by others, not published as such).

The format of a registry file is documented in ``registry/README.md``.
"""

from __future__ import annotations

from toolkit.replications.gallery import show_gallery
from toolkit.replications.replicate import (
    RANKS,
    VERDICTS,
    chart_replication,
    load_registry,
    replicate,
    replication_summary,
    replication_table,
)

__all__ = [
    "RANKS",
    "VERDICTS",
    "chart_replication",
    "load_registry",
    "replicate",
    "replication_summary",
    "replication_table",
    "show_gallery",
]
