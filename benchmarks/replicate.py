"""`toolkit.replicate` over the whole registry from the reference data: cold (building the
Parquet caches) and warm (reading them), median of three warm runs.

Run: .venv/bin/python benchmarks/replicate.py [--mirror ../shared/data]
The data folder is a fresh temporary one; fetching from the mirror is not timed.
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
    default = Path(__file__).resolve().parents[2] / "shared" / "data"
    parser.add_argument("--mirror", default=os.environ.get("APPELLATE_SHARED_DATA", default))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["APPELLATE_DATA"] = tmp
        from toolkit.replications import replicate, replication_summary
        from toolkit.store import fetch

        for source in ("scdb", "songer", "greene"):
            fetch(source, mirror=args.mirror)
        start = time.perf_counter()
        frame = replicate()
        cold = time.perf_counter() - start
        warm = []
        for _ in range(3):
            start = time.perf_counter()
            replicate()
            warm.append(time.perf_counter() - start)
        summary = replication_summary(frame)
        print(f"figures: {len(summary)}; verdicts: {summary['verdict'].value_counts().to_dict()}")
        print(
            f"cold (caches built): {cold:.2f} s; warm median of 3: {statistics.median(warm):.2f} s"
        )


if __name__ == "__main__":
    main()
