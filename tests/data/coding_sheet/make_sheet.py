"""Write the fictional coding sheet (sheet.csv, sheet.xlsx) and its truth (truth.json).

Sixty fictional petitions for review, coded the way researchers type them: abbreviated and
upper-case labels, trailing spaces, ISO, M/D/Y and written dates in one column, markers for
visiting judges inside the panel cell, and several claims in one cell. Run from this folder:
``python make_sheet.py`` (seeded: the same files every time).
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pandas as pd

HERE = Path(__file__).parent
JUDGES = [f"Judge {chr(ord('A') + i)}" for i in range(24)]
VISITING = set(JUDGES[17:24])  # Judges R..X sit by designation
MARKERS = [" (by desig.)", " (D.J.)", "*", ", sitting by designation"]
CIRCUIT_FORMS = {
    "ca2": ["2d Cir.", "2nd", "Second Circuit", "CA2"],
    "ca9": ["9th Cir.", "9th", "NINTH CIRCUIT", "ca9 "],
    "ca5": ["5th Cir.", "U.S. Court of Appeals for the Fifth Circuit"],
    "ca1": ["1st Cir. ", "First Circuit"],
}
OUTCOME_FORMS = {
    "denied": ["Denied", "DENIED ", "Den."],
    "granted": ["Granted", "GRANTED"],
    "affirmed": ["Aff'd", "Affirmed"],
    "vacated_remanded": ["Vacated & Remanded", "Vac'd & Rem."],
    "dismissed": ["Dismissed", "Dism."],
    "mixed": ["Granted in part"],
}
CLAIM_FORMS = {
    "asylum": ["asylum", "Asylum"],
    "withholding": ["withholding", "Withholding"],
    "cat": ["CAT", "cat"],
    "motion_to_reopen": ["MTR"],
}


def main() -> None:
    rng = random.Random(20261128)
    rows, truth = [], []
    for i in range(60):
        circuit = rng.choice(list(CIRCUIT_FORMS))
        outcome = rng.choice(list(OUTCOME_FORMS))
        panel = rng.sample(JUDGES, 3)
        if i == 17:  # one judge recused: a panel of two, kept and counted in the ledger
            panel = panel[:2]
        for v in sorted(VISITING - set(panel))[: 1 if i % 4 == 0 else 0]:
            panel[-1] = v  # make sure every visiting judge sits now and then
        year, month, day = 2005 + i % 8, 1 + (i * 5) % 12, 1 + (i * 7) % 28
        style = i % 3
        if style == 0:
            decided = f"{year}-{month:02d}-{day:02d}"
        elif style == 1:
            decided = f"{month}/{day}/{year}"
        else:
            decided = pd.Timestamp(year, month, day).strftime("%B %-d, %Y")
        iso = f"{year}-{month:02d}-{day:02d}"
        if i == 42:  # not yet decided
            decided, iso, outcome = "", None, "unknown"
        claims = rng.sample(list(CLAIM_FORMS), rng.choice([1, 1, 2, 3]))
        cell = []
        for judge in panel:
            mark = rng.choice(MARKERS) if judge in VISITING else ""
            cell.append(judge + mark)
        author = rng.choice([*panel, ""])
        rows.append(
            {
                "Docket No.": f"{year % 100:02d}-{1000 + i}",
                "Circuit": rng.choice(CIRCUIT_FORMS[circuit]),
                "Date Decided": decided,
                "Disposition": "" if outcome == "unknown" else rng.choice(OUTCOME_FORMS[outcome]),
                "Panel": ", ".join(cell),
                "Authoring Judge": author,
                "Claims": "; ".join(rng.choice(CLAIM_FORMS[c]) for c in claims),
                "Published": rng.choice(["Y", "N", "yes", "no"]),
                "Notes": rng.choice(["", "", "check cite", "remand to IJ"]),
            }
        )
        truth.append(
            {
                "case_id": rows[-1]["Docket No."],
                "circuit": circuit,
                "decided": iso,
                "outcome": outcome,
                "judges": sorted(panel),
                "visiting": sorted(j for j in panel if j in VISITING),
                "author": author or None,
                "claims": claims,
            }
        )
    frame = pd.DataFrame(rows)
    frame.to_csv(HERE / "sheet.csv", index=False)
    book = frame.astype("object")
    iso = book["Date Decided"].str.match(r"^\d{4}-")
    book.loc[iso, "Date Decided"] = pd.to_datetime(book.loc[iso, "Date Decided"])  # date cells
    book.to_excel(HERE / "sheet.xlsx", index=False, sheet_name="Coding")
    lines = ",\n ".join(json.dumps(case) for case in truth)  # one case per line
    (HERE / "truth.json").write_text(f"[{lines}]\n")


if __name__ == "__main__":
    main()
