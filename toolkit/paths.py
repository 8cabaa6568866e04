"""Where the project keeps its files.

Every location can be moved with an environment variable, so that an installed toolkit, a CI
machine or a researcher's own folder layout all work:

``APPELLATE_HOME``
    the project root (default: the folder holding ``toolkit/``);
``APPELLATE_DATA``
    the data folder (default: ``<home>/data``), holding ``raw/`` and ``processed/``;
``APPELLATE_REPORTS``
    where reports are written (default: ``<home>/reports``).

The demo dataset always comes from the package's own ``data/demo`` folder.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["demo_dir", "home", "data_dir", "raw_dir", "processed_dir", "reports_dir"]

_PACKAGE_ROOT = Path(__file__).resolve().parent.parent


def home() -> Path:
    """The project root."""
    return Path(os.environ.get("APPELLATE_HOME", _PACKAGE_ROOT))


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
    """The simulated demo dataset committed with the project."""
    return _PACKAGE_ROOT / "data" / "demo"
