"""Mapping files for hand-coded data: read and validated whole before any data is read.

A mapping (the YAML format is documented in :mod:`toolkit.sources.coded`) is checked at once
for unknown keys, wrong types, targets outside the canonical vocabularies, duplicate YAML keys
and one column mapped to two fields. Every problem is reported in one
:class:`~toolkit.errors.MappingError` naming the mapping file, the YAML line, the key and the
nearest valid choice.

:func:`draft` proposes a mapping from a sheet (see :mod:`toolkit.drafting`).
"""

from __future__ import annotations

import codecs
import difflib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from toolkit.errors import MappingError

__all__ = [
    "DEFAULT_MARKERS",
    "MARKER_ROLES",
    "nearest",
    "read_mapping",
    "validate_mapping",
]

MARKER_ROLES: tuple[str, ...] = ("visiting", "author", "dissent", "concurrence")
"""What a marker inside a panel cell can say about the judge it is attached to."""

DEFAULT_MARKERS: dict[str, str] = {
    "(by designation)": "visiting",
    "(by desig.)": "visiting",
    "(by desig)": "visiting",
    "(sitting by designation)": "visiting",
    "sitting by designation": "visiting",
    "by designation": "visiting",
    "(D.J.)": "visiting",
    "(visiting)": "visiting",
    "*": "visiting",
    "(author)": "author",
    "(auth.)": "author",
    "(dissenting)": "dissent",
    "(dissent)": "dissent",
    "(diss.)": "dissent",
    "(concurring)": "concurrence",
    "(concurrence)": "concurrence",
    "(conc.)": "concurrence",
}
"""Markers recognised in panel cells when the mapping names none (matched ignoring case)."""

_TOP = (
    "source",
    "file",
    "sheet",
    "encoding",
    "date_format",
    "defaults",
    "columns",
    "values",
    "panel",
    "claims",
    "judges",
)
_PANEL = (
    "columns",
    "column",
    "separator",
    "author",
    "dissent",
    "concurrence",
    "by_designation",
    "markers",
    "size",
    "en_banc",
)
_CLAIMS = (
    "file",
    "sheet",
    "encoding",
    "date_format",
    "columns",
    "values",
    "wide",
    "column",
    "separator",
    "outcomes",
)
_JUDGES = ("file", "sheet", "encoding", "date_format", "columns", "values")


def nearest(word: Any, choices: Iterable[Any], cutoff: float = 0.6) -> str | None:
    """The choice closest to ``word`` (ignoring case), or None when nothing is close.

    Examples
    --------
    >>> nearest("vacate", ["affirmed", "vacated", "remanded"])
    'vacated'
    >>> nearest("xyz", ["affirmed"]) is None
    True
    """
    options = {str(c).lower(): str(c) for c in choices}
    hit = difflib.get_close_matches(str(word).lower(), list(options), n=1, cutoff=cutoff)
    return options[hit[0]] if hit else None


def _hint(word: Any, choices: Iterable[Any]) -> str:
    near = nearest(word, choices)
    return f"; did you mean {near!r}?" if near is not None else ""


class _Problems:
    """Problems found in a mapping, each with its YAML line and key path."""

    def __init__(self, where: str, lines: Mapping[tuple[str, ...], int]) -> None:
        self.where = where
        self.lines = lines
        self.items: list[tuple[int, str, str]] = []

    def add(self, path: tuple[Any, ...], message: str, line: int = 0) -> None:
        key = tuple(str(p) for p in path)
        # the closest key that has a line, unless the caller knows it
        for n in range(len(key), 0 if line == 0 else len(key), -1):
            if key[:n] in self.lines:
                line = self.lines[key[:n]]
                break
        self.items.append((line, ".".join(key) or "(top)", message))

    def raise_if_any(self) -> None:
        if not self.items:
            return
        shown = [
            f"{f'line {line}, ' if line else ''}{key}: {message}"
            for line, key, message in sorted(self.items, key=lambda item: item[0])
        ]
        count = len(shown)
        raise MappingError(
            f"mapping file {self.where} has {count} problem{'s' if count > 1 else ''}:\n  - "
            + "\n  - ".join(shown)
        )


