"""Hand-coded sheets: reading the demo uncached and from the cache, the 60-petition coding
sheet (CSV and XLSX), drafting its mapping, and `import toolkit`.

Run: .venv/bin/python benchmarks/coded_sheets.py [--repeat 5]
Medians of ``--repeat`` runs after one warm-up; seconds count the work after the libraries
are imported. The cache lives in a temporary data folder, never in the project's.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHEET = Path(__file__).resolve().parents[1] / "tests" / "data" / "coding_sheet"


def _median(fn, repeat: int) -> float:
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return round(statistics.median(times), 4)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["APPELLATE_DATA"] = tmp
        import toolkit
        from toolkit import paths
        from toolkit.drafting import draft_mapping
        from toolkit.sources import coded

        mapping = Path(tmp) / "mapping.yaml"
        mapping.write_text(draft_mapping(SHEET / "sheet.csv", relative_to=tmp))
        xlsx = Path(tmp) / "mapping_xlsx.yaml"
        xlsx.write_text(draft_mapping(SHEET / "sheet.xlsx", sheet="Coding", relative_to=tmp))
        results = {
            "demo_uncached_s": _median(
                lambda: coded.read(mapping=paths.demo_dir() / "mapping.yaml"), args.repeat
            ),
            "demo_cached_s": _median(lambda: toolkit.load("demo"), args.repeat),
            "sheet_csv_s": _median(lambda: toolkit.load(mapping), args.repeat),
            "sheet_xlsx_s": _median(lambda: toolkit.load(xlsx), args.repeat),
            "draft_csv_s": _median(lambda: draft_mapping(SHEET / "sheet.csv"), args.repeat),
        }
    code = "import time; t = time.perf_counter(); import toolkit; print(time.perf_counter() - t)"
    runs = [
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout)
        for _ in range(args.repeat)
    ]
    results["import_toolkit_s"] = round(statistics.median(runs), 4)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
