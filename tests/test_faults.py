"""Fault injection: kills, bit flips, truncation, full and read-only disks, broken pipes.

Every case must end in one of two ways: it succeeds with correct results, or it fails with a
clear message, and it never leaves a state that a later run accepts as good while it is broken.
The suite is bounded (fixed seeds, fixed counts, tiny data, loopback only); the disk cases
mount a small tmpfs and are skipped, with the reason, where that is not allowed.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import http.server
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pandas as pd
import pytest

import toolkit
from toolkit import store
from toolkit.errors import DataError, ToolkitError
from toolkit.reports import _unchanged, build_reports, load_manifest, plan_jobs
from toolkit.store import FetchError, RemoteFile

SEED = 20261128
CLINIC = Path(__file__).parent / "data" / "clinic"
TABLES = ("cases", "claims", "votes", "judges", "ledger")


def _equal(a, b) -> bool:
    for table in TABLES:
        x, y = getattr(a, table), getattr(b, table)
        if (x is None) != (y is None):
            return False
        if x is not None and not x.equals(y):
            return False
    return True


@pytest.fixture(scope="module")
def small():
    return toolkit.load(CLINIC / "cases.csv", mapping=CLINIC / "mapping.yaml")


# ------------------------------------------------------------------ cache: flips, truncation


def test_bit_flips_and_truncation_in_the_cache_are_never_silent(small, tmp_path):
    """40 seeded single-bit flips and 10 truncations across the cached files."""
    rng = random.Random(SEED)
    raw = tmp_path / "raw.csv"
    raw.write_text("v1")
    proc = tmp_path / "proc"
    store.cached("t", lambda: small, [raw], processed_dir=proc)
    outcomes = {"rebuilt": 0}
    for i in range(50):
        (folder,) = (proc / "t").iterdir()
        target = rng.choice(sorted(folder.iterdir()))
        data = bytearray(target.read_bytes())
        if i < 40:
            pos = rng.randrange(len(data))
            data[pos] ^= 1 << rng.randrange(8)
        else:
            data = data[: rng.randrange(len(data))]
        target.write_bytes(bytes(data))
        loaded = store.cached("t", lambda: small, [raw], processed_dir=proc)
        assert _equal(loaded, small), (i, target.name)
        assert any("damaged" in n for n in loaded.meta["notes"]), (i, target.name)
        outcomes["rebuilt"] += 1
    assert outcomes == {"rebuilt": 50}


_BUILD_SCRIPT = """
import sys, time
import toolkit
from toolkit import store
from pathlib import Path
clinic = Path(sys.argv[1])
small = toolkit.load(clinic / "cases.csv", mapping=clinic / "mapping.yaml")
def build():
    time.sleep(float(sys.argv[4]))
    return small
