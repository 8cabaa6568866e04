"""The Supreme Court Database (SCDB), modern data (1946 terms onward).

Reads the case-centered and the justice-centered files (csv, csv.gz or the official csv.zip),
and the docket-centered file (``unit="docket"``: one row per docket, so cases decided together
under one citation count once per docket). The newest release present is used (``release=``
picks another). When that release has only the
justice-centered file, the case table is derived from it (one row per ``caseId``; the
case-level columns repeat on every justice row). Votes come from the justice-centered file.

Code tables, from the SCDB codebook (each visible below):

- ``caseSource`` -> ``circuit``: 21-31 = ca1-ca11, 32 = cadc, 8 = cafc (the court whose decision
  the Supreme Court reviewed); ``lower_court`` is that circuit, ``state`` for state courts
  (300-302), else ``other``.
- ``caseSource`` -> ``source_court`` (:data:`SOURCE_COURT`): the court whose decision was
  reviewed, in labelled groups: each circuit (``ca1``..``cafc``), ``state`` (state courts),
  ``district`` (U.S. district courts), ``other_federal`` (every other federal, territorial or
  historical court) and empty when there is no source court (original jurisdiction);
  ``source_court_label`` spells each group out ("Ninth Circuit", "State Court").
- ``caseDisposition`` -> ``outcome`` (:data:`DISPOSITION`).
- ``lcDisposition`` -> ``lower_outcome`` (:data:`LOWER_DISPOSITION`): how the court below
  treated the court it reviewed, so both levels of review can be studied.
- ``vote`` -> vote (:data:`VOTE`); the votes table keeps the code itself in ``vote_raw``, so
  the eight SCDB codes stay distinguishable. Justices who did not participate have no vote
  row: the ledger counts them, and ``meta["not_participating_by_term"]`` per term.

The press's "reversal rate" of the Supreme Court (``caseDisposition`` 3-8 over 2-8) is the
``disturbed`` rule on these data; ``reversed`` counts only codes 3 and 4.
- ``issueArea`` -> ``claim_type`` (:data:`ISSUE_AREA`).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from toolkit.errors import ToolkitError
from toolkit.schema import OUTCOMES, CaseData, conform
from toolkit.sources.base import (
    case_data,
    code_map,
    entry,
    fetched_folder,
    load_cached,
    plain_codes,
    read_table,
)
from toolkit.sources.registry import REGISTRY
from toolkit.store import file_info

__all__ = [
    "CIRCUIT",
    "SOURCE_COURT",
    "SOURCE_COURT_LABEL",
    "source_court",
    "DISPOSITION",
    "FILES",
    "ISSUE_AREA",
    "LOWER_DISPOSITION",
    "RELEASE",
    "VOTE",
    "read",
    "releases",
]

RELEASE = REGISTRY["scdb"].release
FILES = REGISTRY["scdb"].files
"""The files this reader needs (declared, with checksums, in :data:`toolkit.sources.REGISTRY`)."""

CIRCUIT = {**{20 + i: f"ca{i}" for i in range(1, 12)}, 32: "cadc", 8: "cafc"}
"""``caseSource`` code -> circuit."""

_ORDINAL = (
    "First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth",
    "Tenth", "Eleventh",
)  # fmt: skip
SOURCE_COURT_LABEL = {
    **{f"ca{i}": f"{o} Circuit" for i, o in enumerate(_ORDINAL, start=1)},
    "cadc": "D.C. Circuit",
    "cafc": "Federal Circuit",
    "state": "State Court",
    "district": "U.S. District Court",
    "other_federal": "Other federal court",
}
"""``source_court`` group -> its label (the wording of published tables)."""

SOURCE_COURT: dict[tuple[int, int], str] = {
    (1, 7): "other_federal",  # Customs and Patent Appeals, International Trade, Claims, ...
    (9, 20): "other_federal",  # Tax Court, territorial courts, Emergency Court, Bankruptcy
    (41, 187): "district",  # the U.S. district courts, by state and district
    (300, 302): "state",  # state supreme, appellate and trial courts
    (400, 440): "other_federal",  # the old U.S. circuit courts (before 1912)
}
"""``caseSource`` code ranges (inclusive) -> ``source_court`` group, besides the circuits
(:data:`CIRCUIT`). From the codebook's table of courts (varCaseSources)."""

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

_PATTERN = re.compile(
    r"SCDB_(\d{4}_\d{2})_(case|justice)Centered_(Citation|Docket)\.csv(\.gz|\.zip)?$"
)


def source_court(codes: pd.Series, file: str | None = None) -> pd.Series:
    """``caseSource`` codes -> ``source_court`` groups; empty where there is no code.

    A code the codebook does not list raises a :class:`~toolkit.errors.DataError`.

    Examples
    --------
    >>> source_court(pd.Series([29, 300, 55, 8, 9, None])).tolist()
    ['ca9', 'state', 'district', 'cafc', 'other_federal', nan]
    """
    from toolkit.errors import DataError

    numeric = pd.to_numeric(codes, errors="coerce")
    out = numeric.map(CIRCUIT).astype("object")
    for (low, high), group in SOURCE_COURT.items():
        out = out.where(~numeric.between(low, high) | out.notna(), group)
    bad = numeric.notna() & out.isna()
    if bad.any():
        raise DataError(
            f"undocumented caseSource code(s) {plain_codes(numeric[bad])}",
            file=file,
            column="caseSource",
            rows=(codes.index[bad] + 2).tolist(),
            expected="a code of the codebook's table of courts",
        )
    return out.astype("str")


