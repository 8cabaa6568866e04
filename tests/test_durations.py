"""Time to decision: Kaplan-Meier quantiles against R's survival::survfit, censoring, demo truth.

R's numbers are stored below (R 4.2.2, survival 3.5-3, ``quantile(survfit(Surv(days, dec) ~ 1),
probs = c(.25, .5, .75), conf.int = TRUE)`` and ``summary(fit, times = ...)``), so the tests run
without R; where Rscript and survival are present they are recomputed as well.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest

import toolkit
from toolkit import paths
from toolkit.errors import ToolkitError
from toolkit.timing import durations, km_quantiles

# Fixture A: integer days with ties and censoring; B: no censoring, the curve sits exactly at
# 0.5 (and 0.25, 0.75) between two event times; C: heavy censoring, the median is not reached.
A_DAYS = [274, 325, 28, 327, 198, 215, 259, 128, 392, 40, 125, 165, 237, 175, 69, 37, 20, 38,
          76, 399, 92, 267, 305, 109, 127, 185, 120, 390, 87, 361, 323, 340, 63, 169, 258, 207,
          273, 277, 271, 43]  # fmt: skip
A_DEC = [1, 1, 0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 0, 1, 1, 0, 1, 1, 1, 1,
         0, 1, 0, 1, 0, 1, 0, 1, 1, 1, 1]  # fmt: skip
FIXTURES = {
    "A": (A_DAYS, A_DEC),
    "B": ([10, 20, 20, 30, 40, 50, 60, 70], [1] * 8),
    "C": ([5, 8, 12, 12, 15, 30, 30, 30, 30, 30], [1, 1, 0, 1, 0, 0, 0, 0, 0, 0]),
}
NA = np.nan
# rows: quantile, lower, upper; columns: 25%, 50%, 75% (R's NA as nan)
R_QUANTILES = {
    "A": [[109, 258, 325], [69, 175, 274], [237, 323, NA]],
    "B": [[20, 35, 55], [10, 20, 40], [NA, NA, NA]],
    "C": [[12, NA, NA], [5, 12, NA], [NA, NA, NA]],
}
# summary(fit, times = c(50, 100, 200, 300)) on A: time, surv, lower, upper
R_CURVE_A = [
    [50, 0.8947368421, 0.8022933632, 0.9978320317],
    [100, 0.7631578947, 0.6392786846, 0.9110423768],
    [200, 0.5662878788, 0.4258850729, 0.7529776977],
    [300, 0.3228609626, 0.1937170146, 0.5381003903],
]
# The demo's 1st Circuit, filed -> decided, pending after 2008-06-30 (censored there)
R_DEMO_CA1 = [[249, 332, 455], [225, 312, 427], [273, 356, 490]]
R_DEMO_CA1_CURVE = [
    [100, 0.9962264151, 0.98887157631, 1.0000000000],
    [200, 0.8448699288, 0.80177754491, 0.8902783585],
    [300, 0.5957694125, 0.53803238127, 0.6597022878],
    [400, 0.3365031502, 0.28165195320, 0.4020365163],
    [600, 0.1082064508, 0.07443718311, 0.1572955277],
]
AS_OF = pd.Timestamp("2008-06-30")


def _at(curve: pd.DataFrame, t: float) -> pd.Series:
    return curve[curve["days"] <= t].iloc[-1]


def _demo_ca1() -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """The rows, by hand: filed by the as_of date; decided after it counts as pending."""
    cases = toolkit.load("demo").cases
    cases = cases[cases["circuit"] == "ca1"]
    kept = cases[cases["filed"] <= AS_OF]
    decided = (kept["decided"] <= AS_OF).to_numpy()
    days = (kept["decided"].where(decided, AS_OF) - kept["filed"]).dt.days.to_numpy()
    return cases, days, decided


def _r_available() -> bool:
    if shutil.which("Rscript") is None:
        return False
    probe = subprocess.run(
        ["Rscript", "-e", "library(survival)"], capture_output=True, text=True, check=False
    )
    return probe.returncode == 0


def _r_quantiles(groups: dict[str, tuple], tmp_path) -> dict[str, np.ndarray]:
    """R's quantiles and intervals for several groups of rows, in one Rscript call."""
    path = tmp_path / "km.csv"
    pd.concat(
        pd.DataFrame({"g": name, "days": days, "dec": np.asarray(dec, int)})
        for name, (days, dec) in groups.items()
    ).to_csv(path, index=False)
    script = (
        "library(survival); d <- read.csv(commandArgs(TRUE)[1]); "
        "for (g in unique(d$g)) { s <- d[d$g == g, ]; "
        "q <- quantile(survfit(Surv(days, dec) ~ 1, data = s), c(.25, .5, .75), conf.int = TRUE);"
        " m <- rbind(q$quantile, q$lower, q$upper); "
        "for (i in 1:3) cat(g, m[i, ], sep = ',', fill = TRUE) }"
    )
    out = subprocess.run(
        ["Rscript", "-e", script, str(path)], capture_output=True, text=True, check=True
    ).stdout
    found: dict[str, list] = {}
    for line in out.split():
        name, *values = line.replace("NA", "nan").split(",")
        found.setdefault(name, []).append(values)
    return {name: np.array(rows, dtype=float) for name, rows in found.items()}


