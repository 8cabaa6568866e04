"""Attributes of U.S. appeals and district judges (Zuk, Barrow & Gryski; the "Auburn" data),
keyed by the Songer database's judge codes.

The appeals file's ``ids`` and the district file's ``songer_code`` are the codes that appear in
the Songer panels (``codej1..`` / ``j1..``), so Songer votes link to judges' party and
background. Judges without a Songer code cannot link and are excluded (the ledger says so);
a code that appears twice keeps its first row (also in the ledger).

Code table: ``party`` 0 -> republican, 1 -> democratic, any other code (Federalist, Whig, ...)
-> other (:data:`PARTY`). Every other column is kept.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from toolkit.errors import ToolkitError
from toolkit.schema import CaseData, conform
from toolkit.sources.base import case_data, entry, fetched_folder, find, load_cached, read_table
from toolkit.sources.registry import REGISTRY
from toolkit.store import file_info

__all__ = ["FILES", "PARTY", "RELEASE", "read", "read_judges"]

RELEASE = REGISTRY["auburn"].release
FILES = REGISTRY["auburn"].files
"""The files this reader needs (declared, with checksums, in :data:`toolkit.sources.REGISTRY`)."""
PARTY = {0: "republican", 1: "democratic"}
"""Party codes; every other code is ``other``."""

_CIRCUIT = {**{i: f"ca{i}" for i in range(1, 12)}, 12: "cadc", 0: "cadc"}


def _party(codes: pd.Series) -> pd.Series:
    numeric = pd.to_numeric(codes, errors="coerce")
    return numeric.map(lambda c: PARTY.get(c, "other") if pd.notna(c) else None)


def read_judges(raw_dir: str | Path | None = None) -> tuple[pd.DataFrame, list, dict, dict]:
    """The judges table keyed by Songer code, with its ledger records, row counts and files."""
    folder = fetched_folder("auburn", raw_dir)
    frames, ledger, rows_read, info = [], [], {}, {}
    for stem, code_col, kind in (
        ("auburn_appct_stata", "ids", "appeals"),
        ("auburn_district_w_songer_codes", "songer_code", "district"),
    ):
        path = find(folder, [stem])
        if path is None:
            continue
        raw = read_table(path)
        rows_read[path.name] = len(raw)
        info[path.name] = file_info(path)
        code = pd.to_numeric(raw[code_col], errors="coerce")
        no_code = code.isna()
        dup = code.duplicated() & ~no_code
        keep = ~no_code & ~dup
        ledger.append(entry(path.name, "judges", "kept", int(keep.sum())))
        if no_code.any():
            ledger.append(
                entry(
                    path.name,
                    "judges",
                    "excluded",
                    int(no_code.sum()),
                    "no Songer judge code: cannot link to Songer votes",
                    (raw.index[no_code] + 2).tolist(),
                )
            )
        if dup.any():
            ledger.append(
                entry(
                    path.name,
                    "judges",
                    "excluded",
                    int(dup.sum()),
                    "Songer judge code already listed (first row kept)",
                    (raw.index[dup] + 2).tolist(),
                )
            )
        kept = raw[keep]
        circuit = pd.to_numeric(kept["circuit"], errors="coerce").map(_CIRCUIT)
        judges = pd.DataFrame(
            {
                "judge_id": code[keep].astype("int64").astype("str"),
                "name": kept["name"].astype("str"),
                "court": circuit if kind == "appeals" else "district:" + circuit.fillna("other"),
                "party": _party(kept["party"]),
                "seat": kind,
            }
        )
        extra = kept[[c for c in kept.columns if c != "name" and c not in judges.columns]]
        frames.append(pd.concat([judges, extra], axis=1))
    if not frames:
        raise ToolkitError(f"no Auburn judge files in {folder}: run `appellate fetch auburn`")
    both = pd.concat(frames, ignore_index=True)
    both = both.drop(columns=[c for c in both.columns if both[c].isna().all()])
    for col in both.columns:  # a column typed differently in the two files becomes text
        if both[col].dtype == object:
            both[col] = both[col].map(lambda v: None if pd.isna(v) else str(v)).astype("str")
    return conform(both, "judges"), ledger, rows_read, info


def read(raw_dir: str | Path | None = None, cache: bool = True) -> CaseData:
    """The Auburn judges as a dataset with no cases (``judges`` holds them)."""
    folder = fetched_folder("auburn", raw_dir)
    files = [p for p in folder.iterdir() if p.suffix == ".dta"]

    def build() -> CaseData:
        judges, ledger, rows_read, info = read_judges(raw_dir)
        cases = conform(pd.DataFrame(columns=["case_id", "source", "outcome", "weight"]), "cases")
        return case_data(
            "auburn", cases=cases, judges=judges, ledger=ledger, files=info, rows_read=rows_read
        )

    return load_cached("auburn", build, files, cache)