print("ready", flush=True)
store.cached("t", build, [Path(sys.argv[2])], processed_dir=Path(sys.argv[3]))
print("done", flush=True)
"""


@pytest.mark.slow
def test_a_cache_build_killed_at_random_points_is_rebuilt(small, tmp_path):
    rng = random.Random(SEED)
    raw = tmp_path / "raw.csv"
    raw.write_text("v1")
    proc = tmp_path / "proc"
    for _ in range(3):
        child = subprocess.Popen(
            [sys.executable, "-c", _BUILD_SCRIPT, str(CLINIC), str(raw), str(proc), "0.2"],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert child.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.0, 0.4))  # before, during or after the build
        child.kill()
        child.wait()
        loaded = store.cached("t", lambda: small, [raw], processed_dir=proc)
        assert _equal(loaded, small)
        leftovers = [p.name for p in (proc / "t").iterdir() if p.name.startswith(".")]
        assert leftovers == []
        raw.write_text(raw.read_text() + "+")  # the next round builds a new version


# ------------------------------------------------------------------ raw files


def _greene_csv(n: int = 60) -> bytes:
    rows = ["rownames,judge,nation,rater,decision,language,location,success"]
    for i in range(1, n + 1):
        decision = "yes" if i % 3 == 0 else "no"
        rows.append(f"{i},J{i % 5},Sri.Lanka,no,{decision},English,Toronto,0.5")
    return ("\n".join(rows) + "\n").encode()


def test_flips_and_truncation_in_fetched_raw_files_are_refused(tmp_path):
    """12 seeded damages to a fetched file: every load refuses; a fresh fetch repairs."""
    from toolkit.sources import greene

    rng = random.Random(SEED)
    good = _greene_csv()
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / "Greene.csv").write_bytes(good)
    specs = [RemoteFile("Greene.csv", url=None, mirror="Greene.csv")]
    raw = tmp_path / "raw"
    store.fetch("greene", specs, mirror=mirror, raw_dir=raw)
    reference = greene.read(raw_dir=raw, cache=False)
    assert len(reference.cases) == 60
    refused = 0
    for i in range(12):
        data = bytearray(good)
        if i < 8:
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        else:
            data = data[: rng.randrange(1, len(data) - 1)]
        (raw / "greene" / "Greene.csv").write_bytes(bytes(data))
        with pytest.raises(DataError, match="changed since it was fetched"):
            greene.read(raw_dir=raw)
        refused += 1
        store.fetch("greene", specs, mirror=mirror, raw_dir=raw)
        assert greene.read(raw_dir=raw).cases.equals(reference.cases)
    assert refused == 12


def test_truncated_mirror_copies_fail_the_fetch_and_leave_nothing(tmp_path):
    """Six seeded truncations of checksummed and gzip files in a mirror."""
    rng = random.Random(SEED)
    good = _greene_csv(400)
    packed = gzip.compress(good)
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    specs = [
        RemoteFile(
            "a.csv",
            url=None,
            mirror="a.csv",
            sha256=hashlib.sha256(good).hexdigest(),
            size=len(good),
        ),
        RemoteFile("b.csv", url=None, mirror="b.csv.gz"),  # no checksum known: a gzip check
    ]
    raw = tmp_path / "raw"
    for i in range(6):
        (mirror / "a.csv").write_bytes(good)
        (mirror / "b.csv.gz").write_bytes(packed)
        if i % 2:
            (mirror / "a.csv").write_bytes(good[: rng.randrange(len(good))])
        else:
            (mirror / "b.csv.gz").write_bytes(packed[: rng.randrange(len(packed) - 8)])
        with pytest.raises(FetchError, match="truncated|gzip|expected"):
            store.fetch("fake", specs, mirror=mirror, raw_dir=raw)
        left = [p.name for p in (raw / "fake").iterdir() if p.name.startswith(".")]
        assert left == [] and not (raw / "fake" / "b.csv.gz").exists()


class _Slow(http.server.BaseHTTPRequestHandler):
    body = b""

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        step = len(self.body) // 50
        with contextlib.suppress(OSError):
            for start in range(0, len(self.body), step):
                self.wfile.write(self.body[start : start + step])
                self.wfile.flush()
                time.sleep(0.02)

    def log_message(self, *args):
        pass


_FETCH_SCRIPT = """
import sys
from toolkit import store
from toolkit.store import RemoteFile
spec = RemoteFile("big.csv", url=sys.argv[1], sha256=sys.argv[3], size=int(sys.argv[4]))
print("ready", flush=True)
store.fetch("fake", [spec], raw_dir=sys.argv[2])
"""


def test_a_fetch_killed_at_random_points_leaves_nothing_a_later_fetch_keeps(tmp_path):
    rng = random.Random(SEED)
    body = os.urandom(2_000_000)
    _Slow.body = body
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Slow)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/big.csv"
    sha = hashlib.sha256(body).hexdigest()
    raw = tmp_path / "raw"
    try:
        for _ in range(3):
            child = subprocess.Popen(
                [sys.executable, "-c", _FETCH_SCRIPT, url, str(raw), sha, str(len(body))],
                stdout=subprocess.PIPE,
                text=True,
            )
            assert child.stdout.readline().strip() == "ready"
            time.sleep(rng.uniform(0.2, 0.8))  # mid-download
            child.send_signal(signal.SIGKILL)
            child.wait()
            folder = raw / "fake"
            complete = folder / "big.csv"
            assert not complete.exists() or complete.read_bytes() == body
            spec = RemoteFile("big.csv", url=url, sha256=sha, size=len(body))
            store.fetch("fake", [spec], raw_dir=raw)
            assert (folder / "big.csv").read_bytes() == body
            assert sorted(p.name for p in folder.iterdir()) == ["big.csv", "fetched.json"]
            complete.unlink()
    finally:
        httpd.shutdown()


def test_ctrl_c_during_a_fetch_says_what_happened(monkeypatch, capsys):
    import toolkit.sources
    from toolkit.cli import main

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(toolkit.sources, "fetch", interrupted)
    assert main(["fetch", "greene"]) == 130
    err = capsys.readouterr().err
    assert "fetch of greene stopped" in err and "reports" not in err


def test_a_broken_pipe_ends_quietly():
    run = subprocess.run(
        f"{sys.executable} -m toolkit validate demo | head -2",
        shell=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.stdout.count("\n") == 2
    assert "Traceback" not in run.stderr and "BrokenPipeError" not in run.stderr


# ------------------------------------------------------------------ the report runner


def _tiny_notebook(path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('data = "demo"\noutput_dir = None')
    params.metadata["tags"] = ["parameters"]
    work = nbformat.v4.new_code_cell(
        "import os, pathlib, time\n"
        "time.sleep(float(os.environ.get('APPELLATE_TEST_PAUSE', '0')))\n"
        "out = pathlib.Path(output_dir)\n"
        "(out / 'tables').mkdir(parents=True, exist_ok=True)\n"
        "(out / 'tables' / 'numbers.csv').write_text('n\\n1\\n')\n"
        "print('done')"
    )
    nb.cells = [params, work]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)


@pytest.fixture
def tiny(tmp_path):
    """A manifest with one tiny report, built once (ok)."""
    import yaml

    (tmp_path / "notebooks").mkdir()
    _tiny_notebook(tmp_path / "notebooks" / "tiny.ipynb")
    manifest = tmp_path / "reports.yml"
    manifest.write_text(yaml.safe_dump({"defaults": {"data": "demo"}, "reports": {"tiny": {}}}))
    return manifest


def _intact(folder: Path) -> dict:
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["status"] == "ok"
    for name, key in (
        (summary["executed_notebook"], "executed_sha256"),
        ("index.html", "html_sha256"),
    ):
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == summary[key]
    nbformat.read(folder / summary["executed_notebook"], as_version=4)  # valid JSON
    return summary


def _descendants(pid: int) -> set[int]:
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents[int(stat.parent.name)] = int(fields[1])
    found, todo = set(), [pid]
    while todo:
        current = todo.pop()
        for child, parent in parents.items():
            if parent == current and child not in found:
                found.add(child)
                todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


@pytest.mark.slow
def test_killing_the_runner_kills_its_notebooks_and_keeps_the_good_report(tiny, tmp_path):
    out = tmp_path / "out"
    first = build_reports(tiny, out_dir=out)
    assert [r.status for r in first] == ["ok"]
    folder = out / "demo" / "tiny"
    assert folder.stat().st_mode & 0o777 == 0o755
    before = _intact(folder)
    env = {**os.environ, "APPELLATE_REPORTS": str(out), "APPELLATE_TEST_PAUSE": "60"}
    runner = subprocess.Popen(
        [sys.executable, "-m", "toolkit", "report", "--manifest", str(tiny), "--force"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 90
    while not list((out / "demo").glob(".tiny.build-*/tiny.ipynb")):  # the notebook runs
        assert time.time() < deadline and runner.poll() is None
        time.sleep(0.2)
    time.sleep(1.0)
    family = _descendants(runner.pid)
    assert family, "the runner has notebook processes"
    runner.send_signal(signal.SIGKILL)
    runner.wait()
    deadline = time.time() + 20
    while any(_alive(p) for p in family):
        assert time.time() < deadline, [p for p in family if _alive(p)]
        time.sleep(0.2)
    assert _intact(folder) == before  # untouched by the killed run
    again = build_reports(tiny, out_dir=out)  # the killed run changed nothing: unchanged
    assert [r.status for r in again] == ["unchanged"]
    assert not [p.name for p in (out / "demo").iterdir() if "build-" in p.name]
    # a damaged executed notebook is not "unchanged": the next run would rebuild it
    (job,) = plan_jobs(load_manifest(tiny), out_dir=out)
    assert _unchanged(job) is not None
    notebook = folder / before["executed_notebook"]
    notebook.write_bytes(notebook.read_bytes()[:500])
    assert _unchanged(job) is None


def test_a_second_runner_refuses_while_the_first_holds_the_folder(tiny, tmp_path):
    out = tmp_path / "out"
    (out / "demo").mkdir(parents=True)
    with store.file_lock(out / "demo" / ".tiny.lock"):
        with pytest.raises(ToolkitError, match=rf"(?s)another report runner.*pid {os.getpid()}"):
            build_reports(tiny, out_dir=out)
    assert not (out / "demo" / "tiny").exists()


@contextlib.contextmanager
def _tmpfs(path: Path, size: str):
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root; the full-disk case cannot run here")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.strip()})")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


@pytest.mark.slow
def test_a_full_disk_or_a_read_only_folder_keeps_the_previous_report(tiny, tmp_path):
    with _tmpfs(tmp_path / "disk", "8m") as disk:
        out = disk / "out"
        assert [r.status for r in build_reports(tiny, out_dir=out)] == ["ok"]
        folder = out / "demo" / "tiny"
        before = _intact(folder)
        index = (out / "index.html").read_bytes()
        filler = disk / "filler"
        with filler.open("wb") as fh, contextlib.suppress(OSError):
            while True:
                fh.write(b"\0" * 65536)
                fh.flush()
        try:
            results = build_reports(tiny, out_dir=out, force=True)
        except ToolkitError as exc:  # the index could not be written: said so
            assert "No space left" in str(exc) or "cannot write" in str(exc)
        else:
            assert [r.status for r in results] == ["failed"]
            assert "No space" in results[0].error or "cannot" in results[0].error
        summary = _intact(folder)
        assert summary["build_key"] == before["build_key"]
        assert (out / "index.html").read_bytes()[-8:] == index[-8:]  # whole, not cut
        assert not [p for p in out.rglob(".*") if p.name != ".tiny.lock"]
        filler.unlink()
        # a read-only reports folder: a run with nothing to do succeeds, one with work says so
        assert [r.status for r in build_reports(tiny, out_dir=out)] == ["unchanged"]
        remount = subprocess.run(
            ["mount", "-o", "remount,ro", str(disk)], capture_output=True, text=True
        )
        if remount.returncode != 0:
            pytest.skip(f"cannot remount read-only here ({remount.stderr.strip()})")
        assert [r.status for r in build_reports(tiny, out_dir=out)] == ["unchanged"]
        with pytest.raises(ToolkitError, match="cannot write"):
            build_reports(tiny, out_dir=out, force=True)
        _intact(folder)


def test_a_kill_between_the_two_renames_is_repaired(tmp_path):
    from toolkit.reports import _publish, _recover

    out = tmp_path / "demo" / "r"
    out.mkdir(parents=True)
    (out / "summary.json").write_text('{"v": 1}')
    staging = tmp_path / "demo" / ".r.build-x"
    staging.mkdir()
    (staging / "summary.json").write_text('{"v": 2}')
    os.replace(out, tmp_path / "demo" / ".r.old-999")  # killed here: no report in place
    _recover(out)
    assert json.loads((out / "summary.json").read_text()) == {"v": 1}
    assert sorted(p.name for p in (tmp_path / "demo").iterdir()) == ["r"]
    staging.mkdir()
    (staging / "summary.json").write_text('{"v": 2}')
    _publish(staging, out)
    assert json.loads((out / "summary.json").read_text()) == {"v": 2}
    assert sorted(p.name for p in (tmp_path / "demo").iterdir()) == ["r"]


def test_the_fetch_record_is_written_as_each_file_lands(tmp_path, monkeypatch):
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / "a.csv").write_bytes(b"a,1\n")
    (mirror / "b.csv").write_bytes(b"b,2\n")
    specs = [RemoteFile(n, url=None, mirror=n) for n in ("a.csv", "b.csv")]
    raw = tmp_path / "raw"
    store.fetch("fake", specs, mirror=mirror, raw_dir=raw)
    (mirror / "a.csv").write_bytes(b"a,changed upstream\n")
    real = store._fetch_one

    def killed_after_the_first(spec, *args):
        if spec.name == "b.csv":
            raise KeyboardInterrupt
        return real(spec, *args)

    monkeypatch.setattr(store, "_fetch_one", killed_after_the_first)
    with pytest.raises(KeyboardInterrupt):
        store.fetch("fake", specs, mirror=mirror, raw_dir=raw)
    folder = raw / "fake"
    store.verify_recorded([folder / "a.csv", folder / "b.csv"])  # the record is true
    record = json.loads((folder / "fetched.json").read_text())["files"]
    assert sorted(record) == ["a.csv", "b.csv"]


def test_a_path_that_is_not_utf8_is_refused_before_anything_runs(tiny, tmp_path):
    out = tmp_path / "caf\udce9"
    with pytest.raises(ToolkitError, match="not valid UTF-8"):
        build_reports(tiny, out_dir=out)
    assert not os.path.exists(os.fsencode(out))


def test_a_cache_that_cannot_be_written_still_loads(small, tmp_path):
    raw = tmp_path / "raw.csv"
    raw.write_text("v1")
    with _tmpfs(tmp_path / "disk", "1m") as disk:
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        loaded = store.cached("t", lambda: small, [raw], processed_dir=disk / "proc")
    assert _equal(loaded, small)
    assert any("not cached" in n for n in loaded.meta["notes"])


def test_csv_tables_neutralise_formula_cells(tmp_path):
    from toolkit.notebook import spreadsheet_safe

    frame = pd.DataFrame(
        {
            "judge_id": ['=HYPERLINK("http://x.invalid","click")', "+1", "-2", "@SUM(A1)", "Ok"],
            "claim_type": ["=cmd|' /C calc'!A0", "\tx", "asylum", "cat", None],
            "rate": [-0.5, 0.1, 0.2, 0.3, 0.4],
        }
    )
    frame["claim_type"] = frame["claim_type"].astype("category")
    path = tmp_path / "t.csv"
    spreadsheet_safe(frame).to_csv(path, index=False)
    back = pd.read_csv(path)
    assert back["judge_id"].tolist() == [
        '\'=HYPERLINK("http://x.invalid","click")',
        "'+1",
        "'-2",
        "'@SUM(A1)",
        "Ok",
    ]
    assert back["claim_type"].iloc[0] == "'=cmd|' /C calc'!A0"
    assert back["rate"].tolist() == [-0.5, 0.1, 0.2, 0.3, 0.4]  # numbers stay numbers
    assert frame["judge_id"].iloc[0].startswith("=")  # the input is not changed
