"""A researcher's own project folder: ``appellate init DIR``.

A project holds its own ``reports.yml`` (which marks the folder, as ``.git`` marks a
repository), editable copies of the report notebooks, a ``data/`` folder and a short README.
``appellate report``, ``fetch`` and ``validate`` run from anywhere inside it (or with
``--project DIR``) use the project's manifest, notebooks, data and ``reports/`` folder.

The notebooks call only the stable notebook-facing API (:class:`toolkit.notebook.Report`, the
statistics and chart functions); ``appellate init DIR --update`` refreshes the copies from an
upgraded toolkit, keeping the old ones as ``*.ipynb.bak``. A report the project's manifest
names but whose notebook the project lacks is taken from the package.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from toolkit import paths
from toolkit.errors import ToolkitError

__all__ = ["init_project"]

_README = """# {name}

A research project of the appellate toolkit (`appellate init`).

- `reports.yml`: which reports `appellate report` builds, on which data, with which parameters.
- `notebooks/`: the report notebooks (edit the prose or add your own; keep one `parameters`
  cell of plain values). `appellate init . --update` refreshes them from the installed toolkit.
- `data/`: your coding sheets and mappings (`appellate mapping draft data/sheet.xlsx >
  data/mapping.yaml`, then `appellate validate data/mapping.yaml`); downloads go to
  `data/raw/`, the cache to `data/processed/`.
- `reports/`: what `appellate report` writes (`reports/index.html` links everything).

Every command works from anywhere inside this folder, or from elsewhere with
`appellate --project {name} ...`.
"""

_IGNORE = "data/raw/\ndata/processed/\nreports/\n.ipynb_checkpoints/\n"


def init_project(folder: str | Path, *, update: bool = False) -> Path:
    """Create a research project in ``folder`` (or, with ``update``, refresh its notebooks).

    Returns
    -------
    Path
        The project folder.

    Raises
    ------
    ToolkitError
        ``folder`` is already a project (without ``update``), or is not one (with it).
    """
    root = Path(folder).expanduser().resolve()
    manifest = root / paths.MARKER
    bundle = paths.bundle_dir()
    if update and not manifest.is_file():
        raise ToolkitError(f"{root} is not a project (no {paths.MARKER}): run appellate init")
    if not update and manifest.exists():
        raise ToolkitError(
            f"{root} is already a project ({paths.MARKER} exists); "
            "use --update to refresh its notebooks"
        )
    if root.exists() and not root.is_dir():
        raise ToolkitError(f"{root} exists and is not a folder")
    notebooks = root / "notebooks"
    notebooks.mkdir(parents=True, exist_ok=True)
    for source in sorted(paths.notebooks_dir().glob("*.ipynb")):
        target = notebooks / source.name
        if target.exists():
            if target.read_bytes() == source.read_bytes():
                continue
            shutil.copy2(target, target.with_name(target.name + ".bak"))
        shutil.copy2(source, target)
    if not update:
        (root / "data").mkdir(exist_ok=True)
        shutil.copy2(bundle / paths.MARKER, manifest)
        readme = root / "README.md"
        if not readme.exists():
            readme.write_text(_README.format(name=root.name), encoding="utf-8")
        ignore = root / ".gitignore"
        if not ignore.exists():
            ignore.write_text(_IGNORE, encoding="utf-8")
    return root
