"""Formulas are checked before patsy evaluates them: code in a formula never runs."""

import pytest

import toolkit
from toolkit.formulas import FormulaError, check_formula

COLUMNS = ["reversed", "circuit", "year", "claim_type", "weight"]


@pytest.mark.parametrize(
    "formula",
    [
        "~ C(circuit) + C(claim_type) + year",
        "reversed ~ C(circuit, Treatment(reference='ca9')) + year",
        "~ C(circuit, Sum) + C(claim_type, levels=['asylum', 'cat'])",
        "~ I(year - 2000) + I((year - 2000) ** 2) + np.log(weight)",
        "~ cr(year, df=4, constraints='center') + bs(year, df=3, degree=2)",
        "~ C(circuit):year + C(circuit) * C(claim_type) - 1",
        "~ 0 + scale(year) + center(weight) + standardize(year)",
        "~ Q('year') + np.sqrt(I(year - 1990))",
        "~ (C(circuit) + year) ** 2",
    ],
)
def test_documented_terms_are_accepted(formula):
    assert check_formula(formula, COLUMNS) == formula


@pytest.mark.parametrize(
    "formula, says",
    [
        ("~ C(circuit) + __import__('os').system('touch pwned')", "not allowed"),
        ("~ year + os.system('id')", "only C, I, Q"),
        ("~ np.linalg.inv(year)", "only C, I, Q"),
        ("~ year.__class__", "Attribute"),
        ("~ I(__import__('os'))", "'__import__'"),
        ("~ I(year.real)", "Attribute"),
        ("~ C(circuit, levels=open('/etc/passwd'))", "levels"),
        ("~ C(circuit, Treatment(reference=eval('1')))", "contrast"),
        ("~ bs(year, df=exec('1'))", "literal"),
        ("~ cr(year, constraints=input())", "center"),
        ("~ year[0]", "Subscript"),
        ("~ 'text'", "not a number"),
        ("~ year + circuit == 1", "Compare"),
        ("~ nope", "not a column"),
        ("~ _hidden", "not a column"),
        ("~ Q('nope')", "not a column"),
        ("~ year + circuit", None),  # a control: this one passes
        ("~ [x for x in year]", "ListComp"),
        ("~ C(circuit) + (lambda: 1)()", "expected an operator"),
        ("~ year +", "cannot build the model"),
        ("~ year * circuit", None),
        ("~ year + circuit ~ claim_type", "more than one"),
    ],
)
def test_anything_else_is_refused_with_the_term(formula, says):
    if says is None:
        check_formula(formula, COLUMNS)
        return
    with pytest.raises(FormulaError, match=says):
        check_formula(formula, COLUMNS)


def test_shape_check_without_columns():
    assert check_formula("~ C(anything) + other") == "~ C(anything) + other"
    with pytest.raises(FormulaError):
        check_formula("~ x + __import__('os').getcwd()")
    for bad in ("", "   ", None, 3):
        with pytest.raises(FormulaError, match="non-empty string"):
            check_formula(bad)


def test_the_model_refuses_a_formula_that_would_run_a_command(tmp_path):
    marker = tmp_path / "pwned"
    data = toolkit.load("demo")
    with pytest.raises(FormulaError, match="not allowed"):
        toolkit.fit_reversal_model(
            data, f"~ C(circuit) + __import__('os').system('touch {marker}')"
        )
    assert not marker.exists()
    with pytest.raises(FormulaError, match="not a column"):
        toolkit.fit_reversal_model(data, "~ C(circuit) + no_such_column")
    model = toolkit.fit_reversal_model(data, "~ C(circuit) + I(year - 2000)")
    assert "I(year - 2000)" in model.table["term"].tolist()


def test_a_report_manifest_with_code_in_a_formula_is_refused_before_any_kernel(tmp_path):
    import shutil

    import yaml

    from toolkit import paths
    from toolkit.errors import ToolkitError
    from toolkit.reports import build_reports

    (tmp_path / "notebooks").mkdir()
    shutil.copy(paths.home() / "notebooks" / "models.ipynb", tmp_path / "notebooks")
    marker = tmp_path / "pwned"
    evil = f"~ C(circuit) + __import__('os').system('touch {marker}')"
    (tmp_path / "reports.yml").write_text(
        yaml.safe_dump({"defaults": {"data": "demo"}, "reports": {"models": {"formula": evil}}})
    )
    with pytest.raises(ToolkitError, match="formula"):
        build_reports(tmp_path / "reports.yml", out_dir=tmp_path / "out")
    assert not marker.exists() and not (tmp_path / "out").exists()
