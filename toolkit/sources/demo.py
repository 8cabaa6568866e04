"""The embedded demo dataset: simulated petitions for review of BIA decisions.

The files in ``data/demo/`` are laid out as a researcher would hand-code them and are read by
the hand-coded reader through their own mapping, so the demo exercises the same path as real
data. They are simulated (see :mod:`toolkit.simulate`); ``meta["simulated"]`` says so.
"""

from __future__ import annotations

import json

from toolkit import paths
from toolkit.schema import CaseData
from toolkit.sources import coded

__all__ = ["read", "truth"]


def read(cache: bool = True) -> CaseData:
    """Read the demo dataset (from the Parquet cache when its files are unchanged)."""
    if cache:
        from toolkit import store

        files = [p for p in paths.demo_dir().iterdir() if p.is_file()]
        return store.cached("demo", lambda: read(cache=False), files)
    data = coded.read(mapping=paths.demo_dir() / "mapping.yaml")
    meta = dict(data.meta)
    meta["simulated"] = True
    meta["notes"] = [
        "SIMULATED DATA: fictional judges and cases from toolkit.simulate; not real decisions",
        *meta.get("notes", []),
    ]
    return data.replace(meta=meta)


def truth() -> dict:
    """The parameters the demo data were simulated from (``data/demo/truth.json``)."""
    return json.loads((paths.demo_dir() / "truth.json").read_text(encoding="utf-8"))
