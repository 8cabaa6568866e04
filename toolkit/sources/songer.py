"""The U.S. Courts of Appeals Database (Songer), 1925-1996, and its 1997-2002 update.

Both namings are read: the 1925-1996 file (``cta96``: ``treat``, ``geniss``, ``codej1..``) and
the 1997-2002 file (``cta02``: ``treatment``, ``genissue``, ``j1..``), as CSV (plain or gzip) or
Stata. The database samples a fixed number of published decisions per circuit-year, so each case
gets a sampling weight: published decisions in its circuit-year (the circuit-year table) divided
by the sampled cases in it.

Code tables (each visible below): ``treat`` -> outcome (:data:`TREAT`), ``circuit``
(:data:`CIRCUIT`), ``geniss`` -> claim_type (:data:`GENISS`), the judges' ``jNmaj1`` ->
vote (:data:`MAJORITY`).

Quirks handled in the open (``meta["notes"]`` and the ledger say what was done):

- ``treatment`` code 11 appears only in cta02 and is undocumented: outcome ``unknown``;
- two ``casenum`` values in cta02 belong to two different cases each: their ids get the circuit;
- the Sixth Circuit extract of cta96 carries 9 derived columns at the end: dropped;
- circuit-years with no published-decision total get weight 1 (``weight_basis`` says so);
- judge 1 has no vote columns: the first listed judge joined the majority; ``jNmaj1`` codes
  1 majority, 2 dissent, 3 and 4 concurrence, as the case-level ``dissent`` count confirms
  (the code itself is kept in the votes' ``vote_raw``; ``outcome_raw`` keeps ``treat``);
- judge codes of 10000 and above (but 99999, not ascertained) are district judges sitting by
  designation; 0 and 99999 are empty seats.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.errors import ToolkitError
from toolkit.schema import CaseData, conform
from toolkit.sources.base import (
    case_data,
    code_map,
    entry,
    fetched_folder,
    find,
    load_cached,
    read_table,
)
from toolkit.sources.registry import REGISTRY
from toolkit.store import file_info

__all__ = ["CIRCUIT", "DERIVED_COLUMNS", "FILES", "GENISS", "MAJORITY", "RELEASE", "TREAT", "read"]

RELEASE = REGISTRY["songer"].release
FILES = REGISTRY["songer"].files
"""The files this reader needs (declared, with checksums, in :data:`toolkit.sources.REGISTRY`)."""

TREAT = {
    0: "other",  # stay, petition, or motion granted
    1: "affirmed",  # affirmed; or affirmed and petition denied
    2: "reversed",  # reversed (include reversed & vacated)
    3: "reversed_remanded",  # reversed and remanded (or just remanded)
    4: "vacated_remanded",  # also set aside & remanded; modified and remanded
    5: "mixed",  # affirmed in part and reversed in part
    6: "mixed",  # affirmed in part, reversed (or vacated) in part, and remanded
    7: "vacated",
    8: "dismissed",  # petition denied or appeal dismissed
    9: "other",  # certification to another court
    10: "unknown",  # not ascertained
    11: "unknown",  # appears only in cta02; undocumented
}
"""``treat`` / ``treatment`` -> canonical outcome."""

CIRCUIT = {0: "cadc", **{i: f"ca{i}" for i in range(1, 12)}}
"""``circuit`` code -> circuit."""

GENISS = {
    0: "not_labelled_0",
    1: "criminal",
    2: "civil_rights",
    3: "first_amendment",
    4: "due_process",
    5: "privacy",
    6: "labor_relations",
    7: "economic_activity",
    8: "not_labelled_8",
    9: "miscellaneous",
}
"""``geniss`` / ``genissue`` -> claim_type (codes 0 and 8 occur but carry no label)."""

MAJORITY = {1: "majority", 2: "dissent", 3: "concurrence", 4: "concurrence"}
"""``jNmaj1`` -> vote; other codes leave the vote empty."""

DERIVED_COLUMNS = [
    "Circuit",
    "Year",
    "Circuit_Cases",
    "year_circuit_cases",
    "sample_cases",
    "year_sample_cases",
    "circuit_proportion",
    "sample_proportion",
    "weighting",
]
"""Columns a third party appended to the Sixth Circuit cta96 extract (not Songer's)."""

_NAMES = {
    "cta96": {"treat": "treat", "geniss": "geniss", "judge": "codej{k}"},
    "cta02": {"treat": "treatment", "geniss": "genissue", "judge": "j{k}"},
}


def read(raw_dir: str | Path | None = None, cache: bool = True, judges: bool = True) -> CaseData:
    """Read the fetched Songer files (and link judges to the Auburn data when fetched)."""
    folder = fetched_folder("songer", raw_dir)
    files = [
        p
        for p in (
            find(folder, ["cta96", "cta96_sixth_circuit"]),
            find(folder, ["cta02"]),
            find(folder, ["data_weights"]),
        )
        if p is not None
    ]
    auburn = Path(raw_dir) / "auburn" if raw_dir else None
    if judges:
        from toolkit import paths

        auburn_dir = auburn or paths.raw_dir() / "auburn"
        files += sorted(auburn_dir.glob("*.dta")) if auburn_dir.exists() else []
    return load_cached(
        "songer" if judges else "songer_nojudges",
        lambda: _build(folder, raw_dir, judges),
        files,
        cache,
    )


def _weights(folder: Path) -> pd.DataFrame | None:
    path = find(folder, ["data_weights"])
    if path is None:
        return None
    w = read_table(path)
    year = pd.to_numeric(w["Year"])
    return pd.DataFrame(
        {
            "circuit_code": pd.to_numeric(w["Circuit"]).astype("int64"),
            "year": np.where(year < 100, 1900 + year, year).astype("int64"),
            "published": pd.to_numeric(w["Circuit_Cases"]),
        }
    )


def _one_file(
    path: Path, tag: str, weights: pd.DataFrame | None, notes: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame, list]:
    raw = read_table(path)
    names = _NAMES[tag]
    derived = [c for c in DERIVED_COLUMNS if c in raw.columns]
    if derived:
        raw = raw.drop(columns=derived)
        notes.append(
            f"{path.name}: dropped {len(derived)} derived columns appended by a third "
            f"party ({', '.join(derived)})"
        )
    ledger = []
    casenum = raw["casenum"].astype("Int64").astype("str")
    circuit_code = pd.to_numeric(raw["circuit"], errors="coerce").astype("Int64")
    dup = casenum.duplicated(keep=False)
    case_id = f"songer:{tag}:" + casenum
    if dup.any():
        occurrence = (casenum.groupby(casenum).cumcount() + 1).astype("str")
        case_id = case_id.where(~dup, case_id + "-" + occurrence)
        notes.append(
            f"{path.name}: casenum {', '.join(sorted(set(casenum[dup])))} each belong "
            "to two different cases (different citations); their ids get -1 and -2 "
            "in file order"
        )
    year = pd.to_numeric(raw["year"], errors="coerce").astype("Int64")
    if tag == "cta96":
        decided = pd.to_datetime(
            pd.DataFrame({"year": raw["year"], "month": raw["month"], "day": raw["day"]}),
            errors="coerce",
        )
    else:
        decided = pd.to_datetime(raw["decisiondate"], format="%m/%d/%y", errors="coerce")
        decided = decided.where(decided.dt.year <= 2002, decided - pd.DateOffset(years=100))
    treat = pd.to_numeric(raw[names["treat"]], errors="coerce")
    cases = pd.DataFrame(
        {
            "case_id": case_id,
            "source": "songer",
            "court": code_map(circuit_code, CIRCUIT, missing="unknown", file=str(path)),
            "circuit": circuit_code.map(CIRCUIT),
            "decided": decided,
            "year": year,
            "claim_type": code_map(
                raw[names["geniss"]], GENISS, missing="not_ascertained", file=str(path)
            ),
            "outcome": code_map(treat, TREAT, file=str(path)),
            "outcome_raw": treat.astype("Int64").astype("str"),
            "published": True,
            "songer_file": tag,
        }
    )
    sampled = cases.groupby(["circuit", "year"], observed=True)["case_id"].transform("size")
    cases["weight"] = 1.0
    cases["weight_basis"] = "none: no published-decision total for the circuit-year"
    if weights is not None:
        merged = pd.DataFrame(
            {"circuit_code": circuit_code.astype("float64"), "year": year.astype("float64")}
        ).merge(
            weights.astype({"circuit_code": "float64", "year": "float64"}),
            on=["circuit_code", "year"],
            how="left",
        )
        has = merged["published"].notna().to_numpy()
        cases.loc[has, "weight"] = merged.loc[has, "published"].to_numpy() / sampled[has]
        cases.loc[has, "weight_basis"] = "published decisions in circuit-year / sampled cases"
        if (~has).any():
            notes.append(
                f"{path.name}: {int((~has).sum()):,} cases in circuit-years without a "
                "published-decision total keep weight 1"
            )
    extra = raw[[c for c in raw.columns if c not in cases.columns and c not in ("circuit", "year")]]
    cases = pd.concat([cases, extra.set_axis(cases.index)], axis=1)
    undocumented = treat == 11
    kept_rows = len(raw) - int(undocumented.sum())
    ledger.append(entry(path.name, "cases", "kept", kept_rows))
    if undocumented.any():
        ledger.append(
            entry(
                path.name,
                "cases",
                "kept",
                int(undocumented.sum()),
                "treatment code 11 is undocumented: outcome set to unknown",
                (raw.index[undocumented] + 2).tolist(),
            )
        )
    votes = _votes(raw, cases["case_id"], names["judge"])
    return cases, votes, ledger


def _votes(raw: pd.DataFrame, case_id: pd.Series, pattern: str) -> pd.DataFrame:
    parts = []
    for k in range(1, 17):
        col = pattern.format(k=k)
        if col not in raw.columns:
            continue
        code = pd.to_numeric(raw[col], errors="coerce")
        seated = code.notna() & (code != 0) & (code != 99999)
        if k == 1:
            vote = pd.Series("majority", index=raw.index)
            vote_raw = pd.Series(pd.NA, index=raw.index, dtype="str")
        else:
            maj = raw.get(f"j{k}maj1", pd.Series(np.nan, index=raw.index))
            vote = pd.to_numeric(maj, errors="coerce").map(MAJORITY)
            vote_raw = pd.to_numeric(maj, errors="coerce").astype("Int64").astype("str")
        parts.append(
            pd.DataFrame(
                {
                    "case_id": case_id[seated].to_numpy(),
                    "judge_id": code[seated].astype("int64").astype("str").to_numpy(),
                    "vote": vote[seated].to_numpy(),
                    "by_designation": (code[seated] >= 10000).to_numpy(),
                    "seat": k,
                    "vote_raw": vote_raw[seated].to_numpy(),
                }
            )
        )
    votes = pd.concat(parts, ignore_index=True).drop_duplicates(["case_id", "judge_id"])
    return votes


def _build(folder: Path, raw_dir: str | Path | None, with_judges: bool) -> CaseData:
    weights = _weights(folder)
    notes: list[str] = []
    frames, votes, ledger, rows_read, info = [], [], [], {}, {}
    for stems, tag in ((["cta96", "cta96_sixth_circuit"], "cta96"), (["cta02"], "cta02")):
        path = find(folder, stems)
        if path is None:
            continue
        cases, v, led = _one_file(path, tag, weights, notes)
        frames.append(cases)
        votes.append(v)
        ledger += led
        rows_read[path.name] = sum(e["n_rows"] for e in led)
        info[path.name] = file_info(path)
    if not frames:
        raise ToolkitError(
            f"no Songer data file (cta96 or cta02) in {folder}: run `appellate fetch songer`"
        )
    if weights is not None:
        wpath = find(folder, ["data_weights"])
        info[wpath.name] = file_info(wpath)
        rows_read[wpath.name] = len(weights)
        ledger.append(
            entry(
                wpath.name,
                "weights",
                "kept",
                len(weights),
                "circuit-year totals used for sampling weights",
            )
        )
    else:
        notes.append("no circuit-year table (data_weights.csv): every weight is 1")
    cases = conform(pd.concat(frames, ignore_index=True), "cases")
    all_votes = pd.concat(votes, ignore_index=True)
    judges = None
    if with_judges:
        try:
            from toolkit.sources import auburn

            judges, jledger, jrows, jinfo = auburn.read_judges(raw_dir)
            ledger += jledger
            rows_read.update(jrows)
            info.update(jinfo)
            linked = all_votes["judge_id"].isin(judges["judge_id"])
            share = float(linked.mean())
            design = all_votes["by_designation"]
            notes.append(
                f"{share:.1%} of {len(all_votes):,} votes link to a judge in the Auburn data "
                f"({float(linked[~design].mean()):.1%} of circuit judges' votes, "
                f"{float(linked[design].mean()):.1%} of visiting district judges')"
            )
        except ToolkitError:
            notes.append(
                "Auburn judge attributes not fetched: votes carry no party "
                "(run `appellate fetch auburn`)"
            )
    votes_table = conform(all_votes.assign(is_author=pd.NA), "votes")
    return case_data(
        "songer",
        cases=cases,
        votes=votes_table,
        judges=judges,
        ledger=ledger,
        files=info,
        rows_read=rows_read,
        notes=notes,
    )
