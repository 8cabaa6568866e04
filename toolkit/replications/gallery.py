"""The replication gallery as a report: what the ``replication`` notebook calls."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from toolkit.replications.replicate import (
    RANKS,
    chart_replication,
    load_registry,
    replicate,
    replication_summary,
    replication_table,
)

__all__ = ["show_gallery"]


def _text(value: Any) -> str:
    return " ".join(str(value).split())


def show_gallery(report: Any, publications: Sequence[str] | None = None) -> Any:
    """Rebuild the registry's figures made from the report's source, and show them.

    One section per publication: citation, address and rank; per figure what is counted, the
    published and reproduced numbers side by side with the interval and the verdict, the
    tolerance and its reason; a chart per publication. When the report's data are not a
    source any registry figure is made from (the demo data, a researcher's own file), the
    report is marked skipped, saying why and how to build it.

    Parameters
    ----------
    report
        A :class:`toolkit.notebook.Report` (its data say which source to replicate from).
    publications
        Publication ids (default: all in the registry).

    Returns
    -------
    pandas.DataFrame or None
        :func:`~toolkit.replications.replicate`'s table, or None when skipped.
    """
    registry = load_registry(publications)
    source = report.data.source
    held = sorted(
        {
            f["data"]["source"]
            for p in registry
            for f in p["figures"]
            if f.get("reproducible", True) is not False
        }
    )
    chosen = [
        p
        for p in registry
        if any(
            f.get("reproducible", True) is not False and f["data"]["source"] == source
            for f in p["figures"]
        )
    ]
    if not chosen:
        report.skip(
            f"the replication gallery rebuilds published figures from the standard databases "
            f"({', '.join(held)}); these data ({report.params['data']!r}, source "
            f"{source!r}) are not one of them, so there is nothing to replicate. Build it with "
            "`appellate fetch scdb` then `appellate report --data scdb --only replication` "
            "(likewise songer, greene), or run `appellate replicate`."
        )
        return None
    frame = replicate([p["id"] for p in chosen], sources=[source])
    summary = replication_summary(frame)
    report.table("summary", summary, "Verdict per figure")
    counts = summary["verdict"].value_counts()
    report.md(
        f"**{len(summary)} figures** from {len(chosen)} publication(s) rebuilt from `{source}`: "
        + ", ".join(f"{int(n)} {verdict}" for verdict, n in counts.items())
        + ". A figure is *exact* when the counts are equal, *within tolerance* when they "
        "differ by no more than its registry entry allows (the reason is given), *outside* "
        "otherwise; *not reproducible* figures rest on data not held here."
    )
    outside = summary[summary["verdict"].isin(["outside", "data missing"])]
    if len(outside):
        report.md(
            "> **Not replicated:** "
            + "; ".join(f"{r.publication}/{r.figure} ({r.verdict})" for r in outside.itertuples())
        )
    for pub in chosen:
        rows = frame[frame["publication"] == pub["id"]]
        rank = RANKS[pub["rank"]]
        lines = [f"## {_text(pub['citation'])}", f"**Rank:** {rank}."]
        if pub.get("rank_note"):
            lines[-1] += f" {_text(pub['rank_note'])}."
        if pub.get("url"):
            lines.append(f"<{pub['url']}>")
        report.md("\n\n".join(lines))
        for fig in pub["figures"]:
            fig_rows = rows[rows["figure"] == fig["id"]]
            if fig_rows.empty:
                continue
            first = fig_rows.iloc[0]
            text = [f"### {fig['title']}", f"*Counted:* {_text(fig['counted'])}"]
            if first["verdict"] in ("not reproducible", "data missing"):
                text.append(f"**{first['verdict'].capitalize()}:** {_text(first['reason'])}")
                report.md("\n\n".join(text))
                continue
            if isinstance(first["rule"], str):
                text.append(f"*Reversal rule:* `{first['rule']}`.")
            text.append(
                f"*Tolerance:* {first['tolerance']}. {_text(fig.get('tolerance_reason', ''))}"
            )
            report.md("\n\n".join(text))
            shown = replication_table(fig_rows).drop(columns=["publication", "figure"])
            report.table(f"{pub['id']}__{fig['id']}", shown, fig["title"])
        if rows["verdict"].isin(["exact", "within tolerance", "outside"]).any():
            report.figure(pub["id"], chart_replication(rows, pub["id"]))
    report.headline(
        figures=len(summary),
        exact=int((summary["verdict"] == "exact").sum()),
        within_tolerance=int((summary["verdict"] == "within tolerance").sum()),
        outside=int((summary["verdict"] == "outside").sum()),
        not_reproducible=int((summary["verdict"] == "not reproducible").sum()),
    )
    return frame
