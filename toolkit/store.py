"""Raw files and the Parquet cache.

The store knows files, not sources: the source registry (:mod:`toolkit.sources`) hands it the
list of a source's files, and the readers hand it the files they read.

Raw files
    :func:`fetch` downloads a list of files into ``data/raw/<name>/`` (or copies them from a
    local mirror laid out like the reference-data folder) and verifies the size and sha256 of
    every file whose checksum is known, whatever the name of the copy. It writes atomically: a
    file appears complete or not at all, and leftovers of an interrupted fetch (``.part``
    files) are removed by the next one. A compressed file whose checksum is not known is at
    least read to its end. What was fetched is recorded in ``data/raw/<name>/fetched.json``;
    :func:`verify_recorded` later refuses a file that changed since. Zip archives are checked
    for members that would escape the target folder before anything is extracted.

Parquet cache
    :func:`cached` stores a source's canonical tables in ``data/processed/<name>/<key>/``, keyed
    by the raw files' fingerprints and the package version, so a changed file or a new version
    rebuilds the cache, and an unchanged one reloads in a fraction of a second. The sha256 of
    every table file is recorded when it is written and checked when it is read: a corrupt,
    partial or mismatched cache is rebuilt from the raw files and the rebuilt data say so in
    ``meta["notes"]``. Leftover build folders are removed by the next build.

Writing safely
    :func:`write_atomic` writes a file under a temporary name and renames it into place;
    :func:`file_lock` holds an exclusive lock (with the holder's pid) on a lock file.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import hashlib
import json
import os
import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit import paths
from toolkit.errors import DataError, ToolkitError

if TYPE_CHECKING:
    from toolkit.schema import CaseData

__all__ = [
    "FetchError",
    "LockBusyError",
    "RemoteFile",
    "cached",
    "fetch",
    "file_info",
    "file_lock",
    "fingerprint",
    "package_fingerprint",
    "raw_files",
    "verify_recorded",
    "write_atomic",
]

CHUNK = 1 << 20
TABLES = ("cases", "claims", "votes", "judges", "ledger")
RECORD = "fetched.json"


class FetchError(ToolkitError):
    """A download or copy failed; nothing was left behind."""


class LockBusyError(ToolkitError):
    """Another process holds the lock (its pid is in the message)."""


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
        Path of the same file inside a mirror folder (laid out like the reference data); the
        copy is stored under this path's file name.
    sha256, size
        Expected checksum and size in bytes of the publisher's file, where known.
    mirror_sha256, mirror_size
        The same for the mirror's copy (often re-packed: ``.csv.gz`` for ``.csv.zip``).
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
    mirror_sha256: str | None = None
    mirror_size: int | None = None

    @property
    def stored_names(self) -> tuple[str, ...]:
        """The names this file may have under ``data/raw/<source>/`` (fetched or mirrored)."""
        names = [self.name]
        if self.mirror and Path(self.mirror).name != self.name:
            names.append(Path(self.mirror).name)
        return tuple(names)

    def expected(self, stored: str) -> tuple[str | None, int | None]:
        """The known sha256 and size of the copy stored under ``stored``."""
        if stored == self.name:
            return self.sha256, self.size
        if self.mirror and stored == Path(self.mirror).name:
            return self.mirror_sha256, self.mirror_size
        return None, None


# ------------------------------------------------------------------ writing safely


def write_atomic(path: str | Path, content: str | bytes, encoding: str = "utf-8") -> Path:
    """Write ``content`` to ``path`` through a temporary file renamed into place.

    A kill or a full disk leaves the previous file untouched and no temporary file behind.
    """
    path = Path(path)
    data = content.encode(encoding) if isinstance(content, str) else content
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path


@contextlib.contextmanager
def file_lock(path: str | Path, wait: bool = True, what: str = "") -> Iterator[Path]:
    """Hold an exclusive lock on ``path`` (created if needed), recording this process's pid.

    The operating system releases the lock when the holder dies, even by ``kill -9``, so a
    lock never outlives its process.

    Raises
    ------
    LockBusyError
        With ``wait=False``, when another process holds the lock.
    """
    import fcntl

    path = Path(path)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "?"
            raise LockBusyError(
                f"{what or path} is in use by another process (pid {holder}); wait for it to "
                f"finish or stop it (lock file {path})"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield path
    finally:
        os.close(fd)


# ------------------------------------------------------------------ fetching


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def _verify(tmp: Path, spec: RemoteFile, stored: str, origin: str) -> None:
    sha256, expected_size = spec.expected(stored)
    size = tmp.stat().st_size
    if expected_size is not None and size != expected_size:
        raise FetchError(
            f"{stored} from {origin}: {size:,} bytes, expected {expected_size:,} bytes "
            "(truncated or changed file)"
        )
    if sha256 is not None:
        got = _sha256(tmp)
        if got != sha256:
            raise FetchError(
                f"{stored} from {origin}: sha256 {got[:16]}..., expected "
                f"{sha256[:16]}... (corrupt, truncated or changed file)"
            )
    elif stored.endswith(".gz"):  # no checksum known: at least the stream must be whole
        try:
            with gzip.open(tmp, "rb") as fh:
                while fh.read(CHUNK):
                    pass
        except (OSError, EOFError, zlib.error) as exc:
            raise FetchError(f"{stored} from {origin}: not a complete gzip file ({exc})") from None


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


def _remove_leftovers(folder: Path) -> list[str]:
    """Remove the ``.part`` files an interrupted fetch left (called under the fetch lock)."""
    removed = []
    for part in folder.rglob(".*.part"):
        if part.is_file():
            part.unlink(missing_ok=True)
            removed.append(part.name)
    return removed


def fetch(
    name: str,
    files: Sequence[RemoteFile],
    mirror: str | Path | None = None,
    raw_dir: str | Path | None = None,
    timeout: float = 60.0,
    urls: dict[str, str] | None = None,
) -> Path:
    """Get files into ``data/raw/<name>/``.

    Parameters
    ----------
    name
        The folder name under ``raw_dir`` (a source name).
    files
        What to get (a source's files: :func:`toolkit.sources.fetch` passes them).
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
        On any failure (HTTP error, truncated file, wrong checksum, unsafe zip, a mirror that
        holds none of the files); files that were already complete stay, and no partial file
        is left.
    """
    if not files:
        raise FetchError(f"{name!r} has no files to fetch")
    if not timeout > 0:
        raise FetchError(f"timeout must be a positive number of seconds, not {timeout!r}")
    folder = Path(raw_dir or paths.raw_dir()) / name
    if mirror is not None:
        mirror = Path(mirror)
        if not mirror.is_dir():
            raise FetchError(f"the mirror {mirror} is not a folder")
        held = [f for f in files if (mirror / (f.mirror or f.name)).is_file()]
        if not held:
            wanted = ", ".join(f.mirror or f.name for f in files)
            raise FetchError(f"the mirror {mirror} holds none of {name}'s files ({wanted})")
    folder.mkdir(parents=True, exist_ok=True)
    # the lock sits beside the folder, which holds only data files and the fetch record
    with file_lock(folder.parent / f".{name}.fetch.lock", what=f"fetching {name}"):
        _remove_leftovers(folder)
        record: dict[str, Any] = {
            "source": name,
            "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "files": _recorded(folder),
        }
        for spec in files:
            got = _fetch_one(spec, folder, mirror, urls, timeout)
            if got is not None:  # recorded as each file lands: a kill leaves a true record
                stored, origin = got
                record["files"][stored] = {"origin": origin, **file_info(folder / stored)}
                write_atomic(folder / RECORD, json.dumps(record, indent=2) + "\n")
    return folder


def _recorded(folder: Path) -> dict[str, Any]:
    """The fetch record's entries for files still present (an earlier fetch's)."""
    try:
        files = json.loads((folder / RECORD).read_text()).get("files", {})
    except (OSError, ValueError, AttributeError):
        return {}
    if not isinstance(files, dict):
        return {}
    return {
        n: info for n, info in files.items() if isinstance(info, dict) and (folder / n).is_file()
    }


def _fetch_one(
    spec: RemoteFile,
    folder: Path,
    mirror: Path | None,
    urls: dict[str, str] | None,
    timeout: float,
) -> tuple[str, str] | None:
    if mirror is not None:
        origin = str(mirror / (spec.mirror or spec.name))
        if not Path(origin).is_file():
            if spec.required:
                raise FetchError(f"{spec.name}: not found in the mirror at {origin}")
            return None
        stored = Path(spec.mirror).name if spec.mirror else spec.name
    else:
        origin = (urls or {}).get(spec.name) or spec.url
        if origin is None:
            if spec.required:
                raise FetchError(
                    f"{spec.name}: no download address is known; fetch it "
                    "with --mirror from a folder that holds it"
                )
            return None
        stored = spec.name
    fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{stored}.", suffix=".part")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        if mirror is not None:
            try:
                shutil.copyfile(origin, tmp)
            except OSError as exc:
                raise FetchError(f"{stored}: cannot copy from {origin}: {exc}") from None
        else:
            _download(origin, tmp, timeout)
        _verify(tmp, spec, stored, origin)
        if spec.extract and zipfile.is_zipfile(tmp):
            _extract(tmp, folder, spec)
        os.chmod(tmp, 0o644)
        os.replace(tmp, folder / stored)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return stored, origin


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
                staged.append((Path(part), folder / info.filename))
                with archive.open(info) as src, open(part, "wb") as dst:
                    shutil.copyfileobj(src, dst, CHUNK)
            for part, dest in staged:
                dest.parent.mkdir(parents=True, exist_ok=True)
                os.replace(part, dest)
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            for part, _ in staged:
                part.unlink(missing_ok=True)
            raise FetchError(f"{spec.name}: damaged zip archive ({exc})") from None
        except BaseException:
            for part, _ in staged:
                part.unlink(missing_ok=True)
            raise


def raw_files(name: str, raw_dir: str | Path | None = None) -> list[Path]:
    """The raw data files present for a source: not the fetch record, lock or leftovers."""
    folder = Path(raw_dir or paths.raw_dir()) / name
    if not folder.exists():
        return []
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and p.name != RECORD and not p.name.startswith(".")
    )


def verify_recorded(files: Sequence[Path]) -> None:
    """Refuse raw files that changed since they were fetched (per ``fetched.json``).

    Files with no fetch record (placed by hand) are not checked.

    Raises
    ------
    DataError
        Naming the file, its checksum now and when it was fetched.
    """
    records: dict[Path, dict[str, Any]] = {}
    for path in files:
        record_path = path.parent / RECORD
        if record_path not in records:
            try:
                records[record_path] = json.loads(record_path.read_text()).get("files", {})
            except (OSError, ValueError, AttributeError):
                records[record_path] = {}
        known = records[record_path].get(path.name)
        if not isinstance(known, dict) or "sha256" not in known:
            continue
        got = _sha256(path)
        if got != known["sha256"]:
            raise DataError(
                f"the file changed since it was fetched (sha256 {got[:16]}..., fetched as "
                f"{str(known['sha256'])[:16]}...): it is corrupt or was replaced; fetch it "
                "again with `appellate fetch`",
                file=str(path),
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


def dataset_files(data: str | Path, mapping: str | Path | None = None) -> list[Path]:
    """The files behind a dataset given as a path: the file, its YAML mapping, and the files
    the mapping names (read with the reader's own parser, :func:`toolkit.mapping.read_mapping`).

    A mapping that cannot be read adds only itself: loading the data reports its problems.
    Files that do not exist are left out.
    """
    from toolkit.errors import MappingError
    from toolkit.mapping import read_mapping

    files = [Path(data)]
    for m in (mapping, data):
        if m and Path(m).suffix.lower() in (".yml", ".yaml"):
            files.append(Path(m))
            try:
                spec = read_mapping(m)
            except MappingError:
                continue
            folder = Path(spec.get("_dir", Path(m).parent))
            names = [spec.get("file")] + [
                (spec.get(k) or {}).get("file") for k in ("claims", "judges")
            ]
            files += [folder / n for n in names if isinstance(n, str)]
    return [f for f in dict.fromkeys(files) if f.exists()]


def dataset_fingerprint(data: str | Path, mapping: str | Path | None = None) -> str:
    """A short fingerprint of the files behind a dataset given as a path, without loading it.

    See :func:`dataset_files`; a named source's files are fingerprinted with
    :func:`fingerprint` by the caller that knows the sources.
    """
    return fingerprint(dataset_files(data, mapping))


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


# ------------------------------------------------------------------ the Parquet cache


class _CacheDamaged(Exception):
    """The cached tables cannot be trusted (the reason is the message)."""


def _load_checked(folder: Path) -> CaseData:
    import pandas as pd

    from toolkit.schema import CaseData, restore_categories

    try:
        meta = json.loads((folder / "meta.json").read_text())
        recorded = meta.pop("_meta_sha256")
        if recorded != _meta_digest(meta):
            raise _CacheDamaged("meta.json checksum mismatch")
        tables = meta.pop("_tables")
        checksums = meta.pop("_sha256")
        if not isinstance(tables, list) or not isinstance(checksums, dict):
            raise TypeError("table list or checksums malformed")
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise _CacheDamaged(f"meta.json unreadable ({type(exc).__name__})") from None
    frames = {}
    for table in tables:
        path = folder / f"{table}.parquet"
        try:
            got = _sha256(path)
        except OSError:
            raise _CacheDamaged(f"{path.name} missing") from None
        if got != checksums.get(table):
            raise _CacheDamaged(f"{path.name} checksum mismatch")
        try:
            frames[table] = restore_categories(pd.read_parquet(path), table)
        except Exception as exc:  # checksum matched but the file does not read
            raise _CacheDamaged(f"{path.name} unreadable ({type(exc).__name__})") from None
    return CaseData(**frames, meta=meta)


def _meta_digest(meta: dict[str, Any]) -> str:
    """The sha256 of ``meta`` as canonical JSON (so a flipped bit in meta.json shows)."""
    return hashlib.sha256(json.dumps(meta, sort_keys=True, default=str).encode()).hexdigest()


def _clear_leftovers(parent: Path, keep: str) -> None:
    """Remove build folders and other versions (called under the cache lock)."""
    for old in parent.iterdir():
        if old.is_dir() and old.name != keep:
            shutil.rmtree(old, ignore_errors=True)


def cached(
    name: str,
    build: Callable[[], CaseData],
    files: Sequence[Path],
    processed_dir: str | Path | None = None,
) -> CaseData:
    """Load a source's canonical tables from the Parquet cache, or build and cache them.

    The cache key is the fingerprint of ``files`` and of the package (version and code), so a
    changed raw file or a new version rebuilds it. Each table file's sha256 is checked on
    reading; a damaged cache is rebuilt, and the rebuilt data say so in ``meta["notes"]``.
    """
    key = f"{fingerprint(files)}-{package_fingerprint()}"
    parent = Path(processed_dir or paths.processed_dir()) / name
    folder = parent / key
    damaged = None
    if folder.is_dir():
        try:
            return _load_checked(folder)
        except _CacheDamaged as exc:
            damaged = str(exc)
    data = None
    notes = []
    if damaged is not None:
        notes.append(
            f"the cached tables of {name!r} were damaged ({damaged}) and were rebuilt from "
            "the raw files"
        )
    try:
        parent.mkdir(parents=True, exist_ok=True)
        with file_lock(parent.parent / f".{name}.lock", what=f"the cache of {name}"):
            if damaged is None and folder.is_dir():  # built by another process meanwhile
                with contextlib.suppress(_CacheDamaged):
                    return _load_checked(folder)
            data = build()
            _clear_leftovers(parent, keep="")
            _write_cache(data, parent, folder)
    except OSError as exc:  # a read-only or full disk: the data are good, the cache is not
        if data is None:
            data = build()
        notes.append(f"not cached: cannot write to {parent} ({exc.strerror or exc})")
    if notes:
        data = data.replace(
            meta={**dict(data.meta), "notes": [*data.meta.get("notes", []), *notes]}
        )
    return data


def _write_cache(data: CaseData, parent: Path, folder: Path) -> None:
    staging = Path(tempfile.mkdtemp(dir=parent, prefix=".build."))
    try:
        staging.chmod(0o755)
        written, checksums = [], {}
        for table in TABLES:
            frame = getattr(data, table)
            if frame is not None:
                path = staging / f"{table}.parquet"
                frame.to_parquet(path, index=False)
                written.append(table)
                checksums[table] = _sha256(path)
        meta = {**dict(data.meta), "_tables": written, "_sha256": checksums}
        meta["_meta_sha256"] = _meta_digest(meta)
        write_atomic(staging / "meta.json", json.dumps(meta, default=str))
        os.replace(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
