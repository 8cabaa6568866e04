"""The project's exceptions.

Every problem with a user's input raises a subclass of :class:`ToolkitError`, itself a
``ValueError``, so callers can catch one type. :class:`DataError` names the file, the rows and
the column, and says what was expected.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

__all__ = [
    "DataError",
    "MappingError",
    "ToolkitError",
    "UnknownSourceError",
    "compact_rows",
    "format_rows",
]


class ToolkitError(ValueError):
    """Base class of every error the toolkit raises about its input."""


class DataError(ToolkitError):
    """A data file does not meet the canonical model.

    Parameters
    ----------
    problem
        What is wrong, in a few words.
    file
        The file that holds the problem.
    rows
        Row numbers as a user sees them in a spreadsheet (the header is row 1).
    column
        The column in the user's file.
    expected
        What the column should hold.
    """

    def __init__(
        self,
        problem: str,
        *,
        file: str | None = None,
        rows: Sequence[int] | None = None,
        column: str | None = None,
        expected: str | None = None,
    ) -> None:
        self.problem = problem
        self.file = file
        self.rows = list(rows) if rows is not None else []
        self.column = column
        self.expected = expected
        parts = [problem]
        if file:
            parts.append(f"file: {file}")
        if column:
            parts.append(f"column: {column!r}")
        if self.rows:
            parts.append(format_rows(self.rows))
        if expected:
            parts.append(f"expected: {expected}")
        super().__init__("\n  ".join(parts))


class MappingError(ToolkitError):
    """A mapping file (YAML) is malformed or names something that does not exist."""


class UnknownSourceError(ToolkitError):
    """``load`` was given a name that is neither a known source nor an existing file."""


def compact_rows(rows: Iterable[int], limit: int = 20) -> str:
    """Row numbers as compact ranges, e.g. ``'3, 7-9'``.

    Examples
    --------
    >>> compact_rows([7, 3, 8, 9])
    '3, 7-9'
    """
    ordered = sorted({int(r) for r in rows})
    if not ordered:
        return ""
    spans: list[str] = []
    start = prev = ordered[0]
    for r in [*ordered[1:], None]:
        if r is not None and r == prev + 1:
            prev = r
            continue
        spans.append(str(start) if start == prev else f"{start}-{prev}")
        if r is not None:
            start = prev = r
    more = f", ... ({len(spans) - limit} more ranges)" if len(spans) > limit else ""
    return ", ".join(spans[:limit]) + more


def format_rows(rows: Iterable[int], limit: int = 20) -> str:
    """Describe row numbers for a message, e.g. ``rows 3, 7-9 (4 rows)``.

    Examples
    --------
    >>> format_rows([7, 3, 8, 9])
    'rows 3, 7-9 (4 rows)'
    >>> format_rows([5])
    'row 5'
    """
    n = len({int(r) for r in rows})
    if n == 1:
        return f"row {compact_rows(rows)}"
    return f"rows {compact_rows(rows, limit)} ({n} rows)"
