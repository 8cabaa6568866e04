"""Time `import toolkit` (fresh interpreter, median of runs) and loading the demo dataset.

Run: .venv/bin/python benchmarks/import_and_load.py [--runs 15]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time


def _interpreter(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    bare = [_interpreter("pass") for _ in range(runs)]
    imp = [_interpreter("import toolkit") for _ in range(runs)]
    print(f"python -c pass            median {statistics.median(bare):.3f} s")
    print(
        f"python -c 'import toolkit' median {statistics.median(imp):.3f} s "
        f"(import alone ~{statistics.median(imp) - statistics.median(bare):.3f} s)"
    )

    import toolkit

    start = time.perf_counter()
    toolkit.load("demo")
    first = time.perf_counter() - start
    again = []
    for _ in range(5):
        start = time.perf_counter()
        toolkit.load("demo")
        again.append(time.perf_counter() - start)
    print(
        f"load('demo') first {first:.3f} s (includes importing pandas), "
        f"then median {statistics.median(again):.3f} s"
    )


if __name__ == "__main__":
    main()
