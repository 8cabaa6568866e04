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
