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
