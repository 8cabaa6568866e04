"""A seeded simulator of immigration petitions for review of BIA decisions.

It writes the embedded demo dataset (``data/demo/``) exactly as a researcher would hand-code
it: a cases spreadsheet, a long claims file, a judges file and the YAML mapping, plus
``truth.json`` with every planted parameter so that estimators can be checked for recovery.
Every judge and case is fictional.

The model, for a petition not dismissed as a whole::

    logit P(granted at least in part) = alpha[circuit] + beta_claim[claim_type]
                                        + beta_dem * (number of Democratic appointees on panel)
                                        + u[judge 1] + u[judge 2] + u[judge 3]
                                        + trend * (year - 2009)

with ``u[judge] ~ Normal(0, judge_sd)``. ``alpha`` is calibrated so that each circuit's grant
rate in 2009 matches the rates published for that year (10th 1.8% ... 9th 17.2%).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from toolkit.errors import ToolkitError
from toolkit.outcomes import rollup

__all__ = ["DEMO_FILES", "simulate_petitions", "write_demo"]

TARGET_RATE_2009 = {
    "ca1": 0.056, "ca2": 0.055, "ca3": 0.164, "ca4": 0.033, "ca5": 0.040, "ca6": 0.086,
    "ca7": 0.143, "ca8": 0.077, "ca9": 0.172, "ca10": 0.018, "ca11": 0.071,
}  # fmt: skip
CIRCUIT_SHARE = {
    "ca1": 0.05, "ca2": 0.20, "ca3": 0.07, "ca4": 0.05, "ca5": 0.06, "ca6": 0.05,
    "ca7": 0.05, "ca8": 0.05, "ca9": 0.30, "ca10": 0.05, "ca11": 0.07,
}  # fmt: skip
ROSTER_SIZE = {
    "ca1": 8, "ca2": 16, "ca3": 14, "ca4": 13, "ca5": 16, "ca6": 15,
    "ca7": 11, "ca8": 12, "ca9": 28, "ca10": 12, "ca11": 12,
}  # fmt: skip
CIRCUIT_LABEL = {
    "ca1": "1st Cir.", "ca2": "2d Cir.", "ca3": "3d Cir.", "ca4": "4th Cir.", "ca5": "5th Cir.",
    "ca6": "6th Cir.", "ca7": "7th Cir.", "ca8": "8th Cir.", "ca9": "9th Cir.",
    "ca10": "10th Cir.", "ca11": "11th Cir.",
}  # fmt: skip
CLAIM_TYPE_SHARE = {"asylum": 0.55, "withholding": 0.15, "cat": 0.10, "motion_to_reopen": 0.20}
CLAIM_TYPE_EFFECT = {"asylum": 0.0, "withholding": -0.3, "cat": -0.6, "motion_to_reopen": -0.5}
CLAIM_LABEL = {
    "asylum": "Asylum",
    "withholding": "Withholding",
    "cat": "CAT",
    "motion_to_reopen": "Motion to reopen",
}
PRESIDENTS = {
    "democratic": [("Carter", 1977, 1980), ("Clinton", 1993, 2000)],
    "republican": [("Reagan", 1981, 1988), ("G.H.W. Bush", 1989, 1992), ("G.W. Bush", 2001, 2003)],
}
COUNTRIES = [
    "China",
    "El Salvador",
    "Guatemala",
    "Honduras",
    "Mexico",
    "India",
    "Haiti",
    "Albania",
    "Indonesia",
    "Ethiopia",
    "Russia",
    "Colombia",
]
ISSUES = {
    "asylum": (
        [
            "adverse credibility",
            "nexus",
            "persecutor bar",
            "one-year bar",
            "changed country conditions",
        ],
        [0.45, 0.25, 0.05, 0.15, 0.10],
    ),
    "withholding": (
        ["adverse credibility", "nexus", "persecutor bar", "changed country conditions"],
        [0.5, 0.3, 0.05, 0.15],
    ),
    "cat": (["likelihood of torture", "government acquiescence"], [0.7, 0.3]),
    "motion_to_reopen": (["changed country conditions", "ineffective assistance"], [0.5, 0.5]),
}
DISPOSITION_LABEL = {
    "denied": "Denied",
    "granted": "Granted",
    "mixed": "Granted in part",
    "dismissed": "Dismissed",
    "other": "Transferred",
    "unknown": "",
}
CLAIM_OUTCOME_LABEL = {
    "denied": "Denied",
    "granted": "Granted",
    "dismissed": "Dismissed",
    "other": "Other",
    "unknown": "",
}

PARAMS: dict[str, Any] = {
    "beta_democratic_appointee": 0.30,
    "trend_per_year": -0.08,
    "reference_year": 2009,
    "judge_effect_sd": 0.35,
    "p_visiting_district_judge": 0.12,
    "p_dismissed_whole": 0.04,
    "p_claim_unexhausted": 0.08,
    "p_claim_granted_given_grant": 0.6,
    "p_transferred": 0.004,
    "p_uncoded": 0.003,
    "p_dissent": 0.04,
    "p_per_curiam": 0.25,
    "p_second_petitioner": 0.10,
}

FILING_MEDIAN_DAYS = {
    "ca1": 330, "ca2": 420, "ca3": 360, "ca4": 240, "ca5": 270, "ca6": 300,
    "ca7": 240, "ca8": 270, "ca9": 540, "ca10": 240, "ca11": 300,
}  # fmt: skip
"""Planted median days from filing a petition to its decision, by circuit (log-normal)."""
FILING_LOG_SD = 0.45

PANEL_DISAGREEMENT_DEFINITION = (
    "average over the cases the 'disturbed' rule counts of E|F(a + u1) - F(a + u2)|, F the "
    "logistic function, a = alpha[circuit] + beta_claim_type[claim_type] + trend_per_year * "
    "(year - reference_year), u1 and u2 the summed planted effects (judge effect + "
    "beta_democratic_appointee for a Democratic appointee) of two independent panels drawn as "
    "the simulator draws them (three of the circuit's judges at random; with probability "
    "p_visiting_district_judge the third seat goes to one of the circuit's district judges); "
    "computed exactly over every possible panel"
)

DEMO_FILES = ("cases.csv", "claims.csv", "judges.csv", "mapping.yaml", "truth.json", "README.md")

MAPPING_YAML = """\
# How the demo spreadsheets map onto the canonical model (see toolkit/sources/coded.py).
# The demo data are SIMULATED by toolkit.simulate: fictional judges, fictional cases.
source: demo
file: cases.csv
date_format: "%m/%d/%Y"
defaults:
  lower_court: bia
