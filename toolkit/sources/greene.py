"""Greene: leave-to-appeal decisions of the Canadian Federal Court of Appeal in refugee cases.

384 applications filed in 1990 by refugee claimants refused by the Immigration and Refugee
Board, each decided by one judge (Ian Greene's data, distributed in the R package carData).
A small real dataset for judge-level disparity in the review of refugee decisions.

Code mapping (one visible table): ``decision`` yes (leave granted) -> ``granted``, no ->
``denied``. Each application is a case with one vote: the deciding judge.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from toolkit.schema import CaseData, conform
from toolkit.sources.base import case_data, entry, fetched_folder, find, load_cached, read_table
from toolkit.sources.registry import REGISTRY

__all__ = ["DECISION", "FILES", "RELEASE", "read"]

RELEASE = REGISTRY["greene"].release
FILES = REGISTRY["greene"].files
"""The files this reader needs (declared, with checksums, in :data:`toolkit.sources.REGISTRY`)."""
DECISION = {"yes": "granted", "no": "denied"}
"""Judge's decision on leave -> canonical outcome."""


def read(raw_dir: str | Path | None = None, cache: bool = True) -> CaseData:
    """Read the fetched Greene file into the canonical model."""
    folder = fetched_folder("greene", raw_dir)
    path = find(folder, ["Greene"])
    files = [path] if path else []
    return load_cached("greene", lambda: _build(path), files, cache)


def _build(path: Path | None) -> CaseData:
    if path is None:
        from toolkit.errors import ToolkitError

        raise ToolkitError("Greene.csv is missing: run `appellate fetch greene`")
    raw = read_table(path)
    decision = raw["decision"].astype("str").str.strip().str.lower()
    unknown = ~decision.isin(list(DECISION))
    if unknown.any():
        from toolkit.errors import DataError

        raise DataError(
            "unknown decision value(s)",
            file=str(path),
            column="decision",
            rows=(raw.index[unknown] + 2).tolist(),
            expected="yes or no",
        )
    ids = raw["rownames"].astype("str") if "rownames" in raw else (raw.index + 1).astype("str")
    cases = pd.DataFrame(
        {
            "case_id": "greene:" + ids,
            "source": "greene",
            "court": "fca",
            "lower_court": "irb",
            "year": 1990,
            "claim_type": "refugee_leave",
            "outcome": decision.map(DECISION),
            "outcome_raw": raw["decision"].astype("str"),
            "author": raw["judge"].astype("str"),
            "weight": 1.0,
        }
    )
    for col in raw.columns:
        if col not in ("rownames", "decision"):
            cases[col] = raw[col]
    votes = pd.DataFrame(
        {
            "case_id": cases["case_id"],
            "judge_id": raw["judge"].astype("str"),
            "vote": "majority",
            "is_author": True,
            "by_designation": False,
        }
    )
    judges = pd.DataFrame({"judge_id": sorted(raw["judge"].astype("str").unique()), "court": "fca"})
    name = path.name
    return case_data(
        "greene",
        cases=conform(cases, "cases", file=str(path)),
        votes=conform(votes, "votes", file=str(path)),
        judges=conform(judges, "judges", file=str(path)),
        ledger=[entry(name, "cases", "kept", len(cases))],
        files=[path],
        rows_read={name: len(raw)},
        notes=["one judge decides each leave application: judge effects are the point"],
    )
