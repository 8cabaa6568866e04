"""Agreement statistics against statsmodels, the krippendorff package and a published example."""

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.inter_rater import aggregate_raters, cohens_kappa
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss

from toolkit.reliability import (
    agreement,
    cohen_kappa,
    disagreements,
    fleiss_kappa,
    krippendorff_alpha,
)

NAN = np.nan
# Krippendorff (2011), "Computing Krippendorff's alpha-reliability": 4 coders, 12 units.
KRIPPENDORFF = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
    [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
]


def test_krippendorff_published_example():
    ratings = pd.DataFrame(np.array(KRIPPENDORFF).T, columns=list("ABCD"))
    assert krippendorff_alpha(ratings) == pytest.approx(0.743, abs=5e-4)
    assert krippendorff_alpha(ratings, "interval") == pytest.approx(0.849, abs=5e-4)


def test_krippendorff_against_the_krippendorff_package():
    krippendorff = pytest.importorskip("krippendorff")
    rng = np.random.default_rng(5)
    data = rng.integers(0, 4, size=(3, 40)).astype(float)
    data[rng.random(data.shape) < 0.15] = np.nan
    ours = krippendorff_alpha(pd.DataFrame(data.T))
    ref = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert ours == pytest.approx(ref)


def test_kappas_against_statsmodels():
    rng = np.random.default_rng(11)
    truth = rng.integers(0, 3, 80)
    coders = pd.DataFrame(
        {c: np.where(rng.random(80) < 0.8, truth, rng.integers(0, 3, 80)) for c in "abc"}
    )
    assert cohen_kappa(coders["a"], coders["b"]) == pytest.approx(
        cohens_kappa(pd.crosstab(coders["a"], coders["b"]).to_numpy()).kappa
    )
    assert fleiss_kappa(coders) == pytest.approx(sm_fleiss(aggregate_raters(coders.to_numpy())[0]))


def test_agreement_and_disagreements_long_form():
    codings = pd.DataFrame(
        {
            "case_id": ["A-1", "A-1", "A-2", "A-2", "A-3", "A-3", "A-4"],
            "coder": ["ann", "bob"] * 3 + ["ann"],
            "outcome": [
                "affirmed",
                "affirmed",
                "reversed",
                "affirmed",
                "denied",
                "denied",
                "denied",
            ],
            "claim_type": ["asylum", "asylum", "cat", "cat", "cat", "asylum", "cat"],
        }
    )
    table = agreement(codings).set_index("variable")
    assert table.loc["outcome", "n_units"] == 3  # A-4 was coded once
    assert table.loc["outcome", "percent_agreement"] == pytest.approx(2 / 3)
    assert table.loc["outcome", "n_disagreements"] == 1
    assert table.loc["claim_type", "cohen_kappa"] == pytest.approx(
        cohen_kappa(["asylum", "cat", "cat"], ["asylum", "cat", "asylum"])
    )
    dis = disagreements(codings)
    assert dis[["case_id", "variable", "ann", "bob"]].values.tolist() == [
        ["A-2", "outcome", "reversed", "affirmed"],
        ["A-3", "claim_type", "cat", "asylum"],
    ]


def test_double_coding_by_one_coder_is_an_error():
    codings = pd.DataFrame({"case_id": [1, 1], "coder": ["a", "a"], "outcome": ["x", "y"]})
    from toolkit.errors import ToolkitError

    with pytest.raises(ToolkitError, match="coded a case twice"):
        agreement(codings)
