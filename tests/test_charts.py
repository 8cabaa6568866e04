"""Chart specifications (marks, encodings, data), and offline saving."""

import json
import re

import pytest

import toolkit
from toolkit import charts
from toolkit.models import judge_effects, trend
from toolkit.panels import panel_composition
from toolkit.rates import reversal_rates, rule_sensitivity


@pytest.fixture(scope="module")
def demo():
    return toolkit.load("demo")


def _spec(chart):
    return chart.to_dict()


def _check_common(spec):
    assert spec["title"]["text"]
    assert spec["description"]
    titles = [
        layer["encoding"][axis].get("title")
        for layer in spec["layer"]
        for axis in ("x", "y")
        if axis in layer.get("encoding", {}) and "title" in layer["encoding"][axis]
    ]
    assert titles, "axis titles"
    rows = sum(len(v) for v in spec.get("datasets", {}).values())
    assert rows < 5000  # aggregated data only


def test_chart_rates(demo):
    rates = reversal_rates(demo, by="circuit", min_n=400)
    spec = _spec(charts.chart_rates(rates))
    _check_common(spec)
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["rule", "rule", "point"]
    points = spec["layer"][2]["encoding"]
    assert points["x"]["field"] == "rate"
    assert points["fill"]["field"] == "sample"  # small-n groups drawn open
    datasets = list(spec["datasets"].values())
    main = next(d for d in datasets if len(d) == 11)
    assert {row["circuit"] for row in main} == set(rates["circuit"].astype(str))
    assert sum(row["sample"] == "fewer than min_n cases" for row in main) == int(
        rates["small_n"].sum()
    )
    assert spec["layer"][1]["encoding"]["x2"]["field"] == "ci_high"
    assert "x" in spec["layer"][0]["encoding"]  # reference line at the overall rate


def test_chart_rates_of_weighted_rates_finds_its_group_column(demo):
    # weighted rates carry a design-based std_error: a statistic, not a group to chart by
    rates = reversal_rates(demo, by="circuit", weighted=True)
    assert "std_error" in rates.columns
    spec = _spec(charts.chart_rates(rates))
    assert spec["layer"][2]["encoding"]["y"]["field"] == "circuit"


def test_chart_heatmap(demo):
    rates = reversal_rates(demo, by=["circuit", "claim_type"])
    spec = _spec(charts.chart_heatmap(rates, x="claim_type", y="circuit"))
    _check_common(spec)
    cells = spec["layer"][0]
    assert cells["mark"]["type"] == "rect" and cells["encoding"]["color"]["field"] == "rate"
    tips = {t["field"] for t in cells["encoding"]["tooltip"]}
    assert {"n", "ci_low", "ci_high"} <= tips


def test_chart_funnel_limits(demo):
    je = judge_effects(demo)
    spec = _spec(charts.chart_funnel(je, overall=0.1))
    _check_common(spec)
    limits = next(d for d in spec["datasets"].values() if d and "limit" in d[0])
    bands = {row["band"] for row in limits}
    assert bands == {"95% limits", "99.8% limits"}
    high = [r for r in limits if r["side"] == "95% limits high" and r["limit"] < 1]
    assert len(high) > 50
    for row in high:
        assert row["limit"] == pytest.approx(0.1 + 1.959964 * (0.09 / row["n"]) ** 0.5, rel=1e-5)


def test_chart_judge_effects_trend_panels_sensitivity(demo):
    for chart in (
        charts.chart_judge_effects(judge_effects(demo)),
        charts.chart_trend(trend(demo)),
        charts.chart_trend(trend(demo, by="claim_type"), by="claim_type"),
        charts.chart_panels(panel_composition(demo).rates),
        charts.chart_rule_sensitivity(rule_sensitivity(demo, by="circuit")),
    ):
        _check_common(_spec(chart))
    band = _spec(charts.chart_trend(trend(demo)))["layer"][0]
    assert band["mark"]["type"] == "area" and band["encoding"]["y2"]["field"] == "fitted_high"


def test_a_caterpillar_of_many_judges_draws_the_extremes_and_says_so(demo):
    judges = judge_effects(demo)
    assert len(judges) > 40
    spec = _spec(charts.chart_judge_effects(judges))
    drawn = next(iter(spec["datasets"].values()))
    ranked = judges.sort_values("estimate", kind="stable")["judge_id"].astype(str).tolist()
    assert sorted(r["judge_id"] for r in drawn) == sorted(ranked[:20] + ranked[-20:])
    assert f"20 lowest estimates of {len(judges):,} judges" in spec["title"]["subtitle"]
    every = _spec(charts.chart_judge_effects(judges, show=None))
    assert len(next(iter(every["datasets"].values()))) == len(judges)
    assert "lowest" not in every["title"]["subtitle"]


def test_save_chart_formats_and_offline_html(demo, tmp_path):
    chart = charts.chart_rates(reversal_rates(demo, by="circuit"))
    written = charts.save_chart(chart, tmp_path / "rates")
    assert [p.suffix for p in written] == [".html", ".png", ".svg"]
    html = (tmp_path / "rates.html").read_text()
    assert not re.search(r"<script[^>]+src=", html)  # no external script
    assert "cdn.jsdelivr" not in html
    assert (tmp_path / "rates.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<svg" in (tmp_path / "rates.svg").read_text()[:500]
    with pytest.raises(toolkit.ToolkitError, match="cannot save"):
        charts.save_chart(chart, tmp_path / "rates.pdf")
    assert json.loads(json.dumps(chart.to_dict()))
