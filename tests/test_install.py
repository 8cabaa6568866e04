"""The toolkit as a regular install: a wheel in a fresh environment, outside the repository.

The wheel is built offline from a copy of the sources (``pip wheel --no-build-isolation``)
and installed with ``--no-deps`` into a new virtual environment whose dependencies come from
this environment through a ``.pth`` file. There, ``toolkit.load("demo")``, ``appellate init``
and ``appellate report --only circuits`` must work: nothing may be looked up in the checkout.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ["pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "reports.yml"]
TREES = ["toolkit", "notebooks", "data/demo"]


def _run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: float = 240) -> str:
    run = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert run.returncode == 0, f"{' '.join(cmd)}\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}"
    return run.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict:
    tmp = tmp_path_factory.mktemp("install")
    src = tmp / "src"
    src.mkdir()
    for name in SOURCES:
        shutil.copy2(ROOT / name, src / name)
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", "_bundle", ".ipynb_checkpoints")
    for tree in TREES:
        shutil.copytree(ROOT / tree, src / tree, ignore=skip)
    env = {k: v for k, v in os.environ.items() if not k.startswith("APPELLATE_")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    dist = tmp / "dist"
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index"]
        + ["-q", "-w", str(dist), str(src)],
        tmp,
        env,
    )
    wheel = next(dist.glob("*.whl"))
    venv = tmp / "env"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], tmp, env)
    python = venv / "bin" / "python"
    purelib = _run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], tmp, env
    ).strip()
    # the dependencies come from this environment; the toolkit itself only from the wheel
    Path(purelib, "appellate-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps"]
        + ["--no-index", "-q", str(wheel)],
        tmp,
        env,
    )
    # nbconvert's base templates live in this environment's share/jupyter; nothing else of
    # it (in particular not the 'appellate' kernel, which runs this environment's Python)
    jupyter = tmp / "jupyter"
    jupyter.mkdir()
    share = Path(sys.prefix, "share", "jupyter", "nbconvert")
    if share.exists():
        (jupyter / "nbconvert").symlink_to(share)
    env.update(
        PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        JUPYTER_PATH=str(jupyter),
        JUPYTER_DATA_DIR=str(tmp / "jupyter-user"),
        VIRTUAL_ENV=str(venv),
    )
    outside = tmp / "elsewhere"
    outside.mkdir()
    return {"tmp": tmp, "wheel": wheel, "venv": venv, "env": env, "outside": outside}


def test_wheel_carries_the_bundle_without_a_second_copy_in_the_repository(installed):
    names = zipfile.ZipFile(installed["wheel"]).namelist()
    for name in ("reports.yml", "notebooks/circuits.ipynb", "data/demo/cases.csv"):
        assert f"toolkit/_bundle/{name}" in names, name
    assert "toolkit/templates/appellate/index.html.j2" in names
    assert not (ROOT / "toolkit" / "_bundle").exists()


def test_installed_toolkit_loads_the_demo_inits_a_project_and_builds_a_report(installed):
    env, outside = installed["env"], installed["outside"]
    python = str(installed["venv"] / "bin" / "python")
    code = (
        "import json, toolkit; from toolkit import paths; d = toolkit.load('demo'); "
        "print(json.dumps({'file': toolkit.__file__, 'cases': len(d.cases), "
        "'simulated': d.meta.get('simulated'), 'demo': str(paths.demo_dir())}))"
    )
    found = json.loads(_run([python, "-c", code], outside, env).strip().splitlines()[-1])
    assert found["cases"] == 8000 and found["simulated"] is True
    assert found["file"].startswith(str(installed["venv"]))
    assert found["demo"].startswith(str(installed["venv"]))
    appellate = str(installed["venv"] / "bin" / "appellate")
    _run([appellate, "init", "study"], outside, env)
    project = outside / "study"
    assert (project / "reports.yml").is_file() and (project / "notebooks/circuits.ipynb").is_file()
    (project / "notebooks" / "deeper").mkdir()
    out = _run([appellate, "report", "--only", "circuits", "--jobs", "1"], project, env)
    assert "1 ok" in out, out
    summary = json.loads((project / "reports/demo/circuits/summary.json").read_text())
    assert summary["status"] == "ok" and summary["simulated"] is True
    assert set(summary["versions"]) == {"toolkit", "pandas", "statsmodels", "altair", "papermill"}
    assert (project / "reports/index.html").read_text().count("SIMULATED") == 1
    # from a sub-folder, the project is found the way git finds its root
    where = _run(
        [python, "-c", "from toolkit import paths; print(paths.home())"],
        project / "notebooks" / "deeper",
        env,
    )
    assert where.strip() == str(project.resolve())
