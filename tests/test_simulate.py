import json

import numpy as np
import pandas as pd
import pytest

import toolkit
from toolkit import paths
from toolkit.errors import ToolkitError
from toolkit.simulate import DEMO_FILES, simulate_petitions, write_demo


@pytest.mark.slow
def test_committed_demo_is_byte_for_byte_a_fresh_simulation(tmp_path):
    write_demo(tmp_path)
    for name in DEMO_FILES:
        assert (tmp_path / name).read_bytes() == (paths.demo_dir() / name).read_bytes(), name


def test_seed_controls_the_draw():
    a = simulate_petitions(n_cases=200, seed=3)
    b = simulate_petitions(n_cases=200, seed=3)
    c = simulate_petitions(n_cases=200, seed=4)
    pd.testing.assert_frame_equal(a["cases"], b["cases"])
    assert not a["cases"].equals(c["cases"])


def test_demo_loads_with_its_planted_structure():
    data = toolkit.load("demo")
    truth = json.loads((paths.demo_dir() / "truth.json").read_text())
    cases = data.cases
    assert len(cases) == 8000 and data.meta["simulated"] is True
    assert sorted(cases["circuit"].astype("str").unique()) == sorted(
        truth["target_grant_rate_2009"]
    )
    assert cases["year"].min() == 2004 and cases["year"].max() == 2012
    assert set(data.votes.groupby("case_id").size()) == {3}
    # one seat in three is a visiting district judge with the planted probability
    expected = truth["p_visiting_district_judge"] / 3
    assert abs(data.votes["by_designation"].mean() - expected) < 0.01
    assert (data.votes["vote"] == "dissent").sum() > 50
    assert set(data.claims["claim"]) == {"asylum", "withholding", "cat", "motion_to_reopen"}
    # every case outcome is the roll-up of its claims
    assert (cases["claims_outcome"].astype("str") == cases["outcome"].astype("str")).all()
    summary = data.ledger_summary()
    assert (summary["read"] == summary["kept"] + summary["excluded"]).all()


def test_demo_circuit_rates_follow_the_published_order():
    data = toolkit.apply_rule(toolkit.load("demo"), "disturbed")
    truth = json.loads((paths.demo_dir() / "truth.json").read_text())
    rates = data.cases.groupby("circuit", observed=True)["reversed"].mean().astype(float)
    target = pd.Series(truth["target_grant_rate_2009"])
    # the 2009 targets, shifted by the trend over 2004-2012, keep their order closely
    rho = np.corrcoef(rates[target.index].rank(), target.rank())[0, 1]
    assert rho > 0.9
    assert rates["ca10"] < 0.04 and rates["ca9"] > 0.14


def test_a_small_simulation_keeps_every_circuit_calibrated():
    # 20 petitions leave some circuits without one; those keep their target's logit
    sim = simulate_petitions(n_cases=20, seed=3)
    assert len(sim["cases"]) == 20
    alpha = sim["truth"]["alpha_circuit"]
    assert all(np.isfinite(list(alpha.values())))


@pytest.mark.parametrize(
    "kwargs, says",
    [
        ({"n_cases": 0}, "n_cases must be a whole number"),
        ({"n_cases": 2.5}, "n_cases must be a whole number"),
        ({"n_cases": True}, "n_cases must be a whole number"),
        ({"years": (2012, 2004)}, "first <= last"),
        ({"years": 2009}, "years must be"),
    ],
)
def test_simulation_sizes_are_checked(kwargs, says):
    with pytest.raises(ToolkitError, match=says):
        simulate_petitions(**kwargs)
