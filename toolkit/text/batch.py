"""Code a corpus of opinions: a folder of text files, a JSONL/CSV/Parquet file, or a DataFrame.

The corpus is read in chunks and coded in worker processes with a bounded number of chunks in
flight, so memory stays flat in the corpus size; codes come back in input order. The output is a
coded-cases table that loads like hand-coded data (``toolkit.load("coded.parquet")``): canonical
``case_id``, ``outcome`` and ``court``, plus ``coder`` (``machine``), ``confidence``, ``rule``,
``verbs``, ``evidence`` and ``evidence_spans``. A Parquet output is written to a temporary file
and renamed when complete: it is there whole or not at all.
"""

from __future__ import annotations

import gzip
import io
import json
import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.errors import DataError, ToolkitError
from toolkit.text.coder import code_disposition

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["CODED_COLUMNS", "code_dispositions", "code_records", "frame_records", "iter_corpus"]

CODED_COLUMNS: tuple[str, ...] = (
    "case_id",
    "court",
    "outcome",
    "coder",
    "confidence",
    "rule",
    "verbs",
    "evidence",
    "evidence_spans",
    "text_chars",
)
"""Columns of a machine-coded table, in order."""

Record = tuple[str, str, "str | None"]  # (id, text, court)


def code_records(records: list[Record]) -> list[dict[str, Any]]:
    """Code a list of ``(id, text, court)`` records; one coded row each (no text).

    Examples
    --------
    >>> code_records([("a", "We affirm.", None)])[0]["outcome"]
    'affirmed'
    """
    rows = []
    for case_id, text, court in records:
        d = code_disposition(text, court=court).as_record()
        rows.append(
            {
                "case_id": case_id,
                "court": court,
                "outcome": d["outcome"],
                "coder": "machine",
                "confidence": d["confidence"],
                "rule": d["rule"],
                "verbs": d["verbs"],
                "evidence": d["evidence"],
                "evidence_spans": d["evidence_spans"],
                "text_chars": len(text) if isinstance(text, str) else 0,
            }
        )
    return rows


def _check_columns(columns: list[str], needed: list[str | None], file: str) -> None:
    missing = [c for c in needed if c is not None and c not in columns]
    if missing:
        raise DataError(
            f"the corpus lacks the column(s) {', '.join(map(repr, missing))}",
            file=file,
            column=missing[0],
            expected=f"a column among {', '.join(map(repr, columns[:20]))}; "
            "name it with --text-column / --id-column",
        )


def frame_records(
    df: pd.DataFrame, text: str, ident: str | None, court: str | None = None
) -> list[Record]:
    """The ``(id, text, court)`` records of a DataFrame of opinions, for either engine.

    The id is the id column as a string (None: the row label); a missing text is the empty
    string (coded ``unknown``); the court is kept as it is (None without a court column).

    Examples
    --------
    >>> import pandas as pd
    >>> frame_records(pd.DataFrame({"id": [7, 8], "text": ["We affirm.", None]}), "text", "id")
    [('7', 'We affirm.', None), ('8', '', None)]
    """
    ids = df[ident].astype("str").tolist() if ident else [str(i) for i in df.index]
    texts = [t if isinstance(t, str) else "" for t in df[text].tolist()]
    courts = df[court].tolist() if court else [None] * len(df)
    return list(zip(ids, texts, courts, strict=True))


def _chunks_frame(
    df: pd.DataFrame, text: str, ident: str | None, court: str | None, size: int, file: str
) -> Iterator[list[Record]]:
    _check_columns(list(df.columns), [text, ident, court], file)
    records = frame_records(df, text, ident, court)
    for i in range(0, len(records), size):
        yield records[i : i + size]


def _open_text(path: Path) -> io.TextIOBase:
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8")
    return open(path, encoding="utf-8")


