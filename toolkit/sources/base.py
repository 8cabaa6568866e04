"""What the readers of the standard databases share: finding fetched files, code tables,
ledger entries, the one way a reader assembles its :class:`~toolkit.schema.CaseData`
(:func:`case_data`), and the cache (:func:`load_cached`, which also refuses raw files that
changed since they were fetched)."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from toolkit import paths
from toolkit.errors import DataError, ToolkitError, compact_rows

if TYPE_CHECKING:
    from toolkit.schema import CaseData

__all__ = [
    "case_data",
    "code_map",
    "entry",
    "fetched_folder",
    "find",
    "load_cached",
    "plain_codes",
    "read_table",
]


def fetched_folder(name: str, raw_dir: str | Path | None = None) -> Path:
    """The folder of a source's raw files, or a clear error saying how to get them."""
    folder = Path(raw_dir or paths.raw_dir()) / name
    if not folder.exists() or not any(folder.iterdir()):
        raise ToolkitError(
            f"no raw files for {name!r} in {folder}: run `appellate fetch {name}` "
            f"(or `appellate fetch {name} --mirror DIR` from a local copy)"
        )
    return folder


def find(folder: Path, stems: Sequence[str]) -> Path | None:
    """The first file in ``folder`` whose name starts with one of ``stems`` (csv, gz, zip, dta)."""
    for stem in stems:
        for suffix in (".csv", ".csv.gz", ".csv.zip", ".zip", ".dta", ".txt", ".txt.gz"):
            path = folder / f"{stem}{suffix}"
            if path.exists():
                return path
    return None


def read_table(path: Path, **options: Any) -> pd.DataFrame:
    """Read a CSV (plain, gzip or zip) or Stata file as it is."""
    try:
        if path.suffix == ".dta":
            return pd.read_stata(path, convert_categoricals=False)
        return pd.read_csv(path, low_memory=False, **options)
    except (OSError, ValueError, UnicodeDecodeError, EOFError, zlib.error, struct.error) as exc:
        detail = str(exc) or "the file ends too early (truncated?)"
        raise DataError(
            f"cannot read the file: {type(exc).__name__}: {detail}", file=str(path)
        ) from None


def code_map(
    codes: pd.Series,
    table: Mapping[Any, str],
    *,
    missing: str = "unknown",
    file: str | None = None,
) -> pd.Series:
    """Map numeric codes through a visible code table; NA codes become ``missing``.

    Codes absent from the table raise, naming ``file`` and the rows (the index holds the
    file's data rows from 0, so the header is row 1): an undocumented code is never silently
    dropped.
    """
    numeric = pd.to_numeric(codes, errors="coerce")
    present = numeric.notna()
    unknown = present & ~numeric.isin(list(table))
    if unknown.any():
        raise DataError(
            f"undocumented code(s) {plain_codes(numeric[unknown])} in {codes.name!r}",
            file=file,
            rows=(codes.index[unknown.to_numpy()] + 2).tolist(),
            column=str(codes.name),
            expected=f"one of {sorted(table)}",
        )
    return numeric.map(table).where(present, missing).astype("str")


def plain_codes(codes: pd.Series) -> list[int | float]:
    """The distinct codes, sorted, as plain numbers for a message: ``[12, 13.5]``.

    Examples
    --------
    >>> plain_codes(pd.Series([13.0, 12.0, 13.0, 2.5]))
    [2.5, 12, 13]
    """
    return [int(c) if float(c).is_integer() else float(c) for c in sorted(pd.unique(codes))]


def entry(
    file: str, table: str, action: str, n: int, reason: str = "", rows: Iterable[int] | None = None
) -> dict[str, Any]:
    """One ledger record."""
    return {
        "file": file,
        "table": table,
        "action": action,
        "reason": reason,
        "n_rows": int(n),
        "rows": compact_rows(rows, limit=30) if rows is not None else "",
    }


def case_data(
    source: str,
    *,
    cases: pd.DataFrame,
    ledger: Iterable[Mapping[str, Any]],
    files: Iterable[Path] | Mapping[str, Mapping[str, Any]],
    rows_read: Mapping[str, int],
    notes: Iterable[str] = (),
    claims: pd.DataFrame | None = None,
    votes: pd.DataFrame | None = None,
    judges: pd.DataFrame | None = None,
    release: str | None = None,
    extra_meta: Mapping[str, Any] | None = None,
) -> CaseData:
    """A reader's result: its tables, its ledger and ``meta`` (release, file fingerprints).

    Parameters
    ----------
    source
        The source name (its release comes from :data:`toolkit.sources.REGISTRY`).
    cases, claims, votes, judges
        The canonical tables (already conformed).
    ledger
        Ledger records (:func:`entry`).
    files
        The raw files read; each is fingerprinted (path, bytes, sha256), unless given as a
        mapping of file name to its :func:`toolkit.store.file_info` already.
    rows_read
        Rows read per file name; the ledger adds up to these.
    notes
        What the reader did that a user should know.
    release
        The release read, when the reader can tell (default: the registry's).
    extra_meta
        Further ``meta`` entries particular to the source.
    """
    from toolkit.schema import CaseData, ledger_frame
    from toolkit.sources.registry import REGISTRY
    from toolkit.store import file_info

    return CaseData(
        cases=cases,
        claims=claims,
        votes=votes,
        judges=judges,
        ledger=ledger_frame(list(ledger)),
        meta={
            "source": source,
            "release": REGISTRY[source].release if release is None else release,
            "files": dict(files)
            if isinstance(files, Mapping)
            else {p.name: file_info(p) for p in files},
            "rows_read": dict(rows_read),
            "notes": list(notes),
            **dict(extra_meta or {}),
        },
    )


def load_cached(name: str, build: Callable[[], Any], files: Sequence[Path], cache: bool) -> Any:
    """Build through the Parquet cache unless ``cache`` is False.

    Either way, a raw file that changed since it was fetched (its sha256 differs from
    ``fetched.json``) is refused with a clear error: a bit flip or a truncation in a raw file
    never reaches the tables.
    """
    from toolkit import store

    store.verify_recorded([f for f in files if f is not None])
    if not cache:
        return build()
    return store.cached(name, build, files)
