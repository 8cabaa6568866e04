"""The report runner: every notebook through papermill, failures, incremental builds, HTML."""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import nbformat
import pandas as pd
import pytest

from toolkit import paths
from toolkit.cli import main
from toolkit.errors import ToolkitError
from toolkit.reports import build_reports, load_manifest, plan_jobs

ROOT = paths.home()
NOTEBOOKS = sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb"))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Every report of the project's manifest, built once on the demo data."""
    out = tmp_path_factory.mktemp("reports")
    results = build_reports(ROOT / "reports.yml", out_dir=out)
    return out, results


def test_manifest_covers_every_notebook():
    manifest = load_manifest(ROOT / "reports.yml")
    assert sorted(manifest["reports"]) == NOTEBOOKS


def test_every_demo_report_builds(built):
    out, results = built
    # the replication gallery needs the standard databases: skipped on the demo, saying why
    gallery = [r for r in results if r.job.report == "replication"]
    assert [r.status for r in gallery] == ["skipped"]
    assert "nothing to replicate" in gallery[0].summary["notes"][0]
    results = [r for r in results if r.job.report != "replication"]
    assert {r.status for r in results} <= {"ok", "ok, with notes"}, [
        (r.job.label, r.error) for r in results
    ]
    labels = sorted(r.job.label for r in results)
    assert labels == [
        "demo/circuits",
        "demo/coding_validation",
        "demo/judges",
        "demo/judges__circuits-ca9",
        "demo/models",
        "demo/overview",
        "demo/panel_draw",
        "demo/panels",
        "demo/timing",
        "demo/trends",
    ]
    for r in results:
        folder = r.job.out
        summary = json.loads((folder / "summary.json").read_text())
        assert summary["status"] in ("ok", "ok, with notes") and summary["simulated"] is True
        assert summary["build_key"] == r.job.key
        assert summary["package_version"] and summary["data_fingerprint"]
        assert (folder / "index.html").exists() and (folder / f"{r.job.report}.ipynb").exists()
        for table in summary["tables"]:
            assert (folder / "tables" / f"{table}.csv").exists()
        for figure in summary["figures"]:
            assert (folder / "figures" / f"{figure}.png").exists()
            assert (folder / "figures" / f"{figure}.svg").exists()
    index = (out / "index.html").read_text()
    assert "SIMULATED DATA" in index and index.count('href="demo/') == 11


def test_demo_report_numbers(built):
    out, _ = built
    demo = out / "demo"
    circuits = json.loads((demo / "circuits" / "summary.json").read_text())["headline"]
    rates = pd.read_csv(demo / "circuits" / "tables" / "rates_by_circuit.csv")
    assert circuits["overall_rate"] == pytest.approx(rates["n_reversed"].sum() / rates["n"].sum())
    assert circuits["homogeneity_p"] < 1e-10 and circuits["circuits_differing"] >= 6
    ledger = pd.read_csv(demo / "overview" / "tables" / "ledger.csv")
    assert (ledger["read"] == ledger["kept"] + ledger["excluded"]).all()
    ca9 = pd.read_csv(demo / "judges__circuits-ca9" / "tables" / "judge_estimates.csv")
    assert ca9["judge_id"].str.startswith(("J09", "D09")).all()
    panels = pd.read_csv(demo / "panels" / "tables" / "rates_by_composition.csv")
    assert panels["composition"].tolist() == ["RRR", "RRD", "RDD", "DDD"]
    coef = pd.read_csv(demo / "models" / "tables" / "coefficients.csv")
    assert coef.loc[coef["term"] == "year", "estimate"].item() < 0  # the planted decline
    trend = json.loads((demo / "trends" / "summary.json").read_text())["headline"]
    assert trend["fitted_first"] > trend["fitted_last"]


def test_no_op_rebuild_and_force(built):
    out, _ = built
    again = build_reports(ROOT / "reports.yml", out_dir=out)
    assert {r.status for r in again} == {"unchanged"}
    forced = build_reports(ROOT / "reports.yml", out_dir=out, only=["models"], force=True)
    assert [r.status for r in forced] == ["ok"]


def test_html_has_no_code_and_no_network_reference(built):
    out, _ = built
    page = (out / "demo" / "circuits" / "index.html").read_text()
    assert "report = Report.start" not in page  # no code cells
    # scripts only from the shared folder beside the reports (written once, see _static)
    import re

    sources = re.findall(r'<script[^>]*\bsrc="([^"]+)"', page)
    assert sources and all(s.startswith("../_static/") for s in sources), sources
    assert all((out / "demo" / "circuits" / s).exists() for s in sources)
    assert "cdn.jsdelivr" not in page and "cdnjs" not in page
    assert page.count('class="appellate-chart"') == 3


