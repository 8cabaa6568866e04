"""Research projects (init, discovery, --project) and report folders that never collide."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from toolkit import cli, paths
from toolkit.errors import ToolkitError
from toolkit.project import init_project
from toolkit.reports import load_manifest, plan_jobs, write_index

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def no_env(monkeypatch):
    for name in ("APPELLATE_HOME", "APPELLATE_DATA", "APPELLATE_REPORTS"):
        monkeypatch.delenv(name, raising=False)


def test_report_folders_never_collide(tmp_path):
    for name in ("x/demo.csv", "a/cases.csv", "b/cases.csv", "a/cases.xlsx"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("case_id,outcome\n1,affirmed\n")
    (tmp_path / "a" / "mapping.yaml").write_text("source: clinic\nfile: cases.csv\n")
    (tmp_path / "b" / "mapping.yaml").write_text("source: clinic\nfile: cases.csv\n")
    names = [
        paths.report_folder("demo"),
        paths.report_folder(str(tmp_path / "x/demo.csv")),
        paths.report_folder(str(tmp_path / "a/cases.csv")),
        paths.report_folder(str(tmp_path / "b/cases.csv")),
        paths.report_folder(str(tmp_path / "a/cases.xlsx")),
        paths.report_folder(str(tmp_path / "a/mapping.yaml")),
        paths.report_folder(str(tmp_path / "b/mapping.yaml")),
    ]
    assert names[0] == "demo"
    assert len(set(names)) == len(names)
    assert names[1].startswith("demo-") and names[5].startswith("clinic-")
    # the same file reached by another spelling keeps its folder
    again = paths.report_folder(str(tmp_path / "a" / ".." / "a" / "cases.csv"))
    assert again == names[2]


def test_the_runner_puts_a_file_named_demo_beside_not_over_the_demo(tmp_path):
    csv = tmp_path / "x" / "demo.csv"
    csv.parent.mkdir()
    csv.write_text("case_id,outcome\n1,affirmed\n")
    manifest = load_manifest(ROOT / "reports.yml")
    jobs = plan_jobs(manifest, data=str(csv), only=["overview"], out_dir=tmp_path / "r")
    demo = plan_jobs(manifest, only=["overview"], out_dir=tmp_path / "r")
    assert demo[0].out == (tmp_path / "r" / "demo" / "overview").resolve()
    assert jobs[0].out.parent.name.startswith("demo-")
    assert jobs[0].parameters["data"] == str(csv.resolve())


def test_index_groups_by_dataset_and_marks_only_the_simulated_one(tmp_path):
    for folder, simulated in (("demo", True), ("demo-1a2b3c4d", False)):
        out = tmp_path / folder / "overview"
        out.mkdir(parents=True)
        summary = {"status": "ok", "simulated": simulated, "data": folder, "rule": "disturbed"}
        (out / "summary.json").write_text(json.dumps(summary))
    page = write_index(tmp_path).read_text()
    assert page.count("SIMULATED DATA") == 1
    assert page.index("<h2>demo</h2>") < page.index("SIMULATED") < page.index("<h2>demo-1a2b3c4d")


def test_init_creates_a_project_found_from_inside_it(tmp_path, no_env, monkeypatch):
    project = init_project(tmp_path / "study")
    for name in ("reports.yml", "README.md", ".gitignore", "notebooks/circuits.ipynb"):
        assert (project / name).is_file(), name
    assert (project / "data").is_dir()
    deep = project / "data" / "sheets"
    deep.mkdir()
    monkeypatch.chdir(deep)
    assert paths.home() == project
    assert paths.manifest_path() == project / "reports.yml"
    assert paths.reports_dir() == project / "reports"
    assert paths.raw_dir() == project / "data" / "raw"
    monkeypatch.setenv("APPELLATE_REPORTS", str(tmp_path / "elsewhere"))
    assert paths.reports_dir() == tmp_path / "elsewhere"  # the environment still overrides
    with pytest.raises(ToolkitError, match="already a project"):
        init_project(project)


def test_init_update_refreshes_notebooks_and_keeps_the_old_ones(tmp_path):
    project = init_project(tmp_path / "study")
    mine = project / "notebooks" / "circuits.ipynb"
    mine.write_text(mine.read_text().replace("circuit", "circuit (edited)"))
    (project / "reports.yml").write_text("reports: {circuits: {}}\n")
    init_project(project, update=True)
    assert "(edited)" in (project / "notebooks" / "circuits.ipynb.bak").read_text()
    assert mine.read_bytes() == (paths.notebooks_dir() / "circuits.ipynb").read_bytes()
    assert (project / "reports.yml").read_text() == "reports: {circuits: {}}\n"
    with pytest.raises(ToolkitError, match="not a project"):
        init_project(tmp_path / "nothing", update=True)


def test_project_option_of_the_command_line(tmp_path, no_env, monkeypatch, capsys):
    project = init_project(tmp_path / "study")
    monkeypatch.chdir(tmp_path)  # restored afterwards, as is the environment
    monkeypatch.setenv("APPELLATE_HOME", str(tmp_path / "other"))
    seen = []
    monkeypatch.setattr(cli, "_cmd_schema", lambda a: seen.append(paths.manifest_path()) or 0)
    assert cli.main(["--project", str(project), "schema"]) == 0
    assert seen == [project / "reports.yml"] and paths.home() == project
    assert cli.main(["--project", str(tmp_path / "none"), "rules"]) == 2
    assert "no such folder" in capsys.readouterr().err


def test_outside_any_project_a_checkout_is_its_own_project(tmp_path, no_env, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert paths.find_project() is None
    assert paths.home() == paths.bundle_dir() == ROOT
    assert paths.demo_dir() == ROOT / "data" / "demo"
