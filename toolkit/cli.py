"""The ``appellate`` command line (also ``python -m toolkit``).

Every command has ``--help``. Errors about the input are printed as one clear message and the
command exits with status 1; usage errors exit with status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from toolkit.errors import ToolkitError
from toolkit.paths import home as paths_home

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
    balanced = bool((summary["read"] == summary["kept"] + summary["excluded"]).all())
    print(f"Ledger adds up: {'yes' if balanced else 'NO'}")
    counts = data.cases["outcome"].value_counts()
    print("\nOutcomes")
    print(counts[counts > 0].to_string())
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
    from toolkit.store import fetch

    folder = fetch(args.name, mirror=args.mirror, timeout=args.timeout)
    record = json.loads((folder / "fetched.json").read_text())
    for name, info in record["files"].items():
        print(
            f"{name}: {info['bytes']:,} bytes, sha256 {info['sha256'][:16]} (from {info['origin']})"
        )
    print(f"fetched {args.name} into {folder}")
    return 0


def _cmd_datasets(args: argparse.Namespace) -> int:
    from toolkit.store import datasets

    rows = datasets()
    print(f"{'source':<12} {'present':<8} {'fingerprint':<17} {'release':<40} description")
    for row in rows:
        present = "yes" if row["present"] else "no"
        print(
            f"{row['source']:<12} {present:<8} {row['fingerprint'] or '-':<17} "
            f"{row['release'] or '-':<40} {row['description']}"
        )
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from toolkit import paths
    from toolkit.reports import build_reports

    def progress(result, done: int, total: int) -> None:
        extra = f": {result.error}" if result.error else ""
        print(
            f"[{done}/{total}] {result.job.label:<40} {result.status:<9} "
            f"{result.seconds:6.1f} s{extra}",
            file=sys.stderr,
            flush=True,
        )

    start = time.perf_counter()
    results = build_reports(
        manifest=args.manifest,
        data=args.data,
        mapping=args.mapping,
        only=args.only or None,
        jobs=args.jobs,
        force=args.force,
        timeout=args.timeout,
        progress=progress,
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
        "--timeout", type=float, default=60.0, help="seconds before a stalled download fails"
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
    p.add_argument("--jobs", type=int, help="notebooks run at once (default: number of cores)")
    p.add_argument("--force", action="store_true", help="run unchanged reports again")
    p.add_argument(
        "--timeout",
        type=float,
        default=900.0,
        help="seconds one notebook may run before it is stopped (default 900)",
    )
    p.add_argument(
        "--manifest",
        default=str(paths_home() / "reports.yml"),
        help="the report manifest (default: reports.yml of the project)",
    )
    p.set_defaults(func=_cmd_report)

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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        return int(args.func(args))
    except ToolkitError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(
            "interrupted: finished reports are kept; the others are marked interrupted",
            file=sys.stderr,
        )
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