def _manifest(tmp_path, reports, notebooks=None):
    nb_dir = tmp_path / "notebooks"
    nb_dir.mkdir(exist_ok=True)
    for name in notebooks or []:
        shutil.copy(ROOT / "notebooks" / f"{name}.ipynb", nb_dir)
    import yaml

    (tmp_path / "reports.yml").write_text(
        yaml.safe_dump({"defaults": {"data": "demo"}, "reports": reports})
    )
    return tmp_path / "reports.yml"


def _notebook(path, source):
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('data = "demo"\noutput_dir = None')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell(source)]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)


def test_bad_parameters_fail_before_any_kernel(tmp_path):
    manifest = _manifest(
        tmp_path,
        {
            "circuits": [{"circuits": ["ca14"]}, {"rule": "strict"}],
            "overview": {"data": "no/such/file.csv"},
        },
        notebooks=["circuits", "overview"],
    )
    with pytest.raises(ToolkitError) as e:
        build_reports(manifest, out_dir=tmp_path / "out")
    text = str(e.value)
    assert "ca14" in text and "strict" in text and "no/such/file.csv" in text
    assert not (tmp_path / "out").exists()
    with pytest.raises(ToolkitError, match="no such report"):
        plan_jobs(load_manifest(manifest), only=["nope"])


@pytest.mark.slow
def test_a_failing_and_a_hanging_notebook_leave_the_others(tmp_path, capsys):
    # a small notebook beside them (the full reports are built by `built`), so the timeout
    # that stops the hanging one can be short; it runs first ("asleep"), beside the others
    manifest = _manifest(tmp_path, {"asleep": {}, "broken": {}, "fine": {}})
    _notebook(tmp_path / "notebooks" / "asleep.ipynb", "import time\ntime.sleep(600)")
    _notebook(tmp_path / "notebooks" / "broken.ipynb", "raise ValueError('planted failure')")
    _notebook(tmp_path / "notebooks" / "fine.ipynb", "y = 2")
    out = tmp_path / "out"
    os.environ["APPELLATE_REPORTS"] = str(out)
    try:
        code = main(["report", "--manifest", str(manifest), "--timeout", "12"])
    finally:
        del os.environ["APPELLATE_REPORTS"]
    assert code == 1
    printed = capsys.readouterr()
    # cell 4 of the executed notebook: papermill inserts the injected-parameters cell
    assert "FAILED demo/broken: cell 4: ValueError: planted failure" in printed.out
    assert "timed out after 12 s" in printed.out
    broken = json.loads((out / "demo" / "broken" / "summary.json").read_text())
    assert broken["status"] == "failed" and "planted failure" in broken["error"]
    assert (out / "demo" / "broken" / "broken.ipynb").exists()  # the partial notebook is kept
    assert "planted failure" in (out / "demo" / "broken" / "index.html").read_text()
    assert json.loads((out / "demo" / "fine" / "summary.json").read_text())["status"] == "ok"
    index = (out / "index.html").read_text()
    assert "planted failure" in index and "timed out" in index


@pytest.mark.slow
def test_papermill_by_hand_with_the_project_kernel(tmp_path):
    env = {**os.environ, "APPELLATE_REPORTS": str(tmp_path / "reports")}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "papermill",
            str(ROOT / "notebooks" / "circuits.ipynb"),
            str(tmp_path / "out.ipynb"),
            "-p",
            "data",
            "demo",
            "-p",
            "rule",
            "reversed",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT / "notebooks",
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    by_hand = tmp_path / "reports" / "demo" / "circuits__by-hand"  # not the runner's folder
    summary = json.loads((by_hand / "summary.json").read_text())
    assert summary["rule"] == "reversed" and summary["headline"]["overall_rate"] == 0.0


def _chromium():
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(not _chromium(), reason="chromium is not installed (apt-get install chromium)")
def test_reports_render_in_a_real_browser(built, tmp_path):
    """Every demo page and the index: offline, within the page budget, a chart in the first
    screen of every report with figures, no table showing more than 25 rows at once; one
    screenshot per page under tmp_path/screenshots."""
    from test_browser import PAGE_BUDGET, check_pages

    out, results = built
    pages = [out / "index.html"] + [r.job.out / "index.html" for r in results]
    measured = check_pages(pages, tmp_path / "screenshots")
    assert len(list((tmp_path / "screenshots").glob("*.png"))) == len(pages)
    with_figures = [r for r in results if r.summary.get("figures")]
    # every report that applies to the demo data draws a chart (the gallery is skipped on it)
    assert sorted(r.job.report for r in results if r.status != "skipped") == sorted(
        r.job.report for r in with_figures
    )
    static = out / "demo" / "_static"
    shared = sum(f.stat().st_size for f in static.iterdir())
    assert {f.name.split("-")[0] for f in static.iterdir()} == {"vega", "itables", "lab"}
    assert all(m["bytes"] < PAGE_BUDGET for m in measured.values()) and shared > PAGE_BUDGET


