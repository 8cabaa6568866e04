"""What the readers of the standard databases share: finding fetched files, code tables,
ledger entries and the cache."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from toolkit import paths
from toolkit.errors import DataError, ToolkitError, compact_rows

__all__ = ["code_map", "entry", "fetched_folder", "find", "load_cached", "read_table"]


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
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise DataError(
            f"cannot read the file: {type(exc).__name__}: {exc}", file=str(path)
        ) from None


def code_map(codes: pd.Series, table: Mapping[Any, str], *, missing: str = "unknown") -> pd.Series:
    """Map numeric codes through a visible code table; NA codes become ``missing``.

    Codes absent from the table raise: an undocumented code is never silently dropped.
    """
    numeric = pd.to_numeric(codes, errors="coerce")
    present = numeric.notna()
    known = numeric.isin(list(table))
    if (present & ~known).any():
        bad = sorted(pd.unique(numeric[present & ~known]))
        raise DataError(
            f"undocumented code(s) {bad} in {codes.name!r}",
            column=str(codes.name),
            expected=f"one of {sorted(table)}",
        )
    return numeric.map(table).where(present, missing).astype("str")


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


def load_cached(name: str, build: Callable[[], Any], files: Sequence[Path], cache: bool) -> Any:
    """Build through the Parquet cache unless ``cache`` is False."""
    if not cache:
        return build()
    from toolkit import store

    return store.cached(name, build, files)
