"""The Supreme Court Database (SCDB), modern data (1946 terms onward).

Reads the case-centered and the justice-centered files (csv, csv.gz or the official csv.zip).
The newest release present is used (``release=`` picks another). When that release has only the
justice-centered file, the case table is derived from it (one row per ``caseId``; the
case-level columns repeat on every justice row). Votes come from the justice-centered file.

Code tables, from the SCDB codebook (each visible below):

- ``caseSource`` -> ``circuit``: 21-31 = ca1-ca11, 32 = cadc, 8 = cafc (the court whose decision
  the Supreme Court reviewed); ``lower_court`` is that circuit, ``state`` for state courts
  (300-302), else ``other``.
- ``caseDisposition`` -> ``outcome`` (:data:`DISPOSITION`).
- ``lcDisposition`` -> ``lower_outcome`` (:data:`LOWER_DISPOSITION`): how the court below
  treated the court it reviewed, so both levels of review can be studied.
- ``vote`` -> vote (:data:`VOTE`).
- ``issueArea`` -> ``claim_type`` (:data:`ISSUE_AREA`).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from toolkit.errors import ToolkitError
from toolkit.schema import OUTCOMES, CaseData, conform, ledger_frame
from toolkit.sources.base import code_map, entry, fetched_folder, load_cached, read_table
from toolkit.store import RemoteFile, file_info

__all__ = [
    "CIRCUIT",
    "DISPOSITION",
    "FILES",
    "ISSUE_AREA",
    "LOWER_DISPOSITION",
    "RELEASE",
    "VOTE",
    "read",
    "releases",
]

RELEASE = "2025_01 (justice-centered), 2024_01 (case-centered)"
_BRICK = "http://scdb.wustl.edu/_brickFiles"
FILES = (
    RemoteFile(
        "SCDB_2025_01_justiceCentered_Citation.csv.zip",
        url=f"{_BRICK}/2025_01/SCDB_2025_01_justiceCentered_Citation.csv.zip",
        mirror="scdb/SCDB_2025_01_justiceCentered_Citation.csv.gz",
        sha256="c7a41b1ef6bc215b5ca76bf287af1c1837a612a6840528f91a6e28b48c7b71e1",
        size=1_691_921,
        required=False,
    ),
    RemoteFile(
        "SCDB_2024_01_caseCentered_Citation.csv.zip",
        url=f"{_BRICK}/2024_01/SCDB_2024_01_caseCentered_Citation.csv.zip",
        mirror="scdb/SCDB_2024_01_caseCentered_Citation.csv.gz",
        required=False,
    ),
)

CIRCUIT = {**{20 + i: f"ca{i}" for i in range(1, 12)}, 32: "cadc", 8: "cafc"}
"""``caseSource`` code -> circuit."""

DISPOSITION = {
    1: "other",  # stay, petition, or motion granted
    2: "affirmed",  # affirmed (includes modified)
    3: "reversed",
    4: "reversed_remanded",
    5: "vacated_remanded",
    6: "mixed",  # affirmed and reversed (or vacated) in part
    7: "mixed",  # affirmed and reversed (or vacated) in part and remanded
    8: "vacated",
    9: "dismissed",  # petition denied or appeal dismissed
    10: "other",  # certification to or from a lower court
    11: "unknown",  # no disposition
}
"""``caseDisposition`` -> canonical outcome; empty -> ``unknown``."""

LOWER_DISPOSITION = {
    **{k: v for k, v in DISPOSITION.items() if k <= 9},
    10: "mixed",  # modify
    11: "remanded",  # remand
    12: "other",
}  # unusual disposition
"""``lcDisposition`` -> canonical outcome of the court below."""

VOTE = {
    1: "majority",
    2: "dissent",
    3: "concurrence",
    4: "concurrence",
    5: "majority",
    6: "dissent",
    7: "dissent",
    8: None,
}
"""``vote``: 1 majority, 2 dissent, 3 regular and 4 special concurrence, 5 judgment of the
Court, 6 dissent from denial or summary affirmance, 7 jurisdictional dissent, 8 equally divided
vote (no majority: left without a vote category)."""

ISSUE_AREA = {
    1: "criminal_procedure",
    2: "civil_rights",
    3: "first_amendment",
    4: "due_process",
    5: "privacy",
    6: "attorneys",
    7: "unions",
    8: "economic_activity",
    9: "judicial_power",
    10: "federalism",
    11: "interstate_relations",
    12: "federal_taxation",
    13: "miscellaneous",
    14: "private_action",
}
"""``issueArea`` -> ``claim_type``."""

_PATTERN = re.compile(r"SCDB_(\d{4}_\d{2})_(case|justice)Centered_Citation\.csv(\.gz|\.zip)?$")


def releases(folder: Path) -> dict[str, dict[str, Path]]:
    """Release -> {"case": path, "justice": path} for the SCDB files in a folder."""
    found: dict[str, dict[str, Path]] = {}
    for path in sorted(folder.iterdir()):
        match = _PATTERN.match(path.name)
        if match:
            found.setdefault(match.group(1), {})[match.group(2)] = path
    return found


def read(
    release: str | None = None, raw_dir: str | Path | None = None, cache: bool = True
) -> CaseData:
    """Read a fetched SCDB release (default: the newest present)."""
    folder = fetched_folder("scdb", raw_dir)
    found = releases(folder)
    if not found:
        raise ToolkitError(f"no SCDB citation files in {folder}: run `appellate fetch scdb`")
    if release is None:
        release = max(found)
    if release not in found:
        raise ToolkitError(f"SCDB release {release} not present; present: {', '.join(found)}")
    files = found[release]
    return load_cached(
        f"scdb_{release}", lambda: _build(release, files), list(files.values()), cache
    )


def _argued(raw: pd.DataFrame) -> pd.Series:
    """The last oral argument: ``dateRearg`` when the case was reargued, else ``dateArgument``.

    The raw columns stay in the cases as they are; a case never argued has no ``argued``.
    """
    dates = [
        pd.to_datetime(raw[col], format="%m/%d/%Y", errors="coerce")
        if col in raw.columns
        else pd.Series(pd.NaT, index=raw.index, dtype="datetime64[us]")
        for col in ("dateRearg", "dateArgument")
    ]
    return dates[0].fillna(dates[1])


def _case_columns(raw: pd.DataFrame) -> pd.DataFrame:
    source = pd.to_numeric(raw["caseSource"], errors="coerce")
    circuit = source.map(CIRCUIT)
    lower = circuit.where(
        circuit.notna(),
        source.map(
            lambda c: "state" if c in (300, 301, 302) else ("other" if pd.notna(c) else None)
        ),
    )
    issue = pd.to_numeric(raw["issueArea"], errors="coerce")
    cases = pd.DataFrame(
        {
            "case_id": "scdb:" + raw["caseId"].astype("str"),
            "source": "scdb",
            "court": "scotus",
            "circuit": circuit,
            "lower_court": lower,
            "argued": _argued(raw),
            "decided": pd.to_datetime(raw["dateDecision"], format="%m/%d/%Y", errors="coerce"),
            "year": pd.to_numeric(raw["term"], errors="coerce").astype("Int64"),
            "claim_type": issue.map(ISSUE_AREA),
            "outcome": code_map(raw["caseDisposition"], DISPOSITION),
            "outcome_raw": raw["caseDisposition"].astype("Int64").astype("str").fillna(""),
            "author": pd.to_numeric(raw["majOpinWriter"], errors="coerce")
            .astype("Int64")
            .astype("str"),
            "published": True,
            "weight": 1.0,
            "lower_outcome": pd.Categorical(
                code_map(raw["lcDisposition"], LOWER_DISPOSITION), categories=list(OUTCOMES)
            ),
        }
    )
    extra = raw[[c for c in raw.columns if c not in cases.columns]]
    return pd.concat([cases, extra.set_axis(cases.index)], axis=1)


def _build(release: str, files: dict[str, Path]) -> CaseData:
    ledger, rows_read, info, notes = [], {}, {}, []
    case_file, justice_file = files.get("case"), files.get("justice")
    justice = None
    if justice_file is not None:
        justice = read_table(justice_file, encoding="utf-8")
        rows_read[justice_file.name] = len(justice)
        info[justice_file.name] = file_info(justice_file)
    if case_file is not None:
        raw_cases = read_table(case_file, encoding="utf-8")
        rows_read[case_file.name] = len(raw_cases)
        info[case_file.name] = file_info(case_file)
        ledger.append(entry(case_file.name, "cases", "kept", len(raw_cases)))
    else:
        raw_cases = justice.drop_duplicates("caseId").drop(
            columns=[
                c
                for c in (
                    "justice",
                    "justiceName",
                    "vote",
                    "opinion",
                    "direction",
                    "majority",
                    "firstAgreement",
                    "secondAgreement",
                )
                if c in justice.columns
            ]
        )
        notes.append(
            f"case table derived from the justice-centered file: one row per caseId "
            f"({len(raw_cases):,} cases)"
        )
    cases = conform(
        _case_columns(raw_cases.reset_index(drop=True)),
        "cases",
        file=str(case_file or justice_file),
    )
    votes = judges = None
    if justice is not None:
        vote_code = pd.to_numeric(justice["vote"], errors="coerce")
        missing = vote_code.isna()
        kept = justice[~missing]
        ledger.append(entry(justice_file.name, "votes", "kept", len(kept)))
        if missing.any():
            ledger.append(
                entry(
                    justice_file.name,
                    "votes",
                    "excluded",
                    int(missing.sum()),
                    "no vote recorded (the justice did not participate)",
                    (justice.index[missing] + 2).tolist(),
                )
            )
        writer = pd.to_numeric(kept["majOpinWriter"], errors="coerce")
        code = pd.to_numeric(kept["justice"], errors="coerce")
        votes = conform(
            pd.DataFrame(
                {
                    "case_id": "scdb:" + kept["caseId"].astype("str"),
                    "judge_id": code.astype("Int64").astype("str"),
                    "vote": vote_code[~missing].map(VOTE),
                    "is_author": (code == writer).fillna(False),
                    "by_designation": False,
                }
            ),
            "votes",
            file=str(justice_file),
        )
        votes = votes[votes["case_id"].isin(cases["case_id"])].reset_index(drop=True)
        names = justice.drop_duplicates("justice")[["justice", "justiceName"]]
        judges = conform(
            pd.DataFrame(
                {
                    "judge_id": pd.to_numeric(names["justice"]).astype("Int64").astype("str"),
                    "name": names["justiceName"].astype("str"),
                    "court": "scotus",
                }
            ),
            "judges",
            file=str(justice_file),
        )
        if (vote_code == 8).any():
            notes.append(
                f"{int((vote_code == 8).sum()):,} votes in equally divided decisions "
                "have no vote category (vote code 8)"
            )
    return CaseData(
        cases=cases,
        votes=votes,
        judges=judges,
        ledger=ledger_frame(ledger),
        meta={
            "source": "scdb",
            "release": release,
            "files": info,
            "rows_read": rows_read,
            "notes": notes,
        },
    )