@pytest.mark.skipif(not _chromium(), reason="chromium is not installed (apt-get install chromium)")
def test_the_index_of_the_demo_reports_in_a_real_browser(built, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    from test_index import check_index

    out, results = built
    summaries = [json.loads((r.job.out / "summary.json").read_text()) for r in results]
    shown = check_index(sync_api, _chromium(), out / "index.html", tmp_path / "index.png")
    # a card for every report; a thumbnail for every report that saved a figure
    assert shown == {
        "cards": len(results),
        "thumbnails": sum(bool(s.get("figures")) for s in summaries),
    }
    assert shown["thumbnails"] >= 6
    page = (out / "index.html").read_text()
    assert "homogeneity_p: " not in page and "rates differ across the groups compared" in page
    assert "<script" not in page and len(page) < 100_000  # light: no Vega bundle


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_jupyterlab_lists_the_notebooks_and_the_project_kernel(tmp_path):
    port = _free_port()
    token = "appellate-test"
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={port}",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={ROOT / 'notebooks'}",
            "--ServerApp.open_browser=False",
            "--allow-root",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        start_new_session=True,
    )
    try:

        def get(path):
            req = urllib.request.Request(
                f"http://127.0.0.1:{port}{path}", headers={"Authorization": f"token {token}"}
            )
            with urllib.request.urlopen(req, timeout=5) as resp:
                return json.loads(resp.read())

        deadline = time.time() + 60
        while True:
            try:
                get("/api/status")
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.5)
        listed = sorted(item["name"] for item in get("/api/contents")["content"])
        notebooks = [n for n in listed if n.endswith(".ipynb")]
        assert notebooks == [f"{name}.ipynb" for name in NOTEBOOKS]
        kernels = get("/api/kernelspecs")["kernelspecs"]
        assert "appellate" in kernels, sorted(kernels)
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)


def test_notebooks_are_committed_clean_with_one_parameters_cell():
    for name in NOTEBOOKS:
        nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
        tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1, name
        assert all(
            not c.get("outputs") and not c.get("execution_count")
            for c in nb.cells
            if c.cell_type == "code"
        ), name
        assert nb.metadata["kernelspec"]["name"] == "appellate"
        assert not any("def " in c.source for c in nb.cells if c.cell_type == "code"), name
        for key in (
            "data",
            "mapping",
            "rule",
            "circuits",
            "claim_types",
            "years",
            "min_n",
            "anonymize_judges",
            "output_dir",
        ):
            assert f"\n{key}:" in "\n" + tagged[0].source, (name, key)


@pytest.mark.realdata
@pytest.mark.parametrize("source", ["scdb", "songer"])
def test_every_notebook_runs_on_real_data(source, real_reports):
    """The same notebooks on the Supreme Court and Courts of Appeals databases."""
    tmp_path, results = real_reports(source)
    assert {r.status for r in results} <= {"ok", "ok, with notes", "skipped"}, [
        (r.job.label, r.error) for r in results
    ]
    by_report = {r.job.label: r for r in results}
    overview = json.loads((tmp_path / source / "overview" / "summary.json").read_text())
    assert overview["simulated"] is False and overview["source"] == source
    ledger = pd.read_csv(tmp_path / source / "overview" / "tables" / "ledger.csv")
    assert (ledger["read"] == ledger["kept"] + ledger["excluded"]).all()
    circuits = pd.read_csv(tmp_path / source / "circuits" / "tables" / "rates_by_circuit.csv")
    assert circuits["n"].sum() > 1000
    panels = by_report[f"{source}/panels"]
    if source == "scdb":  # no appointing party for the justices in the SCDB
        assert panels.status == "skipped"
    else:  # Songer votes link to the Auburn judges' parties
        assert panels.status == "ok"
        # the model compares like periods only, as the rates and the trend do
        models = json.loads((tmp_path / source / "models" / "summary.json").read_text())
        assert any("uses only 1997-2002" in note for note in models["notes"])
    assert "SIMULATED" not in (tmp_path / "index.html").read_text()
    for page in (tmp_path / source).glob("*/index.html"):  # notes, never raw warning text
        assert not re.search(r"\w+Warning\b|Traceback \(most recent", page.read_text()), page


