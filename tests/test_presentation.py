"""Tables for reading, shared page libraries, the rows that matter, charts sized to be read."""

import json
import re

import numpy as np
import pandas as pd
import pytest

import toolkit
from toolkit.charts import chart_heatmap, chart_odds_ratios, chart_rates, natural_order
from toolkit.notebook import Report
from toolkit.presentation import (
    COLUMN_LABELS,
    LONG_TABLE,
    describe_extremes,
    readable_table,
    share_static,
    table_html,
)


def _rates(n=(1249, 12, 40), x=(300, 3, 10)):
    """A rates table computed by hand: rate = x / n, bounds given."""
    n, x = np.array(n), np.array(x)
    return pd.DataFrame(
        {
            "circuit": ["ca10", "ca2", "ca1"][: len(n)],
            "n": n,
            "n_reversed": x,
            "rate": x / n,
            "ci_low": x / n - 0.02,
            "ci_high": x / n + 0.03,
            "small_n": n < 30,
            "n_excluded": [5, 0, 1][: len(n)],
            "n_effective": n.astype(float),
            "rule": "disturbed",
            "ci_method": "wilson",
        }
    )


def test_readable_table_labels_percentages_one_interval_and_lifted_constants():
    table = _rates()
    table.attrs["level"] = 0.9
    shown, lifted, small = readable_table(table, min_n=30)
    assert list(shown.columns) == [
        "Circuit",
        "Cases",
        "Reversed",
        "Reversal rate",
        "90% interval",  # the level actually used
        "Left out by the rule",
        "Note",
    ]
    # 300 / 1249 = 24.02%; bounds 22.02% and 27.02%
    assert shown.iloc[0].tolist()[:5] == ["ca10", "1,249", "300", "24.0%", "22.0% to 27.0%"]
    assert lifted == ["Reversal rule: disturbed", "Interval method: wilson"]
    assert small.tolist() == [False, True, False]
    assert shown["Note"].tolist() == ["", "fewer than 30 cases", ""]
    assert all(label for label in COLUMN_LABELS.values())


def test_weighted_effective_cases_stay_and_varying_rules_are_not_lifted():
    table = _rates()
    table.loc[0, "n_effective"] = 900.5
    table.loc[1, "rule"] = "reversed"
    shown, lifted, _ = readable_table(table)
    assert "Effective cases" in shown.columns and "Reversal rule" in shown.columns
    assert lifted == ["Interval method: wilson"]
    assert "Note" in shown.columns and shown["Note"].iloc[1] == "too few cases"


def test_empty_and_one_row_tables():
    shown, lifted, small = readable_table(_rates().iloc[:0])
    assert len(shown) == 0 and lifted == [] and not small.any()
    assert "<table" in table_html(shown, "Nothing")
    shown, lifted, _ = readable_table(_rates().iloc[:1])
    assert lifted == ["Reversal rule: disturbed", "Interval method: wilson"]


def test_a_text_level_column_is_not_a_confidence_level():
    frame = pd.DataFrame({"kappa": [0.8], "level": ["class"], "n_units": [40]})
    shown, lifted, _ = readable_table(frame)
    assert lifted == ["Level: class"]
    assert list(shown.columns) == ["Kappa", "Units coded twice or more"]


def test_short_tables_are_plain_long_tables_paged_with_their_csv():
    def frame(rows):
        return pd.DataFrame({"Judge": [f"J{i}" for i in range(rows)], "Cases": ["1"] * rows})

    short = table_html(frame(LONG_TABLE), "Judges", csv="tables/judges.csv")
    assert short.count("<tr>") == LONG_TABLE + 1 and "ITable" not in short
    long = table_html(frame(LONG_TABLE + 1), "Judges", csv="tables/judges.csv")
    assert "ITable" in long and "appellate-long" in long and 'href="tables/judges.csv"' in long
    assert "26 rows: sort by a column, search, or page through them" in long