def _compose(text: str, where: str) -> tuple[Any, dict[tuple[str, ...], int], list]:
    """Parse YAML keeping each key's line; mapping keys stay the text the user typed."""
    import yaml

    loader = yaml.SafeLoader(text)
    lines: dict[tuple[str, ...], int] = {}
    duplicates: list[tuple[tuple[str, ...], int, int]] = []
    try:
        node = loader.get_single_node()

        def build(node: Any, path: tuple[str, ...]) -> Any:
            if isinstance(node, yaml.MappingNode):
                out: dict[Any, Any] = {}
                first: dict[Any, int] = {}
                for key_node, value_node in node.value:
                    if isinstance(key_node, yaml.ScalarNode):
                        key = key_node.value
                        if key_node.tag.endswith(":null") and key_node.value in ("", "~"):
                            key = ""
                    else:
                        key = str(loader.construct_object(key_node, deep=True))
                    line = key_node.start_mark.line + 1
                    if key in out:
                        duplicates.append(((*path, str(key)), first[key], line))
                    first.setdefault(key, line)
                    lines[(*path, str(key))] = line
                    out[key] = build(value_node, (*path, str(key)))
                return out
            if isinstance(node, yaml.SequenceNode):
                for i, item in enumerate(node.value):
                    lines[(*path, str(i))] = item.start_mark.line + 1
                return [build(item, (*path, str(i))) for i, item in enumerate(node.value)]
            return loader.construct_object(node, deep=True)

        data = None if node is None else build(node, ())
    except yaml.YAMLError as exc:
        raise MappingError(f"mapping file {where} is not valid YAML: {exc}") from None
    finally:
        loader.dispose()
    return data, lines, duplicates


