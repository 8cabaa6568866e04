"""Downloads against a local HTTP server, mirrors, zips that try to escape, and the cache."""

import gzip
import hashlib
import http.server
import io
import json
import threading
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from toolkit import store
from toolkit.store import FetchError, RemoteFile

GOOD = b"caseId,outcome\n1,affirmed\n" * 1000


class _Handler(http.server.BaseHTTPRequestHandler):
    files: dict = {}

    def do_GET(self):
        name = self.path.lstrip("/")
        if name not in self.files:
            self.send_error(404, "Not Found")
            return
        body, declared = self.files[name]
        self.send_response(200)
        self.send_header("Content-Length", str(declared))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("inner.csv", GOOD)
    evil = io.BytesIO()
    with zipfile.ZipFile(evil, "w") as z:
        z.writestr("../escaped.csv", b"x")
    _Handler.files = {
        "good.csv": (GOOD, len(GOOD)),
        "truncated.csv": (GOOD[:500], len(GOOD)),
        "archive.zip": (zipped.getvalue(), len(zipped.getvalue())),
        "evil.zip": (evil.getvalue(), len(evil.getvalue())),
    }
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture
def source():
    """A fake source's file list, which the test fills."""
    return []


def _only_complete_files(folder: Path):
    leftovers = [p.name for p in folder.iterdir() if p.name.startswith(".") or p.suffix == ".part"]
    assert leftovers == []


def test_good_download_is_verified_and_recorded(server, source, tmp_path):
    source.append(
        RemoteFile(
            "good.csv",
            url=f"{server}/good.csv",
            sha256=hashlib.sha256(GOOD).hexdigest(),
            size=len(GOOD),
        )
    )
    folder = store.fetch("fake", source, raw_dir=tmp_path)
    assert (folder / "good.csv").read_bytes() == GOOD
    record = json.loads((folder / "fetched.json").read_text())
    assert record["files"]["good.csv"]["sha256"] == hashlib.sha256(GOOD).hexdigest()
    _only_complete_files(folder)


@pytest.mark.parametrize(
    "spec, message",
    [
        (lambda url: RemoteFile("t.csv", url=f"{url}/truncated.csv"), "connection closed after"),
        (lambda url: RemoteFile("g.csv", url=f"{url}/good.csv", sha256="0" * 64), "sha256"),
        (lambda url: RemoteFile("g.csv", url=f"{url}/good.csv", size=10), "expected 10 bytes"),
        (lambda url: RemoteFile("m.csv", url=f"{url}/missing.csv"), "HTTP 404"),
        (lambda url: RemoteFile("e.zip", url=f"{url}/evil.zip", extract=True), "outside"),
    ],
)
def test_failures_leave_nothing_behind(server, source, tmp_path, spec, message):
    source.append(spec(server))
    with pytest.raises(FetchError, match=message):
        store.fetch("fake", source, raw_dir=tmp_path)
    folder = tmp_path / "fake"
    assert [p.name for p in folder.iterdir()] == []
    assert not (tmp_path / "escaped.csv").exists()


def test_zip_is_extracted(server, source, tmp_path):
    source.append(RemoteFile("archive.zip", url=f"{server}/archive.zip", extract=True))
    folder = store.fetch("fake", source, raw_dir=tmp_path)
    assert (folder / "inner.csv").read_bytes() == GOOD
    _only_complete_files(folder)


def test_unreachable_host_is_a_clear_error(source, tmp_path):
    source.append(RemoteFile("x.csv", url="http://127.0.0.1:9/x.csv"))
    with pytest.raises(FetchError, match="127.0.0.1:9"):
        store.fetch("fake", source, raw_dir=tmp_path, timeout=5)


def test_mirror_and_missing_mirror_file(source, tmp_path):
    mirror = tmp_path / "mirror" / "sub"
    mirror.mkdir(parents=True)
    packed = gzip.compress(b"abc")
    (mirror / "file.csv.gz").write_bytes(packed)
    source.append(RemoteFile("file.csv.zip", url=None, mirror="sub/file.csv.gz"))
    folder = store.fetch("fake", source, mirror=tmp_path / "mirror", raw_dir=tmp_path / "raw")
    assert (folder / "file.csv.gz").read_bytes() == packed
    source.append(RemoteFile("other.csv", url=None, mirror="sub/other.csv"))
    with pytest.raises(FetchError, match="not found in the mirror"):
        store.fetch("fake", source, mirror=tmp_path / "mirror", raw_dir=tmp_path / "raw")


