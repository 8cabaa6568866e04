"""The public API and the promise that `import toolkit` is fast and silent."""

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import toolkit


def test_every_public_name_resolves_to_the_object_of_its_module():
    from toolkit import errors

    for name in toolkit.__all__:
        home = importlib.import_module(toolkit._LAZY[name]) if name in toolkit._LAZY else errors
        expected = toolkit.__version__ if name == "__version__" else getattr(home, name)
        assert getattr(toolkit, name) is expected, name


def test_public_names_are_written_once():
    """``__all__`` comes from ``_LAZY``; the TYPE_CHECKING imports for static analysers match it."""
    assert len(toolkit.__all__) == len(set(toolkit.__all__))
    assert set(toolkit._LAZY) <= set(toolkit.__all__)
    assert set(toolkit.__all__) <= set(dir(toolkit))
    tree = ast.parse(Path(toolkit.__file__).read_text(encoding="utf-8"))
    block = next(
        node
        for node in tree.body
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
    )
    imported = {
        alias.name: node.module
        for node in block.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if alias.asname == alias.name  # `import x as x`: an explicit re-export
    }
    expected = "\n".join(
        f"    from {module} import {name} as {name}"
        for name, module in sorted(toolkit._LAZY.items(), key=lambda kv: (kv[1], kv[0]))
    )
    assert imported == toolkit._LAZY, f"the TYPE_CHECKING block should read:\n{expected}"
    assert len(block.body) == len(imported), "only `from m import name as name` lines"


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
