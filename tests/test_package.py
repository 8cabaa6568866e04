"""The public API and the promise that `import toolkit` is fast and silent."""

import subprocess
import sys

import toolkit


def test_every_public_name_resolves():
    for name in toolkit.__all__:
        assert getattr(toolkit, name) is not None, name


def test_import_is_silent_and_loads_no_heavy_library():
    code = (
        "import sys, toolkit; "
        "heavy = [m for m in ('pandas', 'numpy', 'statsmodels', 'altair', 'scipy', 'yaml') "
        "if m in sys.modules]; print(heavy)"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0
    assert run.stdout.strip() == "[]"
    assert run.stderr == ""


def test_unknown_attribute():
    import pytest

    with pytest.raises(AttributeError):
        toolkit.no_such_thing  # noqa: B018