def read_mapping(path: str | Path) -> dict[str, Any]:
    """Read a YAML mapping file and validate it whole; relative file names resolve against it.

    Raises
    ------
    MappingError
        Listing every problem with its line, key and the nearest valid choice.

    Examples
    --------
    >>> from toolkit import paths
    >>> read_mapping(paths.demo_dir() / "mapping.yaml")["columns"]["outcome"]
    'Disposition'
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise MappingError(f"mapping file not found: {path}") from None
    except IsADirectoryError:
        raise MappingError(f"mapping file {path} is a folder, not a YAML file") from None
    except UnicodeDecodeError:
        raise MappingError(f"mapping file {path} is not UTF-8 text") from None
    data, lines, duplicates = _compose(text, str(path))
    data = {} if data is None else data
    if not isinstance(data, dict):
        raise MappingError(f"mapping file {path} must hold a YAML mapping (key: value)")
    problems = _Problems(str(path), lines)
    for key, first, line in duplicates:
        problems.add(
            key,
            f"duplicate key (also on line {first}); YAML would silently keep the last one",
            line,
        )
    return validate_mapping(data, where=str(path), base=path.parent, problems=problems)


def validate_mapping(
    mapping: Mapping[str, Any],
    *,
    where: str = "(mapping)",
    base: str | Path | None = None,
    problems: _Problems | None = None,
) -> dict[str, Any]:
    """Check a parsed mapping whole; return a copy with ``_dir`` and ``_path`` set.

    Examples
    --------
    >>> validate_mapping({"columns": {"case_id": "Docket", "outcome": "Result"}})["columns"]
    {'case_id': 'Docket', 'outcome': 'Result'}
    >>> validate_mapping({"values": {"outcome": {"Vacated": "vacate"}}})
    Traceback (most recent call last):
    ...
    toolkit.errors.MappingError: mapping file (mapping) has 1 problem:
      - values.outcome.Vacated: 'vacate' is not a canonical outcome; did you mean 'vacated'? Expected one of affirmed, denied, dismissed, reversed, reversed_remanded, vacated, vacated_remanded, remanded, mixed, granted, other, unknown, or null for blank
    """  # noqa: E501
    from toolkit import schema

    m = {k: v for k, v in dict(mapping).items() if not str(k).startswith("_")}
    p = problems or _Problems(where, {})
    folder = Path(base) if base is not None else Path(mapping.get("_dir", "."))
    _keys(p, (), m, _TOP)
    _text(p, ("source",), m, "a dataset name")
    if isinstance(m.get("source"), str) and not m["source"].strip():
        p.add(("source",), "empty; expected a dataset name")
    _file(p, ("file",), m, folder)
    _sheet(p, ("sheet",), m)
    _encoding(p, ("encoding",), m)
    _date_format(p, ("date_format",), m)
    cases = {c.name: c for c in schema.TABLES["cases"]}
    _columns(p, ("columns",), m.get("columns"), cases, "cases")
    _values(p, ("values",), m.get("values"), cases, "cases")
    defaults = m.get("defaults")
    if defaults is not None:
        if not isinstance(defaults, dict):
            p.add(("defaults",), f"expected a mapping of column: value, not {_kind(defaults)}")
        else:
            for canon, value in defaults.items():
                if canon not in cases:
                    p.add(
                        ("defaults", canon),
                        f"{canon!r} is not a canonical cases column{_hint(canon, cases)}",
                    )
                else:
                    _target(p, ("defaults", canon), value, cases[canon])
                if isinstance(m.get("columns"), dict) and canon in m["columns"]:
                    p.add(("defaults", canon), f"conflicts with columns.{canon}")
    panel = m.get("panel")
    if panel is not None:
        if not isinstance(panel, dict):
            p.add(("panel",), f"expected a mapping, not {_kind(panel)}")
        else:
            _panel(p, panel)
    claims = m.get("claims")
    if claims is not None:
        if not isinstance(claims, dict):
            p.add(("claims",), f"expected a mapping, not {_kind(claims)}")
        else:
            _keys(p, ("claims",), claims, _CLAIMS)
            forms = [k for k in ("file", "wide", "column") if k in claims]
            if len(forms) != 1:
                p.add(
                    ("claims",),
                    "give exactly one of 'file' (one row per claim), 'wide' (one column per "
                    "claim) or 'column' with 'separator' (several claims in one cell)",
                )
            _file(p, ("claims", "file"), claims, folder)
            _sheet(p, ("claims", "sheet"), claims)
            _encoding(p, ("claims", "encoding"), claims)
            _date_format(p, ("claims", "date_format"), claims)
            spec = {c.name: c for c in schema.TABLES["claims"]}
            _columns(p, ("claims", "columns"), claims.get("columns"), spec, "claims")
            _values(p, ("claims", "values"), claims.get("values"), spec, "claims")
            for key in ("column", "outcomes"):
                _text(p, ("claims", key), claims, "a column of the cases file")
            _separator(p, ("claims", "separator"), claims)
            wide = claims.get("wide")
            if wide is not None:
                if not isinstance(wide, dict):
                    p.add(("claims", "wide"), f"expected claim: column, not {_kind(wide)}")
                else:
                    for claim in wide:
                        _text(p, ("claims", "wide", claim), wide, "a column of the cases file")
    judges = m.get("judges")
    if judges is not None:
        if not isinstance(judges, dict):
            p.add(("judges",), f"expected a mapping, not {_kind(judges)}")
        else:
            _keys(p, ("judges",), judges, _JUDGES)
            if "file" not in judges:
                p.add(("judges",), "give the 'file' of judges' attributes")
            _file(p, ("judges", "file"), judges, folder)
            _sheet(p, ("judges", "sheet"), judges)
            _encoding(p, ("judges", "encoding"), judges)
            _date_format(p, ("judges", "date_format"), judges)
            spec = {c.name: c for c in schema.TABLES["judges"]}
            _columns(p, ("judges", "columns"), judges.get("columns"), spec, "judges")
            _values(p, ("judges", "values"), judges.get("values"), spec, "judges")
    p.raise_if_any()
    m["_dir"] = folder
    m["_path"] = where if where != "(mapping)" else mapping.get("_path")
    return m


def _kind(value: Any) -> str:
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, bool):
        return f"{value}".lower()
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "null" if value is None else type(value).__name__


def _keys(p: _Problems, path: tuple[str, ...], section: Mapping[str, Any], allowed) -> None:
    for key in section:
        if key not in allowed:
            p.add(
                (*path, key),
                f"unknown key{_hint(key, allowed)} (expected among {', '.join(sorted(allowed))})",
            )


def _text(p: _Problems, path: tuple[str, ...], section: Mapping[str, Any], what: str) -> None:
    key = path[-1]
    if key in section and not isinstance(section[key], str):
        p.add(path, f"expected {what} (text), not {_kind(section[key])}")


def _file(p: _Problems, path: tuple[str, ...], section: Mapping[str, Any], folder: Path) -> None:
    key = path[-1]
    if key not in section:
        return
    value = section[key]
    if not isinstance(value, str) or not value.strip():
        p.add(path, f"expected a file name (text), not {_kind(value)}")
        return
    target = Path(value) if Path(value).is_absolute() else folder / value
    if target.is_dir():
        p.add(path, f"{value!r} is a folder ({target}); expected a .csv, .xlsx or .parquet file")


def _sheet(p: _Problems, path: tuple[str, ...], section: Mapping[str, Any]) -> None:
    key = path[-1]
    if key in section and (
        isinstance(section[key], bool) or not isinstance(section[key], str | int)
    ):
        p.add(path, f"expected a sheet name or number, not {_kind(section[key])}")


def _encoding(p: _Problems, path: tuple[str, ...], section: Mapping[str, Any]) -> None:
    key = path[-1]
    if key not in section:
        return
    value = section[key]
    if not isinstance(value, str):
        p.add(path, f"expected an encoding name such as utf-8 or latin-1, not {_kind(value)}")
        return
    try:
        codecs.lookup(value)
    except LookupError:
        known = ["utf-8", "utf-16", "latin-1", "cp1252", "mac-roman", "ascii"]
        p.add(
            path,
            f"unknown encoding {value!r}{_hint(value, known)} (for example utf-8, latin-1, cp1252)",
        )


def _date_format(p: _Problems, path: tuple[str, ...], section: Mapping[str, Any]) -> None:
    key = path[-1]
    if key not in section:
        return
    value = section[key]
    formats = value if isinstance(value, list) else [value]
    bad = [f for f in formats if not isinstance(f, str) or "%" not in f]
    if bad or not formats:
        p.add(
            path,
            f"expected a strftime format such as '%m/%d/%Y', or a list of them, not {_kind(value)}",
        )


def _separator(p: _Problems, path: tuple[str, ...], section: Mapping[str, Any]) -> None:
    key = path[-1]
    if key in section and (not isinstance(section[key], str) or not section[key]):
        p.add(path, f"expected the separator as text, e.g. ';' or ',', not {_kind(section[key])}")


def _columns(p: _Problems, path: tuple[str, ...], columns: Any, spec: Mapping, table: str) -> None:
    if columns is None:
        return
    if not isinstance(columns, dict):
        p.add(path, f"expected canonical name: your column, not {_kind(columns)}")
        return
    seen: dict[str, str] = {}
    for canon, col in columns.items():
        if canon not in spec:
            p.add(
                (*path, canon),
                f"{canon!r} is not a canonical {table} column{_hint(canon, spec)} "
                f"(expected one of {', '.join(spec)})",
            )
        if isinstance(col, bool) or not isinstance(col, str | int):
            p.add((*path, canon), f"expected a column name, not {_kind(col)}")
            continue
        col = str(col)
        if col in seen:
            p.add(
                (*path, canon),
                f"column {col!r} is already mapped to {seen[col]}; one column cannot fill two "
                "fields",
            )
        seen.setdefault(col, canon)


def _values(p: _Problems, path: tuple[str, ...], values: Any, spec: Mapping, table: str) -> None:
    if values is None:
        return
    if not isinstance(values, dict):
        p.add(path, f"expected canonical column: {{label: value}}, not {_kind(values)}")
        return
    for canon, labels in values.items():
        if canon not in spec:
            p.add(
                (*path, canon),
                f"{canon!r} is not a canonical {table} column{_hint(canon, spec)}",
            )
            continue
        if not isinstance(labels, dict):
            p.add(
                (*path, canon),
                f"expected a mapping of your label: canonical value, not {_kind(labels)}",
            )
            continue
        for label, target in labels.items():
            _target(p, (*path, canon, label), target, spec[canon])


def _target(p: _Problems, path: tuple[Any, ...], target: Any, col: Any) -> None:
    """A label's canonical value must fit the column (null always means blank)."""
    if target is None:
        return
    if col.vocabulary is not None:
        if not isinstance(target, str) or target not in col.vocabulary:
            p.add(
                path,
                f"{target!r} is not a canonical {col.name}{_hint(target, col.vocabulary)} "
                f"Expected one of {', '.join(col.vocabulary)}, or null for blank",
            )
    elif col.dtype == "boolean":
        if not isinstance(target, bool):
            p.add(path, f"expected true, false or null, not {_kind(target)}")
    elif col.dtype in ("Int64", "Float64"):
        if isinstance(target, bool) or not isinstance(target, int | float):
            p.add(path, f"expected a number or null, not {_kind(target)}")
    elif isinstance(target, list | dict):
        p.add(path, f"expected a single value, not {_kind(target)}")


