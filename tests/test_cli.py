import subprocess
import sys

import pytest

from toolkit.cli import main

COMMANDS = ["validate", "schema", "rules", "demo", "fetch", "datasets", "report"]


@pytest.mark.parametrize("command", [[], *[[c] for c in COMMANDS]])
def test_help_everywhere(command, capsys):
    with pytest.raises(SystemExit) as e:
        main([*command, "--help"])
    assert e.value.code == 0
    assert "usage: appellate" in capsys.readouterr().out


def test_validate_demo_prints_a_ledger_that_adds_up(capsys):
    assert main(["validate", "demo"]) == 0
    out = capsys.readouterr().out
    assert "SIMULATED" in out
    assert "Ledger adds up: yes" in out
    assert "cases.csv  8000  8000         0" in out


def test_validate_reports_typos_and_exits_1(fixtures, tmp_path, capsys):
    mapping = (fixtures / "clinic" / "mapping.yaml").read_text()
    (tmp_path / "m.yaml").write_text(
        mapping.replace("file: cases.csv", f"file: {fixtures / 'clinic' / 'typo.csv'}").replace(
            "file: judges.csv", f"file: {fixtures / 'clinic' / 'judges.csv'}"
        )
    )
    assert main(["validate", str(tmp_path / "m.yaml")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert "'Afirmed' in rows 3, 5" in err


def test_schema_and_rules(capsys):
    assert main(["schema", "--table", "cases"]) == 0
    out = capsys.readouterr().out
    assert "case_id" in out and "allowed: affirmed" in out
    assert main(["rules"]) == 0
    assert "appellant_win" in capsys.readouterr().out


def test_demo_check(capsys):
    assert main(["demo", "--check"]) == 0
    assert "identical" in capsys.readouterr().out


def test_python_dash_m_and_exit_codes():
    ok = subprocess.run([sys.executable, "-m", "toolkit", "rules"], capture_output=True, text=True)
    assert ok.returncode == 0 and "disturbed" in ok.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "toolkit", "validate", "nope"], capture_output=True, text=True
    )
    assert bad.returncode == 1 and "neither a known source" in bad.stderr
    usage = subprocess.run(
        [sys.executable, "-m", "toolkit", "frobnicate"], capture_output=True, text=True
    )
    assert usage.returncode == 2
