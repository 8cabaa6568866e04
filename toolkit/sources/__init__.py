"""Data sources: the registry of sources and one reader module per source.

The source contract
-------------------
Every source is one :class:`Source` record in :data:`REGISTRY` (``toolkit/sources/registry.py``,
re-exported here), the one place that says what a
source is: its name and description, the module whose ``read(...) -> CaseData`` reads it, the
release, the files it needs (each a :class:`toolkit.store.RemoteFile` with its publisher's
address, its place in a mirror and the sha256 and size of both copies where known) and how to
fetch them. Adding a source is one new reader module and one record here. A reader builds its
result with :func:`toolkit.sources.base.case_data`, which assembles the tables, the ledger and
the file fingerprints the same way for every source.

The dependencies run one way: readers use the registry, the store (raw files, checksums,
cache) and the schema; the store receives file lists and knows nothing of sources.

:func:`load` is the one entry point: a source name (``"demo"``), a cases file
(``"my_cases.xlsx"``, with ``mapping=``), or a mapping file that names its cases file.
:func:`fetch` gets a source's files; :func:`datasets` lists what is known and present.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit import paths
from toolkit.errors import UnknownSourceError
from toolkit.sources.registry import REGISTRY, SOURCES, Source, source

if TYPE_CHECKING:
    from toolkit.schema import CaseData

__all__ = [
    "REGISTRY",
    "SOURCES",
    "Source",
    "data_fingerprint",
    "datasets",
    "fetch",
    "load",
    "source",
]


def fetch(
    name: str,
    mirror: str | Path | None = None,
    raw_dir: str | Path | None = None,
    timeout: float = 60.0,
    urls: dict[str, str] | None = None,
) -> Path:
    """Get a source's raw files into ``data/raw/<name>/`` (see :func:`toolkit.store.fetch`).

    Raises
    ------
    toolkit.store.FetchError
        On any failure; also for a source with nothing to fetch (``demo``).
    """
    from toolkit import store

    record = source(name)
    if not record.files:
        raise store.FetchError(f"{name!r} has no files to fetch ({record.fetch})")
    return store.fetch(
        name, record.files, mirror=mirror, raw_dir=raw_dir, timeout=timeout, urls=urls
    )


def datasets(raw_dir: str | Path | None = None) -> list[dict[str, Any]]:
    """Every known source: whether its files are present, their release and fingerprint.

    The fingerprint covers the data files only (not the fetch record, locks or leftovers of an
    interrupted fetch), so it equals the one reports show and survives a re-fetch of the same
    files.
    """
    from toolkit.store import fingerprint

    rows = []
    for name, record in REGISTRY.items():
        files = source_files(name, raw_dir)
        folder = Path(raw_dir or paths.raw_dir()) / name
        required = [f for f in record.files if f.required]
        present = bool(files) and all(
            any((folder / n).exists() for n in f.stored_names) for f in required
        )
        if name == "demo":
            present = True
        rows.append(
            {
                "source": name,
                "description": record.description,
                "present": present,
                "release": record.release,
                "files": len(files),
                "fingerprint": fingerprint(files) if present else "",
            }
        )
    return rows


def source_files(name: str, raw_dir: str | Path | None = None) -> list[Path]:
    """The data files behind a source: the demo folder, or the source's fetched raw files."""
    from toolkit.store import raw_files

    if name == "demo":
        return sorted(p for p in paths.demo_dir().iterdir() if p.is_file())
    return raw_files(name, raw_dir)


def data_fingerprint(data: str, mapping: str | None = None) -> str:
    """A short fingerprint of the files behind a dataset, without loading it.

    A source name covers the source's data files (the demo folder, or the fetched raw files),
    as :func:`datasets` fingerprints them; a path covers the file, its mapping, and the files
    a mapping names (:func:`toolkit.store.dataset_fingerprint`).
    """
    from toolkit.store import dataset_fingerprint, fingerprint

    if data in SOURCES:
        return fingerprint([f for f in source_files(data) if f.exists()])
    return dataset_fingerprint(data, mapping)


def load(source: str | Path, **options: Any) -> CaseData:
    """Load a dataset into the canonical model.

    Parameters
    ----------
    source
        A known source name (see :data:`SOURCES`), a path to a cases file (.csv, .tsv,
        .xlsx, .parquet), or a path to a YAML mapping file that names its cases file.
    **options
        Passed to the source's reader; for files, ``mapping=`` (a YAML file) and ``source=``.

    Returns
    -------
    CaseData

    Examples
    --------
    >>> import toolkit
    >>> data = toolkit.load("demo")
    >>> data.source
    'demo'
    >>> sorted(data.cases["circuit"].dropna().unique())[:3]
    ['ca1', 'ca10', 'ca11']
    """
    name = str(source)
    if name in REGISTRY:
        return REGISTRY[name].read(**options)
    path = Path(source)
    if path.exists():
        from toolkit.sources import coded

        if path.suffix.lower() in (".yml", ".yaml"):
            return coded.read(mapping=path, **options)
        return coded.read(path, **options)
    raise UnknownSourceError(
        f"{name!r} is neither a known source ({', '.join(SOURCES)}) nor an existing file"
    )
