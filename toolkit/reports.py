"""The report runner: manifest, papermill in parallel, HTML, and the index page.

``reports.yml`` names the reports and their parameter sets::

    defaults: {data: demo, rule: disturbed, min_n: 30}
    reports:
      overview: {}                       # one report with the defaults
      judges:                            # several parameter sets: one report each
        - {}
        - {circuits: [ca9]}

Each report is written to ``reports/<dataset>/<report>[__<param-slug>]/`` (``<dataset>``: a
source name, or a file's source name plus a fingerprint of its location; see
:func:`toolkit.paths.report_folder`): the executed notebook,
``index.html`` (no code, charts interactive offline), ``figures/``, ``tables/`` and
``summary.json``. ``reports/index.html`` links them all with their status.

Every notebook runs in its own process (``python -m toolkit.reports``), so a per-notebook
timeout can stop it and its kernel cleanly, and one failure never takes the others down. A
report whose notebook, parameters, data fingerprint and package are unchanged, and whose
executed notebook and page are intact (their sha256 is in ``summary.json``), is not run again.

Crash safety: a report is built in a hidden folder beside its own (``.<report>.build-*``) and
renamed into place only when complete, and every file the runner writes goes through a
temporary name, so a kill, a timeout or a full disk never replaces a good report with a broken
one: the previous report stays, and its ``summary.json`` records that the latest run failed
(``last_run``). Each report folder has a lock (``.<report>.lock`` beside it, holding the
runner's pid): a second runner refuses with a clear message instead of building the same
report twice, and the next run removes what a killed runner left. Notebook processes die with
the runner.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from toolkit.errors import ToolkitError
from toolkit.store import LockBusyError, file_lock, write_atomic

__all__ = [
    "Job",
    "JobResult",
    "build_reports",
    "find_notebook",
    "load_manifest",
    "parse_settings",
    "plan_jobs",
    "write_index",
]

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
    """Read ``reports.yml``: ``defaults`` and ``reports`` (name -> dict or list of dicts).

    Raises
    ------
    ToolkitError
        Naming every malformed part (a parameter set that is not a mapping, ``defaults:`` as a
        list, a report name that cannot be a folder name ...).
    """
    import yaml

    path = Path(path)
    try:
        manifest = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise ToolkitError(f"report manifest not found: {path}") from None
    except UnicodeDecodeError:
        raise ToolkitError(f"report manifest {path} is not UTF-8 text") from None
    except yaml.YAMLError as exc:
        raise ToolkitError(f"report manifest {path} is not valid YAML: {exc}") from None
    if not isinstance(manifest, dict):
        raise ToolkitError(
            f"{path}: expected a mapping with 'defaults:' and 'reports:', "
            f"not a {type(manifest).__name__}"
        )
    if not isinstance(manifest.get("reports"), dict) or not manifest["reports"]:
        raise ToolkitError(f"{path}: expected a 'reports:' mapping of report names")
    unknown = sorted(str(k) for k in set(manifest) - {"defaults", "reports", "notebooks"})
    if unknown:
        raise ToolkitError(f"{path}: unknown key(s) {', '.join(unknown)}")
    _check_manifest(path, manifest)
    manifest["_dir"] = path.parent
    return manifest


def parse_settings(items: Sequence[str] | None) -> dict[str, Any]:
    """``NAME=VALUE`` strings (``appellate report --set``) -> parameters.

    Values are read as YAML scalars (``true``, ``30``, ``null``, ``ca9``); a comma makes a list
    (``years=2007,2017`` -> ``[2007, 2017]``); ``[...]`` is a YAML list. The parameters are
    then checked like the manifest's, against each notebook's own parameters.

    Examples
    --------
    >>> parse_settings(["years=2007,2017", "rule=reversed", "circuits=ca9", "min_n=10"])
    {'years': [2007, 2017], 'rule': 'reversed', 'circuits': 'ca9', 'min_n': 10}
    """
    import yaml

    settings: dict[str, Any] = {}
    for item in items or []:
        name, sep, text = str(item).partition("=")
        name = name.strip()
        if not sep or not name:
            raise ToolkitError(f"--set {item!r}: expected NAME=VALUE, e.g. --set rule=reversed")
        if name in settings:
            raise ToolkitError(f"--set {name} is given twice")
        text = text.strip()
        try:
            if "," in text and not text.startswith(("[", "{")):
                value: Any = [yaml.safe_load(part.strip()) for part in text.split(",")]
            else:
                value = yaml.safe_load(text) if text else None
        except yaml.YAMLError as exc:
            raise ToolkitError(f"--set {item!r}: the value is not valid YAML: {exc}") from None
        settings[name] = value
    return settings


def find_notebook(name: str, folder: str | Path | None = None) -> Path:
    """A report notebook by name: in ``folder`` first, then among the package's notebooks.

    A manifest in a researcher's own folder can so name the package's reports (``circuits``,
    ``replication`` ...) without copying them.
    """
    from toolkit import paths

    candidates = []
    if folder is not None:
        candidates.append(Path(folder) / f"{name}.ipynb")
    candidates.append(paths.notebooks_dir() / f"{name}.ipynb")
    for path in candidates:
        if path.exists():
            return path
    raise ToolkitError(
        f"{name}: notebook not found (looked in {', '.join(str(c.parent) for c in candidates)})"
    )


def _check_manifest(path: Path, manifest: Mapping[str, Any]) -> None:
    """The shapes a manifest must have, each problem named (not a traceback later)."""
    problems = []
    defaults = manifest.get("defaults")
    if defaults is not None and not isinstance(defaults, dict):
        problems.append(
            "defaults: expected a mapping of parameter names to values, "
            f"not a {type(defaults).__name__}"
        )
    elif defaults and any(not isinstance(k, str) for k in defaults):
        problems.append("defaults: parameter names must be text")
    notebooks = manifest.get("notebooks")
    if notebooks is not None and not isinstance(notebooks, str):
        problems.append(f"notebooks: expected a folder path, not {notebooks!r}")
    for name, sets in manifest["reports"].items():
        if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", name):
            problems.append(f"report name {name!r}: expected letters, digits, _ . or -")
            continue
        if isinstance(sets, list) and not sets:
            problems.append(f"reports.{name}: an empty list builds nothing; use {{}}")
        for i, one in enumerate(sets if isinstance(sets, list) else [sets]):
            where = f"reports.{name}" + (f"[{i}]" if isinstance(sets, list) else "")
            if one is not None and not isinstance(one, dict):
                problems.append(
                    f"{where}: expected a mapping of parameters ({{}} for the defaults), "
                    f"not {one!r}"
                )
            elif one and any(not isinstance(k, str) for k in one):
                problems.append(f"{where}: parameter names must be text")
    if problems:
        raise ToolkitError(f"{path} is malformed:\n  - " + "\n  - ".join(problems))


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
    settings: Mapping[str, Any] | None = None,
) -> list[Job]:
    """Expand the manifest into jobs, checking every parameter set before anything runs.

    ``settings`` (``appellate report --set``) apply to every report, after the manifest's own
    values. Every parameter must be one the notebook's ``parameters`` cell takes.

    Raises
    ------
    ToolkitError
        Naming each bad parameter set (unknown circuit or rule, missing data file ...).
    """
    from toolkit import paths
    from toolkit.parameters import PARAMETERS, check_parameters, notebook_parameters
    from toolkit.sources import SOURCES, data_fingerprint

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
        try:
            notebook = find_notebook(name, notebooks)
            own = notebook_parameters(notebook)
        except ToolkitError as exc:
            problems.append(str(exc))
            continue
        for overrides in sets if isinstance(sets, list) else [sets or {}]:
            given = {**defaults, **(overrides or {}), **dict(settings or {})}
            params = {**PARAMETERS, **{k: v for k, v in own.items() if k not in PARAMETERS}}
            params.update(given)
            for key in ("data", "mapping"):  # the notebook runs in its own folder
                value = params.get(key)
                if isinstance(value, str) and value not in SOURCES and Path(value).exists():
                    params[key] = str(Path(value).resolve())
            try:
                params = check_parameters(params, allowed=list(own))
            except ToolkitError as exc:
                problems.append(f"{name} {overrides or ''}: {exc}")
                continue
            varying = {
                k: v
                for k, v in {**(overrides or {}), **dict(settings or {})}.items()
                if k not in ("data", "mapping", "output_dir")
            }
            suffix = (
                "__" + "_".join(f"{k}-{_slug(v)}" for k, v in varying.items()) if varying else ""
            )
            data_slug = paths.report_folder(params["data"], params["mapping"])
            out = (out_root / data_slug / f"{name}{suffix}").resolve()
            bad_path = (
                _not_utf8(out)
                or _not_utf8(notebook)
                or next(
                    (f"{k}: {_not_utf8(str(v))}" for k, v in params.items() if _not_utf8(str(v))),
                    None,
                )
            )
            if bad_path:
                problems.append(f"{name}: {bad_path}")
                continue
            if params.get("formula") is not None:  # its shape, before any kernel starts
                from toolkit.formulas import check_formula

                try:
                    check_formula(params["formula"])
                except ToolkitError as exc:
                    problems.append(f"{name} {overrides or ''}: {exc}")
                    continue
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


def _not_utf8(path: Path | str) -> str | None:
    """A message when a path (or a parameter) cannot go into a notebook (not valid UTF-8)."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        shown = str(path).encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        return (
            f"the path {shown} is not valid UTF-8, which notebooks and HTML pages need; "
            "use a folder whose name is valid UTF-8 (APPELLATE_REPORTS or the manifest's folder)"
        )
    return None


