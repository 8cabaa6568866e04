"""Where the test suite's time goes: wall clock, the machine's load, seconds per file and marker.

Run: .venv/bin/python benchmarks/suite_time.py [PYTEST ARGS...]
e.g. ``benchmarks/suite_time.py`` (the whole suite, as ``make test``),
``benchmarks/suite_time.py -m "not slow"`` (the quick subset), or
``benchmarks/suite_time.py tests/test_models.py -n 2 --dist loadfile`` (with pytest-xdist).

Prints the wall-clock seconds, the 1-minute load average before and after (the suite shares the
machine: a load above the number of cores makes every number pessimistic), the summed test
seconds per file (setup, call and teardown, from ``--durations=0``), the share of them in tests
marked ``slow``, and the ten slowest tests.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINE = re.compile(r"^([\d.]+)s (setup|call|teardown)\s+(\S+)$")


def _slow_ids(args: list[str]) -> set[str]:
    """The node ids that carry the ``slow`` marker (one quiet collection)."""
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-m", "slow", "-p", "no:xdist"]
        + [a for a in args if a.startswith("tests") or a.startswith("toolkit")],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    return {line.strip() for line in run.stdout.splitlines() if "::" in line}


def main(args: list[str]) -> None:
    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "--durations=0", "-p", "no:cacheprovider", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - start
    load_after = os.getloadavg()[0]
    per_file: dict[str, float] = defaultdict(float)
    per_test: dict[str, float] = defaultdict(float)
    for line in run.stdout.splitlines():
        match = LINE.match(line.strip())
        if match:
            seconds, node = float(match.group(1)), match.group(3)
            per_file[node.split("::")[0]] += seconds
            per_test[node] += seconds
    slow = _slow_ids(args)
    in_slow = sum(s for node, s in per_test.items() if node in slow)
    total = sum(per_test.values())
    summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else run.stderr[-500:]
    print(f"pytest {' '.join(args) or '(everything)'}: {summary}")
    print(f"wall clock {wall:.1f} s on {os.cpu_count()} cores")
    print(f"load average (1 min) {load_before:.1f} before, {load_after:.1f} after")
    print(f"test seconds {total:.1f}, of which in tests marked slow {in_slow:.1f}")
    print("seconds per file:")
    for name, seconds in sorted(per_file.items(), key=lambda kv: -kv[1]):
        print(f"  {seconds:8.1f}  {name}")
    print("slowest tests:")
    for node, seconds in sorted(per_test.items(), key=lambda kv: -kv[1])[:10]:
        print(f"  {seconds:8.1f}  {node}")


if __name__ == "__main__":
    main(sys.argv[1:])
