"""First and cached load of each reference dataset, and of the demo.

Run: .venv/bin/python benchmarks/load_sources.py [--mirror ../shared/data] [--runs 5]
Fetches every source from the mirror into a temporary data folder, then times
``toolkit.load(name)`` once with an empty cache (read, map, validate, write Parquet) and
``--runs`` times from the Parquet cache (median), each in the same warm process.
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
        print(f"{'source':<12} {'first load':>11} {'cached (median)':>16} {'cases':>8}")
        for name in ["demo", *names]:
            if name == "demo":
                import shutil

                from toolkit import paths

                shutil.rmtree(paths.processed_dir() / "demo", ignore_errors=True)
            start = time.perf_counter()
            data = toolkit.load(name)
            first = time.perf_counter() - start
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                toolkit.load(name)
                times.append(time.perf_counter() - start)
            print(
                f"{name:<12} {first:>10.2f}s {statistics.median(times):>15.3f}s "
                f"{len(data.cases):>8,}"
            )


if __name__ == "__main__":
    main()
