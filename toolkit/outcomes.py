"""Canonical outcomes, the reversal rules, and the roll-up of claims to cases.

What counts as a "reversal" differs between literatures and moves rates by many points, so it
is always a named rule. A rule maps every canonical outcome to 1 (counts as reversed), 0 (counts
as not reversed) or ``None`` (leaves the denominator):

=====================================================  ==========  =============  ===============
outcome                                                 reversed    disturbed      appellant_win
=====================================================  ==========  =============  ===============
affirmed, denied                                        0           0              0
dismissed                                               excluded    excluded       0
reversed, reversed_remanded                             1           1              1
vacated, vacated_remanded, remanded, mixed, granted     0           1              1
other, unknown                                          excluded    excluded       excluded
=====================================================  ==========  =============  ===============

``disturbed`` is the default. A custom rule is a mapping from outcome to 1, 0 or None; it
must cover every canonical outcome, or name a ``"base"`` rule whose values it overrides.

A rule can instead be keyed to a source's own codes (the ``outcome_raw`` column), where two
codes share one canonical outcome but a study counts them apart (SCDB ``caseDisposition`` 6
and 7, both ``mixed``; Songer ``treat`` 0 and 9, both ``other``)::

    {"name": "press", "source": "scdb", "raw": {2: 0, 3: 1, 4: 1, 5: 1, 6: 1, 7: 1, 8: 1},
     "otherwise": None}

``raw`` maps codes to 1, 0 or None; a code present in the data but absent from ``raw`` raises,
unless ``otherwise`` says how to count every other code; ``source`` (optional) refuses data
from another source, whose codes mean something else. Such a rule needs the cases, not only
their canonical outcomes: use :func:`apply_rule` (``Rule.flag_cases``).

Which rule is the press's "reversal rate"? For the Supreme Court (SCDB), the usual figure is
``caseDisposition`` 3-8 over 2-8: exactly the ``disturbed`` rule, since codes 1, 9, 10 and 11
(other, dismissed, unknown) leave its denominator. ``reversed`` is the narrow official
statistic (codes 3 and 4 only).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from toolkit.errors import ToolkitError
from toolkit.schema import OUTCOMES

if TYPE_CHECKING:
    import pandas as pd

    from toolkit.schema import CaseData

__all__ = ["RULES", "Rule", "apply_rule", "get_rule", "outcome_table", "rollup", "rollup_claims"]

REVERSALS = frozenset({"reversed", "reversed_remanded"})
VACATURS = frozenset({"vacated", "vacated_remanded"})
REMANDS = frozenset({"reversed_remanded", "vacated_remanded", "remanded"})
DISTURBED = REVERSALS | VACATURS | {"remanded", "mixed", "granted"}
UPHELD = frozenset({"affirmed", "denied"})


@dataclass(frozen=True)
class Rule:
    """A reversal rule: outcome -> 1, 0 or None (excluded from the denominator).

    A rule keyed to raw codes has ``raw`` (code -> 1, 0 or None), ``otherwise`` (how other
    codes count; ``"error"`` when they must not occur) and optionally ``source``.
    """

    name: str
    mapping: Mapping[str, int | None]
    description: str
    raw: Mapping[str, int | None] | None = None
    otherwise: int | None | str = "error"
    source: str | None = None

    def flag(self, outcomes: pd.Series) -> pd.Series:
        """Nullable boolean: True counts as reversed, False not, NA leaves the denominator."""
        if self.raw is not None:
            raise ToolkitError(
                f"rule {self.name!r} is keyed to the source's raw codes: it needs the cases' "
                "outcome_raw column, not only the outcomes; use toolkit.apply_rule(data, rule) "
                "(and rates_from_flags on the flagged cases)"
            )
        values = {o: (None if v is None else bool(v)) for o, v in self.mapping.items()}
        return outcomes.astype("str").map(values).astype("boolean")

    def flag_cases(self, cases: pd.DataFrame, source: str | None = None) -> pd.Series:
        """The flag for a cases frame: from ``outcome``, or from ``outcome_raw`` for raw rules.

        Raises
        ------
        ToolkitError
            When a raw rule meets another source's data, a frame without ``outcome_raw``, or a
            code it does not cover (and no ``otherwise``).
        """
        import pandas as pd

        if self.raw is None:
            return self.flag(cases["outcome"])
        if self.source and source and source != self.source:
            raise ToolkitError(
                f"rule {self.name!r} is keyed to {self.source}'s codes; these data come from "
                f"{source!r}, whose codes mean something else"
            )
        if "outcome_raw" not in cases.columns:
            raise ToolkitError(f"rule {self.name!r} needs an 'outcome_raw' column in the cases")
        codes = cases["outcome_raw"].astype("str").str.strip().fillna("")
        values = {k: (None if v is None else bool(v)) for k, v in self.raw.items()}
        known = codes.isin(list(values))
        if self.otherwise == "error" and (~known).any():
            bad = sorted(pd.unique(codes[~known]))
            raise ToolkitError(
                f"rule {self.name!r} does not say how to count raw code(s) "
                f"{', '.join(repr(b) for b in bad)} ({int((~known).sum()):,} cases); add them "
                "to 'raw' or give 'otherwise' (1, 0 or None)"
            )
        fill = None if self.otherwise in (None, "error") else bool(self.otherwise)
        flag = codes.map(values).astype("boolean")
        if fill is not None:
            flag = flag.where(known, fill)
        return flag.astype("boolean")

    def as_dict(self) -> dict[str, Any]:
        """A JSON-friendly record of the rule, as stored in ``CaseData.meta``."""
        record: dict[str, Any] = {
            "name": self.name,
            "description": self.description,
            "mapping": dict(self.mapping),
        }
        if self.raw is not None:
            record.update(raw=dict(self.raw), otherwise=self.otherwise, source=self.source)
        return record


def _table(reversed_: set[str], zero: set[str]) -> dict[str, int | None]:
    return {o: 1 if o in reversed_ else 0 if o in zero else None for o in OUTCOMES}


RULES: dict[str, Rule] = {
    "reversed": Rule(
        "reversed",
        _table(set(REVERSALS), set(UPHELD | VACATURS | {"remanded", "mixed", "granted"})),
        "only reversals (with or without remand) count; dismissals, other and unknown excluded",
    ),
    "disturbed": Rule(
        "disturbed",
        _table(set(DISTURBED), set(UPHELD)),
        "any reversal, vacatur, remand, grant or partial reversal counts; "
        "dismissals, other and unknown excluded",
    ),
    "appellant_win": Rule(
        "appellant_win",
        _table(set(DISTURBED), set(UPHELD | {"dismissed"})),
        "like 'disturbed', but dismissals count as losses; other and unknown excluded",
    ),
}
"""The named reversal rules."""


def get_rule(rule: str | Rule | Mapping[str, Any] = "disturbed") -> Rule:
    """Resolve a rule name, a :class:`Rule` or a custom mapping to a :class:`Rule`.

    Examples
    --------
    >>> get_rule("reversed").mapping["mixed"]
    0
    >>> r = get_rule({"base": "disturbed", "dismissed": 0, "name": "strict"})
    >>> r.name, r.mapping["dismissed"], r.mapping["mixed"]
    ('strict', 0, 1)
    """
    if isinstance(rule, Rule):
        return rule
    if isinstance(rule, str):
        if rule not in RULES:
            raise ToolkitError(
                f"unknown reversal rule {rule!r}; expected one of {', '.join(RULES)} "
                "or a mapping from outcome to 1, 0 or None"
            )
        return RULES[rule]
    if not isinstance(rule, Mapping):
        raise ToolkitError(f"a reversal rule is a name or a mapping, not {type(rule).__name__}")
    custom = dict(rule)
    if "raw" in custom:
        return _raw_rule(custom)
    name = str(custom.pop("name", "custom"))
    base = custom.pop("base", None)
    mapping: dict[str, int | None] = dict(get_rule(base).mapping) if base is not None else {}
    unknown = sorted(set(custom) - set(OUTCOMES))
    if unknown:
        raise ToolkitError(
            f"custom rule names unknown outcome(s) {', '.join(unknown)}; "
            f"expected keys among {', '.join(OUTCOMES)}"
        )
    for outcome, value in custom.items():
        if value is None or (isinstance(value, str) and value.lower() in {"x", "exclude"}):
            mapping[outcome] = None
        elif value in (0, 1) and not isinstance(value, float | str):
            mapping[outcome] = int(value)
        else:
            raise ToolkitError(
                f"custom rule gives {outcome!r} the value {value!r}; expected 1, 0 or None"
            )
    missing = [o for o in OUTCOMES if o not in mapping]
    if missing:
        raise ToolkitError(
            f"custom rule does not say how to count {', '.join(missing)}; give each outcome "
            "1, 0 or None, or start from a named rule with 'base'"
        )
    described = ", ".join(f"{o}={v}" for o, v in mapping.items())
    return Rule(name, {o: mapping[o] for o in OUTCOMES}, f"custom rule: {described}")


def _count_value(value: Any, what: str) -> int | None:
    if value is None or (isinstance(value, str) and value.lower() in {"x", "exclude"}):
        return None
    if value in (0, 1) and not isinstance(value, float | str):
        return int(value)
    raise ToolkitError(f"raw-code rule gives {what} the value {value!r}; expected 1, 0 or None")


def _raw_rule(custom: dict[str, Any]) -> Rule:
    """A rule keyed to raw codes: ``{"raw": {code: 1/0/None}, "otherwise": ..., "source": ...}``.

    Examples
    --------
    >>> r = get_rule({"name": "press", "raw": {2: 0, 3: 1, 6: 1, 7: None}, "otherwise": None})
    >>> dict(r.raw)
    {'2': 0, '3': 1, '6': 1, '7': None}
    """
    unknown = sorted(set(custom) - {"raw", "otherwise", "source", "name"})
    if unknown:
        raise ToolkitError(
            f"raw-code rule has unknown key(s) {', '.join(unknown)}; expected raw, otherwise, "
            "source, name"
        )
    table = custom["raw"]
    if not isinstance(table, Mapping) or not table:
        raise ToolkitError("a raw-code rule's 'raw' is a mapping from code to 1, 0 or None")
    raw: dict[str, int | None] = {}
    for code, value in table.items():
        key = str(int(code)) if isinstance(code, float) and code == int(code) else str(code)
        raw[key.strip()] = _count_value(value, f"code {code!r}")
    otherwise: int | None | str = "error"
    if "otherwise" in custom:
        otherwise = _count_value(custom["otherwise"], "'otherwise'")
    name = str(custom.get("name", "custom_raw"))
    source = custom.get("source")
    described = ", ".join(f"{k}={'excluded' if v is None else v}" for k, v in raw.items())
    other = {"error": "any other code is an error", None: "other codes excluded"}.get(
        otherwise, f"other codes count {otherwise}"
    )
    return Rule(
        name,
        {o: None for o in OUTCOMES},
        f"raw-code rule{f' for {source}' if source else ''}: {described}; {other}",
        raw=raw,
        otherwise=otherwise,
        source=str(source) if source else None,
    )


def apply_rule(data: CaseData, rule: str | Rule | Mapping[str, Any] = "disturbed") -> CaseData:
    """Add a nullable boolean ``reversed`` column to the cases under a reversal rule.

    Parameters
    ----------
    data
        The dataset; it is not modified.
    rule
        ``"reversed"``, ``"disturbed"`` (default), ``"appellant_win"``, a custom mapping, or a
        mapping keyed to the source's raw codes (``{"raw": {...}}``).

    Returns
    -------
    CaseData
        A new dataset whose ``cases["reversed"]`` is True, False, or NA where the rule
        excludes the case; ``meta["rule"]`` records the rule.

    Examples
    --------
    >>> import toolkit
    >>> data = toolkit.apply_rule(toolkit.load("demo"), "reversed")
    >>> data.meta["rule"]["name"]
    'reversed'
    >>> str(data.cases["reversed"].dtype)
    'boolean'
    """
    r = get_rule(rule)
    cases = data.cases.assign(reversed=r.flag_cases(data.cases, data.source or None))
    meta = dict(data.meta)
    meta["rule"] = r.as_dict()
    return data.replace(cases=cases, meta=meta)


def rollup(outcomes: list[str] | tuple[str, ...] | set[str]) -> str:
    """Roll the outcomes of one case's claims up to the case outcome.

    The rule, in order:

    1. ``unknown`` claims are ignored when any other claim is known; no known claim: ``unknown``.
    2. All claims alike: that outcome.
    3. Some claims disturbed (reversed, vacated, remanded, granted, mixed) and some not
       (affirmed, denied, dismissed, other): ``mixed``.
    4. All disturbed, of different kinds: ``mixed`` if any claim is itself mixed; else a
       reversal if any claim was reversed (``reversed_remanded`` when any claim was remanded),
       else a vacatur if any was vacated (``vacated_remanded`` when any was remanded), else
       ``remanded`` if any was remanded, else ``granted``.
    5. None disturbed: ``denied`` if any claim was denied, else ``affirmed`` if any was
       affirmed (the court reached the merits and let the decision stand; dismissed parts do
       not change that), else ``dismissed`` if any was dismissed, else ``other``.

    Examples
    --------
    >>> rollup(["vacated_remanded", "dismissed"])
    'mixed'
    >>> rollup(["denied", "dismissed"])
    'denied'
    >>> rollup(["reversed", "vacated_remanded"])
    'reversed_remanded'
    """
    known = {o for o in outcomes if o != "unknown"}
    if not known:
        return "unknown"
    if len(known) == 1:
        return next(iter(known))
    disturbed = known & DISTURBED
    if disturbed and known - DISTURBED:
        return "mixed"
    if disturbed:
        if "mixed" in known:
            return "mixed"
        remand = bool(known & REMANDS)
        if known & REVERSALS:
            return "reversed_remanded" if remand else "reversed"
        if known & VACATURS:
            return "vacated_remanded" if remand else "vacated"
        return "remanded" if "remanded" in known else "granted"
    for outcome in ("denied", "affirmed", "dismissed"):
        if outcome in known:
            return outcome
    return "other"


def rollup_claims(claims: pd.DataFrame) -> pd.Series:
    """Case outcomes rolled up from a claims table by :func:`rollup`.

    Parameters
    ----------
    claims
        A canonical claims table (``case_id``, ``outcome``).

    Returns
    -------
    pandas.Series
        Canonical outcome (categorical) indexed by ``case_id``.
    """
    import pandas as pd

    sets: dict[str, set[str]] = {}
    for case_id, outcome in zip(
        claims["case_id"].tolist(), claims["outcome"].astype("str").tolist(), strict=True
    ):
        sets.setdefault(case_id, set()).add(outcome)
    memo: dict[frozenset[str], str] = {}
    rolled = [memo.setdefault(frozenset(s), rollup(s)) for s in sets.values()]
    return pd.Series(
        pd.Categorical(rolled, categories=list(OUTCOMES)),
        index=pd.Index(list(sets), dtype="str", name="case_id"),
        name="outcome",
    )


def outcome_table(data: CaseData) -> pd.DataFrame:
    """How many cases have each outcome, and how each named rule counts it.

    Returns
    -------
    pandas.DataFrame
        ``outcome``, ``n``, ``share``, then one column per named rule holding ``1``, ``0`` or
        ``excluded``; outcomes that never occur are left out.

    Examples
    --------
    >>> import toolkit
    >>> table = outcome_table(toolkit.load("demo"))
    >>> table.loc[table["outcome"] == "dismissed", ["disturbed", "appellant_win"]].values.tolist()
    [['excluded', '0']]
    """
    import pandas as pd

    counts = data.cases["outcome"].astype("str").value_counts()
    rows = []
    for outcome in OUTCOMES:
        n = int(counts.get(outcome, 0))
        if n == 0:
            continue
        row: dict[str, Any] = {"outcome": outcome, "n": n, "share": n / len(data.cases)}
        for name, rule in RULES.items():
            value = rule.mapping[outcome]
            row[name] = "excluded" if value is None else str(value)
        rows.append(row)
    return pd.DataFrame(rows)
