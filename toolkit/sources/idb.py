"""The FJC Integrated Database (IDB): courts of appeals, both layouts.

The FJC publishes the appeals data as tab-delimited text with a header row of the codebooks'
field names: ``ap71to07.txt`` (statistical years 1971-2007) and ``ap08on.txt`` (2008 onward).
They hold millions of appeals, so they are converted once, with DuckDB, into a Parquet file
(``data/processed/idb/``) with canonical columns added, and every later read or aggregation runs
in DuckDB over that file: ``load("idb", columns=[...], where="...")`` reads only what is asked
and :func:`aggregate` computes counts and rates without loading the appeals into pandas.

Raw columns are kept under their codebook names, except those whose name the canonical columns
take (``CIRCUIT``, ``OUTCOME``, ``NOS``), kept as ``CIRCUIT_code``, ``OUTCOME_code``, ``NOS_code``.

Code tables (each visible below; OUTCOME is valid only for terminations on the merits):

- ``CIRCUIT``: 0 -> cadc, 1-11 -> ca1-ca11.
- 2008 onward, merits are ``DISP`` 1-3; ``OUTCOME`` (:data:`OUTCOME_2008`): 1 affirmed,
  2 reversed, 3 mixed, 5 dismissed, 6 remanded, 7 other, 9 denied (certificate of
  appealability).
- 1971-2007, merits are ``DISP`` 1-3 from SY85 and 1-2 before; ``OUTCOME`` from SY85
  (:data:`OUTCOME_SY85`): 1 affirmed, 2 reversed, 3 mixed, 5 dismissed, 6 remanded, 7 other;
  SY71-84 (:data:`OUTCOME_SY71`): 1 affirmed, 2 reversed, 3 mixed, 4 and 5 dismissed,
  6 remanded, 7 other (transferred).
- Procedural terminations (not on the merits) -> ``other``; a missing code (-8) -> ``unknown``.

No real IDB file is shipped or fetched in tests: :func:`generate` writes realistic files in
either layout for tests and benchmarks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from toolkit import paths
from toolkit.errors import ToolkitError
from toolkit.outcomes import Rule, get_rule
from toolkit.results import LEVEL, MIN_N, RATES
from toolkit.schema import CaseData, conform, ledger_frame
from toolkit.sources.base import entry, fetched_folder
from toolkit.sources.registry import REGISTRY
from toolkit.store import file_info, fingerprint

__all__ = [
    "CIRCUIT",
    "FILES",
    "OUTCOME_2008",
    "OUTCOME_SY71",
    "OUTCOME_SY85",
    "RELEASE",
    "aggregate",
    "convert",
    "generate",
    "parquet_path",
    "read",
]

RELEASE = REGISTRY["idb"].release
FILES = REGISTRY["idb"].files
"""The files this reader needs (declared, with checksums, in :data:`toolkit.sources.REGISTRY`)."""
CIRCUIT = {0: "cadc", **{i: f"ca{i}" for i in range(1, 12)}}
OUTCOME_2008 = {
    1: "affirmed",
    2: "reversed",
    3: "mixed",
    5: "dismissed",
    6: "remanded",
    7: "other",
    9: "denied",
}
OUTCOME_SY85 = {1: "affirmed", 2: "reversed", 3: "mixed", 5: "dismissed", 6: "remanded", 7: "other"}
OUTCOME_SY71 = {
    1: "affirmed",
    2: "reversed",
    3: "mixed",
    4: "dismissed",
    5: "dismissed",
    6: "remanded",
    7: "other",
}

CANONICAL = [
    "case_id",
    "source",
    "court",
    "circuit",
    "year",
    "claim_type",
    "outcome",
    "outcome_raw",
    "decided",
    "filed",
    "argued",
    "weight",
]
CONVERSION = "2"
"""Version of the converted file's columns (2: ``filed`` and ``argued`` added)."""


def _case(column: str, table: Mapping[int, str]) -> str:
    whens = " ".join(f"WHEN {code} THEN '{value}'" for code, value in table.items())
    return f"CASE TRY_CAST({column} AS INTEGER) {whens} ELSE NULL END"


def _date(column: str, has: set[str]) -> str:
    """A codebook date (YYYYMMDD, or MM/DD/YYYY) as a DATE; 1900-01-01 (missing) as NULL."""
    if column not in has:
        return "CAST(NULL AS DATE)"
    parsed = f"coalesce(TRY_STRPTIME({column}, '%Y%m%d'), TRY_STRPTIME({column}, '%m/%d/%Y'))"
    return f"CAST(CASE WHEN year({parsed}) > 1900 THEN {parsed} END AS DATE)"


