"""A 2,000,000-appeal IDB file: conversion to Parquet and the circuit x year x nature-of-suit x
outcome aggregation in DuckDB, side by side with plain pandas reading the same text file.

Run: .venv/bin/python benchmarks/idb_scale.py [--rows 2000000]
Each step runs in its own process, so its peak memory (max RSS) is its own; seconds count
the work after the libraries are imported.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BY = ["circuit", "year", "nos", "outcome"]


def _step(name: str, folder: Path) -> dict:
    import duckdb  # noqa: F401  imports are not timed: the work is
    import pandas  # noqa: F401

    import toolkit.sources.idb  # noqa: F401

    start = time.perf_counter()
    if name == "generate":
        from toolkit.sources import idb

        idb.generate(folder / "raw" / "idb" / "ap08on.txt", ARGS.rows, seed=1)
    elif name == "convert":
        from toolkit.sources import idb

        idb.parquet_path(folder / "raw", folder / "processed")
    elif name == "duckdb":
        from toolkit.sources import idb

        table = idb.aggregate(by=BY, parquet=next((folder / "processed" / "idb").glob("*.parquet")))
        rows = len(table)
    elif name == "pandas":
        import pandas as pd

        from toolkit.sources.idb import CIRCUIT, OUTCOME_2008

        raw = pd.read_csv(folder / "raw" / "idb" / "ap08on.txt", sep="\t")
        merits = raw["DISP"].isin([1, 2, 3])
        outcome = raw["OUTCOME"].map(OUTCOME_2008).where(merits, "other")
        outcome = outcome.where(raw["DISP"] != -8, "unknown")
        frame = pd.DataFrame(
            {
                "circuit": raw["CIRCUIT"].map(CIRCUIT),
                "year": raw["TAPEYEAR"],
                "nos": raw["NOS"],
                "outcome": outcome.fillna("unknown"),
            }
        )
        table = frame.groupby(BY, dropna=False).size().reset_index(name="n")
        rows = len(table)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out = {"step": name, "seconds": round(seconds, 2), "peak_mb": round(peak)}
    if name in ("duckdb", "pandas"):
        out["groups"] = rows
    return out


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="idb-bench-"))
    results = {}
    for name in ("generate", "convert", "duckdb", "pandas"):
        run = subprocess.run(
            [
                sys.executable,
                __file__,
                "--step",
                name,
                "--dir",
                str(folder),
                "--rows",
                str(ARGS.rows),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        results[name] = json.loads(run.stdout.strip().splitlines()[-1])
    size = (folder / "raw" / "idb" / "ap08on.txt").stat().st_size / 2**20
    parquet = next((folder / "processed" / "idb").glob("*.parquet")).stat().st_size / 2**20
    print(f"{ARGS.rows:,} appeals: text {size:.0f} MiB, Parquet {parquet:.0f} MiB")
    for name, r in results.items():
        print(
            f"  {name:<9} {r['seconds']:7.2f} s   peak {r['peak_mb']:6,} MiB"
            + (f"   {r['groups']:,} groups" if "groups" in r else "")
        )
    ratio = results["pandas"]["seconds"] / results["duckdb"]["seconds"]
    print(f"  aggregation: DuckDB over Parquet is {ratio:.1f}x faster than pandas on the text")
    import shutil

    shutil.rmtree(folder)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--step")
    parser.add_argument("--dir")
    ARGS = parser.parse_args()
    if ARGS.step:
        print(json.dumps(_step(ARGS.step, Path(ARGS.dir))))
    else:
        main()
