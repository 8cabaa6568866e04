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

A registry file (``<id>.yaml``, the id equal to the file name)::

    id: anesi_2019
    citation: anesi.com, "Supreme Court Reversal Rates 2007-2019"
    url: https://anesi.com/scotus_reversals.htm
    rank: secondary                       # primary | secondary | third_party
    rank_note: ...                        # optional
    figures:
      - id: by_source_court
        title: ...
        counted: what is counted and how, in the publication's words
        data: {source: scdb, release: "2025_01", unit: citation}   # toolkit.load options
        subset: {years: [2007, 2018]}     # toolkit.subset keywords (years, circuits, where)
        rule: disturbed                   # a rule name or mapping (raw codes too)
        measure: rate                     # rate | count | count_each
        by: source_court_label            # the grouping column (optional)
        total: TOTAL                      # an expected group that is the sum of the others
        expected:                         # rate: count and n (or percent); count: count
          - {group: First Circuit, count: 12, n: 25}
        tolerance: {cases: 3, total_cases: 15}   # and/or points: percentage points
        tolerance_reason: why the figures may differ by that much
      - id: elsewhere
        title: ...
        counted: ...
        reproducible: false
        reason: the data it needs are not held here

``measure: count`` counts rows of ``table`` (``cases`` or ``votes``) per ``by`` group;
``not_participating: true`` adds the SCDB's justices who did not participate, per term kept.
``measure: count_each`` checks that every ``by`` group holds ``expected: {every: N, groups: G}``
rows (a sampling design).
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
