"""What `appellate report` shows while it runs: live on a terminal, plain lines otherwise."""

import io
import os
import re
import subprocess
import sys
import threading
import time
from types import SimpleNamespace

import pytest

import toolkit.reports
from toolkit.cli import _LiveProgress, _progress_line, main


class Terminal(io.StringIO):
    """A buffer that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def screen(text: str) -> list[str]:
    """What a terminal shows after ``text``: carriage returns, newlines, cursor up (ESC[A)."""
    rows: dict[int, list[str]] = {}
    row = col = 0
    for count, code, cr, nl, char in re.findall(
        r"\x1b\[(\d*)([A-Za-z])|(\r)|(\n)|([^\x1b\r\n])", text
    ):
        if code == "A":
            row = max(0, row - int(count or 1))
        elif code:
            continue
        elif cr:
            col = 0
        elif nl:
            row += 1
        else:
            line = rows.setdefault(row, [])
            line.extend(" " * (col + 1 - len(line)))
            line[col] = char
            col += 1
    lines = ["".join(rows.get(i, [])).rstrip() for i in range(max(rows, default=-1) + 1)]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _job(label: str) -> SimpleNamespace:
    return SimpleNamespace(label=label)


def _result(job, status="ok", seconds=1.0, error=None) -> SimpleNamespace:
    return SimpleNamespace(job=job, status=status, seconds=seconds, error=error)


def test_the_live_display_shows_what_runs_for_how_long_and_what_finished():
    term, now = Terminal(), [0.0]
    a, b, c = _job("demo/circuits"), _job("demo/judges"), _job("demo/models")
    with _LiveProgress(term, interval=3600, clock=lambda: now[0]) as live:
        live.started(a, 3)
        now[0] = 5.0
        live.started(b, 3)
        now[0] = 65.0
        live(_result(a, seconds=65.0), 1, 3)
        live.started(c, 3)
        shown = screen(term.getvalue())
        first = _result(a, seconds=65.0)
        assert (
            shown[0]
            == _progress_line(first, 1, 3)
            == f"[1/3] {'demo/circuits':<40} ok" + (" " * 10 + "65.0 s")
        )
        assert re.match(r"reports: 1/3 \|\S{8} {16}\| \d\d:\d\d$", shown[1]), shown[1]
        running = [line.split() for line in shown[2:]]
        assert running == [["running", "demo/judges", "1:00"], ["running", "demo/models", "0:00"]]
        now[0] = 3725.0  # past an hour
        second = _result(b, "failed", 3720.0, "cell 4: ValueError: boom")
        live(second, 2, 3)
        shown = screen(term.getvalue())
        assert (
            shown[1] == _progress_line(second, 2, 3) == f"[2/3] {'demo/judges':<40} failed"
            "    3720.0 s: cell 4: ValueError: boom"
        )
        assert [line.split() for line in shown[3:]] == [["running", "demo/models", "1:01:00"]]
        live(_result(c, "ok, with notes", 2.0), 3, 3)
    shown = screen(term.getvalue())
    # the live lines are gone; the finished lines stay, as the plain output prints them
    assert [line.split()[:3] for line in shown] == [
        ["[1/3]", "demo/circuits", "ok"],
        ["[2/3]", "demo/judges", "failed"],
        ["[3/3]", "demo/models", "ok,"],
    ]


def test_the_running_times_move_on_with_no_report_finishing():
    term, now = Terminal(), [0.0]
    with _LiveProgress(term, interval=0.02, clock=lambda: now[0]) as live:
        live.started(_job("demo/panel_draw"), 1)
        now[0] = 125.0
        deadline = time.monotonic() + 20
        while not any(line.split()[-1:] == ["2:05"] for line in screen(term.getvalue())):
            assert time.monotonic() < deadline, screen(term.getvalue())
            time.sleep(0.02)
    assert not [t for t in threading.enumerate() if t.name == "report-progress"]
    assert screen(term.getvalue()) == []  # nothing finished: nothing left on the screen


def _fake_build(interrupt=False):
    """Stands in for build_reports: one report unchanged, one run (or Ctrl-C while it runs)."""

    def build(progress=None, started=None, **_):
        kept, ran = _job("demo/overview"), _job("demo/circuits")
        results = [_result(kept, "unchanged", 0.0)]
        progress(results[0], 1, 2)
        if started:
            started(ran, 2)
        if interrupt:
            raise KeyboardInterrupt
        results.append(_result(ran, "ok", 12.5))
        progress(results[1], 2, 2)
        return results

    return build


PLAIN = [
    "[1/2] demo/overview                            unchanged    0.0 s",
    "[2/2] demo/circuits                            ok          12.5 s",
]


def test_not_on_a_terminal_the_lines_are_plain(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(toolkit.reports, "build_reports", _fake_build())
    assert main(["report", "--manifest", str(tmp_path / "reports.yml")]) == 0
    printed = capsys.readouterr()
    assert printed.err.splitlines() == PLAIN
    assert printed.out.startswith("2 reports in ") and "1 ok, 1 unchanged" in printed.out


def test_on_a_terminal_the_display_is_live(monkeypatch, capsys, tmp_path):
    term = Terminal()
    monkeypatch.setattr(sys, "stderr", term)
    monkeypatch.setattr(toolkit.reports, "build_reports", _fake_build())
    assert main(["report", "--manifest", str(tmp_path / "reports.yml")]) == 0
    assert "running demo/circuits" in term.getvalue() and "\x1b[A" in term.getvalue()
    assert screen(term.getvalue()) == PLAIN  # the same lines stay once it is done
    assert "1 ok, 1 unchanged" in capsys.readouterr().out


def test_ctrl_c_clears_the_live_display_and_says_what_happened(monkeypatch, tmp_path):
    term = Terminal()
    monkeypatch.setattr(sys, "stderr", term)
    monkeypatch.setattr(toolkit.reports, "build_reports", _fake_build(interrupt=True))
    assert main(["report", "--manifest", str(tmp_path / "reports.yml")]) == 130
    assert "running demo/circuits" in term.getvalue()
    assert screen(term.getvalue()) == [
        PLAIN[0],
        "interrupted: finished reports are kept; the others are marked interrupted",
    ]
    assert not [t for t in threading.enumerate() if t.name == "report-progress"]


SCRIPT = """
import toolkit.reports
from test_progress import _fake_build
from toolkit.cli import main
toolkit.reports.build_reports = _fake_build()
raise SystemExit(main(["report", "--manifest", "reports.yml"]))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs a Linux pseudo-terminal")
def test_a_real_terminal_gets_the_live_display_and_a_pipe_the_plain_lines(tmp_path):
    import fcntl
    import pty
    import struct
    import termios

    env = {**os.environ, "PYTHONPATH": os.path.dirname(__file__)}
    command = [sys.executable, "-c", SCRIPT]
    piped = subprocess.run(command, capture_output=True, text=True, env=env, cwd=tmp_path)
    assert piped.returncode == 0, piped.stderr
    assert piped.stderr.splitlines() == PLAIN and "\x1b" not in piped.stderr

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    proc = subprocess.Popen(
        command, stdin=follower, stdout=follower, stderr=follower, env=env, cwd=tmp_path
    )
    os.close(follower)
    output = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the command is done
            break
        if not chunk:
            break
        output += chunk
    os.close(leader)
    assert proc.wait(timeout=60) == 0
    text = output.decode()
    assert "running demo/circuits" in text and "reports: 1/2" in text
    shown = screen(text.replace("\r\n", "\n"))
    assert shown[:2] == PLAIN and shown[2].startswith("2 reports in ")