columns:
  case_id: Case ID
  circuit: Circuit
  decided: Decided
  claim_type: Lead claim
  outcome: Disposition
  published: Published
  filed: Filed
values:
  circuit: {"1st Cir.": ca1, "2d Cir.": ca2, "3d Cir.": ca3, "4th Cir.": ca4, "5th Cir.": ca5,
            "6th Cir.": ca6, "7th Cir.": ca7, "8th Cir.": ca8, "9th Cir.": ca9,
            "10th Cir.": ca10, "11th Cir.": ca11}
  outcome:
    Denied: denied
    Granted: granted
    Granted in part: mixed
    Dismissed: dismissed
    Transferred: other
    "": unknown
  claim_type: {Asylum: asylum, Withholding: withholding, CAT: cat,
               Motion to reopen: motion_to_reopen}
  published: {Y: true, N: false}
panel:
  columns: [Judge 1, Judge 2, Judge 3]
  author: Author
  dissent: Dissent
  by_designation: Visiting
claims:
  file: claims.csv
  columns: {case_id: Case ID, party: Petitioner, claim: Claim, outcome: Result}
  values:
    outcome: {Denied: denied, Granted: granted, Dismissed: dismissed, Other: other, "": unknown}
    claim: {Asylum: asylum, Withholding: withholding, CAT: cat,
            Motion to reopen: motion_to_reopen}