def iter_corpus(
    source: str | Path | pd.DataFrame,
    text_column: str = "text",
    id_column: str | None = "id",
    court_column: str | None = None,
    chunk_size: int = 256,
) -> Iterator[list[Record]]:
    """The corpus as chunks of ``(id, text, court)`` records, read lazily.

    Parameters
    ----------
    source
        A folder of ``.txt`` files (the id is the file name without ``.txt``), a ``.jsonl``
        (optionally ``.gz``), ``.csv`` or ``.parquet`` file, or a DataFrame.
    text_column, id_column, court_column
        Columns holding the text, the id (None: the row number) and the court (optional).
    chunk_size
        Records per chunk.
    """
    import pandas as pd

    if isinstance(source, pd.DataFrame):
        yield from _chunks_frame(
            source, text_column, id_column, court_column, chunk_size, "DataFrame"
        )
        return
    path = Path(source)
    if not path.exists():
        raise ToolkitError(f"no such corpus: {path}")
    if path.is_dir():
        files = sorted(path.glob("*.txt"))
        if not files:
            raise DataError("the folder holds no .txt files", file=str(path))
        for i in range(0, len(files), chunk_size):
            yield [
                (f.stem, f.read_text(encoding="utf-8", errors="replace"), None)
                for f in files[i : i + chunk_size]
            ]
        return
    name = path.name.lower()
    if name.endswith((".jsonl", ".jsonl.gz", ".ndjson", ".json.gz")):
        yield from _chunks_jsonl(path, text_column, id_column, court_column, chunk_size)
    elif name.endswith((".csv", ".csv.gz", ".tsv")):
        sep = "\t" if name.endswith(".tsv") else ","
        offset = 0
        for df in pd.read_csv(path, sep=sep, chunksize=chunk_size, dtype="str"):
            if id_column is None:
                df.index = range(offset, offset + len(df))
            offset += len(df)
            yield from _chunks_frame(
                df, text_column, id_column, court_column, chunk_size, str(path)
            )
    elif name.endswith(".parquet"):
        import pyarrow.parquet as pq

        pf = pq.ParquetFile(path)
        columns = [c for c in (text_column, id_column, court_column) if c]
        _check_columns(pf.schema_arrow.names, columns, str(path))
        offset = 0
        for batch in pf.iter_batches(batch_size=chunk_size, columns=columns):
            df = batch.to_pandas()
            if id_column is None:
                df.index = range(offset, offset + len(df))
            offset += len(df)
            yield from _chunks_frame(
                df, text_column, id_column, court_column, chunk_size, str(path)
            )
    else:
        raise ToolkitError(
            f"cannot read a corpus from {path.name}: expected a folder of .txt files or a "
            ".jsonl(.gz), .csv or .parquet file"
        )


def _chunks_jsonl(
    path: Path, text: str, ident: str | None, court: str | None, size: int
) -> Iterator[list[Record]]:
    chunk: list[Record] = []
    with _open_text(path) as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DataError(
                    f"line {number} is not JSON ({exc.msg})", file=str(path), rows=[number]
                ) from None
            if text not in row:
                raise DataError(
                    "a record lacks the text field",
                    file=str(path),
                    rows=[number],
                    column=text,
                    expected=f"a field among {', '.join(map(repr, list(row)[:20]))}",
                )
            if ident is not None and ident not in row:
                raise DataError(
                    "a record lacks the id field", file=str(path), rows=[number], column=ident
                )
            value = row[text]
            chunk.append(
                (
                    str(row[ident]) if ident is not None else str(number - 1),
                    value if isinstance(value, str) else "",
                    row.get(court) if court else None,
                )
            )
            if len(chunk) >= size:
                yield chunk
                chunk = []
    if chunk:
        yield chunk


def _count(source: Any) -> int | None:
    import pandas as pd

    if isinstance(source, pd.DataFrame):
        return len(source)
    path = Path(source)
    if path.is_dir():
        return sum(1 for _ in path.glob("*.txt"))
    if path.name.lower().endswith(".parquet"):
        import pyarrow.parquet as pq

        return pq.ParquetFile(path).metadata.num_rows
    return None


def _coded_schema() -> Any:
    import pyarrow as pa

    return pa.schema(
        [
            ("case_id", pa.string()),
            ("court", pa.string()),
            ("outcome", pa.string()),
            ("coder", pa.string()),
            ("confidence", pa.float64()),
            ("rule", pa.string()),
            ("verbs", pa.string()),
            ("evidence", pa.string()),
            ("evidence_spans", pa.string()),
            ("text_chars", pa.int64()),
        ]
    )


