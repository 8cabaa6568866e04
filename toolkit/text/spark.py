"""The disposition coder on Apache Spark, for corpora past one machine.

The same function that codes a corpus locally (:func:`toolkit.text.batch.code_records`) runs in
Spark's ``mapInPandas`` over a DataFrame of opinions read from Parquet or JSONL, so the codes are
identical whichever engine ran them. Install the extra (``pip install appellate-toolkit[spark]``;
Spark also needs Java 17 or newer) and run::

    appellate code-text opinions.parquet --text-column text --id-column id \\
        -o coded.parquet --engine spark

On a cluster, submit a small driver script with ``spark-submit`` (the toolkit installed on every
worker, e.g. shipped as a wheel with ``--py-files`` or in the workers' environment)::

    from pyspark.sql import SparkSession
    from toolkit.text.spark import code_spark_frame

    spark = SparkSession.builder.appName("code-dispositions").getOrCreate()
    opinions = spark.read.parquet("s3://bucket/opinions/")  # one row per opinion: id, text
    code_spark_frame(opinions, text_column="text", id_column="id").write.parquet(
        "s3://bucket/coded/")

A corpus whose text is nested (a case with a list of opinions, as in bulk case-law exports) is
flattened first with ``selectExpr`` so that each row holds one opinion's text and its case id;
then ``appellate code-text`` or the driver above codes it.

Spark writes a folder of Parquet part files; ``pandas.read_parquet`` and ``toolkit.load`` read
the folder as one table.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.errors import ToolkitError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SPARK_SCHEMA", "code_dispositions_spark", "code_spark_frame", "local_session"]

SPARK_SCHEMA = (
    "case_id string, court string, outcome string, coder string, confidence double, "
    "rule string, verbs string, evidence string, evidence_spans string, text_chars long"
)
"""The coded table's schema as Spark DDL (the columns of :data:`toolkit.text.CODED_COLUMNS`)."""


def _require_pyspark() -> None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise ToolkitError(
            "the Spark engine needs pyspark: pip install 'appellate-toolkit[spark]' "
            "(and Java 17 or newer)"
        ) from None
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise ToolkitError(
            "the Spark engine needs Java (17 or newer): install a JRE, e.g. Debian's "
            "openjdk-17-jre-headless, or set JAVA_HOME"
        )


def local_session(cores: int | None = None) -> Any:
    """A Spark session in local mode, its workers running this Python.

    ``PYSPARK_PYTHON`` is set to this interpreter when unset: otherwise the workers start the
    system ``python3``, which may lack pandas and the toolkit.
    """
    _require_pyspark()
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    master = f"local[{cores or os.cpu_count() or 1}]"
    session = (
        SparkSession.builder.master(master)
        .appName("appellate-code-text")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", str(cores or os.cpu_count() or 1))
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


def _code_batches(text_column: str, id_column: str, court_column: str | None) -> Any:
    def code(frames: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        import pandas as pd

        from toolkit.text.batch import CODED_COLUMNS, code_records, frame_records

        for frame in frames:
            records = frame_records(frame, text_column, id_column, court_column)
            yield pd.DataFrame(code_records(records), columns=list(CODED_COLUMNS))

    return code


def code_spark_frame(
    opinions: Any, text_column: str = "text", id_column: str = "id", court_column: str | None = None
) -> Any:
    """Code a Spark DataFrame of opinions; a Spark DataFrame of codes (:data:`SPARK_SCHEMA`).

    Parameters
    ----------
    opinions
        A ``pyspark.sql.DataFrame`` with a text column and an id column.
    text_column, id_column, court_column
        The columns holding the text, the id and (optionally) the court.
    """
    missing = [c for c in (text_column, id_column, court_column) if c and c not in opinions.columns]
    if missing:
        raise ToolkitError(
            f"the opinions lack the column(s) {', '.join(map(repr, missing))}; they have "
            f"{', '.join(map(repr, opinions.columns[:20]))}"
        )
    columns = [c for c in (id_column, text_column, court_column) if c]
    from pyspark.sql import functions as F

    selected = opinions.select(*[F.col(c).cast("string").alias(c) for c in columns])
    parallelism = selected.sparkSession.sparkContext.defaultParallelism
    if selected.rdd.getNumPartitions() < parallelism:
        # A gzipped JSONL file is read as one partition: spread it over the cores.
        selected = selected.repartition(parallelism)
    return selected.mapInPandas(
        _code_batches(text_column, id_column, court_column), schema=SPARK_SCHEMA
    )


def _check_first_record(path: Path, fields: list[str]) -> None:
    from toolkit.errors import DataError
    from toolkit.text.batch import _open_text

    if path.is_dir():
        return
    with _open_text(path) as fh:
        for number, line in enumerate(fh, start=1):
            if line.strip():
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise DataError(
                        f"line {number} is not JSON ({exc.msg})", file=str(path), rows=[number]
                    ) from None
                missing = [f for f in fields if f not in record]
                if missing:
                    raise DataError(
                        f"the records lack the field(s) {', '.join(map(repr, missing))}",
                        file=str(path),
                        rows=[number],
                        column=missing[0],
                        expected=f"a field among {', '.join(map(repr, list(record)[:20]))}",
                    )
                return


def code_dispositions_spark(
    source: str | Path,
    output: str | Path,
    *,
    text_column: str = "text",
    id_column: str = "id",
    court_column: str | None = None,
    spark: Any = None,
) -> Path:
    """Code a Parquet or JSONL corpus with Spark and write the codes as a Parquet folder.

    Parameters
    ----------
    source
        A Parquet file or folder, or a JSONL file (``.jsonl``, ``.jsonl.gz``, ``.json``).
    output
        The Parquet folder to write; written beside under a temporary name and renamed when
        complete, so it is there whole or not at all. An existing output is an error.
    spark
        A Spark session; default :func:`local_session`.

    Returns
    -------
    pathlib.Path
        The folder written.
    """
    path, out = Path(source), Path(output)
    if not path.exists():
        raise ToolkitError(f"no such corpus: {path}")
    if out.exists():
        raise ToolkitError(f"{out} exists already; remove it or choose another output")
    session = spark if spark is not None else local_session()
    name = path.name.lower()
    if name.endswith(".parquet") or path.is_dir():
        opinions = session.read.parquet(str(path))
    elif name.endswith((".jsonl", ".jsonl.gz", ".json", ".json.gz", ".ndjson")):
        # Only the needed fields, as strings: no pass over the file to infer a schema. A field
        # missing from the file would read as nulls, so the first record is checked here.
        fields = [c for c in (id_column, text_column, court_column) if c]
        _check_first_record(path, fields)
        ddl = ", ".join(f"`{c}` string" for c in fields)
        opinions = session.read.schema(ddl).json(str(path))
    else:
        raise ToolkitError(
            f"the Spark engine reads Parquet or JSONL, not {path.name}; convert it or use "
            "the local engine"
        )
    tmp = out.with_name(f".{out.name}.partial")
    if tmp.exists():
        shutil.rmtree(tmp)
    try:
        coded = code_spark_frame(opinions, text_column, id_column, court_column)
        coded.write.parquet(str(tmp))
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return out