judges:
  file: judges.csv
  date_format: "%Y-%m-%d"
  columns: {judge_id: Judge ID, court: Court, appointing_president: Appointed by,
            party: Party, commissioned: Commissioned}
  values:
    party: {D: democratic, R: republican}
"""

README = """\
# Demo data: SIMULATED

Everything in this folder is simulated by `toolkit.simulate` (run `appellate demo` to regenerate
it byte for byte). The judges and cases are fictional; the judge ids are not real people.
The data imitate immigration petitions for review of Board of Immigration Appeals decisions in
the eleven numbered circuits, 2004-2012, hand-coded as a researcher would:

- `cases.csv`: one row per petition (circuit, decision date, lead claim, disposition, panel,
  author, dissent, visiting judge, publication, and extra columns the toolkit keeps as they are);
- `claims.csv`: one row per claim per petitioner, with its result;
- `judges.csv`: one row per judge, with appointing president and party;
- `mapping.yaml`: how these columns and labels map onto the canonical model;
- `truth.json`: the parameters the data were drawn from (circuit, claim-type, panel-party and
  judge effects, the trend), so statistics can be checked for recovery.

The filing date (`Filed`, the last column of `cases.csv`) and the truth entries about it and
about the panel draw (`true_panel_disagreement`, `filing_median_days`) come from a random
stream of their own, so they leave every other column as it was.
"""


def _expit(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _calibrate(eta: np.ndarray, target: float) -> float:
    """The intercept that makes the mean predicted probability equal the target."""
    from scipy.optimize import brentq

    return float(brentq(lambda a: _expit(a + eta).mean() - target, -15.0, 10.0, xtol=1e-10))


def _judges(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for circuit, size in ROSTER_SIZE.items():
        num = int(circuit[2:])
        for seat, count, prefix in (("circuit", size, "J"), ("district", 6, "D")):
            for k in range(1, count + 1):
                party = "democratic" if rng.random() < 0.5 else "republican"
                options = PRESIDENTS[party]
                president, first, last = options[int(rng.integers(len(options)))]
                year = int(rng.integers(first, last + 1))
                day = pd.Timestamp(year, 1, 1) + pd.Timedelta(days=int(rng.integers(0, 365)))
                rows.append(
                    {
                        "judge_id": f"{prefix}{num:02d}{k:02d}",
                        "circuit": circuit,
                        "seat": seat,
                        "president": president,
                        "party": party,
                        "commissioned": day.strftime("%Y-%m-%d"),
                    }
                )
    judges = pd.DataFrame(rows)
    return judges


def _true_panel_disagreement(
    judges: pd.DataFrame,
    u: pd.Series,
    circuit: np.ndarray,
    claim_type: np.ndarray,
    year: np.ndarray,
    counted: np.ndarray,
    alpha: dict[str, float],
) -> tuple[float, dict[str, float]]:
    """The panel disagreement implied by the planted effects, exactly, over every panel."""
    from itertools import combinations

    from toolkit.assignment import panel_disagreement

    p = PARAMS
    total = u + p["beta_democratic_appointee"] * (
        judges.set_index("judge_id")["party"] == "democratic"
    ).astype(float)
    pv = p["p_visiting_district_judge"]
    per_circuit: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for c, g in judges.groupby("circuit", sort=False):
        roster = total[g.loc[g["seat"] == "circuit", "judge_id"]].to_numpy()
        district = total[g.loc[g["seat"] == "district", "judge_id"]].to_numpy()
        three = np.array([sum(t) for t in combinations(roster, 3)])
        two = np.array([sum(t) for t in combinations(roster, 2)])
        visit = (two[:, None] + district[None, :]).ravel()
        values = np.concatenate([three, visit])
        weights = np.concatenate(
            [np.full(len(three), (1 - pv) / len(three)), np.full(len(visit), pv / len(visit))]
        )
        per_circuit[str(c)] = (values, weights)
    frame = pd.DataFrame(
        {
            "circuit": circuit,
            "a": [
                alpha[c] + CLAIM_TYPE_EFFECT[t] + p["trend_per_year"] * (y - p["reference_year"])
                for c, t, y in zip(circuit, claim_type, year, strict=True)
            ],
        }
    )[counted]
    d = pd.Series(np.nan, index=frame.index)
    for (c, a), idx in frame.groupby(["circuit", "a"]).groups.items():
        values, weights = per_circuit[c]
        d[idx] = float(panel_disagreement(1 / (1 + np.exp(-(a + values))), weights))
    frame["d"] = d
    by_circuit = {c: round(float(frame.loc[frame["circuit"] == c, "d"].mean()), 6) for c in alpha}
    return round(float(frame["d"].mean()), 6), by_circuit


def simulate_petitions(
    n_cases: int = 8000, seed: int = 20091, years: tuple[int, int] = (2004, 2012)
) -> dict[str, Any]:
    """Simulate hand-coded petitions for review.

    Parameters
    ----------
    n_cases
        Number of petitions.
    seed
        Seed of the random generator; the same seed gives the same data.
    years
        First and last year of decision.

    Returns
    -------
    dict
        ``cases``, ``claims`` and ``judges`` frames in the researcher's own layout, and
        ``truth``, a JSON-ready dict of the planted parameters.

    Examples
    --------
    >>> sim = simulate_petitions(n_cases=300, seed=1)
    >>> len(sim["cases"]), sorted(sim["truth"]["target_grant_rate_2009"])[:2]
    (300, ['ca1', 'ca10'])
    """
    if isinstance(n_cases, bool) or not isinstance(n_cases, int | np.integer) or n_cases < 1:
        raise ToolkitError(
            f"n_cases must be a whole number of petitions, at least 1 (got {n_cases!r})"
        )
    if (
        not isinstance(years, tuple | list)
        or len(years) != 2
        or not all(isinstance(y, int | np.integer) and not isinstance(y, bool) for y in years)
        or years[0] > years[1]
    ):
        raise ToolkitError(
            f"years must be (first, last) whole years, first <= last (got {years!r})"
        )
    # The steps draw from one generator in a fixed order: reordering them changes the data.
    rng = np.random.default_rng(seed)
    judges = _judges(rng)
    u = pd.Series(
        rng.normal(0.0, PARAMS["judge_effect_sd"], len(judges)).round(6),
        index=judges["judge_id"],
    )
    party = judges.set_index("judge_id")["party"]
    design = _draw_design(rng, n_cases, years)
    panels, visiting = _draw_panels(rng, judges, design["circuit"])
    alpha, granted = _draw_grants(rng, design, panels, party, u)

    case_rows, claim_rows = [], []
    case_outcomes: list[str] = []
    for i in range(n_cases):
        case_row, claims, outcome = _draw_case(
            rng, i, design, panels[i], visiting[i], party, bool(granted[i])
        )
        case_rows.append(case_row)
        claim_rows += claims
        case_outcomes.append(outcome)

    _add_filing_dates(case_rows, design["circuit"], seed)
    from toolkit.outcomes import get_rule

    counted = get_rule("disturbed").flag(pd.Series(case_outcomes)).notna().to_numpy()
    disagreement = _true_panel_disagreement(
        judges, u, design["circuit"], design["claim_type"], design["year"], counted, alpha
    )
    return {
        "cases": pd.DataFrame(case_rows),
        "claims": pd.DataFrame(claim_rows),
        "judges": _judges_sheet(judges),
        "truth": _truth(seed, n_cases, years, alpha, u, disagreement),
    }


def _draw_design(
    rng: np.random.Generator, n_cases: int, years: tuple[int, int]
) -> dict[str, np.ndarray]:
    """Draw each petition's circuit, year and day of decision, and lead claim type.

    Returns
    -------
    dict
        Arrays of length ``n_cases``: ``circuit``, ``year``, ``day`` (0-364, from 1 January)
        and ``claim_type``.
    """
    circuit = rng.choice(
        np.array(list(CIRCUIT_SHARE)), size=n_cases, p=list(CIRCUIT_SHARE.values())
    )
    year = rng.integers(years[0], years[1] + 1, size=n_cases)
    day = rng.integers(0, 365, size=n_cases)
    types = np.array(list(CLAIM_TYPE_SHARE))
    claim_type = rng.choice(types, size=n_cases, p=list(CLAIM_TYPE_SHARE.values()))
    return {"circuit": circuit, "year": year, "day": day, "claim_type": claim_type}


def _draw_panels(
    rng: np.random.Generator, judges: pd.DataFrame, circuit: np.ndarray
) -> tuple[list[list[str]], list[str]]:
    """Draw a three-judge panel per petition from its circuit's roster.

    With probability ``p_visiting_district_judge`` the third seat goes to a district judge
    sitting by designation.

    Returns
    -------
    tuple
        The panels (three judge ids each) and, per petition, the visiting judge's id or ``""``.
    """
    by_circuit = {c: g["judge_id"].tolist() for c, g in judges.groupby("circuit", sort=False)}
    panels, visiting = [], []
    for c in circuit:
        roster = [j for j in by_circuit[c] if j.startswith("J")]
        district = [j for j in by_circuit[c] if j.startswith("D")]
        seats = list(rng.choice(roster, size=3, replace=False))
        if rng.random() < PARAMS["p_visiting_district_judge"]:
            seats[2] = str(rng.choice(district))
            visiting.append(seats[2])
        else:
            visiting.append("")
        panels.append([str(s) for s in seats])
    return panels, visiting


def _draw_grants(
    rng: np.random.Generator,
    design: dict[str, np.ndarray],
    panels: list[list[str]],
    party: pd.Series,
    u: pd.Series,
) -> tuple[dict[str, float], np.ndarray]:
    """Calibrate each circuit's intercept, then draw whether each petition is granted.

    Returns
    -------
    tuple
        ``alpha`` (circuit -> intercept, rounded to 6 places) and a boolean array, one per
        petition: granted at least in part if not dismissed as a whole.
    """
    p = PARAMS
    circuit = design["circuit"]
    n_dem = np.array([sum(party[j] == "democratic" for j in panel) for panel in panels])
    u_sum = np.array([sum(u[j] for j in panel) for panel in panels])
    eta_rest = (
        np.array([CLAIM_TYPE_EFFECT[t] for t in design["claim_type"]])
        + p["beta_democratic_appointee"] * n_dem
        + u_sum
    )
    alpha = {}
    for c in CIRCUIT_SHARE:
        mask = circuit == c
        # a circuit that drew no petition (a small n_cases) keeps the target's logit
        rest = eta_rest[mask] if mask.any() else np.zeros(1)
        alpha[c] = round(_calibrate(rest, TARGET_RATE_2009[c]), 6)
    eta = (
        np.array([alpha[c] for c in circuit])
        + eta_rest
        + p["trend_per_year"] * (design["year"] - p["reference_year"])
    )
    granted = rng.random(len(circuit)) < _expit(eta)
    return alpha, granted


def _draw_claims(
    rng: np.random.Generator, claim_type: str, granted: bool
) -> tuple[list[tuple[str, str]], list[str]]:
    """Draw a petition's claims (petitioner, kind) and the result of each.

    Returns
    -------
    tuple
        The claims and their results (``granted``, ``denied``, ``dismissed``, ``other`` or
        ``unknown``), in the same order.
    """
    p = PARAMS
    petitioners = ["P1", "P2"] if rng.random() < p["p_second_petitioner"] else ["P1"]
    kinds = {
        "asylum": ["asylum", "withholding", "cat"],
        "withholding": ["withholding", "cat"],
        "cat": ["cat"],
        "motion_to_reopen": ["motion_to_reopen"],
    }[claim_type]
    if claim_type == "asylum" and rng.random() < 0.15:
        kinds = ["asylum", "withholding"]
    claims = [(pt, k) for pt in petitioners for k in kinds]
    special = rng.random()
    if special < p["p_uncoded"]:
        results = ["unknown"] * len(claims)
    elif special < p["p_uncoded"] + p["p_transferred"]:
        results = ["other"] * len(claims)
    elif rng.random() < p["p_dismissed_whole"]:
        results = ["dismissed"] * len(claims)
    else:
        results = [
            "dismissed"
            if k != "motion_to_reopen" and rng.random() < p["p_claim_unexhausted"]
            else "denied"
            for _, k in claims
        ]
        live = [j for j, r in enumerate(results) if r == "denied"]
        if granted and live:
            chosen = [j for j in live if rng.random() < p["p_claim_granted_given_grant"]]
            for j in chosen or [live[int(rng.integers(len(live)))]]:
                results[j] = "granted"
    return claims, results


def _draw_opinion(
    rng: np.random.Generator, panel: list[str], party: pd.Series, outcome: str
) -> tuple[str, str]:
    """Draw the dissenting judge (if any) and the author (``""`` for per curiam).

    Returns
    -------
    tuple
        ``(dissent, author)`` judge ids, each possibly ``""``.
    """
    p = PARAMS
    dissent = ""
    if outcome in ("denied", "granted", "mixed") and rng.random() < p["p_dissent"]:
        want = "republican" if outcome in ("granted", "mixed") else "democratic"
        pool = [j for j in panel if party[j] == want] or panel
        dissent = str(pool[int(rng.integers(len(pool)))])
    author = ""
    if rng.random() >= p["p_per_curiam"]:
        pool = [j for j in panel if j != dissent]
        author = str(pool[int(rng.integers(len(pool)))])
    return dissent, author


def _draw_case(
    rng: np.random.Generator,
    i: int,
    design: dict[str, np.ndarray],
    panel: list[str],
    visiting: str,
    party: pd.Series,
    granted: bool,
) -> tuple[dict[str, str], list[dict[str, str]], str]:
    """Draw petition ``i``'s claims, opinion and remaining fields, as the researcher codes them.

    Returns
    -------
    tuple
        The row of the cases sheet, the rows of the claims sheet, and the case outcome.
    """
    year, kind = int(design["year"][i]), design["claim_type"][i]
    case_id = f"PFR-{i + 1:05d}"
    decided = pd.Timestamp(year, 1, 1) + pd.Timedelta(days=int(design["day"][i]))
    claims, results = _draw_claims(rng, kind, granted)
    outcome = rollup(results)
    dissent, author = _draw_opinion(rng, panel, party, outcome)
    published = rng.random() < (0.15 + 0.35 * (outcome in ("granted", "mixed")))
    case_row = {
        "Case ID": case_id,
        "Docket No.": f"{year % 100 - 1:02d}-{70000 + i}",
        "Circuit": CIRCUIT_LABEL[design["circuit"][i]],
        "Decided": decided.strftime("%m/%d/%Y"),
        "Lead claim": CLAIM_LABEL[kind],
        "Disposition": DISPOSITION_LABEL[outcome],
        "Judge 1": panel[0],
        "Judge 2": panel[1],
        "Judge 3": panel[2],
        "Author": author,
        "Dissent": dissent,
        "Visiting": visiting,
        "Published": "Y" if published else "N",
        "Country of origin": COUNTRIES[int(rng.integers(len(COUNTRIES)))],
        "Pro se": "Y" if rng.random() < 0.15 else "N",
    }
    claim_rows = []
    for (petitioner, claim_kind), result in zip(claims, results, strict=True):
        names, probs = ISSUES[claim_kind]
        claim_rows.append(
            {
                "Case ID": case_id,
                "Petitioner": petitioner,
                "Claim": CLAIM_LABEL[claim_kind],
                "Issue": str(rng.choice(names, p=probs)),
                "Result": CLAIM_OUTCOME_LABEL[result],
            }
        )
    return case_row, claim_rows, outcome


def _add_filing_dates(case_rows: list[dict[str, str]], circuit: np.ndarray, seed: int) -> None:
    """Add each case's ``Filed`` date, drawn from a stream of its own so nothing else changes."""
    extra = np.random.default_rng(np.random.SeedSequence([seed, 2]))
    decided_dates = pd.to_datetime([row["Decided"] for row in case_rows], format="%m/%d/%Y")
    log_days = np.log([FILING_MEDIAN_DAYS[c] for c in circuit]) + FILING_LOG_SD * (
        extra.standard_normal(len(case_rows))
    )
    days = np.maximum(np.round(np.exp(log_days)), 1).astype("int64")
    filed = decided_dates - pd.to_timedelta(days, unit="D")
    for row, date in zip(case_rows, filed, strict=True):
        row["Filed"] = date.strftime("%m/%d/%Y")


