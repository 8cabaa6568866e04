"""Cold build, no-op rebuild, and plain sequential papermill, on the demo reports.

Run: .venv/bin/python benchmarks/report_build.py
Prints seconds for: the same notebooks one after another with the papermill command line (the
baseline), `appellate report` on an empty output folder (cold), and `appellate report` again
(no-op, every report unchanged), and the cold/baseline ratio.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from toolkit import paths
from toolkit.reports import _kernel_name, load_manifest, plan_jobs


def _timed(cmd: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    manifest = paths.home() / "reports.yml"
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        jobs = plan_jobs(load_manifest(manifest), out_dir=tmp_path / "baseline")
        kernel = _kernel_name()
        baseline = 0.0
        for job in jobs:
            job.out.mkdir(parents=True, exist_ok=True)
            params = job.out / "params.yaml"
            params.write_text(yaml.safe_dump(job.parameters))
            baseline += _timed(
                [
                    sys.executable,
                    "-m",
                    "papermill",
                    str(job.notebook),
                    str(job.out / "executed.ipynb"),
                    "-f",
                    str(params),
                    "-k",
                    kernel,
                    "--cwd",
                    str(job.notebook.parent),
                ]
            )
        env = {**os.environ, "APPELLATE_REPORTS": str(tmp_path / "runner")}
        cli = [sys.executable, "-m", "toolkit", "report", "--manifest", str(manifest)]
        cold = _timed(cli, env)
        noop = _timed(cli, env)
    print(f"notebooks: {len(jobs)}, cores: {os.cpu_count()}")
    print(f"sequential papermill CLI (baseline): {baseline:6.1f} s")
    print(f"appellate report, cold:              {cold:6.1f} s  ({cold / baseline:.2f}x baseline)")
    print(f"appellate report, no-op rebuild:     {noop:6.2f} s")


if __name__ == "__main__":
    main()
