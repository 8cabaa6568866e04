"""The index of the reports: time to write it (thumbnails drawn, then reused) and its weight.

Run: .venv/bin/python benchmarks/index_page.py [REPORTS_DIR] [--repeat 5]
REPORTS_DIR defaults to the project's ``reports/`` (build it first with ``make report``). The
folder is copied to a temporary one, so the project's reports are never touched. "Cold" is the
first write, with every thumbnail drawn; "warm" is a write with nothing changed (the page is
compared and not rewritten); "one chart changed" redraws one thumbnail. Medians of ``--repeat``
runs; the machine may be shared, so the times are pessimistic.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    default = Path(__file__).resolve().parents[1] / "reports"
    parser.add_argument("reports", nargs="?", default=str(default))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from toolkit.index import THUMBNAILS
    from toolkit.reports import write_index

    source = Path(args.reports)
    if not list(source.glob("*/*/summary.json")):
        raise SystemExit(f"no reports in {source}: run `make report` first")
    cold, warm, changed = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeat):
            root = Path(tmp) / f"run{i}"
            shutil.copytree(source, root, ignore=shutil.ignore_patterns(THUMBNAILS, "index.html"))
            cold.append(_timed(lambda root=root: write_index(root)))
            warm.append(_timed(lambda root=root: write_index(root)))
            svg = next(root.glob("*/*/figures/*.svg"), None)
            if svg is not None:  # one chart changes (a comment appended): one thumbnail redrawn
                svg.write_text(svg.read_text() + "<!-- changed -->\n")
                changed.append(_timed(lambda root=root: write_index(root)))
        page = root / "index.html"
        thumbs = sorted((root / THUMBNAILS).rglob("*.png"))
        reports = list(root.glob("*/*/summary.json"))
        figures = [f for f in root.glob("*/*/figures/*.png")]
        print(f"reports: {len(reports)}, thumbnails: {len(thumbs)}")
        print(f"write_index cold (thumbnails drawn): median {statistics.median(cold):.2f} s")
        print(f"write_index warm (nothing changed):  median {statistics.median(warm):.3f} s")
        if changed:
            print(f"write_index, one chart changed:     median {statistics.median(changed):.2f} s")
        print(f"index.html: {page.stat().st_size / 1024:.1f} KB")
        sizes = [t.stat().st_size for t in thumbs]
        if sizes:
            print(
                f"thumbnails: {sum(sizes) / 1024:.0f} KB in all, "
                f"{min(sizes) / 1024:.0f}-{max(sizes) / 1024:.0f} KB each"
            )
        if figures:
            full = [f.stat().st_size for f in figures]
            print(
                f"the reports' own PNG figures, for comparison: {len(full)} files, "
                f"{sum(full) / 1024:.0f} KB in all"
            )


if __name__ == "__main__":
    main()
