"""The helpers report notebooks call: parameters, data preparation, outputs, prose."""

import json
import shutil

import pandas as pd
import pytest

import toolkit
from toolkit import paths
from toolkit.errors import ToolkitError
from toolkit.notebook import (
    Report,
    check_parameters,
    coverage,
    data_fingerprint,
    describe_comparison,
    describe_judges,
    describe_rates,
    describe_rule_sensitivity,
    describe_trend,
)


def test_parameters_are_checked_together(tmp_path):
    with pytest.raises(ToolkitError) as e:
        check_parameters(
            {
                "rule": "nope",
                "circuits": ["ca9", "ca14"],
                "years": [2010, 2001],
                "min_n": -1,
                "data": str(tmp_path / "missing.csv"),
                "anonymize_judges": "yes",
            }
        )
    text = str(e.value)
    for part in ("rule:", "ca14", "years:", "min_n:", "missing.csv", "anonymize_judges:"):
        assert part in text
    assert check_parameters({})["data"] == "demo"


def test_fingerprint_follows_the_files(tmp_path, fixtures):
    shutil.copytree(fixtures / "clinic", tmp_path / "clinic")
    mapping = tmp_path / "clinic" / "mapping.yaml"
    before = data_fingerprint(str(mapping))
    assert before == data_fingerprint(str(mapping))
    judges = tmp_path / "clinic" / "judges.csv"
    judges.write_text(judges.read_text() + "J9,D,Carter\n")
    assert data_fingerprint(str(mapping)) != before  # a file the mapping names changed
    assert len(data_fingerprint("demo")) == 16


def test_coverage_and_prose_from_the_data():
    data = toolkit.load("demo")
    cov = coverage(data)
    assert cov.columns.tolist()[:3] == ["year", "ca1", "ca2"]
    rates = toolkit.reversal_rates(data, by="circuit", min_n=400)
    text = describe_rates(rates, "circuit")
    assert "7,540 cases" in text and "ca10" in text and "ca9" in text
    assert "fewer cases than the minimum" in text
    comp = toolkit.compare_rates(data, by="circuit")
    text = describe_comparison(comp, "circuit")
    assert text.startswith("Rates differ across the 11 groups (chi-square = 318.6, df = 10")
    assert "Holm" in text
    assert "percentage points" in describe_rule_sensitivity(toolkit.rule_sensitivity(data))
    assert "2004" in describe_trend(toolkit.trend(data))
    grouped = toolkit.trend(data, by="claim_type")
    text = describe_trend(grouped, by="claim_type")
    cat = grouped[grouped["claim_type"] == "cat"].dropna(subset=["fitted"]).sort_values("year")
    first, last = cat.iloc[0], cat.iloc[-1]
    expected = (
        f"cat {100 * first['fitted']:.1f}% ({int(first['year'])}) to "
        f"{100 * last['fitted']:.1f}% ({int(last['year'])})"
    )
    assert text.startswith("Fitted rates by claim type: asylum ") and expected in text
    empty = grouped.assign(fitted=float("nan"))
    assert describe_trend(empty, by="claim_type").startswith("Too few cases per year")
    assert "judges" in describe_judges(toolkit.judge_effects(data), 30)


def test_report_writes_tables_figures_and_summary(tmp_path):
    report = Report.start("t", circuits=["ca9"], years=[2005, 2006], output_dir=str(tmp_path))
    cases = report.data.cases
    assert set(cases["circuit"].astype(str)) == {"ca9"}
    assert cases["year"].between(2005, 2006).all()
    assert set(report.data.votes["case_id"]) == set(cases["case_id"])
    assert report.data.meta["filters"] == {"circuits": ["ca9"], "years": [2005, 2006]}
    rates = toolkit.reversal_rates(report.data, by="claim_type")
    report.table("rates", rates)
    report.figure("rates", toolkit.chart_rates(rates))
    report.headline(overall=rates["rate"].iloc[0])
    assert report.require("votes", "judges.party")
    summary = report.finish()
    assert pd.read_csv(tmp_path / "tables" / "rates.csv")["n"].sum() == rates["n"].sum()
    assert (tmp_path / "figures" / "rates.png").exists()
    assert (tmp_path / "figures" / "rates.svg").exists()
    on_disk = json.loads((tmp_path / "summary.json").read_text())
    assert on_disk == json.loads(json.dumps(summary, default=str))
    assert on_disk["simulated"] is True and on_disk["rule"] == "disturbed"
    assert on_disk["data_fingerprint"] == data_fingerprint("demo")


