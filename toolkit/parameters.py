"""The parameters of a report notebook: their defaults, and one check of them all at once.

A report notebook's ``parameters`` cell is its signature (papermill replaces it);
:func:`notebook_parameters` reads it without running the notebook, and
:func:`check_parameters` refuses a bad value or an unknown name, naming the nearest valid one;
:func:`prepare_data` loads, filters and applies the rule as the parameters say.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from toolkit.errors import ToolkitError
from toolkit.results import MIN_N

__all__ = ["PARAMETERS", "check_parameters", "notebook_parameters", "prepare_data"]

PARAMETERS: dict[str, Any] = {
    "data": "demo",
    "mapping": None,
    "rule": "disturbed",
    "circuits": None,
    "claim_types": None,
    "years": None,
    "min_n": MIN_N,
    "anonymize_judges": False,
    "output_dir": None,
}
"""The parameters every report notebook takes, with their defaults."""


def check_parameters(
    params: Mapping[str, Any], allowed: Sequence[str] | None = None
) -> dict[str, Any]:
    """Validate report parameters at once; raise one error listing every problem.

    A key the notebook does not take is refused, naming the nearest valid key (a parameter
    such as ``weighted: true`` that no cell reads would otherwise be accepted without effect).
    Returns the parameters with defaults filled in and values normalised (a single circuit
    becomes a one-element list).

    Parameters
    ----------
    params
        Parameter name -> value.
    allowed
        The notebook's own parameter names (see :func:`notebook_parameters`); default the
        common :data:`PARAMETERS`.

    Examples
    --------
    >>> check_parameters({"circuits": "ca9"})["circuits"]
    ['ca9']
    >>> check_parameters({"rule": "strict", "circuits": ["ca14"]})
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: bad report parameters:
      - rule: unknown reversal rule 'strict'; expected one of reversed, disturbed, appellant_win or a mapping from outcome to 1, 0 or None
      - circuits: unknown circuit(s) ca14; expected among ca1, ca2, ca3, ca4, ca5, ca6, ca7, ca8, ca9, ca10, ca11, cadc, cafc
    """  # noqa: E501
    from toolkit.outcomes import get_rule
    from toolkit.schema import CIRCUITS
    from toolkit.sources import SOURCES

    p = {**PARAMETERS, **dict(params)}
    problems = []
    valid = list(dict.fromkeys([*(allowed if allowed is not None else PARAMETERS)]))
    for key in params:
        if key not in valid and key not in PARAMETERS:
            problems.append(f"{key}: not a parameter of this report{_nearest(key, valid)}")
    try:
        get_rule(p["rule"])
    except ToolkitError as exc:
        problems.append(f"rule: {exc}")
    for key in ("circuits", "claim_types"):
        value = p[key]
        if isinstance(value, str):
            p[key] = value = [value]
        if value is not None and not isinstance(value, list | tuple):
            problems.append(f"{key}: expected a list or None, not {value!r}")
    if p["circuits"]:
        unknown = [c for c in p["circuits"] if c not in CIRCUITS]
        if unknown:
            problems.append(
                f"circuits: unknown circuit(s) {', '.join(map(str, unknown))}; "
                f"expected among {', '.join(CIRCUITS)}"
            )
    years = p["years"]
    if years is not None:
        ok = (
            isinstance(years, list | tuple)
            and len(years) == 2
            and all(isinstance(y, int) for y in years)
            and years[0] <= years[1]
        )
        if not ok:
            problems.append(f"years: expected [first, last] with first <= last, not {years!r}")
    if not isinstance(p["min_n"], int) or isinstance(p["min_n"], bool) or p["min_n"] < 0:
        problems.append(f"min_n: expected a whole number >= 0, not {p['min_n']!r}")
    if not isinstance(p["anonymize_judges"], bool):
        problems.append(f"anonymize_judges: expected true or false, not {p['anonymize_judges']!r}")
    data = p["data"]
    if not isinstance(data, str) or not data:
        problems.append(f"data: expected a source name or a path, not {data!r}")
    elif data not in SOURCES and not Path(data).exists():
        problems.append(
            f"data: {data!r} is neither a known source ({', '.join(SOURCES)}) nor an existing file"
        )
    if p["mapping"] is not None and not Path(p["mapping"]).exists():
        problems.append(f"mapping: file not found: {p['mapping']}")
    if problems:
        raise ToolkitError("bad report parameters:\n  - " + "\n  - ".join(problems))
    return p


def _nearest(key: str, valid: Sequence[str]) -> str:
    from toolkit.mapping import nearest

    close = nearest(key, valid, cutoff=0.5)
    hint = f"; did you mean {close!r}?" if close else ""
    return f"{hint} (valid: {', '.join(valid)})"


def notebook_parameters(notebook: str | Path) -> dict[str, Any]:
    """The parameters a notebook takes: the names and defaults of its ``parameters`` cell.

    Examples
    --------
    >>> from toolkit import paths
    >>> names = notebook_parameters(paths.home() / "notebooks" / "circuits.ipynb")
    >>> names["rule"], "weighted" in names
    ('disturbed', True)
    """
    import ast

    path = Path(notebook)
    try:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError) as exc:
        raise ToolkitError(f"cannot read the notebook {path}: {exc}") from None
    for cell in cells:
        if "parameters" in (cell.get("metadata") or {}).get("tags", []):
            source = "".join(cell.get("source") or [])
            found: dict[str, Any] = {}
            try:
                body = ast.parse(source).body
            except SyntaxError as exc:
                raise ToolkitError(
                    f"{path}: the parameters cell is not valid Python: {exc}"
                ) from None
            for node in body:
                target = (
                    getattr(node, "target", None) or (getattr(node, "targets", None) or [None])[0]
                )
                value = getattr(node, "value", None)
                if isinstance(target, ast.Name):
                    try:
                        found[target.id] = ast.literal_eval(value) if value is not None else None
                    except (ValueError, TypeError, SyntaxError):
                        found[target.id] = None
            return found
    raise ToolkitError(f"{path}: no cell tagged 'parameters'")


def prepare_data(params: Mapping[str, Any]) -> tuple[Any, Any]:
    """The data a report reads: loaded, filtered and under the reversal rule.

    Parameters
    ----------
    params
        Checked parameters (:func:`check_parameters`).

    Returns
    -------
    (loaded, prepared)
        The data as loaded, and after the filters (``circuits``, ``claim_types``, ``years``,
        recorded in ``meta["filters"]``; every exclusion counted in the ledger) and the rule.
    """
    from toolkit.filters import subset
    from toolkit.outcomes import apply_rule
    from toolkit.sources import load

    options = {"mapping": params["mapping"]} if params["mapping"] else {}
    raw = load(params["data"], **options)
    chosen = {k: params[k] for k in ("circuits", "claim_types", "years") if params[k]}
    kept = subset(raw, **chosen)
    if chosen:
        kept = kept.replace(meta={**kept.meta, "filters": chosen})
    return raw, apply_rule(kept, params["rule"])
