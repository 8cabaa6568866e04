"""The Federal Judicial Center's Biographical Directory of Article III judges (export files).

``federal-judicial-service.csv`` has one row per appointment; ``judges.csv`` one row per judge.
The ``judges`` table has one row per judge (``judge_id`` = ``fjc:<nid>``): the court, dates,
appointing president and party of the judge's court-of-appeals appointment when there is one
(the toolkit studies appellate review), else of the judge's latest appointment; every
appointment stays available through :func:`read_service`.

Code tables: court names -> canonical court codes (:data:`COURTS`: the courts of appeals and
the Supreme Court; others keep their name); ``Party of Appointing President``: Democratic ->
democratic, Republican -> republican, others (Whig, Federalist, ...) -> other, "None
(assignment/reassignment)" -> empty (:data:`PARTY`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from toolkit.errors import DataError, ToolkitError
from toolkit.schema import CaseData, conform
from toolkit.sources.base import case_data, entry, fetched_folder, find, load_cached, read_table
from toolkit.sources.registry import REGISTRY

__all__ = ["COURTS", "FILES", "PARTY", "RELEASE", "read", "read_service"]

RELEASE = REGISTRY["fjc_judges"].release
FILES = REGISTRY["fjc_judges"].files
"""The files this reader needs (declared, with checksums, in :data:`toolkit.sources.REGISTRY`)."""
_ORDINAL = [
    "First",
    "Second",
    "Third",
    "Fourth",
    "Fifth",
    "Sixth",
    "Seventh",
    "Eighth",
    "Ninth",
    "Tenth",
    "Eleventh",
]
COURTS = {
    **{
        f"U.S. Court of Appeals for the {o} Circuit": f"ca{i}"
        for i, o in enumerate(_ORDINAL, start=1)
    },
    "U.S. Court of Appeals for the District of Columbia Circuit": "cadc",
    "U.S. Court of Appeals for the Federal Circuit": "cafc",
    "Supreme Court of the United States": "scotus",
}
PARTY = {
    "Democratic": "democratic",
    "Republican": "republican",
    "None (reassignment)": None,
    "None (assignment)": None,
}


def _column(frame: pd.DataFrame, *names: str) -> pd.Series:
    for name in names:
        if name in frame.columns:
            return frame[name]
    raise ToolkitError(f"none of the columns {names} found")


def _dates(values: pd.Series, column: str, path: Path) -> pd.Series:
    """Dates as the directory writes them: M/D/YYYY, and YYYY-MM-DD for many early ones.

    A non-blank value in neither form is an error naming its rows (header = row 1), never a
    silent missing date.
    """
    text = values.astype("string").str.strip()
    parsed = pd.to_datetime(text, format="%m/%d/%Y", errors="coerce")
    parsed = parsed.fillna(pd.to_datetime(text, format="%Y-%m-%d", errors="coerce"))
    bad = (text.notna() & text.ne("") & parsed.isna()).to_numpy()
    if bad.any():
        rows = [int(i) + 2 for i in bad.nonzero()[0]]
        raise DataError(
            f"unreadable dates, e.g. {text[bad].iloc[0]!r}",
            file=str(path),
            rows=rows,
            column=column,
            expected="a date written M/D/YYYY or YYYY-MM-DD, or blank",
        )
    return parsed


def read_service(raw_dir: str | Path | None = None) -> pd.DataFrame:
    """Every appointment: ``fjc_id``, ``sequence``, ``court``, ``court_name``, president,
    party, commission and termination dates."""
    folder = fetched_folder("fjc_judges", raw_dir)
    path = find(folder, ["federal-judicial-service"])
    if path is None:
        raise ToolkitError(
            "federal-judicial-service.csv is missing: run `appellate fetch fjc_judges`"
        )
    raw = read_table(path)
    court_name = _column(raw, "CourtName", "Court Name").astype("str")
    party_raw = _column(raw, "PartyofAppointingPresident", "Party of Appointing President")
    return pd.DataFrame(
        {
            "fjc_id": pd.to_numeric(raw["nid"]).astype("Int64"),
            "sequence": pd.to_numeric(raw["Sequence"]).astype("Int64"),
            "court": court_name.map(COURTS).fillna(court_name),
            "court_name": court_name,
            "court_type": _column(raw, "CourtType", "Court Type").astype("str"),
            "appointing_president": _column(
                raw, "AppointingPresident", "Appointing President"
            ).astype("str"),
            "party": party_raw.map(lambda p: PARTY.get(p, "other") if pd.notna(p) else None),
            "party_raw": party_raw,
            "commissioned": _dates(
                _column(raw, "CommissionDate", "Commission Date"), "CommissionDate", path
            ),
            "terminated": _dates(raw["Termination Date"], "Termination Date", path),
            "termination": raw["Termination"],
        }
    )


def read(raw_dir: str | Path | None = None, cache: bool = True) -> CaseData:
    """The FJC judges as a dataset with no cases (``judges`` holds them)."""
    folder = fetched_folder("fjc_judges", raw_dir)
    files = [p for p in folder.iterdir() if p.name != "fetched.json" and p.is_file()]
    return load_cached("fjc_judges", lambda: _build(folder, raw_dir), files, cache)


def _build(folder: Path, raw_dir: str | Path | None) -> CaseData:
    wide_path = find(folder, ["judges"])
    service_path = find(folder, ["federal-judicial-service"])
    if wide_path is None or service_path is None:
        raise ToolkitError(
            "judges.csv and federal-judicial-service.csv are both needed: run "
            "`appellate fetch fjc_judges`"
        )
    wide = read_table(wide_path)
    service = read_service(raw_dir)
    appeals = service["court"].astype("str").str.match(r"^ca(\d+|dc|fc)$")
    service = service.assign(_appeals=appeals)
    chosen = (
        service.sort_values(["fjc_id", "_appeals", "sequence"])
        .groupby("fjc_id")
        .tail(1)
        .set_index("fjc_id")
    )
    courts = service.groupby("fjc_id")["court"].agg(lambda s: "; ".join(map(str, s)))
    name = (
        wide[["First Name", "Middle Name", "Last Name", "Suffix"]]
        .fillna("")
        .astype("str")
        .agg(" ".join, axis=1)
        .str.split()
        .str.join(" ")
    )
    nid = pd.to_numeric(wide["nid"]).astype("Int64")
    pick = chosen.reindex(nid.to_numpy())
    judges = pd.DataFrame(
        {
            "judge_id": "fjc:" + nid.astype("str"),
            "name": name.to_numpy(),
            "court": pick["court"].to_numpy(),
            "appointing_president": pick["appointing_president"].to_numpy(),
            "party": pick["party"].to_numpy(),
            "commissioned": pick["commissioned"].to_numpy(),
            "fjc_id": nid.to_numpy(),
            "terminated": pick["terminated"].to_numpy(),
            "n_appointments": service.groupby("fjc_id")
            .size()
            .reindex(nid.to_numpy())
            .fillna(0)
            .astype("int64")
            .to_numpy(),
            "courts": courts.reindex(nid.to_numpy()).to_numpy(),
            "gender": wide["Gender"].to_numpy(),
            "race_or_ethnicity": wide["Race or Ethnicity"].to_numpy(),
        }
    )
    cases = conform(pd.DataFrame(columns=["case_id", "source", "outcome", "weight"]), "cases")
    ledger = [
        entry(wide_path.name, "judges", "kept", len(wide)),
        entry(
            service_path.name,
            "judges",
            "kept",
            len(service),
            "appointments: one per judge chosen (court of appeals first, else latest)",
        ),
    ]
    return case_data(
        "fjc_judges",
        cases=cases,
        judges=conform(judges, "judges", file=str(wide_path)),
        ledger=ledger,
        files=[wide_path, service_path],
        rows_read={wide_path.name: len(wide), service_path.name: len(service)},
    )