def _mine(days, decided) -> np.ndarray:
    q, _ = km_quantiles(np.array(days), np.array(decided, bool))
    return np.array([q["days"], q["ci_low"], q["ci_high"]], dtype=float)


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_quantiles_match_r_survfit(name):
    days, dec = FIXTURES[name]
    np.testing.assert_allclose(_mine(days, dec), np.array(R_QUANTILES[name], float))


def test_curve_and_band_match_r_survfit():
    _, curve = km_quantiles(np.array(A_DAYS), np.array(A_DEC, bool))
    for t, surv, low, high in R_CURVE_A:
        row = _at(curve, t)
        np.testing.assert_allclose(
            [row["pending"], row["ci_low"], row["ci_high"]], [surv, low, high], rtol=1e-8
        )


def test_demo_rows_match_r_survfit():
    cases, days, decided = _demo_ca1()
    result = durations(cases, as_of=AS_OF)
    row = result.table.iloc[0]
    mine = np.array(
        [[row[f"{q}{s}"] for q in ("q25", "median", "q75")] for s in ("", "_low", "_high")]
    )
    np.testing.assert_allclose(mine, np.array(R_DEMO_CA1, float))
    assert row["n"] == len(days) and row["n_pending"] == int((~decided).sum()) == 40
    np.testing.assert_allclose(_mine(days, decided), np.array(R_DEMO_CA1, float))
    for t, surv, low, high in R_DEMO_CA1_CURVE:
        got = _at(result.curves, t)
        np.testing.assert_allclose(
            [got["pending"], got["ci_low"], got["ci_high"]], [surv, low, high]
        )


@pytest.mark.skipif(not _r_available(), reason="Rscript with the survival package not installed")
def test_stored_numbers_are_what_r_gives_now(tmp_path):
    _, days, decided = _demo_ca1()
    got = _r_quantiles({**FIXTURES, "demo": (days, decided)}, tmp_path)
    for name in FIXTURES:
        np.testing.assert_allclose(got[name], np.array(R_QUANTILES[name], float))
    np.testing.assert_allclose(got["demo"], np.array(R_DEMO_CA1, float))


def test_pending_cases_are_censored_at_as_of_and_bad_rows_set_aside():
    cases = pd.DataFrame(
        {
            "case_id": ["a", "b", "c", "d", "e", "f"],
            "court": "x",
            "filed": pd.to_datetime(
                ["2020-01-01", "2020-01-01", "2020-01-01", None, "2020-03-01", "2020-02-01"]
            ),
            "decided": pd.to_datetime(
                ["2020-01-11", "2020-01-31", None, "2020-02-01", "2020-02-01", "2020-07-01"]
            ),
        }
    )
    d = durations(cases, as_of="2020-03-01")
    # a: 10 days, b: 30 days, c: pending 60 days at as_of; d: no filing date; e: decided
    # before filed; f: decided after as_of, so pending at 29 days
    assert dict(zip(d.excluded["reason"], d.excluded["n"], strict=True)) == {
        "no filed date": 1,
        "decided before filed (a coding error?)": 1,
    }
    row = d.table.iloc[0]
    assert (row["n"], row["n_decided"], row["n_pending"]) == (4, 2, 2)
    # by hand: S = 1 - 1/4 at 10 days, then f leaves at 29, then b at 30: 3/4 * 1/2 = 3/8
    curve = d.curves
    assert list(curve["days"]) == [0, 10, 30] and curve["pending"].iloc[-1] == pytest.approx(3 / 8)
    assert row["median"] == 30 and np.isnan(row["q75"])
    default = durations(cases)  # as_of: the latest date, 2020-07-01: f is decided
    assert default.as_of == pd.Timestamp("2020-07-01") and default.table["n_decided"].iloc[0] == 3