def _select(layout: str, columns: Sequence[str]) -> str:
    """SQL adding the canonical columns to one raw file."""
    has = {c.upper() for c in columns}
    year = "TRY_CAST(NEWSYTRM AS INTEGER)" if "NEWSYTRM" in has else "TRY_CAST(TAPEYEAR AS INTEGER)"
    disp = "TRY_CAST(DISP AS INTEGER)"
    code = "TRY_CAST(OUTCOME AS INTEGER)"
    if layout == "2008":
        merits = f"{disp} IN (1, 2, 3)"
        mapped = _case("OUTCOME", OUTCOME_2008)
    else:
        merits = f"({disp} IN (1, 2, 3) AND {year} >= 1985) OR ({disp} IN (1, 2) AND {year} < 1985)"
        mapped = (
            f"CASE WHEN {year} >= 1985 THEN {_case('OUTCOME', OUTCOME_SY85)} "
            f"ELSE {_case('OUTCOME', OUTCOME_SY71)} END"
        )
    outcome = (
        f"CASE WHEN {disp} IS NULL OR {disp} = -8 THEN 'unknown' "
        f"WHEN NOT ({merits}) THEN 'other' "
        f"WHEN {code} IS NULL OR {code} = -8 THEN 'unknown' "
        f"ELSE coalesce({mapped}, 'undocumented') END"
    )
    decided = _date("JUDGDATE", has)
    return f"""
        'idb:{layout}:' || CAST(row_number() OVER () AS VARCHAR) AS case_id,
        'idb' AS source,
        {_case("CIRCUIT", CIRCUIT)} AS court,
        {_case("CIRCUIT", CIRCUIT)} AS circuit,
        {year} AS year,
        CASE WHEN TRY_CAST(NOS AS INTEGER) > 0
             THEN 'nos_' || CAST(TRY_CAST(NOS AS INTEGER) AS VARCHAR) END AS claim_type,
        TRY_CAST(NOS AS INTEGER) AS nos,
        {outcome} AS outcome,
        'DISP=' || coalesce(DISP, '') || ' OUTCOME=' || coalesce(OUTCOME, '') AS outcome_raw,
        CAST({decided} AS DATE) AS decided,
        {_date("DKTDATE", has)} AS filed,
        {_date("HEARDATE", has)} AS argued,
        1.0 AS weight,
        '{layout}' AS layout"""


def _layout(path: Path, columns: Sequence[str]) -> str:
    name = path.name.lower()
    if "71to07" in name or "NEWSYTRM" in {c.upper() for c in columns}:
        return "1971"
    return "2008"


def convert(sources: Sequence[Path], target: Path) -> dict[str, Any]:
    """Convert raw IDB text files to one Parquet file with canonical columns (via DuckDB).

    Returns a summary: rows per file and outcome codes that the codebooks do not document.
    """
    import duckdb

    if not sources:
        raise ToolkitError("no IDB text files to convert")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".parquet.part")
    con = duckdb.connect()
    try:
        con.execute("SET preserve_insertion_order = false")
        selects, rows = [], {}
        for path in sources:
            read = f"read_csv('{path}', delim='\t', header=true, all_varchar=true)"
            columns = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {read}").fetchall()]
            missing = {"CIRCUIT", "DISP", "OUTCOME", "NOS"} - {c.upper() for c in columns}
            if missing:
                raise ToolkitError(
                    f"{path}: not an IDB appeals file: missing column(s) "
                    f"{', '.join(sorted(missing))}"
                )
            layout = _layout(path, columns)
            derived = {*CANONICAL, "nos", "layout", "raw_file"}
            keep = ", ".join(
                f'"{c}" AS "{c}_code"' if c.lower() in derived else f'"{c}"' for c in columns
            )
            selects.append(
                f"SELECT {_select(layout, columns)}, '{path.name}' AS raw_file, {keep} FROM {read}"
            )
        union = " UNION ALL BY NAME ".join(f"({s})" for s in selects)
        con.execute(f"COPY ({union}) TO '{tmp}' (FORMAT parquet, COMPRESSION zstd)")
        for name, n in con.execute(
            f"SELECT raw_file, count(*) FROM read_parquet('{tmp}') GROUP BY 1"
        ).fetchall():
            rows[name] = int(n)
        undocumented = con.execute(
            f"SELECT count(*) FROM read_parquet('{tmp}') WHERE outcome = 'undocumented'"
        ).fetchall()[0][0]
    finally:
        con.close()
    if undocumented:
        tmp.unlink(missing_ok=True)
        raise ToolkitError(
            f"{undocumented:,} appeals carry OUTCOME codes the codebooks do not document"
        )
    tmp.replace(target)
    return {"rows": rows}