def _sha256(path: Path) -> str | None:
    from toolkit.store import _sha256 as file_sha256

    try:
        return file_sha256(path)
    except OSError:
        return None


def _intact(folder: Path, summary: Mapping[str, Any]) -> bool:
    """The executed notebook and the page are the ones ``summary.json`` was written with, and
    the shared files the page links to are there, unaltered."""
    from toolkit.presentation import broken_static

    notebook = summary.get("executed_notebook")
    return (
        isinstance(notebook, str)
        and summary.get("executed_sha256") is not None
        and _sha256(folder / notebook) == summary.get("executed_sha256")
        and _sha256(folder / "index.html") == summary.get("html_sha256")
        and not broken_static(folder / "index.html")  # the shared libraries it links to
    )


def _unchanged(job: Job) -> dict[str, Any] | None:
    summary = _read_summary(job.out)
    ok = summary.get("build_key") == job.key and summary.get("status") in COMPLETE
    return summary if ok and _intact(job.out, summary) else None


INTERRUPTED = "interrupted before it finished"
_LOCK = threading.Lock()
_STOP = threading.Event()
_RUNNING: dict[int, subprocess.Popen] = {}


def _single_threaded() -> dict[str, str]:
    """Notebooks run side by side, one per core: keep each numeric library to one thread."""
    names = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
    return {name: os.environ.get(name, "1") for name in names}


