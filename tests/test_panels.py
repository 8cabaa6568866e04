import pytest

import toolkit
from toolkit.errors import ToolkitError
from toolkit.panels import panel_composition


def test_composition_by_hand(fixtures):
    # clinic fixture: parties J1 D, J2 R, J3 D, J4 R, J5 D, J6 R, J7 R, J8 D
    pc = panel_composition(toolkit.load(fixtures / "clinic" / "mapping.yaml"), min_n=1)
    cases = pc.cases.set_index("case_id")
    assert cases["composition"].astype("str").to_dict() == {
        "clinic:A-1": "RDD",
        "clinic:A-2": "RRD",
        "clinic:A-3": "RRD",
        "clinic:A-4": "RDD",
        "clinic:A-5": "RDD",
    }
    assert cases.loc["clinic:A-2", "dissent"] and not cases.loc["clinic:A-2", "unanimous"]
    rates = pc.rates.set_index(pc.rates["composition"].astype("str"))
    # disturbed: A-1 affirmed, A-4 vacated, A-5 dismissed (excluded) -> RDD 1 of 2
    assert rates.loc["RDD", ["n", "n_reversed", "n_excluded"]].tolist() == [2, 1, 1]
    assert rates.loc["RRD", ["n", "n_reversed"]].tolist() == [2, 1]
    votes = pc.votes.set_index(["party", "democratic_colleagues"])
    # A-2 reversed with J2 (R) dissenting: J2 voted not to reverse
    # R votes with one D colleague: A-2 J2 (no), A-2 J4 (yes), A-3 J6 (no), A-3 J7 (no)
    assert votes.loc[("republican", 1), ["n", "n_reversed"]].tolist() == [4, 1]
    # R votes with two D colleagues: A-1 J2 (no), A-4 J6 (yes); A-5 J7 excluded (dismissed)
    assert votes.loc[("republican", 2), ["n", "n_reversed", "n_excluded"]].tolist() == [2, 1, 1]


def test_demo_panel_effect_goes_the_planted_way():
    pc = panel_composition(toolkit.load("demo"))
    rates = pc.rates.set_index(pc.rates["composition"].astype("str"))["rate"]
    assert rates["RRR"] < rates["RDD"]
    assert pc.rates["n"].sum() + pc.rates["n_excluded"].sum() == 8000


def test_needs_judges_with_party():
    data = toolkit.load("demo")
    with pytest.raises(ToolkitError, match="appointing party"):
        panel_composition(data.replace(judges=None))
