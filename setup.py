"""Build hook: the wheel carries the repository's demo data, report notebooks and manifest.

The repository keeps them where researchers and the other tools expect them (``data/demo/``,
``notebooks/``, ``reports.yml`` at the top level); the build copies them into
``toolkit/_bundle/`` of the wheel, so there is never a hand-kept second copy. At run time
:func:`toolkit.paths.bundle_dir` finds them in either place. Everything else is configured in
``pyproject.toml``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
BUNDLE = {"reports.yml": "reports.yml", "notebooks": "notebooks", "data/demo": "data/demo"}


class BuildWithBundle(build_py):
    """``build_py`` that also copies the bundled files into ``toolkit/_bundle``."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads them from the checkout
        target = Path(self.build_lib) / "toolkit" / "_bundle"
        for source, dest in BUNDLE.items():
            src, out = ROOT / source, target / dest
            if src.is_dir():
                out.mkdir(parents=True, exist_ok=True)
                for item in sorted(src.iterdir()):
                    keep = item.is_file() and not item.name.startswith(".")
                    if keep and (source != "notebooks" or item.suffix == ".ipynb"):
                        shutil.copy2(item, out / item.name)
            elif src.is_file():
                out.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, out)


setup(cmdclass={"build_py": BuildWithBundle})