def _project_env() -> dict[str, str]:
    """The notebook runs in its own folder: pin the project it belongs to."""
    from toolkit import paths

    return {"APPELLATE_HOME": str(paths.home())}


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _staging(job: Job) -> Path:
    staging = Path(tempfile.mkdtemp(dir=job.out.parent, prefix=f".{job.out.name}.build-"))
    staging.chmod(0o755)  # readable like any report folder once it is renamed into place
    return staging


def _run_subprocess(job: Job, timeout: float, kernel: str, begin: Any = None) -> JobResult:
    start = time.perf_counter()
    with _LOCK:
        if _STOP.is_set():
            return JobResult(job, "failed", 0.0, INTERRUPTED)
    try:
        staging = _staging(job)
    except OSError as exc:
        error = f"cannot write in {job.out.parent}: {exc.strerror or exc}"
        return JobResult(job, "failed", 0.0, error)
    spec = json.dumps(
        {
            "notebook": str(job.notebook),
            "out": str(staging),
            "final": str(job.out),
            "parameters": job.parameters,
            "key": job.key,
            "kernel": kernel,
            "report": job.report,
            "runner": os.getpid(),
        }
    )
    try:
        with _LOCK:
            if _STOP.is_set():
                return JobResult(job, "failed", 0.0, INTERRUPTED)
            proc = subprocess.Popen(
                [sys.executable, "-m", "toolkit.reports", "--run-one", spec],
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                start_new_session=True,  # its own process group, killed together on timeout
                env={**os.environ, **_single_threaded(), **_project_env()},
            )
            _RUNNING[proc.pid] = proc
        if begin:
            begin(job)
        try:
            output, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill(proc)
            proc.communicate()
            error = f"timed out after {timeout:g} s"
            _record_failure(job, error, time.perf_counter() - start)
            return JobResult(
                job, "failed", time.perf_counter() - start, error, _read_summary(job.out)
            )
        finally:
            with _LOCK:
                _RUNNING.pop(proc.pid, None)
        seconds = time.perf_counter() - start
        if _STOP.is_set():
            return JobResult(job, "failed", seconds, INTERRUPTED)
        summary = _read_summary(staging)
        if "executed_sha256" not in summary:  # the child died before it finished its work
            error = (output or "").strip()[-2000:] or f"exit {proc.returncode}"
            _record_failure(job, error, seconds)
            return JobResult(job, "failed", seconds, error, _read_summary(job.out))
        try:
            _publish(staging, job.out)
        except OSError as exc:
            error = f"cannot put the report in place: {exc.strerror or exc}"
            _record_failure(job, error, seconds)
            return JobResult(job, "failed", seconds, error, _read_summary(job.out))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    summary = _read_summary(job.out)
    if proc.returncode != 0 or summary.get("status") == "failed":
        error = summary.get("error") or f"exit {proc.returncode}"
        return JobResult(job, "failed", seconds, error, summary)
    return JobResult(job, summary.get("status", "ok"), seconds, None, summary)