def _results(chunks: Iterator[list[Record]], jobs: int) -> Iterator[list[dict[str, Any]]]:
    """Code chunks in worker processes, at most 2 x jobs in flight, in input order."""
    if jobs <= 1:
        for chunk in chunks:
            yield code_records(chunk)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        pending: deque[Future] = deque()
        for chunk in chunks:
            pending.append(pool.submit(code_records, chunk))
            if len(pending) >= 2 * jobs:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def code_dispositions(
    source: str | Path | pd.DataFrame,
    *,
    text_column: str = "text",
    id_column: str | None = "id",
    court_column: str | None = None,
    output: str | Path | None = None,
    jobs: int | None = None,
    chunk_size: int = 256,
    progress: bool | Callable[[int], None] = False,
) -> pd.DataFrame | Path:
    """Code every opinion of a corpus.

    Parameters
    ----------
    source
        A folder of ``.txt`` files, a ``.jsonl`` (or ``.jsonl.gz``), ``.csv`` or ``.parquet``
        file with a text column, or a DataFrame.
    text_column, id_column, court_column
        The columns holding the text, the id (None: the row number) and the court.
    output
        A ``.parquet`` (or ``.csv``) file to write; streamed, so memory stays flat. Without
        it, the coded table is returned as a DataFrame.
    jobs
        Worker processes (default: the number of cores; 1 codes in this process).
    chunk_size
        Opinions per task.
    progress
        True draws a progress bar on stderr; a callable is called with the number of
        opinions coded after each chunk.

    Returns
    -------
    pandas.DataFrame or pathlib.Path
        The coded table (:data:`CODED_COLUMNS`), or the path written.

    Examples
    --------
    >>> import pandas as pd
    >>> corpus = pd.DataFrame({"id": ["a", "b"], "text": ["We affirm.", "REVERSED."]})
    >>> code_dispositions(corpus, jobs=1)[["case_id", "outcome", "coder"]].values.tolist()
    [['a', 'affirmed', 'machine'], ['b', 'reversed', 'machine']]
    """

    jobs = jobs or os.cpu_count() or 1
    chunks = iter_corpus(source, text_column, id_column, court_column, chunk_size)
    bar = None
    if progress is True:
        from tqdm import tqdm

        bar = tqdm(total=_count(source), unit="opinion", desc="coding", smoothing=0.1)

    def tick(n: int) -> None:
        if bar is not None:
            bar.update(n)
        elif callable(progress):
            progress(n)

    try:
        if output is None:
            rows: list[dict[str, Any]] = []
            for coded in _results(chunks, jobs):
                rows.extend(coded)
                tick(len(coded))
            return _frame(rows)
        out = Path(output)
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(f".{out.name}.partial")
        try:
            if out.suffix.lower() == ".csv":
                first = True
                with open(tmp, "w", encoding="utf-8", newline="") as fh:
                    for coded in _results(chunks, jobs):
                        _frame(coded).to_csv(fh, header=first, index=False)
                        first = False
                        tick(len(coded))
                    if first:
                        _frame([]).to_csv(fh, index=False)
            else:
                import pyarrow as pa
                import pyarrow.parquet as pq

                schema = _coded_schema()
                with pq.ParquetWriter(tmp, schema) as writer:
                    for coded in _results(chunks, jobs):
                        writer.write_table(pa.Table.from_pylist(coded, schema=schema))
                        tick(len(coded))
            os.replace(tmp, out)
        finally:
            if tmp.exists():
                tmp.unlink()
        return out
    finally:
        if bar is not None:
            bar.close()


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    import pandas as pd

    frame = pd.DataFrame(rows, columns=list(CODED_COLUMNS))
    return frame.astype(
        {
            "case_id": "str",
            "court": "str",
            "outcome": "str",
            "coder": "str",
            "confidence": "float64",
            "rule": "str",
            "verbs": "str",
            "evidence": "str",
            "evidence_spans": "str",
            "text_chars": "int64",
        }
    )