def _panel(p: _Problems, panel: Mapping[str, Any]) -> None:
    _keys(p, ("panel",), panel, _PANEL)
    forms = [k for k in ("columns", "column") if k in panel]
    if len(forms) != 1:
        p.add(
            ("panel",),
            "give 'columns' (one column per seat) or 'column' (one cell with every judge)",
        )
    if "columns" in panel:
        cols = panel["columns"]
        if not isinstance(cols, list) or not cols or not all(isinstance(c, str) for c in cols):
            p.add(("panel", "columns"), f"expected a list of column names, not {_kind(cols)}")
    _text(p, ("panel", "column"), panel, "a column name")
    _separator(p, ("panel", "separator"), panel)
    for key in ("author", "dissent", "concurrence", "by_designation", "en_banc"):
        _text(p, ("panel", key), panel, "a column name")
    size = panel.get("size")
    if "size" in panel and (isinstance(size, bool) or not isinstance(size, int) or size < 1):
        p.add(("panel", "size"), f"expected the number of judges on a panel, not {_kind(size)}")
    markers = panel.get("markers")
    if "markers" in panel and markers is not None:
        if not isinstance(markers, dict):
            p.add(("panel", "markers"), f"expected marker: role, not {_kind(markers)}")
            return
        for marker, role in markers.items():
            if not str(marker).strip():
                p.add(("panel", "markers", marker), "an empty marker")
            if role is not None and role not in MARKER_ROLES:
                p.add(
                    ("panel", "markers", marker),
                    f"unknown role {role!r}{_hint(role, MARKER_ROLES)} (expected one of "
                    f"{', '.join(MARKER_ROLES)}, or null to ignore the marker)",
                )


def markers_of(panel: Mapping[str, Any]) -> dict[str, str | None]:
    """The panel's markers: the defaults, then the mapping's own (null switches one off)."""
    table: dict[str, str | None] = dict(DEFAULT_MARKERS)
    table.update({str(k): v for k, v in (panel.get("markers") or {}).items()})
    return table
