"""The disposition coder on Apache Spark (local mode) gives the local engine's codes.

Skipped, with the reason, when Java or pyspark is missing (``.ci/run`` installs both).
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest

from toolkit.text import code_dispositions

CORPUS = Path(str(resources.files("toolkit") / "text" / "corpus"))

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def spark():
    pytest.importorskip("pyspark", reason="pyspark is not installed (pip install .[spark])")
    if shutil.which("java") is None:
        pytest.skip("java is not installed (Debian: openjdk-17-jre-headless)")
    import warnings

    from toolkit.text.spark import local_session

    warnings.filterwarnings("ignore", message="PySpark does not yet", category=FutureWarning)
    session = local_session(2)
    yield session
    session.stop()


def _dev_set() -> Path | None:
    """The development set in the reference data ($APPELLATE_SHARED_DATA or ../shared/data)."""
    for root in (
        os.environ.get("APPELLATE_SHARED_DATA"),
        Path(__file__).parents[2] / "shared/data",
    ):
        if root and (Path(root) / "nm_appeals_outcomes" / "dev.jsonl.gz").exists():
            return Path(root) / "nm_appeals_outcomes" / "dev.jsonl.gz"
    return None


def _opinions(tmp_path: Path) -> Path:
    """The fixture corpus, plus the development set when the reference data are there."""
    rows = [
        {"id": f.stem, "text": f.read_text(encoding="utf-8")} for f in sorted(CORPUS.glob("*.txt"))
    ]
    dev = _dev_set()
    if dev is not None:
        with gzip.open(dev, "rt") as fh:
            rows += [{"id": r["id"], "text": r["text"]} for r in map(json.loads, fh)]
    path = tmp_path / "opinions.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row) + "\n")
    return path


def test_spark_gives_the_local_codes(spark, tmp_path):
    from toolkit.text.spark import code_dispositions_spark

    source = _opinions(tmp_path)
    out = code_dispositions_spark(source, tmp_path / "coded.parquet", spark=spark)
    got = pd.read_parquet(out).sort_values("case_id", ignore_index=True)
    want = code_dispositions(source, jobs=1).sort_values("case_id", ignore_index=True)
    assert len(got) == len(want) >= 12
    columns = ["case_id", "outcome", "confidence", "rule", "verbs", "evidence", "evidence_spans"]
    pd.testing.assert_frame_equal(got[columns], want[columns], check_dtype=False)
    assert not list(tmp_path.glob(".*partial"))


def test_spark_from_parquet_and_errors(spark, tmp_path):
    from toolkit.errors import ToolkitError
    from toolkit.text.spark import code_dispositions_spark

    frame = pd.DataFrame(
        {"doc": ["a", "b"], "body": ["We affirm.", "REVERSED and REMANDED."], "court": ["x", "y"]}
    )
    frame.to_parquet(tmp_path / "o.parquet")
    out = code_dispositions_spark(
        tmp_path / "o.parquet",
        tmp_path / "c.parquet",
        text_column="body",
        id_column="doc",
        court_column="court",
        spark=spark,
    )
    got = pd.read_parquet(out).sort_values("case_id")
    assert got["outcome"].tolist() == ["affirmed", "reversed_remanded"]
    assert got["court"].tolist() == ["x", "y"]
    with pytest.raises(ToolkitError, match="exists already"):
        code_dispositions_spark(tmp_path / "o.parquet", out, spark=spark)
    with pytest.raises(ToolkitError, match="lack the column"):
        code_dispositions_spark(tmp_path / "o.parquet", tmp_path / "d.parquet", spark=spark)
