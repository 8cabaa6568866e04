"""Formula checking: a model formula is parsed and checked before patsy evaluates it.

patsy evaluates every term of a formula as Python code, so a formula from a manifest or a
user (``~ C(circuit) + __import__('os').system(...)``) could run anything. :func:`check_formula`
parses the formula with patsy's own parser (which evaluates nothing) and each term with
Python's :mod:`ast`, and accepts only:

- column names of the data (or ``Q("a column name")``);
- numeric literals (``0``, ``1`` and ``-1`` for the intercept, numbers inside ``I(...)``);
- ``C(column)``, optionally with a contrast (``Treatment``, ``Sum``, ``Helmert``, ``Poly``,
  ``Diff``, e.g. ``C(circuit, Treatment(reference="ca9"))``) or ``levels=[...]`` of literals;
- ``I(...)`` of arithmetic (``+ - * / ** //``) on columns, numbers and the transforms below;
- the transforms ``np.log``, ``np.log1p``, ``np.log2``, ``np.log10``, ``np.exp``, ``np.sqrt``,
  ``np.abs``, patsy's ``center``, ``standardize`` and ``scale``;
- the splines ``bs``, ``cr`` and ``cc`` with literal ``df``, ``degree``, ``knots``,
  ``lower_bound``, ``upper_bound``, ``include_intercept`` and ``constraints="center"``;
- the formula operators ``~ + - * / : **`` and parentheses.

Anything else (attribute access, subscripts, other calls, lambdas, strings outside the places
above, names that are not columns) is refused with :class:`FormulaError`, naming the term.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from toolkit.errors import ToolkitError

__all__ = ["FormulaError", "check_formula"]

TRANSFORMS = frozenset({"log", "log1p", "log2", "log10", "exp", "sqrt", "abs"})
"""Functions of numpy allowed as ``np.<name>(...)``."""
STATEFUL = frozenset({"center", "standardize", "scale"})
SPLINES = frozenset({"bs", "cr", "cc"})
SPLINE_KEYWORDS = frozenset(
    {"df", "degree", "knots", "lower_bound", "upper_bound", "include_intercept", "constraints"}
)
CONTRASTS = frozenset({"Treatment", "Sum", "Helmert", "Poly", "Diff"})
_ARITHMETIC = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.FloorDiv)
_ALLOWED = (
    "column names, numbers, C(column), I(arithmetic on columns), np.log/np.log1p/np.log2/"
    "np.log10/np.exp/np.sqrt/np.abs, center/standardize/scale, and the splines bs/cr/cc"
)


class FormulaError(ToolkitError):
    """A model formula uses something other than the documented terms."""


def check_formula(formula: str, columns: Iterable[str] | None = None) -> str:
    """Check a model formula before patsy evaluates it; return it unchanged.

    Parameters
    ----------
    formula
        A patsy formula, with or without a left side (``"~ C(circuit) + year"``).
    columns
        The data's column names. When None, any plain identifier passes as a column (a check
        of the formula's shape before the data are loaded).

    Raises
    ------
    FormulaError
        Naming the term that is not allowed and what is.

    Examples
    --------
    >>> check_formula("reversed ~ C(circuit) + I(year - 2000)", ["reversed", "circuit", "year"])
    'reversed ~ C(circuit) + I(year - 2000)'
    >>> check_formula("~ __import__('os').system('true')", ["year"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    toolkit.formulas.FormulaError: cannot build the model from "~ __import__('os')...": ...
    """
    from patsy import PatsyError
    from patsy.parse_formula import parse_formula

    if not isinstance(formula, str) or not formula.strip():
        raise FormulaError(f"a formula must be a non-empty string, not {formula!r}")
    known = None if columns is None else {str(c) for c in columns}
    try:
        tree = parse_formula(formula)
    except PatsyError as exc:
        raise FormulaError(f"cannot build the model from {formula!r}: {exc}") from None
    if _count_tildes(tree) > 1:
        raise FormulaError(f"cannot build the model from {formula!r}: more than one '~'")
    for code in _terms(tree):
        try:
            _check_term(code, known)
        except FormulaError as exc:
            raise FormulaError(f"cannot build the model from {formula!r}: {exc}") from None
    return formula


def _count_tildes(node: object) -> int:
    own = 1 if getattr(node, "type", None) == "~" else 0
    return own + sum(_count_tildes(arg) for arg in getattr(node, "args", []))


def _terms(node: object) -> list[str]:
    """The Python code of every leaf of patsy's parse tree (numbers and names included)."""
    token = getattr(node, "token", None)
    args = getattr(node, "args", [])
    if not args:
        if token is not None and getattr(token, "type", None) == "PYTHON_EXPR":
            return [str(token.extra)]
        return []  # ZERO, ONE, NUMBER: literals
    found: list[str] = []
    for arg in args:
        found.extend(_terms(arg))
    return found


def _check_term(code: str, known: set[str] | None) -> None:
    try:
        tree = ast.parse(code.strip(), mode="eval")
    except SyntaxError:
        raise FormulaError(f"formula term {code!r} is not valid: expected {_ALLOWED}") from None
    problem = _Checker(known).problem(tree.body)
    if problem:
        raise FormulaError(f"formula term {code!r} is not allowed: {problem}; allowed: {_ALLOWED}")


class _Checker:
    def __init__(self, known: set[str] | None) -> None:
        self.known = known

    def problem(self, node: ast.AST, arithmetic: bool = False) -> str | None:
        """None when ``node`` is allowed, else what is wrong with it."""
        if isinstance(node, ast.Name):
            return self._column(node.id)
        if isinstance(node, ast.Constant):
            if isinstance(node.value, int | float) and not isinstance(node.value, bool):
                return None
            return f"the literal {node.value!r} is not a number"
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            return self.problem(node.operand, arithmetic)
        if isinstance(node, ast.BinOp):
            if not arithmetic:
                return "arithmetic must be wrapped in I(...)"
            if not isinstance(node.op, _ARITHMETIC):
                return f"the operator {type(node.op).__name__} is not arithmetic"
            return self.problem(node.left, True) or self.problem(node.right, True)
        if isinstance(node, ast.Call):
            return self._call(node, arithmetic)
        return f"{type(node).__name__} expressions are not allowed"

    def _column(self, name: str) -> str | None:
        if name.startswith("_"):
            return f"the name {name!r} is not a column"
        if self.known is not None and name not in self.known:
            return f"{name!r} is not a column of the data"
        return None

    def _call(self, node: ast.Call, arithmetic: bool) -> str | None:
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id in ("np", "numpy")
            and func.attr in TRANSFORMS
        ):
            return self._plain_args(node, 1, arithmetic=True)
        if not isinstance(func, ast.Name):
            return "only C, I, Q, np.<transform>, center/standardize/scale and bs/cr/cc calls"
        name = func.id
        if name == "I":
            return self._plain_args(node, 1, arithmetic=True)
        if name in STATEFUL:
            return self._plain_args(node, 1, arithmetic=arithmetic)
        if name == "Q":
            if (
                len(node.args) == 1
                and not node.keywords
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                return self._column(node.args[0].value) if self.known is not None else None
            return 'Q takes one quoted column name: Q("column name")'
        if name == "C":
            return self._categorical(node)
        if name in SPLINES:
            return self._spline(node)
        return f"the function {name!r} is not one of the allowed transforms"

    def _plain_args(self, node: ast.Call, n: int, arithmetic: bool) -> str | None:
        if len(node.args) != n or node.keywords:
            return f"{ast.unparse(node.func)} takes {n} argument(s) and no keywords"
        return self.problem(node.args[0], arithmetic)

    def _categorical(self, node: ast.Call) -> str | None:
        if not 1 <= len(node.args) <= 2:
            return "C takes a column and optionally a contrast"
        first = node.args[0]
        if isinstance(first, ast.Call) and isinstance(first.func, ast.Name):
            if first.func.id not in ("Q", "I"):
                return "C takes a column (or Q(...)/I(...)) as its first argument"
            bad = self._call(first, False)
        else:
            bad = self.problem(first)
        if bad:
            return bad
        if len(node.args) == 2:
            bad = self._contrast(node.args[1])
            if bad:
                return bad
        for kw in node.keywords:
            if kw.arg != "levels" or not _literal_list(kw.value, strings=True):
                return "C accepts only levels=[literal, ...] as a keyword"
        return None

    def _contrast(self, node: ast.AST) -> str | None:
        if isinstance(node, ast.Name) and node.id in CONTRASTS:
            return None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in CONTRASTS and all(_literal(a, True) for a in node.args):
                if all(kw.arg and _literal(kw.value, True) for kw in node.keywords):
                    return None
        return f"the contrast must be one of {', '.join(sorted(CONTRASTS))} with literal arguments"

    def _spline(self, node: ast.Call) -> str | None:
        if len(node.args) != 1:
            return f"{node.func.id} takes one column and keyword options"  # type: ignore[attr-defined]
        bad = self.problem(node.args[0], arithmetic=False)
        if bad:
            return bad
        for kw in node.keywords:
            if kw.arg not in SPLINE_KEYWORDS:
                return (
                    f"spline option {kw.arg!r} is not one of {', '.join(sorted(SPLINE_KEYWORDS))}"
                )
            if kw.arg == "constraints":
                if not (isinstance(kw.value, ast.Constant) and kw.value.value == "center"):
                    return 'constraints must be "center"'
            elif kw.arg == "knots":
                if not _literal_list(kw.value, strings=False):
                    return "knots must be a list of numbers"
            elif not _literal(kw.value, False):
                return f"spline option {kw.arg!r} must be a literal"
        return None


def _literal(node: ast.AST, strings: bool) -> bool:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        node = node.operand
    if not isinstance(node, ast.Constant):
        return False
    value = node.value
    return (
        value is None
        or isinstance(value, int | float | bool)
        or (strings and isinstance(value, str))
    )


def _literal_list(node: ast.AST, strings: bool) -> bool:
    return isinstance(node, ast.List | ast.Tuple) and all(_literal(e, strings) for e in node.elts)