def test_report_table_keeps_the_tidy_csv_and_shows_labels(tmp_path, capsys):
    data = toolkit.load("demo")
    params = {**toolkit.notebook.PARAMETERS, "output_dir": str(tmp_path)}
    report = Report("t", params, data, tmp_path)
    shown = []
    report._display = shown.append
    table = _rates()
    report.table("rates", table, "Reversal rate by circuit")
    csv = pd.read_csv(tmp_path / "tables" / "rates.csv")
    assert list(csv.columns) == list(table.columns)
    assert csv["rate"].tolist() == pytest.approx(table["rate"].tolist())
    page = shown[0]["text/html"]
    assert "Reversal rate" in page and "95% interval" in page and "ci_low" not in page
    assert "(Reversal rule: disturbed; Interval method: wilson)" in page
    assert 'class="small-n"' in page
    report.table("rates_short", table, "Reversal rate by circuit", hide=["n_excluded", "absent"])
    csv = pd.read_csv(tmp_path / "tables" / "rates_short.csv")
    assert "n_excluded" in csv.columns  # left off the page only
    assert "Left out by the rule" in page and "Left out by the rule" not in shown[1]["text/html"]


def test_share_static_moves_each_library_once_and_leaves_a_relative_link(tmp_path):
    body = "var vega = 1;" * 1000
    page = (
        '<html><script data-appellate-static="vega-abc.js" type="text/javascript">'
        f"{body}</script><p>chart</p></html>"
    )
    static = tmp_path / "demo" / "_static"
    light = share_static(page, static, "../_static")
    assert light == (
        '<html><script type="text/javascript" src="../_static/vega-abc.js"></script>'
        "<p>chart</p></html>"
    )
    assert (static / "vega-abc.js").read_text() == body
    mtime = (static / "vega-abc.js").stat().st_mtime_ns
    assert share_static(page, static, "../_static") == light
    assert (static / "vega-abc.js").stat().st_mtime_ns == mtime  # written once


def test_describe_extremes_by_hand():
    # pooled rate (4 + 8 + 12 + 16 + 1) / (40 * 4 + 2) = 41 / 162 = 25.3%
    table = pd.DataFrame(
        {
            "judge_id": ["A", "B", "C", "D", "E"],
            "n": [40, 40, 40, 40, 2],
            "n_reversed": [4, 8, 12, 16, 1],
            "estimate": [0.12, 0.2, 0.28, 0.36, 0.5],
            "small_n": [False, False, False, False, True],
        }
    )
    text = describe_extremes(table, "judge_id", "estimate", k=2)
    assert text == (
        "Furthest above the overall rate (25.3%): D (36.0%, n = 40); C (28.0%, n = 40). "
        "Furthest below: A (12.0%, n = 40); B (20.0%, n = 40). "
        "(Left out: 1 with fewer cases than the minimum.)"
    )
    assert describe_extremes(table.iloc[:0], "judge_id", "estimate") == ""


def test_courts_in_natural_order_everywhere():
    assert natural_order(["ca11", "cafc", "ca1", "ca10", "ca2", "cadc"]) == [
        "ca1",
        "ca2",
        "ca10",
        "ca11",
        "cadc",
        "cafc",
    ]
    rates = _rates()
    assert chart_rates(rates).to_dict()["layer"][1]["encoding"]["y"]["sort"] == [
        "ca1",
        "ca2",
        "ca10",
    ]
    cells = pd.concat([_rates().assign(claim_type=c) for c in ("asylum", "withholding")])
    spec = chart_heatmap(cells, x="claim_type", y="circuit").to_dict()
    assert spec["layer"][0]["encoding"]["y"]["sort"] == ["ca1", "ca2", "ca10"]


def test_heatmap_cells_fit_a_four_digit_count():
    cells = pd.concat([_rates().assign(claim_type=c) for c in ("asylum", "cat")])
    spec = chart_heatmap(cells, x="claim_type", y="circuit").to_dict()
    label = spec["layer"][1]["encoding"]["text"]
    assert label["format"] == ",d"
    # "1,249" at 12 px is about 5 x 7 = 35 px wide: the cell is wider, with a margin
    assert spec["width"]["step"] >= 9 * len("1,249") + 16 and spec["height"]["step"] >= 24


