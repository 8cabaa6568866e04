"""Regenerate the 60-case hand-coded fixture (``python tests/data/sixty/make_sixty.py``).

Sixty fictional petitions for review in five circuits, coded by hand the way a clinic would:
one circuit has only two cases (both reversed), several judges sit once. Each judge has a
planted reversal propensity (``truth.csv``); the outcomes are drawn from them with a fixed seed.
"""

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent
rng = np.random.default_rng(60)
sizes = {"9th": 24, "2nd": 16, "5th": 12, "7th": 6, "1st": 2}
rosters = {c: [f"{c[:-2]}-{k}" for k in "ABCDEF"] for c in sizes}
effects = {j: round(float(rng.normal(0, 0.5)), 3) for r in rosters.values() for j in r}
labels = {1: ["Rev'd", "Vacated & Rem."], 0: ["Aff'd", "Denied"]}
rows = []
i = 0
for circuit, n in sizes.items():
    for _ in range(n):
        i += 1
        panel = list(rng.choice(rosters[circuit][: 3 + min(n // 4, 3)], size=3, replace=False))
        if circuit == "1st":
            y = 1
        else:
            eta = -0.8 + sum(effects[j] for j in panel)
            y = int(rng.random() < 1 / (1 + np.exp(-eta)))
        rows.append(
            {
                "Docket": f"PFR-{i:03d}",
                "Circuit": circuit,
                "Decided": f"{int(rng.integers(2015, 2021))}-{int(rng.integers(1, 13)):02d}-15",
                "Claim": str(rng.choice(["Asylum", "Withholding", "CAT"], p=[0.6, 0.25, 0.15])),
                "Result": str(rng.choice(labels[y])),
                "Judges": "; ".join(panel),
            }
        )
pd.DataFrame(rows).to_csv(HERE / "cases.csv", index=False)
pd.Series(effects, name="effect").rename_axis("judge").to_csv(HERE / "truth.csv")
