"""The panel draw: its formula by hand, the simulator's truth by simulation, recovery on the demo.

The recovery test fits the mixed judge model on the demo once (module fixture) and uses few
draws; the larger run with coverage over many simulated datasets is
``benchmarks/panel_draw_coverage.py``.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import toolkit
from toolkit import paths
from toolkit.assignment import ASSUMPTIONS, _draw_panels, panel_disagreement, panel_draw
from toolkit.errors import ToolkitError
from toolkit.schema import CaseData, conform
from toolkit.simulate import CLAIM_TYPE_EFFECT, write_demo


@pytest.fixture(scope="module")
def demo():
    return toolkit.load("demo")


@pytest.fixture(scope="module")
def truth():
    return json.loads((paths.demo_dir() / "truth.json").read_text())


@pytest.fixture(scope="module")
def result(demo):
    model = toolkit.judge_effects(demo, method="mixed", adjust_for=["circuit"])
    return panel_draw(demo, model=model, draws=100, panels=100, seed=1)


def test_disagreement_formula_by_hand():
    # three equally likely panels: pairs (0.1, 0.3), (0.1, 0.6), (0.3, 0.6) -> 1/3
    assert panel_disagreement(np.array([0.1, 0.3, 0.6])) == pytest.approx(1 / 3)
    # two values with weights 0.25 and 0.75: 2 * 0.25 * 0.75 * |0.1 - 0.5| = 0.15
    assert panel_disagreement(np.array([0.1, 0.5]), np.array([1.0, 3.0])) == pytest.approx(0.15)
    rng = np.random.default_rng(0)
    p, w = rng.random(9), rng.random(9)
    w = w / w.sum()
    brute = sum(w[i] * w[j] * abs(p[i] - p[j]) for i in range(9) for j in range(9))
    assert panel_disagreement(p, w) == pytest.approx(brute)
    # along the last axis, one row per posterior draw
    rows = panel_disagreement(np.array([[0.1, 0.3, 0.6], [0.2, 0.2, 0.2]]))
    np.testing.assert_allclose(rows, [1 / 3, 0.0])
    with pytest.raises(ToolkitError, match="two panels"):
        panel_disagreement(np.array([0.5]))


def test_simulator_truth_agrees_with_simulated_panels(demo, truth):
    """The exact truth of the 1st Circuit against panels drawn as the simulator draws them."""
    rng = np.random.default_rng(11)
    judges = demo.judges.set_index("judge_id")
    effect = pd.Series(truth["judge_effects"]) + truth["beta_democratic_appointee"] * (
        judges["party"].astype("str") == "democratic"
    ).reindex(list(truth["judge_effects"])).astype(float)
    roster = [j for j in effect.index if j.startswith("J01")]
    district = [j for j in effect.index if j.startswith("D01")]
    k = 20000

    def panel_sums() -> np.ndarray:
        seats = np.array([rng.choice(roster, 3, replace=False) for _ in range(k)])
        visit = rng.random(k) < truth["p_visiting_district_judge"]
        seats[visit, 2] = rng.choice(district, int(visit.sum()))
        return effect[seats.ravel()].to_numpy().reshape(k, 3).sum(axis=1)

    u1, u2 = panel_sums(), panel_sums()
    counted = toolkit.apply_rule(demo, "disturbed").cases
    ca1 = counted[(counted["circuit"] == "ca1") & counted["reversed"].notna()]
    a = (
        truth["alpha_circuit"]["ca1"]
        + ca1["claim_type"].map(CLAIM_TYPE_EFFECT).to_numpy()
        + truth["trend_per_year"] * (ca1["year"].to_numpy(float) - truth["reference_year"])
    )
    f = lambda x: 1 / (1 + np.exp(-x))  # noqa: E731
    by_value = {v: np.abs(f(v + u1) - f(v + u2)).mean() for v in np.unique(a)}
    simulated = np.mean([by_value[v] for v in a])
    assert simulated == pytest.approx(truth["true_panel_disagreement_by_circuit"]["ca1"], rel=0.03)


def test_recovers_the_planted_panel_disagreement(result, truth):
    true = truth["true_panel_disagreement"]
    assert abs(result.disagreement - true) <= max(0.2 * true, 0.01)
    low, high = result.disagreement_ci
    assert low <= true <= high
    assert low < result.disagreement < high
    by = result.by_circuit.set_index("circuit")
    planted = pd.Series(truth["true_panel_disagreement_by_circuit"])
    assert np.corrcoef(by.loc[planted.index, "disagreement"], planted)[0, 1] > 0.9
    assert (by.loc[planted.index, "ci_low"] <= planted).mean() >= 0.8
    assert (planted <= by.loc[planted.index, "ci_high"]).mean() >= 0.8


def test_result_shape_and_accounting(result, demo):
    counted = toolkit.apply_rule(demo, "disturbed").cases["reversed"].notna().sum()
    assert len(result.cases) == counted
    assert result.excluded["n"].sum() == len(demo.cases) - counted
    cases = result.cases
    assert cases["case_id"].is_unique
    assert ((cases["p_low"] <= cases["p_mean"]) & (cases["p_mean"] <= cases["p_high"])).all()
    assert (cases["disagreement"].between(0, 1)).all()
    assert (cases["n_pool"] >= 4).all()
    assert result.by_circuit["n"].sum() == len(cases)
    assert len(result.draws) == result.n_draws == 100
    assert result.judge_sd_ci[0] < result.judge_sd < result.judge_sd_ci[1]
    assert "random assignment" in ASSUMPTIONS and result.assumptions == ASSUMPTIONS


@pytest.mark.slow
def test_the_interval_widens_on_small_data(result, tmp_path):
    write_demo(tmp_path, n_cases=600, seed=5)
    small = toolkit.load(str(tmp_path / "mapping.yaml"))
    got = panel_draw(small, draws=60, panels=60, seed=2)
    width = got.disagreement_ci[1] - got.disagreement_ci[0]
    full = result.disagreement_ci[1] - result.disagreement_ci[0]
    assert width > 2.5 * full
    assert got.judge_sd_ci[1] - got.judge_sd_ci[0] > 2 * (
        result.judge_sd_ci[1] - result.judge_sd_ci[0]
    )
    assert got.disagreement_ci[0] < got.disagreement < got.disagreement_ci[1]
    assert any("poorly measured" in note for note in got.notes)  # and it says so
    assert result.notes == []


def test_visiting_judges_in_the_proportion_the_data_show():
    rng = np.random.default_rng(3)
    regular = pd.Series([10, 10, 10, 10, 60], index=list("abcde"))
    visiting = pd.Series([5, 5], index=["v1", "v2"])
    n_visitors = np.array([0] * 8 + [1] * 2)  # one panel in five has a visitor
    panels = _draw_panels(rng, regular, visiting, n_visitors, 3, 4000)
    assert all(len(set(p)) == 3 for p in panels)
    with_visitor = np.mean([any(j.startswith("v") for j in p) for p in panels])
    assert with_visitor == pytest.approx(0.2, abs=0.03)
    # the judge who sat most often sits most often in the drawn panels
    seats = pd.Series([j for p in panels for j in p]).value_counts()
    assert seats.index[0] == "e"


def _tiny(court: str, per_case: int, n_judges: int) -> CaseData:
    rows, votes = [], []
    for i in range(12):
        rows.append(
            {
                "case_id": f"c{i}",
                "source": "t",
                "court": court,
                "circuit": "ca1",
                "year": 2000,
                "outcome": "reversed" if i % 3 == 0 else "affirmed",
                "weight": 1.0,
            }
        )
        for k in range(per_case):
            votes.append({"case_id": f"c{i}", "judge_id": f"j{(i + k) % n_judges}"})
    return CaseData(
        cases=conform(pd.DataFrame(rows), "cases"), votes=conform(pd.DataFrame(votes), "votes")
    )


def test_courts_without_drawn_panels_are_refused():
    with pytest.raises(ToolkitError, match="three-judge panel"):
        panel_draw(_tiny("scotus", 9, 9))
    with pytest.raises(ToolkitError, match="three-judge panel"):
        panel_draw(_tiny("ca1", 5, 7))  # every case en banc
    with pytest.raises(ToolkitError, match="enough judges"):
        panel_draw(_tiny("ca1", 3, 3))  # the same three judges every time: nothing to draw
    no_votes = _tiny("ca1", 3, 6).replace(votes=None)
    with pytest.raises(ToolkitError, match="votes"):
        panel_draw(no_votes)
    with pytest.raises(ToolkitError, match="judge_effects"):
        panel_draw(_tiny("ca1", 3, 6), model=pd.DataFrame({"judge_id": ["j1"]}))