def _publish(staging: Path, out: Path) -> None:
    """Put a complete report in place of the previous one (two renames; see :func:`_recover`)."""
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.exists():
        os.replace(out, old)
    os.replace(staging, out)
    shutil.rmtree(old, ignore_errors=True)


def _recover(out: Path) -> None:
    """Undo what a killed runner left beside ``out`` (called under the folder's lock)."""
    parent = out.parent
    if not parent.is_dir():
        return
    previous = sorted(
        parent.glob(f".{out.name}.old-*"), key=lambda p: p.stat().st_mtime, reverse=True
    )
    if previous and not out.exists():  # killed between the two renames of _publish
        os.replace(previous.pop(0), out)
    for leftover in [*previous, *parent.glob(f".{out.name}.build-*")]:
        shutil.rmtree(leftover, ignore_errors=True)


def _read_summary(folder: Path) -> dict[str, Any]:
    try:
        summary = json.loads((folder / "summary.json").read_text())
    except (OSError, ValueError):
        return {}
    return summary if isinstance(summary, dict) else {}


def _record_failure(job: Job, error: str, seconds: float) -> None:
    """Say that a run failed without a complete report.

    A previous complete report stays as it is, with ``last_run`` saying the latest run
    failed; without one, ``summary.json`` says failed.
    """
    summary = _read_summary(job.out)
    attempt = {
        "status": "failed",
        "error": error,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(seconds, 2),
    }
    if summary.get("status") in COMPLETE and _intact(job.out, summary):
        summary["last_run"] = attempt
    else:
        summary = {
            "report": job.report,
            "status": "failed",
            "error": error,
            "parameters": job.parameters,
            "build_key": None,
            "seconds": round(seconds, 2),
        }
    with contextlib.suppress(OSError):  # a full disk: the run's result still says failed
        job.out.mkdir(parents=True, exist_ok=True)
        write_atomic(job.out / "summary.json", json.dumps(summary, indent=2, default=str) + "\n")


def _kernel_name() -> str:
    from jupyter_client.kernelspec import KernelSpecManager

    specs = KernelSpecManager().find_kernel_specs()
    return "appellate" if "appellate" in specs else "python3"


def _lock_folders(stack: contextlib.ExitStack, todo: Sequence[Job]) -> None:
    """Take every report folder's lock and repair what a killed runner left, or refuse."""
    busy = []
    for job in todo:
        try:
            job.out.parent.mkdir(parents=True, exist_ok=True)
            stack.enter_context(
                file_lock(job.out.parent / f".{job.out.name}.lock", wait=False, what=f"{job.label}")
            )
            _recover(job.out)
        except LockBusyError as exc:
            busy.append(str(exc))
        except OSError as exc:
            raise ToolkitError(
                f"cannot write the reports in {job.out.parent}: {exc.strerror or exc}"
            ) from None
    if busy:
        raise ToolkitError(
            "another report runner is building the same reports; nothing was run:\n  - "
            + "\n  - ".join(busy)
        )


