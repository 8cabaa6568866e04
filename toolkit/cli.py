"""The ``appellate`` command line (also ``python -m toolkit``).

Every command has ``--help``. Errors about the input are printed as one clear message and the
command exits with status 1; usage errors exit with status 2.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from toolkit.errors import ToolkitError

__all__ = ["main"]


def _cmd_validate(args: argparse.Namespace) -> int:
    import toolkit

    options = {"mapping": args.mapping} if args.mapping else {}
    data = toolkit.load(args.source, **options)
    summary = data.ledger_summary()
    print(f"{data!r}")
    if data.meta.get("simulated"):
        print("NOTE: these data are SIMULATED (fictional judges and cases).")
    for name, info in data.meta.get("files", {}).items():
        print(f"  {name}: {info['bytes']:,} bytes, sha256 {info['sha256'][:16]}")
    print("\nLedger (every input row: read = kept + excluded)")
    print(summary.to_string(index=False))
    excluded = data.ledger[data.ledger["action"] == "excluded"]
    for row in excluded.itertuples():
        print(f"  excluded from {row.file}: {row.n_rows} row(s), {row.reason} (rows {row.rows})")
    flagged = data.ledger[(data.ledger["action"] == "kept") & data.ledger["reason"].notna()]
    for row in flagged.itertuples():
        print(
            f"  kept from {row.file}, flagged: {row.n_rows} row(s), {row.reason} (rows {row.rows})"
        )
    balanced = bool((summary["read"] == summary["kept"] + summary["excluded"]).all())
    print(f"Ledger adds up: {'yes' if balanced else 'NO'}")
    counts = data.cases["outcome"].value_counts()
    print("\nOutcomes")
    print(counts[counts > 0].to_string())
    if data.votes is not None:
        visiting = data.votes.loc[data.votes["by_designation"].fillna(False), "judge_id"]
        print(
            f"\nPanels: {data.votes['judge_id'].nunique()} judges, {len(data.votes)} votes, "
            f"{visiting.nunique()} visiting judges (by designation)"
        )
    if data.claims is not None:
        print(f"Claims: {len(data.claims)} in {data.claims['case_id'].nunique()} cases")
    for note in data.meta.get("notes", []):
        print(f"note: {note}")
    return 0 if balanced else 1


def _cmd_schema(args: argparse.Namespace) -> int:
    from toolkit.schema import data_dictionary

    dd = data_dictionary()
    if args.table:
        dd = dd[dd["table"] == args.table]
    for table, group in dd.groupby("table", sort=False):
        print(f"\n{table}")
        for row in group.itertuples():
            req = "required" if row.required else "optional"
            print(f"  {row.column:<22} {row.dtype:<16} {req:<9} {row.description}")
            if row.allowed:
                print(f"  {'':<22} allowed: {row.allowed}")
    return 0


def _cmd_rules(args: argparse.Namespace) -> int:
    from toolkit.outcomes import RULES
    from toolkit.schema import OUTCOMES

    show = {1: "1", 0: "0", None: "excluded"}
    print(f"{'outcome':<20}" + "".join(f"{name:<16}" for name in RULES))
    for outcome in OUTCOMES:
        cells = "".join(f"{show[r.mapping[outcome]]:<16}" for r in RULES.values())
        print(f"{outcome:<20}{cells}")
    print()
    for rule in RULES.values():
        print(f"{rule.name}: {rule.description}")
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    import tempfile

    from toolkit import paths
    from toolkit.simulate import DEMO_FILES, write_demo

    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            write_demo(tmp)
            differ = [
                n
                for n in DEMO_FILES
                if (Path(tmp) / n).read_bytes() != (paths.demo_dir() / n).read_bytes()
            ]
        if differ:
            print(f"demo files differ from a fresh simulation: {', '.join(differ)}")
            return 1
        print(f"demo files in {paths.demo_dir()} are identical to a fresh simulation")
        return 0
    for path in write_demo(args.out):
        print(f"wrote {path}")
    return 0


def _cmd_fetch(args: argparse.Namespace) -> int:
    from toolkit.sources import fetch

    try:
        folder = fetch(args.name, mirror=args.mirror, timeout=args.timeout)
    except KeyboardInterrupt:
        print(
            f"interrupted: the fetch of {args.name} stopped; files already complete are kept "
            "and no partial file is left",
            file=sys.stderr,
        )
        return 130
    record = json.loads((folder / "fetched.json").read_text())
    for name, info in record["files"].items():
        print(
            f"{name}: {info['bytes']:,} bytes, sha256 {info['sha256'][:16]} (from {info['origin']})"
        )
    print(f"fetched {args.name} into {folder}")
    return 0


def _cmd_datasets(args: argparse.Namespace) -> int:
    from toolkit.sources import datasets

    rows = datasets()
    print(f"{'source':<12} {'present':<8} {'fingerprint':<17} {'release':<40} description")
    for row in rows:
        present = "yes" if row["present"] else "no"
        print(
            f"{row['source']:<12} {present:<8} {row['fingerprint'] or '-':<17} "
            f"{row['release'] or '-':<40} {row['description']}"
        )
    return 0


def _progress_line(result: Any, done: int, total: int) -> str:
    """The line printed for a finished report (the plain output, read by tests and CI)."""
    extra = f": {result.error}" if result.error else ""
    return (
        f"[{done}/{total}] {result.job.label:<40} {result.status:<9} {result.seconds:6.1f} s{extra}"
    )


def _clock(seconds: float) -> str:
    """Elapsed time as ``m:ss`` (``h:mm:ss`` past an hour)."""
    minutes, secs = divmod(max(0, int(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class _LiveProgress:
    """What ``appellate report`` shows on a terminal while it runs (drawn with tqdm).

    Finished reports scroll above, as the very lines the plain output prints; below them, a
    bar of finished reports with the time so far, and one line per running notebook with its
    own time, redrawn every ``interval`` seconds. Use it as a context manager: leaving it
    (at the end, on an error or on Ctrl-C) stops the redrawing and clears the live lines.
    """

    def __init__(self, file: Any, interval: float = 0.5, clock: Any = time.monotonic) -> None:
        self.file = file
        self.interval = interval
        self.clock = clock
        self._lock = threading.Lock()
        self._running: dict[str, float] = {}  # job label -> when it started
        self._bar: Any = None
        self._lines: list[Any] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> _LiveProgress:
        self._thread = threading.Thread(target=self._tick, name="report-progress", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        with self._lock:
            for line in reversed(self._lines):
                line.close()
            if self._bar is not None:
                self._bar.close()
            self._lines, self._bar = [], None

    @staticmethod
    def _size() -> dict[str, int]:
        """The terminal's size (80 x 24 when it reports none, as a new pseudo-terminal does)."""
        import shutil

        size = shutil.get_terminal_size((80, 24))
        return {"ncols": size.columns or 80, "nrows": size.lines or 24}

    def _main_bar(self, total: int) -> Any:
        if self._bar is None:
            from tqdm import tqdm

            self._bar = tqdm(
                total=total,
                desc="reports",
                file=self.file,
                position=0,
                leave=False,
                **self._size(),
                bar_format="{desc}: {n_fmt}/{total_fmt} |{bar:24}| {elapsed}",
            )
        return self._bar

    def started(self, job: Any, total: int) -> None:
        """A notebook started (called from the runner's worker threads)."""
        with self._lock:
            self._main_bar(total)
            self._running[job.label] = self.clock()
            self._draw()

    def __call__(self, result: Any, done: int, total: int) -> None:
        """A report finished: its line above the live lines, and one less running."""
        from tqdm import tqdm

        with self._lock:
            bar = self._main_bar(total)
            self._running.pop(result.job.label, None)
            tqdm.write(_progress_line(result, done, total), file=self.file)
            bar.update(done - bar.n)
            self._draw()

    def _draw(self) -> None:  # under the lock
        from tqdm import tqdm

        now = self.clock()
        running = sorted(self._running.items(), key=lambda item: item[1])
        rows = [f"  running {label:<40} {_clock(now - since):>7}" for label, since in running]
        while len(self._lines) < len(rows):
            self._lines.append(
                tqdm(
                    total=0,
                    file=self.file,
                    position=len(self._lines) + 1,
                    leave=False,
                    **self._size(),
                    bar_format="{desc}",
                )
            )
        for i, line in enumerate(self._lines):
            line.set_description_str(rows[i] if i < len(rows) else "", refresh=False)
        for line in [self._bar, *self._lines]:
            line.refresh()

    def _tick(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                with self._lock:
                    if self._bar is not None:
                        self._draw()
            except (OSError, ValueError):  # the terminal went away: stop drawing
                return


def _cmd_report(args: argparse.Namespace) -> int:
    from toolkit import paths
    from toolkit.reports import build_reports

    def progress(result, done: int, total: int) -> None:
        print(_progress_line(result, done, total), file=sys.stderr, flush=True)

    # on a terminal, a live display of what is running; otherwise the plain lines
    live = _LiveProgress(sys.stderr) if sys.stderr.isatty() else None
    start = time.perf_counter()
    from toolkit.reports import parse_settings

    with live or contextlib.nullcontext():
        results = build_reports(
            manifest=args.manifest or paths.manifest_path(),
            data=args.data,
            mapping=args.mapping,
            settings=parse_settings(args.set_params),
            only=args.only or None,
            jobs=args.jobs,
            force=args.force,
            timeout=args.timeout,
            progress=live or progress,
            started=live.started if live else None,
        )
    counts: dict[str, int] = {}
    for r in results:
        counts[r.status] = counts.get(r.status, 0) + 1
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    print(f"{len(results)} reports in {time.perf_counter() - start:.1f} s: {summary}")
    for r in results:
        if r.status == "failed":
            print(f"FAILED {r.job.label}: {r.error}")
    print(f"index: {paths.reports_dir() / 'index.html'}")
    return 1 if counts.get("failed") else 0


def _cmd_replicate(args: argparse.Namespace) -> int:
    from toolkit.replications import (
        RANKS,
        load_registry,
        replicate,
        replication_summary,
        replication_table,
    )

    if args.list:
        for pub in load_registry(args.names or None, args.registry):
            rank = RANKS[pub["rank"]].split(":")[0]
            print(f"{pub['id']:<22} [{rank}] {' '.join(pub['citation'].split())}")
            for fig in pub["figures"]:
                print(f"  {fig['id']:<26} {fig['title']}")
        return 0
    frame = replicate(args.names or None, mirror=args.mirror, registry=args.registry)
    publications = {p["id"]: p for p in load_registry(args.names or None, args.registry)}
    for pub_id, rows in frame.groupby("publication", sort=False):
        pub = publications[pub_id]
        rank = RANKS[pub["rank"]].split(":")[0]
        print(f"\n== {pub_id} [{rank}] {' '.join(pub['citation'].split())}")
        if pub.get("url"):
            print(f"   {pub['url']}")
        for fig_id, fig_rows in rows.groupby("figure", sort=False):
            first = fig_rows.iloc[0]
            rule = f"; rule: {first['rule']}" if isinstance(first["rule"], str) else ""
            print(f"\n  {fig_id}: {first['title']}{rule}")
            if first["verdict"] in ("not reproducible", "data missing"):
                print(f"    {first['verdict'].upper()}: {' '.join(str(first['reason']).split())}")
                continue
            print(
                f"    {'group':<34} {'published':>16} {'reproduced':>16} "
                f"{'95% interval':>15}  verdict"
            )
            for row in replication_table(fig_rows).itertuples():
                print(
                    f"    {str(row.group)[:34]:<34} {row.published:>16} "
                    f"{row.reproduced:>16} {row.interval:>15}  {row.verdict}"
                )
            inside = fig_rows["published_in_interval"].dropna()
            if len(inside):
                print(
                    f"    published rate inside the reproduced 95% interval: "
                    f"{int(inside.sum())} of {len(inside)}"
                )
            print(f"    tolerance: {first['tolerance']}")
    summary = replication_summary(frame)
    counts = summary["verdict"].value_counts()
    print(
        "\n"
        + ", ".join(f"{int(counts.get(v, 0))} {v}" for v in counts.index)
        + f" ({len(summary)} figures)"
    )
    bad = summary[summary["verdict"].isin(["outside", "data missing"])]
    for row in bad.itertuples():
        print(f"{row.verdict.upper()}: {row.publication}/{row.figure}")
    return 1 if len(bad) else 0


def _positive(kind: type) -> Any:
    """An argparse type: a number of ``kind`` greater than zero."""

    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, not {text!r}") from None
        if not value > 0 or value != value or value == float("inf"):
            raise argparse.ArgumentTypeError(f"expected a number greater than 0, not {text}")
        return value

    parse.__name__ = f"positive {kind.__name__}"
    return parse


def _cmd_code_text(args: argparse.Namespace) -> int:
    start = time.perf_counter()
    if args.engine == "spark":
        import warnings

        from toolkit.text.spark import code_dispositions_spark

        with warnings.catch_warnings():
            warnings.filterwarnings(
                "ignore", message="PySpark does not yet", category=FutureWarning
            )
            out = code_dispositions_spark(
                args.input,
                args.output,
                text_column=args.text_column,
                id_column=args.id_column,
                court_column=args.court_column,
            )
    else:
        from toolkit.text.batch import code_dispositions

        out = code_dispositions(
            args.input,
            text_column=args.text_column,
            id_column=args.id_column,
            court_column=args.court_column,
            output=args.output,
            jobs=args.jobs,
            progress=not args.quiet and sys.stderr.isatty(),
        )
    import pandas as pd

    coded = (
        pd.read_parquet(out, columns=["outcome"])
        if str(out).endswith(".parquet")
        else (pd.read_csv(out, usecols=["outcome"]))
    )
    seconds = time.perf_counter() - start
    print(f"coded {len(coded):,} opinions in {seconds:.1f} s ({args.engine} engine): {out}")
    counts = coded["outcome"].value_counts()
    print(counts.to_string())
    unknown = int(counts.get("unknown", 0))
    if unknown:
        print(f"{unknown:,} opinion(s) with no decretal language found: coded unknown")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="appellate",
        description="Reversal patterns in appellate review: load, validate and report.",
    )
    parser.add_argument(
        "--project",
        metavar="DIR",
        help="the research project to work in (default: the folder holding reports.yml, "
        "found from the working folder upwards)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "validate",
        help="load a dataset and print its ledger",
        description="Load a source name or a file into the canonical model and "
        "print what happened to every input row. Exits 1 on invalid data.",
    )
    p.add_argument("source", help="a source name (e.g. demo), a cases file, or a mapping file")
    p.add_argument("--mapping", help="YAML mapping of the file's columns and labels")
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser(
        "schema",
        help="print the data dictionary",
        description="Print the canonical tables, their columns, dtypes and allowed values.",
    )
    p.add_argument(
        "--table", choices=["cases", "claims", "votes", "judges", "ledger"], help="only this table"
    )
    p.set_defaults(func=_cmd_schema)

    p = sub.add_parser(
        "rules",
        help="print the reversal rules",
        description="Print how each reversal rule counts each outcome.",
    )
    p.set_defaults(func=_cmd_rules)

    p = sub.add_parser(
        "demo",
        help="regenerate the simulated demo dataset",
        description="Simulate the demo dataset (seeded: byte for byte the "
        "same every time) into data/demo, or into --out.",
    )
    p.add_argument("--out", help="write into this folder instead of data/demo")
    p.add_argument(
        "--check", action="store_true", help="only check that data/demo equals a fresh simulation"
    )
    p.set_defaults(func=_cmd_demo)

    p = sub.add_parser(
        "fetch",
        help="download a source's raw files (or copy them from a mirror)",
        description="Download a source's official files into data/raw/NAME/, verifying size "
        "and checksum where known; with --mirror, copy them from a local folder laid out like "
        "the reference data.",
    )
    p.add_argument("name", help="source name (see `appellate datasets`)")
    p.add_argument("--mirror", help="a local folder holding the files (no network)")
    p.add_argument(
        "--timeout",
        type=_positive(float),
        default=60.0,
        help="seconds before a stalled download fails",
    )
    p.set_defaults(func=_cmd_fetch)

    p = sub.add_parser(
        "datasets",
        help="list the known sources and which are present",
        description="List the known sources: present or not, release, fingerprint of the "
        "raw files.",
    )
    p.set_defaults(func=_cmd_datasets)

    p = sub.add_parser(
        "report",
        help="build the reports (papermill, in parallel)",
        description="Run the report notebooks named in the manifest through "
        "papermill, in parallel processes, and write reports/index.html. "
        "Reports whose notebook, parameters, data and package are unchanged "
        "are not run again.",
    )
    p.add_argument("--data", help="build every report on this source name or file instead")
    p.add_argument("--mapping", help="YAML mapping for --data when it is a cases file")
    p.add_argument(
        "--only", action="append", metavar="REPORT", help="build only this report (repeatable)"
    )
    p.add_argument(
        "--jobs", type=_positive(int), help="notebooks run at once (default: number of cores)"
    )
    p.add_argument("--force", action="store_true", help="run unchanged reports again")
    p.add_argument(
        "--timeout",
        type=_positive(float),
        default=900.0,
        help="seconds one notebook may run before it is stopped (default 900)",
    )
    p.add_argument(
        "--manifest",
        default=None,
        help="the report manifest (default: reports.yml of the project, else the package's)",
    )
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        dest="set_params",
        help="set a report parameter for every report (repeatable), checked like the "
        "manifest's: e.g. --set years=2007,2017 --set rule=reversed --set circuits=ca9",
    )
    p.set_defaults(func=_cmd_report)

    p = sub.add_parser(
        "replicate",
        help="rebuild published figures from the raw data and compare",
        description="Rebuild each published figure of the replication registry from the raw "
        "data, print published and reproduced side by side with the interval and a verdict "
        "(exact, within tolerance, outside), and exit 1 when a figure falls outside its "
        "tolerance or its data have not been fetched. Figures resting on data not held here "
        "are listed as not reproducible and do not fail the run.",
    )
    p.add_argument("names", nargs="*", metavar="NAME", help="publication ids (default: all)")
    p.add_argument(
        "--mirror", help="first fetch the needed sources from this local folder (no network)"
    )
    p.add_argument("--list", action="store_true", help="only list the registry")
    p.add_argument(
        "--registry", help="a folder of registry files to use instead of the package's own"
    )
    p.set_defaults(func=_cmd_replicate)

    p = sub.add_parser(
        "code-text",
        help="code dispositions from opinion texts",
        description="Code the disposition of every opinion in INPUT (a folder of .txt files, "
        "or a .jsonl(.gz), .csv or .parquet file with a text column) from its decretal "
        "language, and write a coded-cases table (coder 'machine', with the evidence "
        "sentences and a confidence) that loads like hand-coded data.",
    )
    p.add_argument("input", help="folder of .txt files, or a .jsonl(.gz), .csv or .parquet file")
    p.add_argument("-o", "--output", required=True, help="the coded table (.parquet or .csv)")
    p.add_argument("--text-column", default="text", help="column holding the text (default text)")
    p.add_argument("--id-column", default="id", help="column holding the case id (default id)")
    p.add_argument("--court-column", help="column holding the deciding court (optional)")
    p.add_argument(
        "--engine",
        choices=["local", "spark"],
        default="local",
        help="local worker processes (default) or Apache Spark (pip install "
        "appellate-toolkit[spark]; writes a Parquet folder)",
    )
    p.add_argument("--jobs", type=int, help="worker processes (default: number of cores)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_code_text)
    _add_project_commands(sub)
    return parser


# ------------------------------------------------------------ projects and draft mappings


def _cmd_mapping_draft(args: argparse.Namespace) -> int:
    from toolkit.drafting import draft_mapping

    out = Path(args.out) if args.out else None
    sheet: str | int | None = args.sheet
    if sheet is not None and sheet.isdigit():
        sheet = int(sheet)
    text = draft_mapping(
        args.file,
        sheet=sheet,
        encoding=args.encoding,
        relative_to=out.parent if out else None,
    )
    if out is None:
        sys.stdout.write(text)
        return 0
    if out.exists() and not args.force:
        print(f"error: {out} exists (use --force to replace it)", file=sys.stderr)
        return 1
    out.write_text(text, encoding="utf-8")
    checks = text.count("# check")
    print(f"wrote {out}: {checks} guesses to check; then `appellate validate {out}`")
    return 0


def _cmd_init(args: argparse.Namespace) -> int:
    from toolkit.project import init_project

    folder = init_project(args.dir, update=args.update)
    verb = "updated the notebooks of" if args.update else "created"
    print(f"{verb} the research project {folder}")
    print(f"  cd {folder} && appellate report      # reports on the demo data")
    return 0


def _add_project_commands(sub: Any) -> None:
    p = sub.add_parser(
        "mapping",
        help="draft a mapping for a coding sheet",
        description="Mappings say which of a sheet's columns and labels are which canonical "
        "fields and values.",
    )
    msub = p.add_subparsers(dest="mapping_command", required=True, metavar="ACTION")
    d = msub.add_parser(
        "draft",
        help="propose a mapping from a sheet's columns and values",
        description="Read a coding sheet and print a draft YAML mapping: column and label "
        "guesses marked '# check', labels it cannot place listed as comments. Then run "
        "`appellate validate` on it.",
    )
    d.add_argument("file", help="the coding sheet (.csv, .tsv, .xlsx, .parquet)")
    d.add_argument("--sheet", help="Excel sheet name or number (default: the first)")
    d.add_argument("--encoding", default="utf-8", help="CSV encoding (default utf-8)")
    d.add_argument("--out", help="write the mapping to this file instead of printing it")
    d.add_argument("--force", action="store_true", help="replace --out if it exists")
    d.set_defaults(func=_cmd_mapping_draft)

    p = sub.add_parser(
        "init",
        help="create a research project folder",
        description="Create a research project: its own reports.yml, editable copies of the "
        "report notebooks, a data/ folder and a README. `appellate report`, `fetch` and "
        "`validate` then work from inside it.",
    )
    p.add_argument("dir", help="the project folder (created if needed)")
    p.add_argument(
        "--update",
        action="store_true",
        help="refresh the project's notebooks from the installed toolkit (keeps reports.yml "
        "and data; the old notebooks are kept as *.ipynb.bak)",
    )
    p.set_defaults(func=_cmd_init)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    if args.project:
        folder = Path(args.project).expanduser().resolve()
        if not folder.is_dir():
            print(f"error: --project {args.project}: no such folder", file=sys.stderr)
            return 2
        os.environ["APPELLATE_HOME"] = str(folder)  # the notebooks' processes inherit it
        os.chdir(folder)
    try:
        return int(args.func(args))
    except ToolkitError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # the reader went away (`appellate validate ... | head`)
        try:  # stop Python's own flush at exit from failing on the closed pipe
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return 141  # what a shell reports for a command ended by SIGPIPE
    except KeyboardInterrupt:
        if args.command == "report":
            message = "interrupted: finished reports are kept; the others are marked interrupted"
        else:
            message = f"interrupted: `appellate {args.command}` stopped before it finished"
        print(message, file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