@pytest.mark.slow
def test_an_interrupted_run_keeps_what_finished(tmp_path):
    manifest = _manifest(tmp_path, {"fast": {}, "slow": {}})
    started = tmp_path / "slow-started"
    _notebook(tmp_path / "notebooks" / "fast.ipynb", "y = 2")
    _notebook(
        tmp_path / "notebooks" / "slow.ipynb",
        f"import pathlib, time\npathlib.Path({str(started)!r}).touch()\ntime.sleep(600)",
    )
    out = tmp_path / "out"
    env = {**os.environ, "APPELLATE_REPORTS": str(out)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "toolkit", "report", "--manifest", str(manifest), "--jobs", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    fast = out / "demo" / "fast" / "summary.json"
    # Interrupt once the fast report is finished and the slow one is running, however
    # long a loaded machine takes to start the kernels.
    deadline = time.time() + 600
    while not (started.exists() and fast.exists() and json.loads(fast.read_text()).get("status")):
        if proc.poll() is not None or time.time() > deadline:
            proc.kill()
            _, err = proc.communicate()
            pytest.fail(f"the run ended or stalled before it could be interrupted:\n{err}")
        time.sleep(0.5)
    assert json.loads(fast.read_text())["status"] == "ok", fast.read_text()
    proc.send_signal(2)  # Ctrl-C
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "interrupted" in err
    slow = json.loads((out / "demo" / "slow" / "summary.json").read_text())
    assert slow["status"] == "failed" and "interrupted" in slow["error"]
    assert json.loads(fast.read_text())["status"] == "ok"
    assert "interrupted" in (out / "index.html").read_text()


@pytest.mark.parametrize(
    "text, says",
    [
        ("reports:\n  circuits: [ca9]\n", r"reports.circuits\[0\]: expected a mapping"),
        ("reports:\n  circuits: 3\n", "reports.circuits: expected a mapping"),
        ("defaults: [data, demo]\nreports:\n  circuits: {}\n", "defaults: expected a mapping"),
        ("reports:\n  circuits: []\n", "empty list"),
        ("reports:\n  ../escape: {}\n", "report name"),
        ("- just\n- a list\n", "expected a mapping with"),
        ("reports:\n  circuits: {1: 2}\n", "parameter names must be text"),
        ("notebooks: [a]\nreports:\n  circuits: {}\n", "notebooks: expected a folder"),
    ],
)
def test_a_malformed_manifest_is_a_clear_error(tmp_path, text, says):
    (tmp_path / "reports.yml").write_text(text)
    with pytest.raises(ToolkitError, match=says):
        load_manifest(tmp_path / "reports.yml")


@pytest.mark.parametrize("value", [0, -5, float("nan"), float("inf"), "10", True])
def test_the_timeout_must_be_a_positive_number(tmp_path, value):
    with pytest.raises(ToolkitError, match="timeout"):
        build_reports(ROOT / "reports.yml", out_dir=tmp_path, timeout=value)
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize(
    "argv",
    [
        ["report", "--timeout", "0"],
        ["report", "--timeout", "-5"],
        ["report", "--timeout", "nan"],
        ["report", "--jobs", "0"],
        ["fetch", "greene", "--timeout", "-1"],
    ],
)
def test_out_of_range_values_on_the_command_line(argv, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    assert "greater than 0" in capsys.readouterr().err


def test_the_index_says_when_the_latest_run_failed_beside_a_previous_report(tmp_path):
    from toolkit.reports import write_index

    folder = tmp_path / "demo" / "circuits"
    folder.mkdir(parents=True)
    (folder / "index.html").write_text("<html></html>")
    summary = {
        "status": "ok",
        "headline": {"overall_rate": 0.25},
        "data_fingerprint": "abc",
        "last_run": {"status": "failed", "error": "timed out after 5 s", "at": "2026-11-28"},
    }
    (folder / "summary.json").write_text(json.dumps(summary))
    page = write_index(tmp_path).read_text()
    assert "the latest run (2026-11-28) failed: timed out after 5 s" in page
    assert "this is the previous complete report" in page and "0.250" in page
    before = (tmp_path / "index.html").stat().st_mtime_ns
    time.sleep(0.01)
    write_index(tmp_path)  # nothing changed: nothing written
    assert (tmp_path / "index.html").stat().st_mtime_ns == before
    (folder / "summary.json").write_text("{not json")  # a damaged summary is left out
    assert "circuits" not in write_index(tmp_path).read_text()