def _raw_files(raw_dir: str | Path | None) -> list[Path]:
    folder = fetched_folder("idb", raw_dir)
    files = sorted(
        p
        for p in folder.iterdir()
        if p.suffix.lower() == ".txt" and p.name.lower().startswith("ap")
    )
    if not files:
        raise ToolkitError(f"no IDB appeals text files (ap08on.txt, ap71to07.txt) in {folder}")
    return files


def parquet_path(
    raw_dir: str | Path | None = None, processed_dir: str | Path | None = None
) -> Path:
    """The converted Parquet file for the fetched raw files (converting on first use)."""
    import json

    files = _raw_files(raw_dir)
    key = fingerprint(files)
    folder = Path(processed_dir or paths.processed_dir()) / "idb"
    target = folder / f"idb-{key}-c{CONVERSION}.parquet"
    summary = folder / f"idb-{key}-c{CONVERSION}.json"
    if not target.exists():
        result = convert(files, target)
        result["files"] = {p.name: file_info(p) for p in files}
        summary.write_text(json.dumps(result))
        for old in folder.glob("idb-*.parquet"):
            if old != target:
                old.unlink()
    return target


def _sql_list(values: Sequence[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def read(
    columns: Sequence[str] | None = None,
    where: str | None = None,
    raw_dir: str | Path | None = None,
    processed_dir: str | Path | None = None,
) -> CaseData:
    """Read IDB appeals into the canonical model, only the columns and rows asked for.

    Parameters
    ----------
    columns
        Extra raw or derived columns to keep besides the canonical ones (e.g. ``["nos",
        "DISP"]``); default none.
    where
        A DuckDB SQL condition on the converted file (e.g. ``"circuit = 'ca9' AND year >=
        2015"``). Rows it leaves out are counted in the ledger as excluded.
    """
    import json

    import duckdb

    path = parquet_path(raw_dir, processed_dir)
    summary = json.loads(path.with_suffix(".json").read_text())
    wanted = list(dict.fromkeys([*CANONICAL, *(columns or [])]))
    cols = ", ".join(f'"{c}"' for c in wanted)
    condition = f"WHERE {where}" if where else ""
    con = duckdb.connect()
    try:
        frame = con.execute(f"SELECT {cols} FROM '{path}' {condition}").fetch_df()
        per_file = dict(
            con.execute(
                f"SELECT raw_file, count(*) FROM '{path}' {condition} GROUP BY 1"
            ).fetchall()
        )
    except duckdb.Error as exc:
        raise ToolkitError(
            f"cannot read the IDB with columns={columns!r}, where={where!r}: {exc}"
        ) from None
    finally:
        con.close()
    ledger = []
    for name, total in summary["rows"].items():
        kept = int(per_file.get(name, 0))
        ledger.append(entry(name, "cases", "kept", kept))
        if total - kept:
            ledger.append(
                entry(
                    name,
                    "cases",
                    "excluded",
                    total - kept,
                    f"outside the requested rows (where: {where})",
                )
            )
    cases = conform(frame, "cases", file=str(path))
    return CaseData(
        cases=cases,
        ledger=ledger_frame(ledger),
        meta={
            "source": "idb",
            "release": RELEASE,
            "files": summary["files"],
            "rows_read": summary["rows"],
            "where": where,
            "notes": [f"read from {path.name} with DuckDB"],
        },
    )


def aggregate(
    by: Sequence[str] = ("circuit", "year", "nos", "outcome"),
    rule: str | Rule | Mapping[str, Any] | None = None,
    where: str | None = None,
    parquet: str | Path | None = None,
    level: float = LEVEL,
    min_n: int = MIN_N,
) -> pd.DataFrame:
    """Counts (or reversal rates) by groups, computed in DuckDB over the Parquet file.

    Parameters
    ----------
    by
        Grouping columns of the converted file.
    rule
        None: one row per group with the count ``n``. A reversal rule: the columns of
        :func:`toolkit.reversal_rates` (Wilson intervals, unweighted; declared in
        :data:`toolkit.results.RATES`), with ``outcome`` not allowed in ``by``.
    where
        A DuckDB SQL condition.
    parquet
        The converted file; default the one for the fetched raw files.
    """
    import duckdb

    from toolkit.rates import proportion_ci

    path = Path(parquet) if parquet else parquet_path()
    keys = ", ".join(f'"{c}"' for c in by)
    condition = f"WHERE {where}" if where else ""
    con = duckdb.connect()
    try:
        if rule is None:
            sql = (
                f"SELECT {keys}, count(*) AS n FROM '{path}' {condition} GROUP BY ALL ORDER BY ALL"
            )
            return con.execute(sql).fetch_df()
        if "outcome" in by:
            raise ToolkitError("rates by outcome make no sense: drop 'outcome' from by")
        r = get_rule(rule)
        ones = [o for o, v in r.mapping.items() if v == 1]
        counted = [o for o, v in r.mapping.items() if v is not None]
        sql = (
            f"SELECT {keys}, "
            f"count(*) FILTER (WHERE outcome IN ({_sql_list(counted)})) AS n, "
            f"count(*) FILTER (WHERE outcome IN ({_sql_list(ones)})) AS n_reversed, "
            f"count(*) FILTER (WHERE outcome NOT IN ({_sql_list(counted)})) AS n_excluded "
            f"FROM '{path}' {condition} GROUP BY ALL ORDER BY ALL"
        )
        table = con.execute(sql).fetch_df()
    finally:
        con.close()
    n = table["n"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        table["rate"] = table["n_reversed"] / n
    table["ci_low"], table["ci_high"] = proportion_ci(table["n_reversed"], n, "wilson", level)
    table["small_n"] = table["n"] < min_n
    table["n_effective"] = n  # unweighted: every case counts once
    table["rule"] = r.name
    table["ci_method"] = "wilson"
    out = table[[*by, *RATES.names(include_optional=False)]]
    out.attrs.update(ci="wilson", level=level, weighted=False, min_n=min_n, rule=r.as_dict())
    return out


def generate(
    path: str | Path,
    n: int,
    layout: str = "2008",
    seed: int = 0,
    first_year: int | None = None,
    last_year: int | None = None,
) -> Path:
    """Write a realistic IDB-layout appeals file (tab-delimited, header row) of ``n`` appeals.

    Circuits, natures of suit, dispositions and outcomes are drawn with shares of the order seen
    in the published tables; codes follow the codebook of the chosen ``layout`` ("2008" or
    "1971"). For tests and benchmarks: the rows are simulated, not real appeals.
    """
    rng = np.random.default_rng(seed)
    path = Path(path)
    first = first_year or (2008 if layout == "2008" else 1971)
    last = last_year or (2024 if layout == "2008" else 2007)
    share = np.array([4, 3, 8, 6, 9, 11, 7, 5, 5, 18, 4, 10], dtype=float)
    circuit = rng.choice(np.arange(12), size=n, p=share / share.sum())
    year = rng.integers(first, last + 1, size=n)
    nos_codes = np.array([-8, 440, 442, 530, 550, 555, 190, 110, 850, 360, 463, 510])
    nos = rng.choice(nos_codes, size=n, p=np.array([30, 8, 8, 10, 12, 5, 8, 6, 3, 4, 2, 4]) / 100)
    disp = rng.choice([1, 2, 4, 5, -8], size=n, p=[0.08, 0.42, 0.22, 0.27, 0.01])
    merits = np.isin(disp, [1, 2])
    if layout == "2008":
        codes, probs = [1, 2, 3, 5, 6, 7, 9], [0.80, 0.07, 0.02, 0.05, 0.01, 0.01, 0.04]
    else:
        codes, probs = [1, 2, 3, 5, 6, 7], [0.83, 0.08, 0.02, 0.05, 0.01, 0.01]
    outcome = np.where(merits, rng.choice(codes, size=n, p=probs), -8)
    docket = rng.integers(1000, 99999, size=n)
    frame = pd.DataFrame(
        {
            "CIRCUIT": circuit,
            "DOCKET": [f"{y % 100:02d}-{d}" for y, d in zip(year, docket, strict=True)],
            "DKTDATE": [
                f"{y - 1}0{m}15" for y, m in zip(year, rng.integers(1, 10, n), strict=True)
            ],
            "APPTYPE": rng.choice([1, 3, 4, 5, 19], size=n),
            "NOS": nos,
            "DISP": disp,
            "OUTCOME": outcome,
            "PROCTERM": np.where(disp == 4, rng.integers(1, 9, size=n), -8),
            "JUDGDATE": [f"{y}0{m}20" for y, m in zip(year, rng.integers(1, 10, n), strict=True)],
            "TAPEYEAR": year,
            "JDGCODE1": rng.integers(100, 999, size=n),
            "JDGCODE2": rng.integers(100, 999, size=n),
            "JDGCODE3": rng.integers(100, 999, size=n),
        }
    )
    if layout != "2008":
        frame["NEWSYTRM"] = year
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, sep="\t", index=False)
    return path
