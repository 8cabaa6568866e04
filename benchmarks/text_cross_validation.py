"""How well the disposition rules would generalise: k-fold cross-validation on the development part.

The rules were written looking at 123 development opinions (the part of
``nm_appeals_outcomes/dev.jsonl.gz`` for which :func:`toolkit.text.validate.is_sealed` is
False: the first 99, and 24 of the part set aside opened later), so the coder's agreement with
them says nothing about opinions it was not built on. This estimates that from inside the
development part, without reading the sealed part.

The development part is split into k folds by a hash of the id. A rule "would have been
written" without fold f when at least ``min_support`` development opinions outside fold f
depend on it, or when no development opinion does (a rule written from the vocabulary of
dispositions alone, e.g. "we quash the writ"). An opinion depends on a rule when leaving the rule
out (its pattern replaced by one that never matches, as in ``text_rule_sensitivity.py``) turns
its code from right to wrong. For each fold, every rule that would not have been written without
it is left out, together, and the fold is coded; the codes of the k folds are pooled and compared
with the hand codes (Cohen's kappa over the four classes, confusion matrix, recall per class).

``min_support=1`` leaves out only the rules that rest on the fold alone; ``min_support=2`` also
the rules that rest on a single opinion elsewhere (a rule written from one example). The
estimate is still optimistic: it catches whole rules fitted to a fold, not the wording of a
pattern tuned on every development opinion (a word added to an alternation), nor the choices
made before the development set was split.

Only the development part is read; the sealed part is skipped line by line before its text is
decoded.

Run::

    .venv/bin/python benchmarks/text_cross_validation.py [--folds 5]
"""

from __future__ import annotations

import argparse
import hashlib
from contextlib import ExitStack
from typing import Any

from text_rule_sensitivity import LABELS, development_part, left_out, rule_cases


def fold_of(case_id: str, k: int) -> int:
    """The fold of an opinion: a hash of its id (independent of the held-out split's hash)."""
    return int(hashlib.sha256(f"cv-fold:{case_id}".encode()).hexdigest()[:8], 16) % k


def main() -> None:
    import pandas as pd

    from toolkit.text.coder import code_disposition, outcome_class
    from toolkit.text.validate import validate_coding

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    k = args.folds

    rows = development_part()
    truth = {r["id"]: LABELS[r["label"]] for r in rows}
    folds = {r["id"]: fold_of(r["id"], k) for r in rows}

    def classes(subset: list[dict[str, Any]]) -> dict[str, str]:
        return {r["id"]: outcome_class(code_disposition(r["text"]).outcome) for r in subset}

    base = classes(rows)
    cases = rule_cases()
    support: dict[str, set[str]] = {}
    for label, module, name, index in cases:
        with left_out(module, name, index):
            got = classes(rows)
        support[label] = {i for i in got if base[i] == truth[i] and got[i] != truth[i]}

    print(
        f"development part: {len(rows)} opinions, {k} folds of "
        f"{', '.join(str(sum(f == j for f in folds.values())) for j in range(k))}; "
        f"full coder agrees on {sum(base[i] == truth[i] for i in truth)}"
    )
    print("\nrules the development opinions depend on (opinion:fold):")
    for label, ids in support.items():
        if ids:
            print(f"  {label:32s} {' '.join(f'{i}:{folds[i]}' for i in sorted(ids))}")

    names = ["upheld", "disturbed", "mixed", "dismissed"]
    for min_support in (1, 2):
        pooled: dict[str, str] = {}
        print(f"\n== min_support={min_support}")
        for f in range(k):
            dropped = [
                c
                for c in cases
                if support[c[0]] and sum(folds[i] != f for i in support[c[0]]) < min_support
            ]
            fold_rows = [r for r in rows if folds[r["id"]] == f]
            with ExitStack() as stack:  # rows of a table are replaced in place: indices hold
                for _, module, name, index in dropped:
                    stack.enter_context(left_out(module, name, index))
                got = classes(fold_rows)
            pooled.update(got)
            right = sum(got[i] == truth[i] for i in got)
            print(
                f"fold {f}: {right}/{len(got)} right with "
                f"{len(dropped)} rule(s) left out: {' '.join(c[0] for c in dropped) or '-'}"
            )
        machine = pd.DataFrame({"case_id": list(pooled), "outcome": list(pooled.values())})
        hand = pd.DataFrame({"case_id": list(truth), "outcome": list(truth.values())})
        # classes are already the four validation classes; map them onto canonical outcomes
        canon = {"upheld": "affirmed", "disturbed": "reversed", "mixed": "mixed"}
        canon |= {"dismissed": "dismissed", "unknown": "unknown", "other": "other"}
        v = validate_coding(
            machine.assign(outcome=machine["outcome"].map(canon)),
            hand.assign(outcome=hand["outcome"].map(canon)),
        )
        s = v.summary.iloc[0]
        print(
            f"pooled over the {k} folds: {int(s['n_units'])} opinions, agreement "
            f"{s['percent_agreement']:.3f}, Cohen's kappa {s['cohen_kappa']:.3f}"
        )
        print(v.confusion.to_string())
        per = v.per_class.set_index("label").loc[names, ["n_hand", "recall", "precision"]]
        print(per.round(3).to_string())


if __name__ == "__main__":
    main()