def _tidy(jobs: Sequence[Job]) -> None:
    """Remove what a killed runner left beside reports that need no run (when free)."""
    for job in jobs:
        if not any(job.out.parent.glob(f".{job.out.name}.*-*")):
            continue
        lock = job.out.parent / f".{job.out.name}.lock"
        with contextlib.suppress(LockBusyError, OSError), file_lock(lock, wait=False):
            _recover(job.out)


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
    settings: Mapping[str, Any] | None = None,
    started: Any = None,
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
        Seconds one notebook may take before it is stopped and marked failed (> 0).
    out_dir
        Where to write; default ``reports/``.
    progress
        Called with each :class:`JobResult` as it finishes (the command line prints a line).
    settings
        Parameters for every report (``appellate report --set NAME=VALUE``), checked like
        the manifest's.
    started
        Called with each :class:`Job` and the number of reports as its notebook starts
        (from a worker thread; the command line's live display shows what is running).

    Raises
    ------
    ToolkitError
        For a bad manifest or parameters, a timeout or job count out of range, a reports
        folder that cannot be written, or reports another runner is building.
    """
    from toolkit import paths

    if (
        isinstance(timeout, bool)
        or not isinstance(timeout, int | float)
        or not (timeout > 0 and math.isfinite(timeout))
    ):
        raise ToolkitError(f"timeout: expected a number of seconds greater than 0, not {timeout!r}")
    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1):
        raise ToolkitError(f"jobs: expected a whole number of at least 1, not {jobs!r}")
    root = Path(out_dir) if out_dir else paths.reports_dir()
    plan = plan_jobs(
        load_manifest(manifest),
        data=data,
        only=only,
        out_dir=out_dir,
        mapping=mapping,
        settings=settings,
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
    todo.sort(key=lambda job: -float(_read_summary(job.out).get("seconds") or 1e9))
    _tidy([job for job in plan if job not in todo])
    with contextlib.ExitStack() as locks:
        _lock_folders(locks, todo)
        if todo:
            _run_all(todo, plan, results, jobs, timeout, progress, root, started)
    order = {job.out: i for i, job in enumerate(plan)}
    results.sort(key=lambda r: order[r.job.out])
    write_index(root)
    return results


def _run_all(
    todo: Sequence[Job],
    plan: Sequence[Job],
    results: list[JobResult],
    jobs: int | None,
    timeout: float,
    progress: Any,
    root: Path,
    started: Any = None,
) -> None:
    kernel = _kernel_name()
    workers = max(1, jobs or os.cpu_count() or 1)
    _STOP.clear()
    pool = ThreadPoolExecutor(max_workers=workers)

    def begin(job: Job) -> None:
        if started:
            with contextlib.suppress(Exception):  # a display must never stop a build
                started(job, len(plan))

    futures = [pool.submit(_run_subprocess, job, timeout, kernel, begin) for job in todo]
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
                _record_failure(job, INTERRUPTED, 0.0)
        with contextlib.suppress(OSError, ToolkitError):
            write_index(root)
        raise
    pool.shutdown(wait=True)


# ------------------------------------------------------------------ one notebook, in a child


def _is_kernel_start_error(exc: BaseException) -> bool:
    text = f"{type(exc).__name__}: {exc}"
    return any(marker in text for marker in _KERNEL_START_ERRORS)


def _die_with_parent(parent: int | None) -> None:
    """Ask Linux to kill this process when the runner dies (even by ``kill -9``).

    The kernel follows: ipykernel exits when its parent (this process) is gone.
    """
    if parent is None or not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the runner died before the request took effect
        os._exit(1)


def run_one(spec: Mapping[str, Any]) -> int:
    """Execute one notebook with papermill and convert it to HTML (runs in a child process).

    Everything is written into ``spec["out"]`` (a staging folder the runner renames into
    place); paths in the executed notebook and ``summary.json`` name ``spec["final"]``.
    """
    _die_with_parent(spec.get("runner"))
    import papermill as pm

    out = Path(spec["out"])
    final = str(spec.get("final") or out)
    notebook = Path(spec["notebook"])
    executed = out / notebook.name
    parameters = {**spec["parameters"], "output_dir": str(out)}
    start = time.perf_counter()
    error = None
    for attempt in range(KERNEL_RETRIES + 1):
        try:
            pm.execute_notebook(
                str(notebook),
                str(executed),
                parameters=parameters,
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
    summary = _read_summary(out) or {"report": spec["report"]}
    summary["parameters"] = dict(spec["parameters"])
    if executed.exists():
        try:
            _name_final_folder(executed, str(out), final)
        except (OSError, ValueError) as exc:
            error = error or f"cannot read the executed notebook: {type(exc).__name__}: {exc}"
        try:
            _to_html(executed, out / "index.html", summary, error)
        except Exception as exc:  # the notebook result stands; say the HTML failed
            error = error or f"HTML conversion failed: {type(exc).__name__}: {exc}"
    from toolkit.notebook import tool_versions

    summary.setdefault("versions", tool_versions())
    summary.update(
        status="failed" if error else summary.get("status", "ok"),
        error=error,
        build_key=None if error else spec["key"],
        executed_notebook=executed.name,
        executed_sha256=_sha256(executed),
        html_sha256=_sha256(out / "index.html"),
        seconds=round(seconds, 2),
        attempts=attempt + 1,
    )
    write_atomic(out / "summary.json", json.dumps(summary, indent=2, default=str) + "\n")
    return 1 if error else 0


def _name_final_folder(executed: Path, staging: str, final: str) -> None:
    """The executed notebook's injected parameters name the report's folder, not the staging."""
    if staging == final:
        return
    text = executed.read_text(encoding="utf-8")
    nb = json.loads(text)
    changed = False
    for cell in nb.get("cells", []):
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            source = cell.get("source", "")
            joined = "".join(source) if isinstance(source, list) else source
            for quoted in (json.dumps(staging), repr(staging)):
                final_quoted = json.dumps(final) if quoted.startswith('"') else repr(final)
                joined = joined.replace(quoted, final_quoted)
            cell["source"] = joined
            changed = True
    if changed:
        write_atomic(executed, json.dumps(nb, indent=1, ensure_ascii=False) + "\n")


def _to_html(executed: Path, target: Path, summary: Mapping[str, Any], error: str | None) -> None:
    import nbformat
    from nbconvert import HTMLExporter

    from toolkit.presentation import share_static

    nb = nbformat.read(executed, as_version=4)
    # the libraries (Vega, DataTables) once per dataset folder, shared by its reports and
    # referenced from the page and the executed notebook alike
    static, href = target.parent.parent / "_static", "../_static"
    if _share_outputs(nb, static, href):
        write_atomic(executed, nbformat.writes(nb) + "\n")
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
    write_atomic(target, share_static(body, static, href))  # the page template's style sheets


def _share_outputs(nb: Any, static: Path, href: str) -> bool:
    """Move the libraries out of the notebook's HTML outputs; True when one was moved."""
    from toolkit.presentation import share_static

    changed = False
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            data = output.get("data") or {}
            page = data.get("text/html")
            if isinstance(page, list):
                page = "".join(page)
            if isinstance(page, str) and "data-appellate-static" in page:
                data["text/html"] = share_static(page, static, href)
                changed = True
    return changed


# ------------------------------------------------------------------ the index page


def write_index(root: Path) -> Path:
    """Write ``root/index.html``: a card for every report found under ``root``.

    Cards are grouped by dataset (with the simulated-data banner where it applies); each
    shows a thumbnail of the report's main chart, its headline numbers as a sentence, and its
    status with the reason (see :mod:`toolkit.index`). Thumbnails are small PNG files in
    ``root/thumbnails/``, linked relatively, so the page works offline from ``file://``;
    thumbnails no report uses any more are removed. The page is written whole (through a
    temporary name) and only when its content changes, so a run with nothing to do writes
    nothing.

    Raises
    ------
    ToolkitError
        When the folder cannot be written (read-only, full disk); the previous page stays.
    """
    from toolkit.index import THUMBNAILS, index_page

    rows = []
    for summary_path in sorted(root.glob("*/*/summary.json")):
        summary = _read_summary(summary_path.parent)
        if summary:
            rows.append((summary_path.parent, summary))
    page, used = index_page(root, rows)
    for old in root.glob(f"{THUMBNAILS}/*/*.png"):  # charts that changed or went away
        if old.relative_to(root).as_posix() not in used:
            with contextlib.suppress(OSError):
                old.unlink()
    target = root / "index.html"
    try:
        if target.read_text(encoding="utf-8") == page:
            return target
    except (OSError, ValueError):
        pass
    try:
        root.mkdir(parents=True, exist_ok=True)
        write_atomic(target, page)
    except OSError as exc:
        raise ToolkitError(
            f"cannot write the index of the reports, {target}: {exc.strerror or exc}"
        ) from None
    return target


if __name__ == "__main__":  # the child process of _run_subprocess
    if len(sys.argv) == 3 and sys.argv[1] == "--run-one":
        sys.exit(run_one(json.loads(sys.argv[2])))
    sys.exit("usage: python -m toolkit.reports --run-one SPEC_JSON")
