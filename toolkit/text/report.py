"""What the ``coding_validation`` report notebook calls: its inputs and its prose.

The report takes a hand-coded file (the usual ``data`` and ``mapping`` parameters) and a text
corpus (``corpus``: a folder of ``.txt`` files or a JSONL/CSV/Parquet file with a text column).
On the demo data, which have no opinion texts, it validates the coder on the fixture corpus
shipped with the toolkit: twelve fictional federal opinions with hand codes.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.errors import ToolkitError

if TYPE_CHECKING:
    import pandas as pd

    from toolkit.text.validate import CodingValidation

__all__ = ["FIXTURE_CORPUS", "describe_validation", "validation_inputs"]

FIXTURE_CORPUS = Path(str(resources.files("toolkit") / "text" / "corpus"))
"""Twelve fictional federal opinions (``*.txt``) and their hand codes (``hand_codes.csv``)."""


def validation_inputs(
    data: Any, corpus: str | None = None
) -> tuple[Path | None, pd.DataFrame, str]:
    """The corpus to code and the hand codes to compare, and a sentence saying which.

    Parameters
    ----------
    data
        The report's loaded :class:`~toolkit.schema.CaseData` (the hand codes).
    corpus
        The opinion texts; None: the fixture corpus when ``data`` is the demo, else nothing
        (the report is then skipped).

    Returns
    -------
    tuple
        The corpus path (None when there is none), the hand codes (``case_id`` without the
        source prefix, ``outcome``), and a sentence for the report.

    Examples
    --------
    >>> import toolkit
    >>> path, hand, note = validation_inputs(toolkit.load("demo"))
    >>> path.name, len(hand), hand["case_id"].iloc[0]
    ('corpus', 12, 'ca1-14-8008')
    """
    import pandas as pd

    import toolkit

    source = data.meta.get("source", "")
    if corpus is None:
        if source != "demo":
            return None, pd.DataFrame(columns=["case_id", "outcome"]), ""
        hand_data = toolkit.load(FIXTURE_CORPUS / "hand_codes.csv")
        note = (
            "The demo cases have no opinion texts, so this report validates the coder on the "
            f"fixture corpus shipped with the toolkit: {len(hand_data.cases)} short **fictional** "
            "federal opinions written the way the circuits write (partial dispositions of a "
            "petition, citation history, dissents, an appeal dismissed for want of "
            "jurisdiction, an order with no disposition), coded by hand."
        )
        cases, prefix = hand_data.cases, f"{hand_data.meta.get('source', '')}:"
    else:
        if not Path(corpus).exists():
            raise ToolkitError(f"corpus: no such file or folder: {corpus}")
        cases, prefix = data.cases, f"{source}:"
        note = f"Opinion texts from `{corpus}`; hand codes from the report's data (`{source}`)."
    ids = cases["case_id"].astype("str")
    ids = ids.where(~ids.str.startswith(prefix), ids.str.slice(len(prefix)))
    hand = pd.DataFrame({"case_id": ids, "outcome": cases["outcome"].astype("str")})
    path = Path(corpus) if corpus is not None else FIXTURE_CORPUS
    return path, hand.reset_index(drop=True), note


def describe_validation(validation: CodingValidation, n_coded: int) -> str:
    """Agreement between machine and hand codes, in words, with the numbers from the data.

    Examples
    --------
    >>> import pandas as pd
    >>> from toolkit.text.validate import validate_coding
    >>> m = pd.DataFrame({"case_id": ["1", "2"], "outcome": ["affirmed", "unknown"]})
    >>> h = pd.DataFrame({"case_id": ["1", "2"], "outcome": ["affirmed", "reversed"]})
    >>> print(describe_validation(validate_coding(m, h), 2))  # doctest: +ELLIPSIS
    The coder agrees with the hand codes on 1 of 2 cases (50.0%); Cohen's kappa 0.333 ...
    """
    s = validation.summary.iloc[0]
    n = int(s["n_units"])
    agree = n - int(s["n_disagreements"])
    level = (
        "four classes (upheld, disturbed, mixed, dismissed)"
        if s["level"] == "class"
        else ("canonical outcomes")
    )
    parts = [
        f"The coder agrees with the hand codes on {agree} of {n} cases "
        f"({100 * s['percent_agreement']:.1f}%); Cohen's kappa {s['cohen_kappa']:.3f} over "
        f"{level}."
    ]
    if n < n_coded:
        parts.append(f"{n_coded - n} coded opinion(s) have no hand code and are not compared.")
    if s["n_unknown"]:
        parts.append(
            f"{int(s['n_unknown'])} opinion(s) had no decretal language the coder could find: "
            "they are coded `unknown` (never guessed) and count as disagreements."
        )
    if n < 30:
        parts.append(
            f"With {n} cases the kappa is a rough guide only: check the disagreements below."
        )
    return " ".join(parts)
