"""Panel composition: who sat together, and how it relates to reversal.

The usual (crude) proxy for a judge's leanings is the party of the appointing president.
A three-judge panel is then ``RRR``, ``RRD``, ``RDD`` or ``DDD``. Two views:

- case level: the reversal rate by panel composition;
- vote level: each judge's vote (to reverse or not) by the judge's own party and the number
  of Democratic appointees among the co-panelists, the classic test of panel effects.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

import pandas as pd

from toolkit.errors import ToolkitError
from toolkit.outcomes import Rule, get_rule
from toolkit.rates import flagged_cases, rates_from_flags
from toolkit.results import COMPOSITIONS, LEVEL, MIN_N
from toolkit.schema import CaseData

__all__ = ["COMPOSITIONS", "PanelComposition", "panel_composition"]


class PanelComposition(NamedTuple):
    """Result of :func:`panel_composition`."""

    cases: pd.DataFrame
    """Per case: ``case_id``, ``n_judges``, ``n_democratic``, ``n_republican``,
    ``n_unknown_party``, ``composition`` (NA unless three judges of known major party),
    ``visiting``, ``dissent``, ``unanimous``, ``reversed``."""
    rates: pd.DataFrame
    """Reversal rates by ``composition`` (rows with NA composition are the unclassified)."""
    votes: pd.DataFrame
    """Rates of voting to reverse by ``party`` (own) and ``democratic_colleagues`` (0-2)."""


def panel_composition(
    data: CaseData,
    rule: str | Rule | Mapping[str, Any] = "disturbed",
    ci: str = "wilson",
    level: float = LEVEL,
    min_n: int = MIN_N,
) -> PanelComposition:
    """Panel composition by appointing party, and reversal by composition and by vote.

    Parameters
    ----------
    data
        A :class:`CaseData` with ``votes`` and ``judges`` (with ``party``).
    rule
        Reversal rule.
    ci, level, min_n
        As in :func:`~toolkit.rates.reversal_rates`.

    Returns
    -------
    PanelComposition
        ``cases``, ``rates`` and ``votes`` frames. A judge's vote counts as a vote to reverse
        when the judge joined a reversing majority or dissented from a non-reversal; votes in
        cases the rule excludes are excluded. Vote-level intervals treat votes as independent,
        which they are not within a case: read them as descriptive.

    Examples
    --------
    >>> import toolkit
    >>> pc = panel_composition(toolkit.load("demo"))
    >>> pc.rates["composition"].astype("str").tolist()
    ['RRR', 'RRD', 'RDD', 'DDD']
    """
    if data.votes is None or data.judges is None or "party" not in data.judges.columns:
        raise ToolkitError(
            "panel composition needs votes (who sat on each case) and judges with their "
            "appointing party"
        )
    r = get_rule(rule)
    cases = flagged_cases(data, r)[["case_id", "reversed"]]
    party = data.judges.set_index("judge_id")["party"].astype("str")
    votes = data.votes.assign(party=data.votes["judge_id"].map(party))
    votes["is_dem"] = (votes["party"] == "democratic").astype("int64")
    votes["is_rep"] = (votes["party"] == "republican").astype("int64")
    votes["is_dissent"] = (votes["vote"] == "dissent").fillna(False).astype(bool)
    per_case = votes.groupby("case_id").agg(
        n_judges=("judge_id", "size"),
        n_democratic=("is_dem", "sum"),
        n_republican=("is_rep", "sum"),
        visiting=("by_designation", "any"),
        dissent=("is_dissent", "any"),
    )
    per_case["n_unknown_party"] = (
        per_case["n_judges"] - per_case["n_democratic"] - per_case["n_republican"]
    )
    classified = (per_case["n_judges"] == 3) & (per_case["n_unknown_party"] == 0)
    label = per_case["n_democratic"].map(dict(enumerate(COMPOSITIONS))).where(classified)
    per_case["composition"] = pd.Categorical(label, categories=list(COMPOSITIONS))
    per_case["unanimous"] = ~per_case["dissent"]
    out_cases = cases.merge(per_case.reset_index(), on="case_id", how="inner")
    out_cases = out_cases[
        [
            "case_id",
            "n_judges",
            "n_democratic",
            "n_republican",
            "n_unknown_party",
            "composition",
            "visiting",
            "dissent",
            "unanimous",
            "reversed",
        ]
    ]
    rates = rates_from_flags(
        out_cases, "composition", ci=ci, level=level, min_n=min_n, rule_name=r.name
    )

    v = votes.merge(cases, on="case_id", how="inner").merge(
        per_case[["n_democratic"]], left_on="case_id", right_index=True
    )
    v["democratic_colleagues"] = (v["n_democratic"] - v["is_dem"]).astype("int64")
    v["reversed"] = v["reversed"].where(~v["is_dissent"], ~v["reversed"])
    v = v[v["party"].isin(["democratic", "republican"])]
    vote_rates = rates_from_flags(
        v, ["party", "democratic_colleagues"], ci=ci, level=level, min_n=min_n, rule_name=r.name
    )
    return PanelComposition(cases=out_cases, rates=rates, votes=vote_rates)