def test_cache_is_rebuilt_when_a_raw_file_changes(tmp_path):
    import toolkit
    from toolkit.sources import demo

    calls = []

    def build():
        calls.append(1)
        return demo.read(cache=False)

    raw = tmp_path / "raw.csv"
    raw.write_text("v1")
    first = store.cached("t", build, [raw], processed_dir=tmp_path / "proc")
    again = store.cached("t", build, [raw], processed_dir=tmp_path / "proc")
    assert len(calls) == 1
    for table in ("cases", "claims", "votes", "judges", "ledger"):
        pd.testing.assert_frame_equal(getattr(first, table), getattr(again, table))
    assert dict(again.meta)["rows_read"] == dict(first.meta)["rows_read"]
    raw.write_text("v2")
    store.cached("t", build, [raw], processed_dir=tmp_path / "proc")
    assert len(calls) == 2
    assert len(list((tmp_path / "proc" / "t").iterdir())) == 1  # the old version is gone
    assert toolkit.load("demo").cases.equals(demo.read(cache=False).cases)


# ------------------------------------------------------------------ verified mirror copies


def _mirror_file(root: Path, rel: str, content: bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def test_a_mirror_copy_is_verified_whatever_its_name(source, tmp_path):
    packed = gzip.compress(GOOD)
    mirror = tmp_path / "mirror"
    _mirror_file(mirror, "src/data.csv.gz", packed)
    source.append(
        RemoteFile(
            "data.csv.zip",
            url=None,
            mirror="src/data.csv.gz",
            mirror_sha256=hashlib.sha256(packed).hexdigest(),
            mirror_size=len(packed),
        )
    )
    raw = tmp_path / "raw"
    folder = store.fetch("fake", source, mirror=mirror, raw_dir=raw)
    assert (folder / "data.csv.gz").read_bytes() == packed
    # a truncated copy (the SCDB case: 5,000 of 9,341 lines) and a changed one both fail
    for bad, message in ((packed[: len(packed) // 2], "expected"), (gzip.compress(GOOD[:-9]), "")):
        _mirror_file(mirror, "src/data.csv.gz", bad)
        with pytest.raises(FetchError, match=message or "sha256|bytes"):
            store.fetch("fake", source, mirror=mirror, raw_dir=raw)
        assert (folder / "data.csv.gz").read_bytes() == packed  # the good copy stays
        assert sorted(p.name for p in folder.iterdir()) == ["data.csv.gz", "fetched.json"]


def test_the_registry_checks_the_reference_files_by_name(tmp_path):
    from toolkit.sources import fetch

    mirror = tmp_path / "mirror"
    _mirror_file(
        mirror, "greene_canada_fca_refugee_leave/Greene.csv", b"rownames,decision\n1,yes\n"
    )
    with pytest.raises(FetchError, match="Greene.csv .*expected 20,410 bytes"):
        fetch("greene", mirror=mirror, raw_dir=tmp_path / "raw")
    _mirror_file(mirror, "scdb/SCDB_2025_01_justiceCentered_Citation.csv.gz", b"x" * 1_597_224)
    with pytest.raises(FetchError, match="sha256"):
        fetch("scdb", mirror=mirror, raw_dir=tmp_path / "raw")
    assert [p.name for p in (tmp_path / "raw" / "scdb").iterdir()] == []


def test_a_truncated_gzip_with_no_known_checksum_fails_the_fetch(source, tmp_path):
    mirror = tmp_path / "mirror"
    packed = gzip.compress(GOOD * 20)
    _mirror_file(mirror, "x.csv.gz", packed[: len(packed) - 40])
    source.append(RemoteFile("x.csv", url=None, mirror="x.csv.gz"))
    with pytest.raises(FetchError, match="not a complete gzip file"):
        store.fetch("fake", source, mirror=mirror, raw_dir=tmp_path / "raw")
    assert list((tmp_path / "raw" / "fake").iterdir()) == []


def test_a_mirror_holding_none_of_the_files_is_an_error(tmp_path, capsys, monkeypatch):
    from toolkit.cli import main

    monkeypatch.setenv("APPELLATE_DATA", str(tmp_path / "data"))
    (tmp_path / "mirror").mkdir()
    code = main(["fetch", "idb", "--mirror", str(tmp_path / "mirror")])
    assert code == 1
    assert "holds none of idb's files" in capsys.readouterr().err
    assert not (tmp_path / "data" / "raw" / "idb").exists()  # nothing made, nothing left
    code = main(["fetch", "greene", "--mirror", str(tmp_path / "no-such-folder")])
    assert code == 1 and "is not a folder" in capsys.readouterr().err


def test_leftovers_of_an_interrupted_fetch_are_removed_by_the_next(source, tmp_path):
    mirror = tmp_path / "mirror"
    _mirror_file(mirror, "a.csv", GOOD)
    source.append(RemoteFile("a.csv", url=None, mirror="a.csv"))
    folder = tmp_path / "raw" / "fake"
    folder.mkdir(parents=True)
    (folder / ".a.csv.k3j2.part").write_bytes(b"half a file")
    store.fetch("fake", source, mirror=mirror, raw_dir=tmp_path / "raw")
    assert sorted(p.name for p in folder.iterdir()) == ["a.csv", "fetched.json"]


def test_the_data_fingerprint_covers_data_files_only(tmp_path, monkeypatch):
    from toolkit.notebook import data_fingerprint
    from toolkit.sources import datasets

    monkeypatch.setenv("APPELLATE_DATA", str(tmp_path))
    mirror = tmp_path / "mirror"
    _mirror_file(mirror, "Greene.csv", GOOD)
    specs = [RemoteFile("Greene.csv", url=None, mirror="Greene.csv")]
    folder = store.fetch("greene", specs, mirror=mirror)
    first = data_fingerprint("greene")
    row = next(r for r in datasets() if r["source"] == "greene")
    assert row["fingerprint"] == first
    (folder / ".Greene.csv.zz.part").write_bytes(b"leftover")
    assert data_fingerprint("greene") == first
    record = json.loads((folder / "fetched.json").read_text())
    record["fetched_at"] = "2000-01-01T00:00:00+00:00"
    (folder / "fetched.json").write_text(json.dumps(record))
    assert data_fingerprint("greene") == first
    store.fetch("greene", specs, mirror=mirror)  # a re-fetch of the same file
    assert data_fingerprint("greene") == first
    assert next(r for r in datasets() if r["source"] == "greene")["fingerprint"] == first
    (folder / "Greene.csv").write_bytes(GOOD + b"2,reversed\n")
    assert data_fingerprint("greene") != first


def test_a_raw_file_changed_after_the_fetch_is_refused(source, tmp_path):
    from toolkit.errors import DataError
    from toolkit.sources.base import load_cached

    mirror = tmp_path / "mirror"
    _mirror_file(mirror, "a.csv", GOOD)
    source.append(RemoteFile("a.csv", url=None, mirror="a.csv"))
    folder = store.fetch("fake", source, mirror=mirror, raw_dir=tmp_path / "raw")
    assert load_cached("fake", lambda: "built", [folder / "a.csv"], cache=False) == "built"
    data = bytearray((folder / "a.csv").read_bytes())
    data[100] ^= 0x04  # one bit
    (folder / "a.csv").write_bytes(bytes(data))
    with pytest.raises(DataError, match="changed since it was fetched"):
        load_cached("fake", lambda: "built", [folder / "a.csv"], cache=False)
    hand_placed = tmp_path / "by-hand.csv"  # no fetch record: not checked
    hand_placed.write_bytes(b"x")
    assert load_cached("fake", lambda: "built", [hand_placed], cache=False) == "built"


def test_every_reference_file_has_its_checksum_in_the_registry(mirror):
    from toolkit.sources import REGISTRY

    declared = {}
    for record in REGISTRY.values():
        for spec in (*record.files, *record.documents):
            if spec.mirror:
                declared[spec.mirror] = spec.expected(Path(spec.mirror).name)
    present = {
        p.relative_to(mirror).as_posix()
        for p in mirror.rglob("*")
        if p.is_file() and p.parent != mirror and p.parent.name != "nm_appeals_outcomes"
    }
    assert present == set(declared)  # every file of the reference folder (but one corpus)
    for rel, (sha256, size) in declared.items():
        path = mirror / rel
        assert sha256 and size, rel
        assert path.stat().st_size == size, rel
        assert hashlib.sha256(path.read_bytes()).hexdigest() == sha256, rel


# ------------------------------------------------------------------ the self-checking cache


@pytest.fixture(scope="module")
def demo_data():
    """A small CaseData with every table (the clinic fixture: five cases)."""
    import toolkit

    clinic = Path(__file__).parent / "data" / "clinic"
    return toolkit.load(clinic / "cases.csv", mapping=clinic / "mapping.yaml")


def _build_counter(data):
    calls = []

    def build():
        calls.append(1)
        return data

    return build, calls


def _same(a, b):
    for table in ("cases", "claims", "votes", "judges", "ledger"):
        if getattr(b, table) is None:
            assert getattr(a, table) is None
        else:
            pd.testing.assert_frame_equal(getattr(a, table), getattr(b, table))


def _damage_flip(folder):
    path = folder / "cases.parquet"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x10
    path.write_bytes(bytes(data))


DAMAGE = {
    "a bit flip in a table": _damage_flip,
    "a truncated table": lambda f: (f / "votes.parquet").write_bytes(
        (f / "votes.parquet").read_bytes()[:1000]
    ),
    "a missing table": lambda f: (f / "judges.parquet").unlink(),
    "an empty meta.json": lambda f: (f / "meta.json").write_text(""),
    "meta.json without checksums": lambda f: (f / "meta.json").write_text(
        json.dumps({"_tables": ["cases"]})
    ),
    "meta.json as a list": lambda f: (f / "meta.json").write_text("[1, 2]"),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_cache_is_rebuilt_with_a_note(damage, demo_data, tmp_path):
    raw = tmp_path / "raw.csv"
    raw.write_text("v1")
    build, calls = _build_counter(demo_data)
    proc = tmp_path / "proc"
    store.cached("t", build, [raw], processed_dir=proc)
    (folder,) = (proc / "t").iterdir()
    meta = json.loads((folder / "meta.json").read_text())
    tables = {"cases", "votes", "judges", "ledger"}
    assert set(meta["_sha256"]) == set(meta["_tables"]) == tables
    DAMAGE[damage](folder)
    again = store.cached("t", build, [raw], processed_dir=proc)
    assert len(calls) == 2
    _same(again, demo_data)
    assert any("damaged" in note and "rebuilt" in note for note in again.meta["notes"])
    clean = store.cached("t", build, [raw], processed_dir=proc)  # the rebuilt cache is good
    assert len(calls) == 2 and not any("damaged" in n for n in clean.meta["notes"])
    _same(clean, demo_data)


def test_leftover_build_folders_are_removed_by_the_next_build(demo_data, tmp_path):
    raw = tmp_path / "raw.csv"
    raw.write_text("v1")
    proc = tmp_path / "proc"
    (proc / "t" / ".build.abc123").mkdir(parents=True)
    (proc / "t" / ".build.abc123" / "cases.parquet").write_bytes(b"half")
    build, _ = _build_counter(demo_data)
    store.cached("t", build, [raw], processed_dir=proc)
    assert [p.name for p in (proc / "t").iterdir() if p.name.startswith(".")] == []


def test_write_atomic_keeps_the_old_file_when_writing_fails(tmp_path, monkeypatch):
    target = tmp_path / "page.html"
    store.write_atomic(target, "old")

    def fail(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store.os, "fsync", fail)
    with pytest.raises(OSError, match="No space"):
        store.write_atomic(target, "new " * 1000)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]


def test_a_lock_names_its_holder(tmp_path):
    with store.file_lock(tmp_path / ".x.lock"):
        # flock locks belong to the open file: a second open in this process is refused too
        with pytest.raises(store.LockBusyError, match=f"pid {__import__('os').getpid()}"):
            with store.file_lock(tmp_path / ".x.lock", wait=False, what="the thing"):
                pass
    with store.file_lock(tmp_path / ".x.lock", wait=False):  # released
        pass