def releases(folder: Path) -> dict[str, dict[str, Path]]:
    """Release -> {"case": path, "justice": path, "docket": path} for the SCDB files present."""
    found: dict[str, dict[str, Path]] = {}
    for path in sorted(folder.iterdir()):
        match = _PATTERN.match(path.name)
        if match:
            unit = "docket" if match.group(3) == "Docket" else match.group(2)
            found.setdefault(match.group(1), {})[unit] = path
    return found


def read(
    release: str | None = None,
    raw_dir: str | Path | None = None,
    cache: bool = True,
    unit: str = "citation",
) -> CaseData:
    """Read a fetched SCDB release (default: the newest present).

    Parameters
    ----------
    release
        e.g. ``"2024_01"``; default the newest release that has a file for ``unit``.
    raw_dir
        Where the fetched raw files are; default :func:`toolkit.paths.raw_dir`.
    cache
        Use the Parquet cache.
    unit
        ``"citation"`` (one row per case, the default) or ``"docket"`` (one row per docket,
        from the docket-centered file; ``case_id`` is then ``scdb:<docketId>``, and the
        ``caseId`` column says which dockets were decided together). Docket-centered data
        have no votes table.
    """
    if unit not in ("citation", "docket"):
        raise ToolkitError(f"SCDB unit {unit!r}: expected 'citation' or 'docket'")
    folder = fetched_folder("scdb", raw_dir)
    found = releases(folder)
    if unit == "docket":
        found = {r: {"docket": f["docket"]} for r, f in found.items() if "docket" in f}
    else:
        found = {
            r: {k: v for k, v in f.items() if k != "docket"}
            for r, f in found.items()
            if set(f) - {"docket"}
        }
    if not found:
        raise ToolkitError(f"no SCDB {unit}-centered files in {folder}: run `appellate fetch scdb`")
    if release is None:
        release = max(found)
    if release not in found:
        raise ToolkitError(
            f"SCDB release {release} has no {unit} file here; present: {', '.join(found)}"
        )
    files = found[release]
    suffix = "_docket" if unit == "docket" else ""
    return load_cached(
        f"scdb_{release}{suffix}",
        lambda: _build(release, files),
        list(files.values()),
        cache,
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


def _case_columns(
    raw: pd.DataFrame, id_column: str = "caseId", file: str | None = None
) -> pd.DataFrame:
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
            "case_id": "scdb:" + raw[id_column].astype("str"),
            "source": "scdb",
            "court": "scotus",
            "circuit": circuit,
            "lower_court": lower,
            "argued": _argued(raw),
            "decided": pd.to_datetime(raw["dateDecision"], format="%m/%d/%Y", errors="coerce"),
            "year": pd.to_numeric(raw["term"], errors="coerce").astype("Int64"),
            "claim_type": issue.map(ISSUE_AREA),
            "outcome": code_map(raw["caseDisposition"], DISPOSITION, file=file),
            "outcome_raw": raw["caseDisposition"].astype("Int64").astype("str").fillna(""),
            "author": pd.to_numeric(raw["majOpinWriter"], errors="coerce")
            .astype("Int64")
            .astype("str"),
            "published": True,
            "weight": 1.0,
            "lower_outcome": pd.Categorical(
                code_map(raw["lcDisposition"], LOWER_DISPOSITION, file=file),
                categories=list(OUTCOMES),
            ),
        }
    )
    groups = source_court(raw["caseSource"], file)
    cases["source_court"] = groups
    cases["source_court_label"] = groups.map(SOURCE_COURT_LABEL).astype("str")
    extra = raw[[c for c in raw.columns if c not in cases.columns]]
    return pd.concat([cases, extra.set_axis(cases.index)], axis=1)


def _build(release: str, files: dict[str, Path]) -> CaseData:
    ledger, rows_read, info, notes = [], {}, {}, []
    case_file, justice_file = files.get("case") or files.get("docket"), files.get("justice")
    id_column = "docketId" if "docket" in files else "caseId"
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
    file = str(case_file or justice_file)
    cases = conform(
        # the index still counts the file's rows, so an error names the user's row
        _case_columns(raw_cases, id_column, file).reset_index(drop=True),
        "cases",
        file=file,
    )
    votes = judges = None
    not_participating: dict[str, int] = {}
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
                    "vote_raw": vote_code[~missing].astype("Int64").astype("str"),
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
        terms = pd.to_numeric(justice.loc[missing, "term"], errors="coerce").astype("Int64")
        by_term = terms.value_counts().sort_index()
        notes.append(
            f"{int(missing.sum()):,} justice rows record no vote (the justice did not "
            "participate); per term in meta['not_participating_by_term']"
        )
        not_participating = {str(int(t)): int(n) for t, n in by_term.items()}
        if (vote_code == 8).any():
            notes.append(
                f"{int((vote_code == 8).sum()):,} votes in equally divided decisions "
                "have no vote category (vote code 8)"
            )
    return case_data(
        "scdb",
        cases=cases,
        votes=votes,
        judges=judges,
        ledger=ledger,
        files=info,
        rows_read=rows_read,
        notes=notes,
        release=release,
        extra_meta={
            "unit": "docket" if "docket" in files else "citation",
            "not_participating_by_term": not_participating if justice is not None else {},
        },
    )
