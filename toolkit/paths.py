"""Where the project keeps its files, and where the package keeps its own.

A *research project* is a folder holding a ``reports.yml`` (``appellate init DIR`` creates
one). Like git finding its root, the toolkit looks for it in the working folder and then in
each parent; ``appellate --project DIR`` names it instead. Inside a project, data, reports and
the manifest are the project's own. Outside any project, a checkout of the repository is its
own project, and an installed toolkit uses the working folder with the package's defaults.

Environment variables still override each location:

``APPELLATE_HOME``
    the project root;
``APPELLATE_DATA``
    the data folder (default: ``<home>/data``), holding ``raw/`` and ``processed/``;
``APPELLATE_REPORTS``
    where reports are written (default: ``<home>/reports``).

The package's own files (the demo dataset, the report notebooks and the default
``reports.yml``) live in :func:`bundle_dir`: the top level of a checkout, or ``toolkit/_bundle``
of an installed wheel (the build copies them there; see ``setup.py``).
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

__all__ = [
    "MARKER",
    "bundle_dir",
    "data_dir",
    "demo_dir",
    "find_project",
    "home",
    "manifest_path",
    "notebooks_dir",
    "processed_dir",
    "raw_dir",
    "report_folder",
    "reports_dir",
]

MARKER = "reports.yml"
"""The file that marks a folder as a research project."""

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent


def bundle_dir() -> Path:
    """The package's demo data, notebooks and default manifest (checkout or installed wheel)."""
    inside = _PACKAGE / "_bundle"
    return inside if inside.is_dir() else _CHECKOUT


def _installed() -> bool:
    return (_PACKAGE / "_bundle").is_dir()


def find_project(start: str | Path | None = None) -> Path | None:
    """The nearest folder at or above ``start`` (default: the working folder) with a
    ``reports.yml``; the package's own folder never counts."""
    try:
        here = Path(start or Path.cwd()).resolve()
    except OSError:  # the working folder was removed
        return None
    for folder in (here, *here.parents):
        if folder == _PACKAGE or _PACKAGE in folder.parents:
            continue
        if (folder / MARKER).is_file():
            return folder
    return None


def home() -> Path:
    """The project root: ``APPELLATE_HOME``, else the project found from the working folder,
    else the checkout (when run from one), else the working folder."""
    if os.environ.get("APPELLATE_HOME"):
        return Path(os.environ["APPELLATE_HOME"])
    found = find_project()
    if found is not None:
        return found
    return Path.cwd() if _installed() else _CHECKOUT


def data_dir() -> Path:
    """The data folder."""
    return Path(os.environ.get("APPELLATE_DATA", home() / "data"))


def raw_dir() -> Path:
    """Downloaded raw files, one sub-folder per source."""
    return data_dir() / "raw"


def processed_dir() -> Path:
    """The Parquet cache of canonical tables."""
    return data_dir() / "processed"


def reports_dir() -> Path:
    """Generated reports."""
    return Path(os.environ.get("APPELLATE_REPORTS", home() / "reports"))


def demo_dir() -> Path:
    """The simulated demo dataset shipped with the package."""
    return bundle_dir() / "data" / "demo"


def notebooks_dir() -> Path:
    """The package's report notebooks."""
    return bundle_dir() / "notebooks"


def manifest_path() -> Path:
    """The project's ``reports.yml``, else the package's default one."""
    own = home() / MARKER
    return own if own.is_file() else bundle_dir() / MARKER


def report_folder(data: str, mapping: str | None = None) -> str:
    """The folder name of a dataset's reports: a source's name stays as it is (``demo``); a
    file gets its source name plus a short fingerprint of its location, so two files called
    ``cases.csv`` (or two mappings called ``mapping.yaml``) never share a folder.

    Examples
    --------
    >>> report_folder("demo")
    'demo'
    >>> a, b = report_folder("x/cases.csv"), report_folder("y/cases.csv")
    >>> a.startswith("cases-") and a != b
    True
    """
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", data) and not Path(data).exists():
        return data  # a source's name (a file path has a folder or a suffix)
    path = Path(data).expanduser().resolve()
    name = path.stem
    for candidate in (mapping, data):
        if candidate and Path(candidate).suffix.lower() in (".yml", ".yaml"):
            name = _mapping_source(Path(candidate)) or name
            break
    where = f"{path}|{Path(mapping).expanduser().resolve() if mapping else ''}"
    digest = hashlib.sha256(where.encode()).hexdigest()[:8]
    return f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name).strip('-') or 'data'}-{digest}"


def _mapping_source(path: Path) -> str | None:
    try:
        import yaml

        m = yaml.safe_load(path.read_text(encoding="utf-8"))
    except Exception:  # an unreadable mapping is reported when the data are loaded
        return None
    source = m.get("source") if isinstance(m, dict) else None
    return source if isinstance(source, str) and source.strip() else None