def test_require_skips_with_a_message(tmp_path, capsys):
    report = Report.start("t", output_dir=str(tmp_path))
    report.data = report.data.replace(votes=None)
    assert not report.require("votes")
    assert report.status == "skipped"
    assert "these data have no votes" in capsys.readouterr().out


def test_default_output_dir_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("APPELLATE_REPORTS", str(tmp_path))
    report = Report.start("overview")
    assert report.out == tmp_path / "demo" / "overview__by-hand"  # never the runner's folder
    assert paths.reports_dir() == tmp_path


def test_prose_names_a_missing_group():
    rates = toolkit.reversal_rates(
        toolkit.load("demo").cases.assign(
            circuit=lambda c: c["circuit"].where(c["circuit"] != "ca9")
        ),
        by="circuit",
        min_n=10**6,
    )
    text = describe_rates(rates, "circuit")
    assert "(none)" in text


def test_a_report_starts_from_the_notebooks_variables(tmp_path):
    namespace = {
        "data": "demo",
        "rule": "reversed",
        "circuits": "ca9",
        "min_n": 5,
        "output_dir": str(tmp_path),
        "weighted": True,  # a parameter of one notebook only: not the report's
        "toolkit": toolkit,  # the setup cell's imports are not parameters
        "Report": Report,
    }
    report = Report.start("t", namespace)
    retyped = Report.start("t", rule="reversed", circuits="ca9", min_n=5, output_dir=str(tmp_path))
    assert report.params == retyped.params
    assert report.params["circuits"] == ["ca9"] and report.params["years"] is None  # a default
    assert "weighted" not in report.params
    assert report.numbers == retyped.numbers
    # a parameter given by name takes precedence over the namespace
    assert Report.start("t", namespace, rule="disturbed").params["rule"] == "disturbed"


def test_a_misspelled_or_misplaced_parameter_is_refused(tmp_path):
    with pytest.raises(ToolkitError, match="circuts: not a parameter of this report; did you mean"):
        Report.start("t", {"output_dir": str(tmp_path)}, circuts=["ca9"])
    with pytest.raises(ToolkitError, match=r"the notebook's variables, globals\(\), not str"):
        Report.start("t", "demo")
    with pytest.raises(ToolkitError, match="rule: unknown reversal rule 'strict'"):
        Report.start("t", {"rule": "strict", "output_dir": str(tmp_path)})


def test_notebooks_start_their_report_without_retyping_the_parameters():
    for notebook in sorted((paths.home() / "notebooks").glob("*.ipynb")):
        cells = [
            {**c, "source": "".join(c["source"])}
            for c in json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        ]
        tagged = next(
            i for i, c in enumerate(cells) if "parameters" in c["metadata"].get("tags", [])
        )
        setup = next(c for c in cells[tagged + 1 :] if c["cell_type"] == "code")["source"]
        assert f'report = Report.start("{notebook.stem}", globals())' in setup, notebook.name
        code = "\n".join(c["source"] for c in cells if c["cell_type"] == "code")
        assert "data=data" not in code and "output_dir=output_dir" not in code, notebook.name
        for line in setup.splitlines():  # prose, periods and parameters come from their homes
            if line.startswith("from toolkit.notebook import"):
                assert line == "from toolkit.notebook import Report", (notebook.name, line)


def test_the_files_behind_a_mapping_are_read_with_the_readers_parser(tmp_path, fixtures):
    from toolkit import store

    shutil.copytree(fixtures / "clinic", tmp_path / "clinic")
    folder = tmp_path / "clinic"
    mapping = folder / "mapping.yaml"
    cases, judges = folder / "cases.csv", folder / "judges.csv"
    assert store.dataset_files(mapping) == [mapping, cases, judges]
    assert store.dataset_files(cases, mapping) == [cases, mapping, judges]
    (folder / "judges.csv").unlink()  # a file the mapping names that is gone is left out
    assert store.dataset_files(mapping) == [mapping, cases]
    mapping.write_text("file: cases.csv\nfile: other.csv\n")  # a mapping the reader refuses
    assert store.dataset_files(mapping) == [mapping]


def test_each_report_start_sends_the_chart_library_again(tmp_path):
    """In JupyterLab a cleared output takes the library with it: a new run brings it back."""
    from toolkit.notebook import _embed

    spec = {"mark": "point", "data": {"values": [{"x": 1}]}}
    Report.start("t", output_dir=str(tmp_path / "a"))
    first, second = _embed(spec), _embed(spec)
    assert "data-appellate-static" in first and "data-appellate-static" not in second
    assert 'typeof vegaEmbed === "function"' in second and "Report.start cell again" in second
    Report.start("t", output_dir=str(tmp_path / "b"))
    assert "data-appellate-static" in _embed(spec)
