"""Data sources: one module per source, each with ``read(...) -> CaseData``.

:func:`load` is the one entry point: a source name (``"demo"``), a cases file
(``"my_cases.xlsx"``, with ``mapping=``), or a mapping file that names its cases file.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.errors import UnknownSourceError

if TYPE_CHECKING:
    from toolkit.schema import CaseData

__all__ = ["SOURCES", "load"]

SOURCES: dict[str, str] = {
    "demo": "simulated immigration petitions for review (embedded, 8,000 cases)",
    "scdb": "Supreme Court Database (case- and justice-centered, 1946-)",
    "songer": "U.S. Courts of Appeals Database (Songer; 1925-1996 and 1997-2002 files)",
    "fjc_judges": "FJC Biographical Directory of Article III judges",
    "auburn": "attributes of appeals and district judges, keyed by Songer judge codes",
    "idb": "FJC Integrated Database, courts of appeals (1971-2007 and 2008- layouts)",
    "greene": "Canadian Federal Court of Appeal refugee leave decisions, 1990 (384 cases)",
}
"""Known source names and what they hold."""


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
    if name in SOURCES:
        module = importlib.import_module(f"toolkit.sources.{name}")
        return module.read(**options)
    path = Path(source)
    if path.exists():
        from toolkit.sources import coded

        if path.suffix.lower() in (".yml", ".yaml"):
            return coded.read(mapping=path, **options)
        return coded.read(path, **options)
    raise UnknownSourceError(
        f"{name!r} is neither a known source ({', '.join(SOURCES)}) nor an existing file"
    )
