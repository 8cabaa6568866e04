"""Raw files and the Parquet cache.

Raw files
    :func:`fetch` downloads a source's official files into ``data/raw/<name>/`` (or copies them
    from a local mirror laid out like the reference-data folder), verifies size and sha256
    where they are known, and writes atomically: a file appears complete or not at all. What
    was fetched is recorded in ``data/raw/<name>/fetched.json``. Zip archives are checked for
    members that would escape the target folder before anything is extracted.

Parquet cache
    :func:`cached` stores a source's canonical tables in ``data/processed/<name>/<key>/``, keyed
    by the raw files' fingerprints and the package version, so a changed file or a new version
    rebuilds the cache, and an unchanged one reloads in a fraction of a second.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit import paths
from toolkit.errors import ToolkitError

if TYPE_CHECKING:
    from toolkit.schema import CaseData

__all__ = [
    "FetchError",
    "RemoteFile",
    "cached",
    "datasets",
    "fetch",
    "file_info",
    "fingerprint",
    "package_fingerprint",
    "raw_files",
]

CHUNK = 1 << 20


class FetchError(ToolkitError):
    """A download or copy failed; nothing was left behind."""


@dataclass(frozen=True)
class RemoteFile:
    """One file of a source: where the publisher serves it and where a mirror keeps it.

    Attributes
    ----------
    name
        File name under ``data/raw/<source>/``.
    url
        The publisher's URL (None when no stable URL is known).
    mirror
        Path of the same file inside a mirror folder (laid out like the reference data).
    sha256, size
        Expected checksum and size in bytes, where known.
    extract
        For a zip archive: extract its members after verifying it.
    required
        Whether the source can be read without this file.
    """

    name: str
    url: str | None
    mirror: str | None = None
    sha256: str | None = None
    size: int | None = None
    extract: bool = False
    required: bool = True


def _files_of(name: str) -> Sequence[RemoteFile]:
    import importlib

    from toolkit.sources import SOURCES

    if name not in SOURCES:
        raise ToolkitError(f"unknown source {name!r}; known: {', '.join(SOURCES)}")
    files = getattr(importlib.import_module(f"toolkit.sources.{name}"), "FILES", None)
    if not files:
        raise ToolkitError(f"{name!r} has no files to fetch")
    return files


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def _verify(tmp: Path, spec: RemoteFile, origin: str) -> None:
    size = tmp.stat().st_size
    if spec.size is not None and size != spec.size:
        raise FetchError(
            f"{spec.name} from {origin}: {size:,} bytes, expected {spec.size:,} bytes "
            "(truncated or changed download)"
        )
    if spec.sha256 is not None:
        got = _sha256(tmp)
        if got != spec.sha256:
            raise FetchError(
                f"{spec.name} from {origin}: sha256 {got[:16]}..., expected "
                f"{spec.sha256[:16]}... (corrupt or changed file)"
            )


def _download(url: str, target: Path, timeout: float) -> None:
    request = urllib.request.Request(url, headers={"User-Agent": "appellate-toolkit"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            expected = response.headers.get("Content-Length")
            written = 0
            with target.open("wb") as out:
                for block in iter(lambda: response.read(CHUNK), b""):
                    out.write(block)
                    written += len(block)
            if expected is not None and written != int(expected):
                raise FetchError(
                    f"{url}: connection closed after {written:,} of {int(expected):,} bytes"
                )
    except urllib.error.HTTPError as exc:
        raise FetchError(f"{url}: HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FetchError(f"{url}: {reason}") from None


def _safe_members(archive: zipfile.ZipFile, target: Path) -> list[zipfile.ZipInfo]:
    root = target.resolve()
    members = []
    for info in archive.infolist():
        dest = (root / info.filename).resolve()
        if info.filename.startswith(("/", "\\")) or (dest != root and root not in dest.parents):
            raise FetchError(
                f"zip member {info.filename!r} would be written outside {target}; "
                "refusing to extract"
            )
        if not info.is_dir():
            members.append(info)
    return members


def fetch(
    name: str,
    mirror: str | Path | None = None,
    raw_dir: str | Path | None = None,
    timeout: float = 60.0,
    urls: dict[str, str] | None = None,
) -> Path:
    """Get a source's raw files into ``data/raw/<name>/``.

    Parameters
    ----------
    name
        A source name (``appellate datasets`` lists them).
    mirror
        Take the files from this local folder (laid out like the reference data) instead of
        the publishers' sites.
    raw_dir
        Where raw files live; default :func:`toolkit.paths.raw_dir`.
    timeout
        Seconds before a stalled download fails.
    urls
        Replace the publisher's URL of some files (by file name), e.g. for a local server.

    Returns
    -------
    Path
        The folder holding the files.

    Raises
    ------
    FetchError
        On any failure (HTTP error, truncated file, wrong checksum, unsafe zip); files that
        were already complete stay, and no partial file is left.
    """
    files = _files_of(name)
    folder = Path(raw_dir or paths.raw_dir()) / name
    folder.mkdir(parents=True, exist_ok=True)
    record: dict[str, Any] = {
        "source": name,
        "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "files": {},
    }
    for spec in files:
        if mirror is not None:
            origin = str(Path(mirror) / (spec.mirror or spec.name))
            if not Path(origin).exists():
                if spec.required:
                    raise FetchError(f"{spec.name}: not found in the mirror at {origin}")
                continue
        else:
            origin = (urls or {}).get(spec.name) or spec.url
            if origin is None:
                if spec.required:
                    raise FetchError(
                        f"{spec.name}: no download address is known; fetch it "
                        "with --mirror from a folder that holds it"
                    )
                continue
        stored = Path(spec.mirror).name if mirror is not None and spec.mirror else spec.name
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{stored}.", suffix=".part")
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            if mirror is not None:
                shutil.copyfile(origin, tmp)
            else:
                _download(origin, tmp, timeout)
            if mirror is None or stored == spec.name:  # a mirror may hold a re-packed copy
                _verify(tmp, spec, origin)
            if spec.extract and zipfile.is_zipfile(tmp):
                _extract(tmp, folder, spec)
            os.chmod(tmp, 0o644)
            os.replace(tmp, folder / stored)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        record["files"][stored] = {"origin": origin, **file_info(folder / stored)}
    (folder / "fetched.json").write_text(json.dumps(record, indent=2) + "\n")
    return folder


def _extract(archive_path: Path, folder: Path, spec: RemoteFile) -> None:
    try:
        archive = zipfile.ZipFile(archive_path)
    except zipfile.BadZipFile:
        raise FetchError(f"{spec.name}: not a valid zip archive") from None
    with archive:
        members = _safe_members(archive, folder)
        staged = []
        try:
            for info in members:
                fd, part = tempfile.mkstemp(dir=folder, prefix=".member.", suffix=".part")
                os.close(fd)
                with archive.open(info) as src, open(part, "wb") as dst:
                    shutil.copyfileobj(src, dst, CHUNK)
                staged.append((Path(part), folder / info.filename))
            for part, dest in staged:
                dest.parent.mkdir(parents=True, exist_ok=True)
                os.replace(part, dest)
        except BaseException:
            for part, _ in staged:
                part.unlink(missing_ok=True)
            raise


def raw_files(name: str, raw_dir: str | Path | None = None) -> list[Path]:
    """The raw files present for a source (not the fetch record)."""
    folder = Path(raw_dir or paths.raw_dir()) / name
    if not folder.exists():
        return []
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and p.name != "fetched.json" and not p.name.startswith(".")
    )


def file_info(path: Path) -> dict[str, Any]:
    """Path, size and sha256 of one file, as recorded in ``CaseData.meta["files"]``."""
    return {"path": str(path), "bytes": path.stat().st_size, "sha256": _sha256(path)}


def fingerprint(files: Sequence[Path]) -> str:
    """A short fingerprint of files' names and contents."""
    digest = hashlib.sha256()
    for path in sorted(files, key=lambda p: p.name):
        digest.update(path.name.encode())
        digest.update(_sha256(path).encode())
    return digest.hexdigest()[:16]


