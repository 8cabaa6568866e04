"""The report runner: manifest, papermill in parallel, HTML, and the index page.

``reports.yml`` names the reports and their parameter sets::

    defaults: {data: demo, rule: disturbed, min_n: 30}
    reports:
      overview: {}                       # one report with the defaults
      judges:                            # several parameter sets: one report each
        - {}
        - {circuits: [ca9]}

Each report is written to ``reports/<data>/<report>[__<param-slug>]/``: the executed notebook,
``index.html`` (no code, charts interactive offline), ``figures/``, ``tables/`` and
``summary.json``. ``reports/index.html`` links them all with their status.

Every notebook runs in its own process (``python -m toolkit.reports``), so a per-notebook
timeout can stop it and its kernel cleanly, and one failure never takes the others down. A
report whose notebook, parameters, data fingerprint and package are unchanged is not run again.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.errors import ToolkitError

__all__ = ["Job", "JobResult", "build_reports", "load_manifest", "plan_jobs", "write_index"]

KERNEL_RETRIES = 2
_KERNEL_START_ERRORS = (
    "Kernel died before replying",
    "Address already in use",
    "Kernel didn't respond",
    "ZMQError",
)


@dataclass(frozen=True)
class Job:
    """One report to build: a notebook with one parameter set."""

    report: str
    notebook: Path
    parameters: dict[str, Any]
    out: Path
    key: str

    @property
    def label(self) -> str:
        return f"{self.out.parent.name}/{self.out.name}"


@dataclass
class JobResult:
    """What happened to one job."""

    job: Job
    status: str  # ok, skipped (does not apply), unchanged, failed
    seconds: float = 0.0
    error: str | None = None
    summary: dict[str, Any] = field(default_factory=dict)


def load_manifest(path: str | Path) -> dict[str, Any]:
    """Read ``reports.yml``: ``defaults`` and ``reports`` (name -> dict or list of dicts)."""
    import yaml

    path = Path(path)
    try:
        manifest = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise ToolkitError(f"report manifest not found: {path}") from None
    except yaml.YAMLError as exc:
        raise ToolkitError(f"report manifest {path} is not valid YAML: {exc}") from None
    if not isinstance(manifest.get("reports"), dict) or not manifest["reports"]:
        raise ToolkitError(f"{path}: expected a 'reports:' mapping of report names")
    unknown = sorted(set(manifest) - {"defaults", "reports", "notebooks"})
    if unknown:
        raise ToolkitError(f"{path}: unknown key(s) {', '.join(unknown)}")
    manifest["_dir"] = path.parent
    return manifest


def _slug(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "-".join(_slug(v) for v in value)
    return re.sub(r"[^A-Za-z0-9.]+", "-", str(value)).strip("-")


def plan_jobs(
    manifest: Mapping[str, Any],
    data: str | None = None,
    only: Sequence[str] | None = None,
    out_dir: str | Path | None = None,
    mapping: str | None = None,
) -> list[Job]:
    """Expand the manifest into jobs, checking every parameter set before anything runs.

    Raises
    ------
    ToolkitError
        Naming each bad parameter set (unknown circuit or rule, missing data file ...).
    """
    from toolkit import paths
    from toolkit.notebook import PARAMETERS, check_parameters, data_fingerprint

    base = Path(manifest.get("_dir", "."))
    notebooks = Path(manifest.get("notebooks", base / "notebooks"))
    if not notebooks.is_absolute():
        notebooks = base / notebooks
    out_root = Path(out_dir) if out_dir else paths.reports_dir()
    defaults = dict(manifest.get("defaults") or {})
    if data is not None:
        defaults["data"] = data
        defaults["mapping"] = mapping
    reports = manifest["reports"]
    if only:
        missing = sorted(set(only) - set(reports))
        if missing:
            raise ToolkitError(
                f"no such report(s): {', '.join(missing)}; the manifest has {', '.join(reports)}"
            )
    from toolkit.store import package_fingerprint

    package = package_fingerprint()
    jobs: list[Job] = []
    problems: list[str] = []
    fingerprints: dict[tuple[Any, Any], str] = {}
    for name, sets in reports.items():
        if only and name not in only:
            continue
        notebook = notebooks / f"{name}.ipynb"
        if not notebook.exists():
            problems.append(f"{name}: notebook not found: {notebook}")
            continue
        for overrides in sets if isinstance(sets, list) else [sets or {}]:
            params = {**PARAMETERS, **defaults, **(overrides or {})}
            try:
                params = check_parameters(params)
            except ToolkitError as exc:
                problems.append(f"{name} {overrides or ''}: {exc}")
                continue
            varying = {
                k: v
                for k, v in (overrides or {}).items()
                if k not in ("data", "mapping", "output_dir")
            }
            suffix = (
                "__" + "_".join(f"{k}-{_slug(v)}" for k, v in varying.items()) if varying else ""
            )
            data_slug = (
                params["data"]
                if "/" not in params["data"] and "." not in params["data"]
                else Path(params["data"]).stem
            )
            out = (out_root / data_slug / f"{name}{suffix}").resolve()
            params["output_dir"] = str(out)
            fp_key = (params["data"], params["mapping"])
            if fp_key not in fingerprints:
                fingerprints[fp_key] = data_fingerprint(params["data"], params["mapping"])
            key = hashlib.sha256(
                notebook.read_bytes()
                + json.dumps(params, sort_keys=True, default=str).encode()
                + fingerprints[fp_key].encode()
                + package.encode()
            ).hexdigest()[:20]
            jobs.append(Job(name, notebook.resolve(), params, out, key))
    if problems:
        raise ToolkitError("cannot build the reports:\n  - " + "\n  - ".join(problems))
    return jobs


COMPLETE = ("ok", "ok, with notes", "skipped")
"""Statuses of a finished report, reused by the next build when nothing changed. "ok, with
notes": the report ran, and says in its Notes section what a reader must know (a model that
needed a remedy, a section left out)."""


def _unchanged(job: Job) -> dict[str, Any] | None:
    path = job.out / "summary.json"
    try:
        summary = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    ok = summary.get("build_key") == job.key and summary.get("status") in COMPLETE
    return summary if ok and (job.out / "index.html").exists() else None


INTERRUPTED = "interrupted before it finished"
_LOCK = threading.Lock()
_STOP = threading.Event()
_RUNNING: dict[int, subprocess.Popen] = {}


def _single_threaded() -> dict[str, str]:
    """Notebooks run side by side, one per core: keep each numeric library to one thread."""
    names = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
    return {name: os.environ.get(name, "1") for name in names}


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _run_subprocess(job: Job, timeout: float, kernel: str) -> JobResult:
    start = time.perf_counter()
    spec = json.dumps(
        {
            "notebook": str(job.notebook),
            "out": str(job.out),
            "parameters": job.parameters,
            "key": job.key,
            "kernel": kernel,
            "report": job.report,
        }
    )
    job.out.mkdir(parents=True, exist_ok=True)
    with _LOCK:
        if _STOP.is_set():
            return JobResult(job, "failed", 0.0, INTERRUPTED)
        proc = subprocess.Popen(
            [sys.executable, "-m", "toolkit.reports", "--run-one", spec],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # its own process group: kernel included, killed together
            env={**os.environ, **_single_threaded()},
        )
        _RUNNING[proc.pid] = proc
    try:
        output, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(proc)
        proc.communicate()
        error = f"timed out after {timeout:.0f} s"
        _write_failure(job, error, time.perf_counter() - start)
        return JobResult(job, "failed", time.perf_counter() - start, error)
    finally:
        with _LOCK:
            _RUNNING.pop(proc.pid, None)
    seconds = time.perf_counter() - start
    if _STOP.is_set():
        return JobResult(job, "failed", seconds, INTERRUPTED)
    summary = _read_summary(job)
    if proc.returncode != 0 or summary.get("status") == "failed":
        error = summary.get("error") or (output or "").strip()[-2000:] or f"exit {proc.returncode}"
        if summary.get("status") != "failed":
            _write_failure(job, error, seconds)
        return JobResult(job, "failed", seconds, error, _read_summary(job))
    return JobResult(job, summary.get("status", "ok"), seconds, None, summary)


def _read_summary(job: Job) -> dict[str, Any]:
    try:
        return json.loads((job.out / "summary.json").read_text())
    except (OSError, ValueError):
        return {}


def _write_failure(job: Job, error: str, seconds: float) -> None:
    summary = _read_summary(job)
    summary.update(
        report=job.report,
        status="failed",
        error=error,
        parameters=job.parameters,
        build_key=None,
        seconds=round(seconds, 2),
    )
    job.out.mkdir(parents=True, exist_ok=True)
    (job.out / "summary.json").write_text(json.dumps(summary, indent=2, default=str) + "\n")


def _kernel_name() -> str:
    from jupyter_client.kernelspec import KernelSpecManager

    specs = KernelSpecManager().find_kernel_specs()
    return "appellate" if "appellate" in specs else "python3"


def build_reports(
    manifest: str | Path = "reports.yml",
    data: str | None = None,
    mapping: str | None = None,
    only: Sequence[str] | None = None,
    jobs: int | None = None,
    force: bool = False,
    timeout: float = 900.0,
    out_dir: str | Path | None = None,
    progress: Any = None,
) -> list[JobResult]:
    """Build the reports of a manifest; returns one result per report.

    Parameters
    ----------
    manifest
        The ``reports.yml`` file.
    data, mapping
        Build every report on this dataset instead of the manifest's.
    only
        Build only these reports (by name).
    jobs
        Parallel notebooks; default the number of cores.
    force
        Run again even the reports that are unchanged.
    timeout
        Seconds one notebook may take before it is stopped and marked failed.
    out_dir
        Where to write; default ``reports/``.
    progress
        Called with each :class:`JobResult` as it finishes (the command line prints a line).
    """
    from toolkit import paths

    plan = plan_jobs(
        load_manifest(manifest), data=data, only=only, out_dir=out_dir, mapping=mapping
    )
    results: list[JobResult] = []
    todo = []
    for job in plan:
        summary = None if force else _unchanged(job)
        if summary is not None:
            result = JobResult(job, "unchanged", 0.0, None, summary)
            results.append(result)
            if progress:
                progress(result, len(results), len(plan))
        else:
            todo.append(job)
    # longest first (by the last run's time), so the slowest notebook does not start last
    todo.sort(key=lambda job: -float(_read_summary(job).get("seconds") or 1e9))
    if todo:
        kernel = _kernel_name()
        workers = max(1, jobs or os.cpu_count() or 1)
        _STOP.clear()
        pool = ThreadPoolExecutor(max_workers=workers)
        futures = [pool.submit(_run_subprocess, job, timeout, kernel) for job in todo]
        try:
            for future in as_completed(futures):
                result = future.result()
                results.append(result)
                if progress:
                    progress(result, len(results), len(plan))
        except BaseException:  # Ctrl-C: stop every notebook, keep what finished, say so
            _STOP.set()
            with _LOCK:
                for proc in _RUNNING.values():
                    _kill(proc)
            pool.shutdown(wait=True, cancel_futures=True)
            finished = {r.job.out for r in results if r.error != INTERRUPTED}
            for job in todo:  # a notebook may have finished as the interrupt came
                if job.out not in finished and _unchanged(job) is None:
                    _write_failure(job, INTERRUPTED, 0.0)
            write_index(Path(out_dir) if out_dir else paths.reports_dir())
            raise
        pool.shutdown(wait=True)
    order = {job.out: i for i, job in enumerate(plan)}
    results.sort(key=lambda r: order[r.job.out])
    write_index(Path(out_dir) if out_dir else paths.reports_dir())
    return results


# ------------------------------------------------------------------ one notebook, in a child


def _is_kernel_start_error(exc: BaseException) -> bool:
    text = f"{type(exc).__name__}: {exc}"
    return any(marker in text for marker in _KERNEL_START_ERRORS)


def run_one(spec: Mapping[str, Any]) -> int:
    """Execute one notebook with papermill and convert it to HTML (runs in a child process)."""
    import papermill as pm

    out = Path(spec["out"])
    notebook = Path(spec["notebook"])
    executed = out / notebook.name
    start = time.perf_counter()
    error = None
    for attempt in range(KERNEL_RETRIES + 1):
        try:
            pm.execute_notebook(
                str(notebook),
                str(executed),
                parameters=dict(spec["parameters"]),
                kernel_name=spec["kernel"],
                progress_bar=False,
                cwd=str(notebook.parent),
                log_output=False,
            )
            error = None
            break
        except pm.PapermillExecutionError as exc:
            error = f"cell {exc.exec_count}: {exc.ename}: {exc.evalue}"
            break
        except Exception as exc:  # kernel start-up races: retry; anything else: report it
            error = f"{type(exc).__name__}: {exc}"
            if not (_is_kernel_start_error(exc) and attempt < KERNEL_RETRIES):
                break
            time.sleep(0.5 * (attempt + 1))
    seconds = time.perf_counter() - start
    summary: dict[str, Any] = {}
    try:
        summary = json.loads((out / "summary.json").read_text())
    except (OSError, ValueError):
        summary = {"report": spec["report"], "parameters": spec["parameters"]}
    if executed.exists():
        try:
            _to_html(executed, out / "index.html", summary, error)
        except Exception as exc:  # the notebook result stands; say the HTML failed
            error = error or f"HTML conversion failed: {type(exc).__name__}: {exc}"
    summary.update(
        status="failed" if error else summary.get("status", "ok"),
        error=error,
        build_key=None if error else spec["key"],
        executed_notebook=executed.name,
        seconds=round(seconds, 2),
        attempts=attempt + 1,
    )
    (out / "summary.json").write_text(json.dumps(summary, indent=2, default=str) + "\n")
    return 1 if error else 0


def _to_html(executed: Path, target: Path, summary: Mapping[str, Any], error: str | None) -> None:
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(executed, as_version=4)
    exporter = HTMLExporter(
        template_name="appellate",
        extra_template_basedirs=[str(Path(__file__).parent / "templates")],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    body, _ = exporter.from_notebook_node(
        nb, resources={"metadata": {"name": f"{summary.get('report', executed.stem)}"}}
    )
    if error:
        banner = (
            f'<div style="background:#fde2e1;border:1px solid #d1495b;padding:8px 12px;'
            f'margin:8px">This report failed: {html.escape(error)}. What ran before the '
            "error is shown below.</div>"
        )
        body = body.replace("<main>", "<main>" + banner, 1)
    target.write_text(body, encoding="utf-8")


# ------------------------------------------------------------------ the index page


def write_index(root: Path) -> Path:
    """Write ``root/index.html`` linking every report found under ``root``."""
    rows = []
    for summary_path in sorted(root.glob("*/*/summary.json")):
        try:
            summary = json.loads(summary_path.read_text())
        except ValueError:
            continue
        rows.append((summary_path.parent, summary))
    body = []
    for data in sorted({folder.parent.name for folder, _ in rows}):
        group = [(f, s) for f, s in rows if f.parent.name == data]
        simulated = any(s.get("simulated") for _, s in group)
        body.append(f"<h2>{html.escape(data)}</h2>")
        if simulated:
            body.append(
                '<p class="sim">SIMULATED DATA: these reports are made from the '
                "simulated demo dataset (fictional judges and cases).</p>"
            )
        body.append(
            "<table><tr><th>report</th><th>status</th><th>rule</th><th>headline</th>"
            "<th>seconds</th><th>data fingerprint</th></tr>"
        )
        for folder, s in group:
            status = s.get("status", "?")
            link = f"{data}/{folder.name}/index.html"
            name = html.escape(folder.name)
            cell = (
                f'<a href="{html.escape(link)}">{name}</a>'
                if (folder / "index.html").exists()
                else name
            )
            detail = html.escape(s.get("error") or "; ".join(s.get("notes", [])))
            headline = ", ".join(
                f"{html.escape(str(k))}: {html.escape(_fmt(v))}"
                for k, v in (s.get("headline") or {}).items()
            )
            body.append(
                f'<tr class="{html.escape(status)}"><td>{cell}</td><td>{html.escape(status)}'
                f"{'<br><small>' + detail + '</small>' if detail else ''}</td>"
                f"<td>{html.escape(str(s.get('rule', '')))}</td><td><small>{headline}</small></td>"
                f"<td>{s.get('seconds', '')}</td>"
                f"<td><code>{html.escape(str(s.get('data_fingerprint', '')))}</code></td></tr>"
            )
        body.append("</table>")
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Reports</title>
<style>
body {{ font-family: Helvetica, Arial, sans-serif; margin: 2em; color: #222; }}
table {{ border-collapse: collapse; }} td, th {{ border-bottom: 1px solid #ddd; padding: 4px 10px;
text-align: left; vertical-align: top; }} .failed td {{ background: #fde2e1; }}
.notes td {{ background: #fff8e1; }}
.sim {{ background: #fff3cd; border: 1px solid #edae49; padding: 6px 10px; }}
</style></head>
<body><h1>Reports on reversal patterns</h1>
{"".join(body) if body else "<p>No reports yet: run <code>make report</code>.</p>"}
</body></html>
"""
    root.mkdir(parents=True, exist_ok=True)
    target = root / "index.html"
    target.write_text(page, encoding="utf-8")
    return target


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


if __name__ == "__main__":  # the child process of _run_subprocess
    if len(sys.argv) == 3 and sys.argv[1] == "--run-one":
        sys.exit(run_one(json.loads(sys.argv[2])))
    sys.exit("usage: python -m toolkit.reports --run-one SPEC_JSON")