def test_awkward_inputs():
    one = pd.DataFrame(
        {"case_id": ["a"], "filed": pd.to_datetime(["2020-01-01"]), "decided": pd.NaT}
    )
    d = durations(one, as_of="2020-02-01")
    assert d.table["n_pending"].iloc[0] == 1 and np.isnan(d.table["median"].iloc[0])
    with pytest.raises(ToolkitError, match="argued"):
        durations(one, start="argued")
    with pytest.raises(ToolkitError, match="not dates"):
        durations(one.assign(filed=["someday"]))
    with pytest.raises(ToolkitError, match="no 'filed' or 'decided' date"):
        durations(one.assign(filed=pd.NaT))
    with pytest.raises(ToolkitError, match="no case has a usable"):
        durations(one.assign(filed=pd.NaT), as_of="2020-02-01")
    with pytest.raises(ToolkitError, match="group by"):
        durations(one, by="circuit")


def test_demo_medians_recover_the_planted_filing_delays():
    truth = json.loads((paths.demo_dir() / "truth.json").read_text())
    d = durations(toolkit.load("demo"), by="circuit")
    table = d.table.set_index(d.table["circuit"].astype("str"))
    planted = pd.Series(truth["filing_median_days"])
    assert (table["n_pending"] == 0).all()
    inside = (table.loc[planted.index, "median_low"] <= planted) & (
        planted <= table.loc[planted.index, "median_high"]
    )
    assert inside.sum() >= 9  # 95% intervals: 11 circuits, at most a miss or two
    assert (abs(table.loc[planted.index, "median"] / planted - 1) < 0.1).all()
    assert table.loc["ca9", "median"] > table.loc["ca4", "median"] + 200


def test_durations_chart_draws_every_group():
    d = durations(toolkit.load("demo"), by="circuit")
    spec = toolkit.chart_durations(d).to_dict()
    assert "pending" in json.dumps(spec)
    assert len(d.curves["circuit"].unique()) == 11


def test_idb_filing_hearing_and_judgment_dates(tmp_path):
    from toolkit.sources import idb

    raw = tmp_path / "raw" / "idb"
    raw.mkdir(parents=True)
    rows = [
        # CIRCUIT DISP OUTCOME NOS DKTDATE HEARDATE JUDGDATE TAPEYEAR
        ["9", "1", "1", "440", "20150105", "20151001", "20160301", "2016"],
        ["2", "1", "2", "530", "19000101", "19000101", "20160415", "2016"],  # 1900: missing
        ["2", "4", "-8", "530", "01/20/2015", "", "07/01/2016", "2016"],  # other date layout
    ]
    header = ["CIRCUIT", "DISP", "OUTCOME", "NOS", "DKTDATE", "HEARDATE", "JUDGDATE", "TAPEYEAR"]
    text = "\n".join("\t".join(r) for r in [header, *rows]) + "\n"
    (raw / "ap08on.txt").write_text(text)
    data = idb.read(raw_dir=tmp_path / "raw", processed_dir=tmp_path / "processed")
    cases = data.cases.sort_values("case_id").reset_index(drop=True)
    assert cases["filed"].tolist()[0] == pd.Timestamp("2015-01-05")
    assert pd.isna(cases["filed"].iloc[1]) and pd.isna(cases["argued"].iloc[1])
    assert cases["filed"].iloc[2] == pd.Timestamp("2015-01-20") and pd.isna(cases["argued"].iloc[2])
    assert (
        cases["decided"].tolist()
        == pd.to_datetime(["2016-03-01", "2016-04-15", "2016-07-01"]).tolist()
    )
    d = durations(data)
    assert d.table["n"].iloc[0] == 2 and d.table["n_decided"].iloc[0] == 2
    assert d.excluded.to_dict("records") == [{"reason": "no filed date", "n": 1}]
    assert durations(data, start="argued").table["median"].iloc[0] == 152  # Oct 1 -> Mar 1


@pytest.mark.realdata
def test_scdb_argued_to_decided(real_raw, monkeypatch):
    monkeypatch.setenv("APPELLATE_DATA", str(real_raw))
    data = toolkit.load("scdb")
    cases = data.cases
    argued = cases["argued"].notna()
    assert argued.mean() > 0.8
    reargued = cases["dateRearg"].notna() & (cases["dateRearg"].astype("str").str.strip() != "")
    assert (
        cases.loc[reargued, "argued"]
        == pd.to_datetime(cases.loc[reargued, "dateRearg"], format="%m/%d/%Y")
    ).all()
    d = durations(data, start="argued")
    median = d.table["median"].iloc[0]
    assert 60 <= median <= 120  # the Court decides an argued case in about two to four months
    assert d.table["n_pending"].iloc[0] == 0
