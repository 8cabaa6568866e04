"""Leave-one-rule-out sensitivity and robustness of the disposition coder (development part).

A rule that changes the code of only one or two development opinions when it is left out may
have been fitted to those opinions rather than written from how courts state dispositions. For
every pattern of :mod:`toolkit.text.rules` (and the coder's own few patterns and steps), this
replaces the pattern with one that never matches, codes the development part again and prints
how many opinions change class and how many of those the full coder had right.

Then it rewrites every development opinion in ways opinions of other courts, years and
publishers differ (no conclusion heading, no "IT IS SO ORDERED", no paragraph numbers, an
order quoted in the body, a dissent or concurrence after the signatures, footnotes) and prints
how many codes change: a coder that generalises keeps them.

Only the part of the development set the rules were written on is read (the part for which
:func:`toolkit.text.validate.is_sealed` is False: the first 99 and the opened half of the part
set aside); the sealed part is skipped line by line before its text is decoded.

Run::

    .venv/bin/python benchmarks/text_rule_sensitivity.py
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from text_validation import dev_set  # the same folder: benchmarks run as scripts

NEVER = re.compile(r"(?!x)x")
ID_FIRST = re.compile(r'\{"id":\s*"([^"]+)"')

LABELS = {"Affirm": "upheld", "Reverse": "disturbed", "Complex": "mixed", "Dismiss": "dismissed"}


def development_part() -> list[dict[str, Any]]:
    """The development opinions the rules were written on (never the sealed part).

    The 99 opinions of the first split and the 24 of the part set aside that were opened
    later (:func:`toolkit.text.validate.is_sealed` is False for all 123).
    """
    from toolkit.text.validate import is_sealed

    rows = []
    with gzip.open(dev_set(), "rt", encoding="utf-8") as fh:
        for line in fh:
            head = ID_FIRST.match(line)  # the id is the first field: skip without decoding
            if head is not None and is_sealed(head.group(1)):
                continue
            row = json.loads(line)
            if not is_sealed(row["id"]):
                rows.append(row)
    return rows


@contextmanager
def left_out(module: Any, name: str, index: int | None = None) -> Iterator[None]:
    """Replace one pattern (a module constant, or row ``index`` of a rule table) by NEVER."""
    old = getattr(module, name)
    if index is None:
        new: Any = NEVER if isinstance(old, re.Pattern) else 0
    else:
        rows = list(old)
        rows[index] = type(rows[index])(rows[index].name, NEVER, rows[index].meaning)
        new = tuple(rows)
    setattr(module, name, new)
    try:
        yield
    finally:
        setattr(module, name, old)


def _quote_in_body(text: str, quote: str) -> str:
    middle = text.find(". ", len(text) // 2)
    return text if middle < 0 else text[: middle + 2] + quote + " " + text[middle + 2 :]


REWRITES = {
    "no conclusion heading": lambda t: re.sub(
        r"CONCLUSIONS?|DISPOSITION|Conclusions?(?=\s*\{\d+\}|\s*\n)", "", t
    ),
    "no signature line": lambda t: re.sub(r"IT IS SO ORDERED\.?|SO ORDERED\.?|WE CONCUR:?", "", t),
    "no paragraph numbers": lambda t: re.sub(r"\{\d+\}", " ", t),
    "an order quoted in the body": lambda t: _quote_in_body(
        t, 'The order read: "Defendant\'s motion is denied. IT IS SO ORDERED."'
    ),
    "a dissent after the signatures": lambda t: (
        t
        + " BLACK, Judge (dissenting).{90} I cannot agree. We should reverse and remand for a new "
        "trial. Reversed and remanded."
    ),
    "an unheaded dissent at the end": lambda t: (
        t + " {90} I respectfully dissent. The judgment should be reversed. I would reverse."
    ),
    "a concurrence after the signatures": lambda t: (
        t + " GREEN, Judge (specially concurring).{91} I concur. We affirm because the law "
        "requires it."
    ),
    "footnotes at the end": lambda t: (
        t + " 1. The Court of Appeals reversed in State v. Roe, 100 N.M. 1, 600 P.2d 1 (Ct. App. "
        "1980). 2. We affirmed in part."
    ),
}


def rule_cases() -> list[tuple[str, Any, str, int | None]]:
    """Every rule that can be left out: (label, module, name, row index of a rule table)."""
    import toolkit.text.coder as coder
    import toolkit.text.rules as rules

    cases: list[tuple[str, Any, str, int | None]] = []
    for table in ("VERBS", "SECTIONS", "BLOCKERS"):
        for i, rule in enumerate(getattr(rules, table)):
            cases.append((f"{table.lower()}:{rule.name}", rules, table, i))
    for name in (
        "WE_CHAIN", "WE_AND", "COPULA", "COORDINATED", "PARTIAL", "PARTIAL_SCOPE", "SHORT_FORM",
        "INTERMEDIATE", "AFFIRMED_PRINCIPLE", "PARTIAL_SUBJECT", "REMAND_REDO",
        "REMAND_APPEAL_FEES", "REMAND_CLERICAL",
        "AFFIRM_LIMITED_BEFORE", "AFFIRM_LIMITED_AFTER", "AS_MODIFIED", "DECLINED_REVIEW",
        "ENDS_ACTION", "RETRIAL_PERMITTED", "MOTION_DENIED", "HISTORY", "CITATION_HINT",
        "GENERIC_AUX",
    ):  # fmt: skip
        cases.append((f"pattern:{name}", rules, name, None))
    for name, label in (
        ("_OWN_DECISION", "coder:own_decision"),
        ("_PETITION", "coder:deny_grant_off"),
        ("_AFFIRM", "step:issue_affirmed"),
        ("_INTERMEDIATE_COURT", "step:intermediate_court"),
        ("OPENING_CHARS", "step:opening_statement"),
    ):
        cases.append((label, coder, name, None))
    return cases


def main() -> None:
    from toolkit.text.coder import code_disposition, outcome_class

    rows = development_part()
    truth = {r["id"]: LABELS[r["label"]] for r in rows}

    def classes() -> dict[str, str]:
        return {r["id"]: outcome_class(code_disposition(r["text"]).outcome) for r in rows}

    base = classes()
    right = sum(base[k] == truth[k] for k in truth)
    print(f"development part: {len(rows)} opinions, full coder agrees on {right}")
    cases = rule_cases()
    print(f"{'left out':34s} {'changed':>7s} {'was right':>9s}  opinions")
    for label, module, name, index in cases:
        with left_out(module, name, index):
            got = classes()
        changed = [k for k in got if got[k] != base[k]]
        was_right = sum(base[k] == truth[k] for k in changed)
        print(f"{label:34s} {len(changed):7d} {was_right:9d}  {' '.join(changed[:8])}")
    print(f"\n{'rewritten':34s} {'changed':>7s} {'was right':>9s}  opinions")
    for label, rewrite in REWRITES.items():
        got = {r["id"]: outcome_class(code_disposition(rewrite(r["text"])).outcome) for r in rows}
        changed = [k for k in got if got[k] != base[k]]
        was_right = sum(base[k] == truth[k] for k in changed)
        print(f"{label:34s} {len(changed):7d} {was_right:9d}  {' '.join(changed[:8])}")


if __name__ == "__main__":
    main()