def _judges_sheet(judges: pd.DataFrame) -> pd.DataFrame:
    """The judges file in the researcher's own layout."""
    return pd.DataFrame(
        {
            "Judge ID": judges["judge_id"],
            "Court": np.where(
                judges["seat"] == "circuit", judges["circuit"], "district:" + judges["circuit"]
            ),
            "Seat": judges["seat"],
            "Appointed by": judges["president"],
            "Party": judges["party"].map({"democratic": "D", "republican": "R"}),
            "Commissioned": judges["commissioned"],
        }
    )


def _truth(
    seed: int,
    n_cases: int,
    years: tuple[int, int],
    alpha: dict[str, float],
    u: pd.Series,
    disagreement: tuple[float, dict[str, float]],
) -> dict[str, Any]:
    """The planted parameters, JSON-ready, in the order ``truth.json`` lists them."""
    true_disagreement, true_disagreement_by_circuit = disagreement
    return {
        "description": "SIMULATED demo data: the parameters the petitions were drawn from",
        "seed": seed,
        "n_cases": n_cases,
        "years": list(years),
        "model": "logit P(granted at least in part | not dismissed as a whole) = "
        "alpha[circuit] + beta_claim_type[claim_type] + beta_democratic_appointee * "
        "n_democratic_appointees + sum(judge_effects[panel]) + "
        "trend_per_year * (year - reference_year)",
        "target_grant_rate_2009": TARGET_RATE_2009,
        "alpha_circuit": alpha,
        "beta_claim_type": CLAIM_TYPE_EFFECT,
        **{k: v for k, v in PARAMS.items()},
        "circuit_share": CIRCUIT_SHARE,
        "claim_type_share": CLAIM_TYPE_SHARE,
        "judge_effects": {k: float(v) for k, v in u.items()},
        "true_panel_disagreement": true_disagreement,
        "true_panel_disagreement_by_circuit": true_disagreement_by_circuit,
        "panel_disagreement_definition": PANEL_DISAGREEMENT_DEFINITION,
        "filing_median_days": FILING_MEDIAN_DAYS,
        "filing_log_sd": FILING_LOG_SD,
        "filing_model": "days from filing to decision ~ exp(log(filing_median_days[circuit]) "
        "+ filing_log_sd * Normal(0, 1)), rounded, at least 1",
    }


def write_demo(out_dir: str | Path | None = None, **options: Any) -> list[Path]:
    """Simulate and write the demo dataset; the same options give the same bytes.

    Parameters
    ----------
    out_dir
        Target folder; default the project's ``data/demo``.
    **options
        Passed to :func:`simulate_petitions`.

    Returns
    -------
    list of Path
        The files written.
    """
    from toolkit import paths

    out = Path(out_dir) if out_dir is not None else paths.demo_dir()
    out.mkdir(parents=True, exist_ok=True)
    sim = simulate_petitions(**options)
    written = []
    for name in ("cases", "claims", "judges"):
        path = out / f"{name}.csv"
        sim[name].to_csv(path, index=False, lineterminator="\n")
        written.append(path)
    for name, text in (
        ("mapping.yaml", MAPPING_YAML),
        ("README.md", README),
        ("truth.json", json.dumps(sim["truth"], indent=2) + "\n"),
    ):
        path = out / name
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)
    return written
