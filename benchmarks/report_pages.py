"""Weight of the report pages: each page's own bytes, the shared files, the whole folder.

    python benchmarks/report_pages.py             # builds the demo reports in a temporary folder
    python benchmarks/report_pages.py reports/    # measures reports already built

A page's own size is what the browser test holds under its budget (300 KB); the shared
libraries in ``<dataset>/_static`` (Vega, DataTables, the page style sheet) are loaded by
every page of the folder but stored once.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

BUDGET = 300_000


def measure(root: Path) -> dict[str, int]:
    """Print and return the size of every page, of the shared files and of the folder."""
    sizes: dict[str, int] = {}
    for page in sorted(root.glob("*/*/index.html")):
        sizes[f"{page.parent.parent.name}/{page.parent.name}"] = page.stat().st_size
    shared = {
        f"{f.parent.parent.name}/_static/{f.name}": f.stat().st_size
        for f in sorted(root.glob("*/_static/*"))
    }
    total = sum(f.stat().st_size for f in root.rglob("*") if f.is_file())
    width = max([len(k) for k in [*sizes, *shared]] + [10])
    print(f"{'page':<{width}}  {'bytes':>10}  within {BUDGET // 1000} KB")
    for name, size in sizes.items():
        print(f"{name:<{width}}  {size:>10,}  {'yes' if size < BUDGET else 'NO'}")
    for name, size in shared.items():
        print(f"{name:<{width}}  {size:>10,}  (shared)")
    pages = sum(sizes.values())
    print(f"pages: {len(sizes)}, {pages:,} bytes; largest {max(sizes.values(), default=0):,}")
    print(f"shared files: {sum(shared.values()):,} bytes")
    print(f"whole folder (tables, figures, notebooks too): {total:,} bytes")
    return {"pages": pages, "shared": sum(shared.values()), "total": total}


def main() -> None:
    if len(sys.argv) > 1:
        measure(Path(sys.argv[1]))
        return
    from toolkit import paths
    from toolkit.reports import build_reports

    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        results = build_reports(paths.home() / "reports.yml", out_dir=folder)
        seconds = time.perf_counter() - start
        print(f"built {len(results)} demo reports in {seconds:.0f} s")
        measure(Path(folder))


if __name__ == "__main__":
    main()
