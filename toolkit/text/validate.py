"""Machine codes against hand codes: kappa, confusion matrix, precision and recall, disagreements.

The agreement statistics are the toolkit's own (:func:`toolkit.reliability.agreement`, with
the machine and the hand coder as two coders), so a coder is measured exactly as two research
assistants would be. Outcomes are compared over four classes by default (:func:`outcome_class`:
upheld, disturbed, mixed, dismissed); ``other`` and ``unknown`` count as disagreements.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from toolkit.errors import DataError, ToolkitError
from toolkit.schema import OUTCOMES
from toolkit.text.coder import outcome_class

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CLASSES",
    "NM_LABELS",
    "CodingValidation",
    "is_held_out",
    "is_sealed",
    "validate_coding",
]

CLASSES: tuple[str, ...] = ("upheld", "disturbed", "mixed", "dismissed")
"""The four classes the coder is validated on."""

NM_LABELS: dict[str, str] = {
    "Affirm": "affirmed",
    "Reverse": "reversed",
    "Complex": "mixed",
    "Dismiss": "dismissed",
}
"""Hand labels of the New Mexico development set -> canonical outcomes (``Reverse`` covers
every disturbed outcome; it is compared as the class ``disturbed``)."""


def is_held_out(case_id: str) -> bool:
    """The fixed development split: True for the third of ids set aside (sha256 of the id).

    The rules were written looking only at the opinions for which this is False.

    Examples
    --------
    >>> is_held_out("106478"), is_held_out("15549")
    (False, False)
    """
    return int(hashlib.sha256(str(case_id).encode()).hexdigest()[:8], 16) % 3 == 0


def is_sealed(case_id: str) -> bool:
    """True for the half of the part set aside that stays unread (27 of its 51 opinions).

    The part set aside (:func:`is_held_out`) was measured seven times, as totals only, while
    the rules were written on the rest. The other half of it (24 opinions) was then opened: its
    disagreements were read to learn what kinds of wording the rules missed. The opinions for
    which this is True were never read, and measure the rules written after that.

    Examples
    --------
    >>> is_sealed("106478")  # not set aside at all
    False
    """
    if not is_held_out(case_id):
        return False
    return int(hashlib.sha256(f"sealed:{case_id}".encode()).hexdigest()[:8], 16) % 2 == 0


@dataclass(frozen=True)
class CodingValidation:
    """Machine against hand codes.

    Attributes
    ----------
    summary
        :func:`toolkit.reliability.agreement` of the two coders (percent agreement, Cohen's
        kappa, Krippendorff's alpha), plus ``level`` and ``n_unknown`` (machine said unknown).
    confusion
        Hand codes (rows) by machine codes (columns), with every class present.
    per_class
        ``label``, ``n_hand``, ``n_machine``, ``n_agree``, ``precision``, ``recall``.
    disagreements
        Every case where the two differ: id, hand, machine, confidence, rule, evidence.
    """

    summary: pd.DataFrame
    confusion: pd.DataFrame
    per_class: pd.DataFrame
    disagreements: pd.DataFrame

    @property
    def kappa(self) -> float:
        """Cohen's kappa of machine and hand codes."""
        return float(self.summary["cohen_kappa"].iloc[0])


def _outcomes(values: pd.Series, labels: Mapping[str, str] | None, what: str) -> pd.Series:
    mapped = values.astype("str").map(lambda v: (labels or {}).get(v, v))
    bad = sorted(set(mapped.dropna()) - set(OUTCOMES))
    if bad:
        raise DataError(
            f"{what} codes are not canonical outcomes: {', '.join(map(repr, bad[:10]))}",
            column=values.name if isinstance(values.name, str) else None,
            expected=f"one of {', '.join(OUTCOMES)}, or a labels mapping (e.g. NM_LABELS)",
        )
    return mapped


def validate_coding(
    machine: pd.DataFrame,
    hand: pd.DataFrame,
    *,
    id_column: str = "case_id",
    machine_column: str = "outcome",
    hand_column: str = "outcome",
    labels: Mapping[str, str] | None = None,
    level: str = "class",
) -> CodingValidation:
    """Measure machine codes against hand codes.

    Parameters
    ----------
    machine
        The coded table (:func:`toolkit.code_dispositions`), one row per case.
    hand
        Hand codes, one row per case.
    id_column
        The case id in both tables.
    machine_column, hand_column
        The outcome columns.
    labels
        Hand labels -> canonical outcomes, when the hand codes use their own labels
        (:data:`NM_LABELS` for the New Mexico development set).
    level
        ``"class"`` (default): compare the four classes of :func:`outcome_class`;
        ``"outcome"``: compare canonical outcomes exactly.

    Returns
    -------
    CodingValidation

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"case_id": ["1", "2", "3"], "outcome": ["affirmed", "reversed",
    ...                   "unknown"], "evidence": ["We affirm.", "Reversed.", ""]})
    >>> h = pd.DataFrame({"case_id": ["1", "2", "3"], "outcome": ["affirmed", "vacated",
    ...                   "affirmed"]})
    >>> v = validate_coding(m, h)
    >>> v.confusion.loc["upheld", "unknown"], round(v.kappa, 3)
    (np.int64(1), 0.5)
    """
    import pandas as pd

    from toolkit.reliability import agreement

    if level not in ("class", "outcome"):
        raise ToolkitError(f"level must be 'class' or 'outcome', not {level!r}")
    for frame, col, what in ((machine, machine_column, "machine"), (hand, hand_column, "hand")):
        for c in (id_column, col):
            if c not in frame.columns:
                raise DataError(f"the {what} codes lack the column {c!r}", column=c)
        dup = frame[id_column].astype("str").duplicated()
        if dup.any():
            raise DataError(
                f"the {what} codes hold a case twice",
                column=id_column,
                rows=[int(i) + 2 for i in frame.index[dup.to_numpy()][:20]],
                expected="one row per case",
            )
    m = machine.assign(_id=machine[id_column].astype("str"))
    h = hand.assign(_id=hand[id_column].astype("str"))
    m["_code"] = _outcomes(m[machine_column], None, "machine")
    h["_code"] = _outcomes(h[hand_column], labels, "hand")
    both = h[["_id", "_code"]].merge(
        m.drop(columns=[c for c in ("_code",) if False]), on="_id", suffixes=("_hand", "")
    )
    if both.empty:
        raise DataError("no case id is in both the machine and the hand codes", column=id_column)
    both = both.rename(columns={"_code_hand": "hand_outcome", "_code": "machine_outcome"})
    if level == "class":
        hand_code = both["hand_outcome"].map(outcome_class)
        machine_code = both["machine_outcome"].map(outcome_class)
        order = list(CLASSES) + ["other", "unknown"]
    else:
        hand_code, machine_code = both["hand_outcome"], both["machine_outcome"]
        order = list(OUTCOMES)
    long = pd.concat(
        [
            pd.DataFrame({"case_id": both["_id"], "coder": "hand", "code": hand_code}),
            pd.DataFrame({"case_id": both["_id"], "coder": "machine", "code": machine_code}),
        ],
        ignore_index=True,
    )
    summary = agreement(long, ["code"]).assign(
        level=level, n_unknown=int((both["machine_outcome"] == "unknown").sum())
    )
    present = [c for c in order if c in set(hand_code) | set(machine_code) or c in CLASSES]
    if level == "outcome":
        present = [c for c in order if c in set(hand_code) | set(machine_code)]
    confusion = (
        pd.crosstab(
            pd.Categorical(hand_code, categories=present),
            pd.Categorical(machine_code, categories=present),
            dropna=False,
        )
        .rename_axis(index="hand", columns="machine")
        .astype("int64")
    )
    rows = []
    for label in present:
        n_hand = int((hand_code == label).sum())
        n_machine = int((machine_code == label).sum())
        n_agree = int(((hand_code == label) & (machine_code == label)).sum())
        rows.append(
            {
                "label": label,
                "n_hand": n_hand,
                "n_machine": n_machine,
                "n_agree": n_agree,
                "precision": n_agree / n_machine if n_machine else float("nan"),
                "recall": n_agree / n_hand if n_hand else float("nan"),
            }
        )
    per_class = pd.DataFrame(rows)
    differ = (hand_code != machine_code).to_numpy()
    keep = [c for c in ("confidence", "rule", "evidence") if c in both.columns]
    disagreements = (
        both.loc[differ, ["_id", "hand_outcome", "machine_outcome", *keep]]
        .rename(columns={"_id": id_column})
        .reset_index(drop=True)
    )
    return CodingValidation(summary, confusion, per_class, disagreements)
