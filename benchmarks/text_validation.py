"""Agreement of the disposition coder with the hand codes of the development set, by part.

The development set (``nm_appeals_outcomes/dev.jsonl.gz``: 150 hand-coded New Mexico opinions) is
split once, by a hash of the id (:func:`toolkit.text.validate.is_held_out`), into the part the
rules were first written on (99 opinions) and a part set aside (51). The part set aside was
measured seven times, as totals only; then half of it (24 opinions) was opened and its
disagreements read, and the other half (27, :func:`toolkit.text.validate.is_sealed`) stays
unread. This prints, for each part and for a naive baseline (a keyword search in the last 2,000
characters), Cohen's kappa over the four classes, the confusion matrix and the recall of each
class.

Every run reads the totals of the sealed part, and a rule changed after reading them is no
longer measured on unseen opinions: run it once the rules are final, and count the runs. While
the rules change, ``benchmarks/text_rule_sensitivity.py`` reads only the other parts.
``benchmarks/text_cross_validation.py`` estimates, inside them, how well the rules generalise.
Runs so far: 7 of the whole part set aside (the seventh, kappa 0.796, with the rules before the
half was opened), then 2 of the sealed half (kappa 0.944, 26 of 27, both times: after the rules
written from the opened half, and after the retrial rule; nothing was changed after the
second).

Run::

    .venv/bin/python benchmarks/text_validation.py
"""

from __future__ import annotations

import gzip
import json
import os
import sys
from pathlib import Path

import pandas as pd


def dev_set() -> Path:
    for root in (
        os.environ.get("APPELLATE_SHARED_DATA"),
        Path(__file__).resolve().parents[2] / "shared" / "data",
    ):
        if root and (Path(root) / "nm_appeals_outcomes" / "dev.jsonl.gz").exists():
            return Path(root) / "nm_appeals_outcomes" / "dev.jsonl.gz"
    sys.exit("the development set was not found: set APPELLATE_SHARED_DATA")


def naive(text: str) -> str:
    """The baseline: which keywords occur in the last 2,000 characters."""
    tail = text[-2000:].lower()
    affirm = "affirm" in tail
    disturb = any(w in tail for w in ("revers", "vacat", "remand"))
    if affirm and disturb:
        return "mixed"
    if disturb:
        return "reversed"
    if affirm:
        return "affirmed"
    return "dismissed" if "dismiss" in tail else "unknown"


def main() -> None:
    from toolkit.text import code_disposition, validate_coding
    from toolkit.text.validate import NM_LABELS, is_held_out, is_sealed

    with gzip.open(dev_set(), "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    hand = pd.DataFrame({"case_id": [r["id"] for r in rows], "label": [r["label"] for r in rows]})
    coders = {
        "coder": pd.DataFrame(
            [{"case_id": r["id"], **code_disposition(r["text"]).as_record()} for r in rows]
        ),
        "naive baseline": pd.DataFrame(
            [{"case_id": r["id"], "outcome": naive(r["text"])} for r in rows]
        ),
    }
    held = hand["case_id"].map(is_held_out)
    sealed = hand["case_id"].map(is_sealed)
    parts = {
        "first written on": hand[~held],
        "set aside, opened": hand[held & ~sealed],
        "set aside, sealed": hand[sealed],
        "set aside": hand[held],
        "all": hand,
    }
    pd.set_option("display.width", 120)
    for coder, coded in coders.items():
        for part, codes in parts.items():
            v = validate_coding(coded, codes, hand_column="label", labels=NM_LABELS)
            s = v.summary.iloc[0]
            print(
                f"\n== {coder}, {part}: {int(s['n_units'])} opinions, agreement "
                f"{s['percent_agreement']:.3f}, Cohen's kappa {s['cohen_kappa']:.3f}, "
                f"unknown {int(s['n_unknown'])}"
            )
            if coder == "coder":
                print(v.confusion.to_string())
                recall = v.per_class.set_index("label")[["n_hand", "recall", "precision"]]
                print(recall.round(3).to_string())


if __name__ == "__main__":
    main()
