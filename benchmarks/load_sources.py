"""First and cached load of each reference dataset, and of the demo.

Run: .venv/bin/python benchmarks/load_sources.py [--mirror ../shared/data] [--runs 5]
Fetches every source from the mirror into a temporary data folder (every file verified
against the registry's checksums), then times ``toolkit.load(name)`` once with an empty cache
(read, map, validate, write Parquet) and ``--runs`` times from the Parquet cache (median), each
in the same warm process. A cached load checks everything: the raw files against their fetch
record, the cache key (the raw files' fingerprint) and the sha256 of every cached table; the
last columns give the bytes hashed and the time the hashing alone takes (median). ``cpu`` is
the process's CPU time for a cached load (all threads), which a busy shared machine inflates
less than the wall-clock time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--mirror", default=str(Path(__file__).resolve().parents[2] / "shared" / "data")
    )
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["APPELLATE_DATA"] = tmp
        import pandas  # noqa: F401  (imported before timing)

        import toolkit
        from toolkit.sources import fetch

        names = ["scdb", "songer", "auburn", "fjc_judges", "greene"]
        for name in names:
            fetch(name, mirror=args.mirror)
        from toolkit import paths, store
        from toolkit.sources import source_files

        print(
            f"{'source':<12} {'first load':>11} {'cached (median)':>16} {'cpu':>7} {'cases':>8} "
            f"{'hashed MB':>10} {'hashing':>9}"
        )
        for name in ["demo", *names]:
            if name == "demo":
                import shutil

                shutil.rmtree(paths.processed_dir() / "demo", ignore_errors=True)
            start = time.perf_counter()
            data = toolkit.load(name)
            first = time.perf_counter() - start
            times, cpu = [], []
            for _ in range(args.runs):
                start, start_cpu = time.perf_counter(), time.process_time()
                toolkit.load(name)
                times.append(time.perf_counter() - start)
                cpu.append(time.process_time() - start_cpu)
            hashed = [*source_files(name), *(paths.processed_dir() / name).rglob("*.parquet")]
            if name != "demo":  # raw files are hashed twice: fetch record and cache key
                hashed += source_files(name)
            hash_times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                for path in hashed:
                    store._sha256(path)
                hash_times.append(time.perf_counter() - start)
            megabytes = sum(p.stat().st_size for p in hashed) / 1e6
            print(
                f"{name:<12} {first:>10.2f}s {statistics.median(times):>15.3f}s "
                f"{statistics.median(cpu):>6.3f}s {len(data.cases):>8,} {megabytes:>10.1f} "
                f"{statistics.median(hash_times):>8.3f}s"
            )


if __name__ == "__main__":
    main()