def test_odds_ratio_chart_leaves_out_the_intercept_and_bounds_separated_terms():
    table = pd.DataFrame(
        {
            "term": ["Intercept", "C(circuit)[T.ca2]", "C(claim_type)[T.cat]"],
            "odds_ratio": [0.2, 1e9, 0.5],
            "or_low": [0.1, 2.0, 0.25],
            "or_high": [0.4, np.inf, 1.0],
            "p_value": [0.01, np.nan, 0.04],
        }
    )
    spec = chart_odds_ratios(table).to_dict()
    rows = spec["datasets"][spec["layer"][1]["data"]["name"]]
    assert [r["label"] for r in rows] == ["circuit: ca2", "claim type: cat"]
    assert rows[0]["odds_ratio_shown"] == 1e4 and rows[0]["odds_ratio_text"] == "beyond 10,000"
    assert spec["layer"][1]["encoding"]["x"]["scale"]["type"] == "log"
    assert json.dumps(spec).count("Intercept") == 0
    assert re.search(r"1 = no difference", spec["layer"][1]["encoding"]["x"]["title"])
    assert {r["significance"] for r in rows} == {"p >= 0.05 (or not computed)", "p < 0.05"}
    table.attrs["level"] = 0.99  # the threshold follows the level of the intervals
    rows = chart_odds_ratios(table).to_dict()
    assert "p < 0.01" in json.dumps(rows) and "p < 0.05" not in json.dumps(rows)


def test_log_odds_intervals_are_not_percentages():
    frame = pd.DataFrame(
        {
            "judge_id": ["J1"],
            "estimate": [0.1],
            "ci_low": [0.05],
            "ci_high": [0.2],
            "effect": [-0.5],
            "effect_low": [-1.25],
            "effect_high": [0.25],
        }
    )
    shown, _, _ = readable_table(frame)
    assert shown.iloc[0].tolist() == ["J1", "10.0%", "5.0% to 20.0%", "-0.5", "-1.25 to 0.25"]
    assert list(shown.columns)[-1] == "Effect (log-odds), 95% interval"


def test_a_page_whose_shared_files_are_missing_or_altered_is_not_intact(tmp_path):
    from toolkit.presentation import _digest, broken_static, share_static
    from toolkit.reports import _intact
    from toolkit.store import _sha256

    name = f"vega-{_digest('var v = 1;')}.js"  # shared files are named by their content

    folder = tmp_path / "demo" / "circuits"
    folder.mkdir(parents=True)
    page = share_static(
        f'<p>x</p><script type="text/javascript" data-appellate-static="{name}">var v = 1;'
        "</script>",
        tmp_path / "demo" / "_static",
        "../_static",
    )
    (folder / "index.html").write_text(page, encoding="utf-8")
    (folder / "run.ipynb").write_text("{}", encoding="utf-8")
    summary = {
        "executed_notebook": "run.ipynb",
        "executed_sha256": _sha256(folder / "run.ipynb"),
        "html_sha256": _sha256(folder / "index.html"),
    }
    assert broken_static(folder / "index.html") == [] and _intact(folder, summary)
    shared = tmp_path / "demo" / "_static" / name
    shared.write_text("var v = 2;", encoding="utf-8")  # same size, other content
    assert broken_static(folder / "index.html") == [name]
    assert not _intact(folder, summary)
    shared.unlink()
    assert broken_static(folder / "index.html") == [name]
    assert not _intact(folder, summary)


def test_the_chart_library_is_bundled_once_and_checked_when_read(tmp_path, monkeypatch):
    """The vega bundle is cached by its hash; a damaged copy is never embedded."""
    import vl_convert

    from toolkit import presentation

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    bundled = []
    real = vl_convert.javascript_bundle
    monkeypatch.setattr(vl_convert, "javascript_bundle", lambda: bundled.append(1) or real())
    first = presentation._vega_source()
    (cached,) = (tmp_path / "appellate-toolkit").glob("vega-*.js")
    assert presentation._vega_source() == first and len(bundled) == 1
    cached.write_text(first[:-10] + "corrupted!", encoding="utf-8")
    assert presentation._vega_source() == first and len(bundled) == 2
    (again,) = (tmp_path / "appellate-toolkit").glob("vega-*.js")
    assert again.read_text(encoding="utf-8") == first