@functools.lru_cache(maxsize=1)
def package_fingerprint() -> str:
    """A short fingerprint of the installed package: its version and its code."""
    import toolkit

    root = Path(toolkit.__file__).parent
    digest = hashlib.sha256(toolkit.__version__.encode())
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".j2") and path.is_file():
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def datasets(raw_dir: str | Path | None = None) -> list[dict[str, Any]]:
    """Every known source: whether its files are present, their release and fingerprint."""
    import importlib

    from toolkit.sources import SOURCES

    rows = []
    for name, description in SOURCES.items():
        module = importlib.import_module(f"toolkit.sources.{name}")
        files = raw_files(name, raw_dir) if getattr(module, "FILES", None) else []
        required = [f.name for f in getattr(module, "FILES", []) if f.required]
        present = bool(files) and all(
            (Path(raw_dir or paths.raw_dir()) / name / f).exists() for f in required
        )
        if name == "demo":
            present, files = True, [p for p in paths.demo_dir().iterdir() if p.is_file()]
        rows.append(
            {
                "source": name,
                "description": description,
                "present": present,
                "release": getattr(module, "RELEASE", ""),
                "files": len(files),
                "fingerprint": fingerprint(files) if present else "",
            }
        )
    return rows


def cached(
    name: str,
    build: Callable[[], CaseData],
    files: Sequence[Path],
    processed_dir: str | Path | None = None,
) -> CaseData:
    """Load a source's canonical tables from the Parquet cache, or build and cache them.

    The cache key is the fingerprint of ``files`` and of the package (version and code), so a
    changed raw file or a new version rebuilds it.
    """
    import pandas as pd

    from toolkit.schema import CaseData, restore_categories

    key = f"{fingerprint(files)}-{package_fingerprint()}"
    folder = Path(processed_dir or paths.processed_dir()) / name / key
    meta_path = folder / "meta.json"
    if meta_path.exists():
        meta = json.loads(meta_path.read_text())
        tables = {
            t: restore_categories(pd.read_parquet(folder / f"{t}.parquet"), t)
            for t in meta.pop("_tables")
        }
        return CaseData(**tables, meta=meta)
    data = build()
    parent = folder.parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=parent, prefix=".build."))
    try:
        written = []
        for table in ("cases", "claims", "votes", "judges", "ledger"):
            frame = getattr(data, table)
            if frame is not None:
                frame.to_parquet(staging / f"{table}.parquet", index=False)
                written.append(table)
        meta = {**dict(data.meta), "_tables": written}
        (staging / "meta.json").write_text(json.dumps(meta, default=str))
        for old in parent.iterdir():  # one cached version per source
            if old.is_dir() and not old.name.startswith(".") and old.name != key:
                shutil.rmtree(old, ignore_errors=True)
        try:
            os.replace(staging, folder)
        except OSError:
            if not meta_path.exists():  # not a concurrent build that finished first
                raise
            shutil.rmtree(staging, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return data
