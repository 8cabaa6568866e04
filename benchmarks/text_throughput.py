"""Throughput and memory of the disposition coder on a synthetic corpus, streamed.

The corpus is built from the development opinions (``nm_appeals_outcomes/dev.jsonl.gz`` in the
reference data), cycled with fresh ids and written to a JSONL file line by line, never held in
memory. ``code_dispositions`` then codes it with worker processes into a Parquet file while a
thread samples the resident memory of the whole process tree (main process and workers).

Run::

    .venv/bin/python benchmarks/text_throughput.py            # 1,000, 10,000 and 100,000
    .venv/bin/python benchmarks/text_throughput.py 1000 5000  # other sizes

Prints, per size: opinions per second (wall clock), opinions per CPU-second (user and system
time of the main process and its workers: the number that does not depend on what else the
machine is running), peak memory of the process tree, and the corpus size on disk.
"""

from __future__ import annotations

import gzip
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

from text_validation import dev_set  # the same folder: benchmarks run as scripts


def write_corpus(path: Path, n: int, texts: list[str]) -> int:
    """Write n opinions, cycling through the development texts, one JSON line at a time."""
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({"id": f"syn-{i:07d}", "text": texts[i % len(texts)]}) + "\n")
    return path.stat().st_size


class PeakMemory:
    """Samples the resident memory of this process and its children every 50 ms."""

    def __init__(self) -> None:
        import psutil

        self.process = psutil.Process()
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psutil

        while not self._stop.is_set():
            total = 0
            try:
                for p in [self.process, *self.process.children(recursive=True)]:
                    total += p.memory_info().rss
            except psutil.Error:
                pass
            self.peak = max(self.peak, total)
            time.sleep(0.05)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the worker processes)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def main(sizes: list[int]) -> None:
    from toolkit.text import code_dispositions

    with gzip.open(dev_set(), "rt", encoding="utf-8") as fh:
        texts = [json.loads(line)["text"] for line in fh]
    mean_kb = sum(map(len, texts)) / len(texts) / 1000
    jobs = os.cpu_count() or 1
    print(f"{len(texts)} development texts, mean {mean_kb:.1f} KB; {jobs} worker processes")
    print(
        f"{'opinions':>10} {'seconds':>8} {'per second':>11} {'per CPU s':>10} {'peak MB':>8} "
        f"{'corpus MB':>10}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            corpus = Path(tmp) / f"corpus-{n}.jsonl"
            corpus_bytes = write_corpus(corpus, n, texts)
            out = Path(tmp) / f"coded-{n}.parquet"
            with PeakMemory() as memory:
                cpu0, start = _cpu(), time.perf_counter()
                code_dispositions(corpus, output=out, jobs=jobs)
                seconds, cpu = time.perf_counter() - start, _cpu() - cpu0
            print(
                f"{n:>10,} {seconds:>8.1f} {n / seconds:>11.0f} {n / cpu:>10.0f} "
                f"{memory.peak / 1e6:>8.0f} {corpus_bytes / 1e6:>10.0f}",
                flush=True,
            )
            corpus.unlink()
            out.unlink()


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1_000, 10_000, 100_000])
