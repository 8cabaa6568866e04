import pandas as pd
import pytest

import toolkit
from toolkit.errors import ToolkitError
from toolkit.outcomes import RULES, apply_rule, get_rule, rollup, rollup_claims
from toolkit.schema import OUTCOMES, CaseData, conform

# The rule table, row by row, as the project defines it (x: excluded from the denominator).
EXPECTED = {
    "affirmed": (0, 0, 0),
    "denied": (0, 0, 0),
    "dismissed": (None, None, 0),
    "reversed": (1, 1, 1),
    "reversed_remanded": (1, 1, 1),
    "vacated": (0, 1, 1),
    "vacated_remanded": (0, 1, 1),
    "remanded": (0, 1, 1),
    "mixed": (0, 1, 1),
    "granted": (0, 1, 1),
    "other": (None, None, None),
    "unknown": (None, None, None),
}


@pytest.mark.parametrize("outcome", OUTCOMES)
def test_rule_table(outcome):
    got = tuple(RULES[name].mapping[outcome] for name in ("reversed", "disturbed", "appellant_win"))
    assert got == EXPECTED[outcome]


def _data(outcomes):
    cases = conform(
        pd.DataFrame(
            {
                "case_id": [f"t:{i}" for i in range(len(outcomes))],
                "source": "t",
                "outcome": outcomes,
                "weight": 1.0,
            }
        ),
        "cases",
    )
    return CaseData(cases=cases, meta={"source": "t"})


def test_apply_rule_gives_nullable_boolean_and_records_rule():
    data = _data(list(OUTCOMES))
    for name, column in zip(("reversed", "disturbed", "appellant_win"), range(3), strict=True):
        out = apply_rule(data, name)
        assert str(out.cases["reversed"].dtype) == "boolean"
        assert out.meta["rule"]["name"] == name
        got = [None if pd.isna(v) else int(v) for v in out.cases["reversed"]]
        assert got == [EXPECTED[o][column] for o in OUTCOMES]
    assert "reversed" not in data.cases.columns  # input untouched
    assert "rule" not in data.meta


def test_default_rule_is_disturbed():
    assert apply_rule(_data(["mixed"])).meta["rule"]["name"] == "disturbed"


def test_custom_rule_full_and_based():
    full = {o: 0 for o in OUTCOMES} | {"granted": 1, "unknown": None}
    rule = get_rule(full)
    assert rule.name == "custom" and rule.mapping["granted"] == 1
    assert rule.mapping["unknown"] is None
    based = get_rule({"base": "reversed", "vacated_remanded": 1, "dismissed": "x"})
    assert based.mapping["vacated_remanded"] == 1 and based.mapping["mixed"] == 0
    assert based.mapping["dismissed"] is None
    out = apply_rule(_data(["vacated_remanded", "mixed"]), based)
    assert out.cases["reversed"].tolist() == [True, False]


@pytest.mark.parametrize(
    "bad, message",
    [
        ("strictest", "unknown reversal rule"),
        ({"granted": 1}, "does not say how to count"),
        ({"base": "disturbed", "grantd": 1}, "unknown outcome"),
        ({"base": "disturbed", "granted": 2}, "expected 1, 0 or None"),
        ({"base": "disturbed", "granted": 0.5}, "expected 1, 0 or None"),
        (42, "a name or a mapping"),
    ],
)
def test_bad_rules_raise(bad, message):
    with pytest.raises(ToolkitError, match=message):
        get_rule(bad)


@pytest.mark.parametrize(
    "claims, expected",
    [
        (["denied"], "denied"),
        (["granted", "granted"], "granted"),
        (["granted", "denied"], "mixed"),
        (["vacated_remanded", "dismissed"], "mixed"),
        (["affirmed", "reversed"], "mixed"),
        (["denied", "dismissed"], "denied"),
        (["affirmed", "dismissed"], "affirmed"),
        (["dismissed", "dismissed"], "dismissed"),
        (["reversed", "remanded"], "reversed_remanded"),
        (["reversed", "vacated"], "reversed"),
        (["vacated", "remanded"], "vacated_remanded"),
        (["granted", "remanded"], "remanded"),
        (["mixed", "granted"], "mixed"),
        (["unknown", "denied"], "denied"),
        (["unknown"], "unknown"),
        ([], "unknown"),
        (["other", "dismissed"], "dismissed"),
        (["other", "granted"], "mixed"),
        (["other"], "other"),
    ],
)
def test_rollup(claims, expected):
    assert rollup(claims) == expected


def test_rollup_claims_is_per_case():
    claims = pd.DataFrame(
        {
            "case_id": ["a", "a", "b", "c", "c"],
            "outcome": ["granted", "denied", "denied", "dismissed", "dismissed"],
        }
    )
    got = rollup_claims(claims)
    assert got.to_dict() == {"a": "mixed", "b": "denied", "c": "dismissed"}
    assert list(got.cat.categories) == list(OUTCOMES)


def test_balachova_v_mukasey_claim_by_claim(fixtures):
    """Balachova v. Mukasey, 547 F.3d 374 (2d Cir. 2008): dismissed in part, granted in part."""
    data = toolkit.load(fixtures / "balachova" / "mapping.yaml")
    claims = data.claims.set_index(["party", "claim"])["outcome"].astype("str").to_dict()
    assert claims == {
        ("Krasnoperov", "asylum"): "vacated_remanded",
        ("Krasnoperov", "withholding"): "vacated_remanded",
        ("Balachova", "asylum"): "dismissed",
        ("Balachova", "withholding"): "dismissed",
        ("Krasnoperov", "CAT"): "dismissed",
        ("Balachova", "CAT"): "dismissed",
    }
    case = data.cases.iloc[0]
    assert case["case_id"] == "balachova:06-2617"
    assert case["outcome"] == "mixed"
    assert case["circuit"] == "ca2" and case["lower_court"] == "bia" and case["year"] == 2008
    verdicts = {
        rule: bool(apply_rule(data, rule).cases["reversed"].iloc[0])
        for rule in ("reversed", "disturbed", "appellant_win")
    }
    assert verdicts == {"reversed": False, "disturbed": True, "appellant_win": True}
    votes = data.votes.set_index("judge_id")
    assert list(votes.index) == ["McLaughlin", "Pooler", "Cote"]
    assert votes["is_author"].to_dict() == {"McLaughlin": False, "Pooler": True, "Cote": False}
    assert votes["by_designation"].to_dict() == {"McLaughlin": False, "Pooler": False, "Cote": True}
    assert (votes["vote"] == "majority").all()
    assert case["author"] == "Pooler"
    # the coded text of the disposition is kept for audit
    assert "VACATED and REMANDED" in case["Disposition as written"]
