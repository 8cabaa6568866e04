"""The index page of the reports: headline sentences, thumbnails, statuses, datasets."""

import html
import json
import re
import shutil
import time
from pathlib import Path

import pytest

from toolkit.index import THUMBNAIL_HEIGHT, THUMBNAIL_WIDTH, fmt_value, headline_sentence
from toolkit.reports import write_index

# ------------------------------------------------------------------ headline sentences

# the headline numbers the demo reports record (summary.json), and how they read
DEMO = {
    "circuits": (
        {
            "cases_loaded": 8000,
            "cases_after_filters": 8000,
            "overall_rate": 0.11352785145888594,
            "homogeneity_p": 1.8042728996198814e-62,
            "circuits_differing": 8,
        },
        "Overall reversal rate 11.4% (disturbed rule); rates differ across the groups compared "
        "(p < 0.001); 8 circuits differ from the rest.",
    ),
    "judges__circuits-ca9": (
        {
            "cases_loaded": 8000,
            "cases_after_filters": 2380,
            "judges": 34,
            "judges_below_min_n": 0,
            "judge_sd_logit": 0.44679734704281027,
        },
        "34 judges, none of them with too few cases to judge; judge-to-judge spread (SD) "
        "0.447 on the log-odds scale; 2,380 of 8,000 cases kept by the filters.",
    ),
    "models": (
        {
            "cases_loaded": 8000,
            "cases_after_filters": 8000,
            "n_obs": 7540,
            "n_dropped": 460,
            "n_clusters": 4554,
            "method": "logit",
            "separated": [],
            "events_per_parameter": 57.067,
        },
        "Model fitted on 7,540 cases (460 left out: excluded by the rule or missing a model "
        "variable); errors clustered on 4,554 groups; maximum-likelihood logit; no separation; "
        "57.1 events per parameter.",
    ),
    "overview": (
        {
            "cases_loaded": 8000,
            "cases_after_filters": 8000,
            "cases": 8000,
            "counted": 7540,
            "overall_rate": 0.11352785145888594,
        },
        "Of 8,000 cases, 7,540 are counted under the rule and 11.4% of them were reversed "
        "(disturbed rule).",
    ),
    "panel_draw": (
        {
            "panel_disagreement": 0.06778574423265787,
            "panel_disagreement_ci": [0.05806397868641765, 0.07765043284262653],
            "judge_sd": 0.423109136756599,
            "cases_analysed": 7540,
        },
        "Two random panels would decide 6.8% of cases differently (95% interval 5.8% to 7.8%); "
        "judge-to-judge spread (SD) 0.423 on the log-odds scale; 7,540 cases analysed.",
    ),
    "panels": (
        {"visiting_share": 0.11625, "dissent_share": 0.03725},
        "A visiting judge sat in 11.6% of cases; a dissent in 3.7% of cases.",
    ),
    "timing": (
        {
            "start": "filed",
            "end": "decided",
            "median_days": 373.5,
            "median_days_ci": [368.0, 380.0],
            "cases_measured": 8000,
            "cases_pending": 0,
        },
        "Median 373.5 days from filed to decided (95% interval 368 to 380); 8,000 cases "
        "measured; 0 still pending.",
    ),
    "trends": (
        {
            "first_year": 2004,
            "last_year": 2012,
            "fitted_first": 0.15304068502427287,
            "fitted_last": 0.09146452675923925,
        },
        "Fitted rate from 15.3% in 2004 to 9.1% in 2012 (disturbed rule).",
    ),
    "coding_validation": (
        {
            "opinions_coded": 12,
            "compared": 12,
            "cohen_kappa": 0.8878504672897196,
            "percent_agreement": 0.9166666666666666,
            "unknown": 1,
        },
        "12 opinions coded; 12 compared with hand codes; Cohen's kappa 0.888; 91.7% agreement; "
        "1 coded unknown.",
    ),
}


# the gallery's numbers on the SCDB (the demo has nothing to replicate)
DEMO["replication"] = (
    {"figures": 5, "exact": 2, "within_tolerance": 2, "outside": 0, "not_reproducible": 1},
    "5 published figures: 2 reproduced exactly, 2 within tolerance, 0 outside tolerance, "
    "1 not reproducible from these data.",
)


@pytest.mark.parametrize("report", sorted(DEMO))
def test_the_demo_headlines_read_as_sentences(report):
    numbers, expected = DEMO[report]
    assert headline_sentence(numbers, rule="disturbed") == expected


@pytest.mark.parametrize(
    "p, says",
    [
        (0.0499, "rates differ across the groups compared (p = 0.050)"),
        (0.05, "no detectable difference in rates across the groups compared (p = 0.050)"),
        (0.00099, "rates differ across the groups compared (p < 0.001)"),
        (None, "no detectable difference in rates across the groups compared (p n/a)"),
    ],
)
def test_a_p_value_reads_with_its_verdict_at_the_5_percent_level(p, says):
    assert headline_sentence({"homogeneity_p": p}) == says[0].upper() + says[1:] + "."


def test_unknown_keys_read_as_a_label_and_a_formatted_value():
    sentence = headline_sentence(
        {
            "grant_rate": 0.4567,
            "mean_lag_days": 12.3456,
            "tested_p": 0.2,
            "big_count": 123456,
            "band": [0.1, 0.25],
            "converged": False,
            "missing_value": None,
            "label": "ca9",
        }
    )
    assert sentence == (
        "Grant rate: 45.7%; mean lag days: 12.3; tested p: p = 0.200; big count: 123,456; "
        "band: 0.1 to 0.25; converged: no; missing value: n/a; label: ca9."
    )


def test_awkward_values_never_break_a_sentence():
    # NaN and infinities are written as null by summary.json; here they arrive raw
    assert headline_sentence({"overall_rate": float("nan")}) == "Overall reversal rate n/a."
    assert headline_sentence({"overall_rate": 0.0001}) == "Overall reversal rate <0.1%."
    assert headline_sentence({"judges": 1, "judges_below_min_n": 1}) == (
        "1 judge, 1 of them with too few cases to judge."
    )
    assert headline_sentence({"separated": ["C(circuit)[T.ca2]"]}) == (
        "Separation in C(circuit)[T.ca2] (see the notes)."
    )
    assert headline_sentence({"n_clusters": None}) == "No clustered errors."
    # half of a pair reads on its own, without inventing the other half
    assert headline_sentence({"fitted_first": 0.2, "fitted_last": 0.1}) == (
        "Fitted rate from 20.0% to 10.0%."
    )
    assert headline_sentence({"panel_disagreement_ci": [0.1, 0.2]}) == (
        "Panel disagreement ci: 0.1 to 0.2."
    )
    assert headline_sentence({"cases_loaded": 10, "cases_after_filters": 10}) == ""
    assert headline_sentence(None) == ""
    assert fmt_value("nested", {"a": 1, "b_rate": 0.5}) == "a: 1, b_rate: 50.0%"


def test_the_rule_is_named_after_the_first_rate_only():
    sentence = headline_sentence(
        {"overall_rate": 0.2, "fitted_first": 0.3, "fitted_last": 0.1}, rule="reversed"
    )
    assert sentence.count("(reversed rule)") == 1
    assert sentence.startswith("Overall reversal rate 20.0% (reversed rule);")


# ------------------------------------------------------------------ the page

SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}">'
    '<rect width="{w}" height="{h}" fill="white"/>'
    '<rect x="10" y="10" width="{bar}" height="40" fill="#4c78a8"/></svg>'
)


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def _report(root, data, name, figures=None, svg=True, page=True, **summary):
    folder = root / data / name
    (folder / "figures").mkdir(parents=True)
    for i, figure in enumerate(figures or []):
        text = SVG.format(w=1200, h=600, bar=100 + 100 * i)
        if svg:
            (folder / "figures" / f"{figure}.svg").write_text(text)
        else:  # a PNG alone (drawn here from the SVG, as the reports' own copies are)
            import vl_convert

            (folder / "figures" / f"{figure}.png").write_bytes(vl_convert.svg_to_png(text))
    if page:
        (folder / "index.html").write_text("<html></html>")
    content = {
        "report": name.split("__")[0],
        "status": "ok",
        "data": data,
        "rule": "disturbed",
        "simulated": False,
        "headline": {},
        "figures": list(figures or []),
        "notes": [],
        "seconds": 1.5,
        "data_fingerprint": "f1f2f3",
        **summary,
    }
    (folder / "summary.json").write_text(json.dumps(content))
    return folder


@pytest.fixture
def site(tmp_path):
    """A reports folder with one report of every kind, on a simulated and a real dataset."""
    root = tmp_path / "reports"
    _report(
        root,
        "demo",
        "circuits",
        ["rates", "heatmap"],
        simulated=True,
        headline=DEMO["circuits"][0],
    )
    _report(
        root,
        "demo",
        "judges",
        ["funnel", "effects"],
        simulated=True,
        status="ok, with notes",
        notes=["No detectable variation among judges in ca1."],
        main_figure="effects",
    )
    _report(root, "demo", "models", simulated=True, headline={"n_obs": 10})
    _report(
        root,
        "demo",
        "replication",
        simulated=True,
        status="skipped",
        notes=["nothing to replicate on these data"],
    )
    _report(
        root,
        "demo",
        "broken",
        page=False,
        simulated=True,
        status="failed",
        error="cell 4: ValueError: <b>planted</b> failure",
        headline={"overall_rate": 0.5},
    )
    _report(
        root,
        "scdb",
        "circuits",
        ["rates"],
        svg=False,
        headline={"overall_rate": 0.7, "cases_loaded": 900, "cases_after_filters": 800},
        last_run={"status": "failed", "error": "timed out after 5 s", "at": "2026-11-28"},
    )
    return root


def _cards(page: str) -> dict[str, str]:
    found = re.findall(r'<article class="card[^"]*">(.*?)</article>', page, re.S)
    return {re.search(r'<p class="name"><code>([^<]+)</code>', c).group(1): c for c in found}


def test_one_card_per_report_grouped_by_dataset(site):
    page = write_index(site).read_text()
    demo, scdb = page.index('id="data-demo"'), page.index('id="data-scdb"')
    assert demo < scdb
    names = re.findall(r'<p class="name"><code>([^<]+)</code>', page)
    assert names == ["broken", "circuits", "judges", "models", "replication", "circuits"]
    assert page.count("<article") == 6
    # the simulated banner on the demo group only
    banner = page.index("SIMULATED DATA")
    assert demo < banner < scdb and page.count("SIMULATED DATA") == 1
    assert "6 reports: 1 failed; 3 ok; 1 ok, with notes; 1 skipped." in page
    assert '<a href="#data-demo">demo</a>' in page  # two datasets: a table of contents
    assert ".cards {" in page and "<script" not in page  # styled, with no script to load


def test_each_card_says_its_status_with_the_reason(site):
    page = write_index(site).read_text()
    demo = page[: page.index('id="data-scdb"')]
    cards = _cards(demo)
    assert 'class="card ok"' in demo and '<span class="badge ok">ok</span>' in cards["circuits"]
    assert "ok, with notes</span>" in cards["judges"]
    assert "No detectable variation among judges in ca1." in cards["judges"]
    assert "skipped</span>" in cards["replication"]
    assert "nothing to replicate on these data" in cards["replication"]
    broken = cards["broken"]
    assert "failed</span>" in broken
    assert "&lt;b&gt;planted&lt;/b&gt; failure" in broken and "<b>planted" not in page
    assert "<a " not in broken  # no page to open
    assert 'class="headline"' not in broken  # no sentence from a failed run's numbers
    scdb = _cards(page[page.index('id="data-scdb"') :])["circuits"]
    assert "the latest run (2026-11-28) failed: timed out after 5 s" in scdb
    assert "this is the previous complete report" in scdb
    assert "800 of 900 cases kept by the filters" in scdb


def test_the_headline_is_a_sentence_and_the_numbers_stay_at_hand(site):
    page = write_index(site).read_text()
    circuits = _cards(page[: page.index('id="data-scdb"')])["circuits"]
    sentence = html.escape(DEMO["circuits"][1])
    assert f'<p class="headline">{sentence}</p>' in circuits
    assert "homogeneity_p: " not in circuits  # not key: value text
    assert "<th>overall_rate</th><td>0.114</td>" in circuits  # exact numbers, folded away
    assert "<th>homogeneity_p</th><td>1.8e-62</td>" in circuits


def test_thumbnails_are_small_local_copies_of_the_main_chart(site):
    page = write_index(site).read_text()
    thumbs = re.findall(r'<img src="([^"]+)" width="(\d+)" height="(\d+)"', page)
    assert len(thumbs) == 3  # circuits, judges (demo), circuits (scdb, a PNG alone)
    for src, width, height in thumbs:
        assert src.startswith("thumbnails/") and ":" not in src  # relative: works from file://
        path = site / src
        assert path.is_file() and path.stat().st_size < 60_000
        assert _png_size(path) == (int(width), int(height))
        assert int(width) <= THUMBNAIL_WIDTH and int(height) <= THUMBNAIL_HEIGHT
    # a 1200 x 600 chart: halved to fit 480 wide, then its proportions kept
    assert {(w, h) for _, w, h in thumbs} == {("480", "240")}
    cards = _cards(page[: page.index('id="data-scdb"')])
    # the report named its main figure ("effects"): that one, not the first saved
    judges_src = re.search(r'<img src="([^"]+)"', cards["judges"]).group(1)
    effects = (site / "demo" / "judges" / "figures" / "effects.svg").read_bytes()
    assert judges_src.startswith("thumbnails/demo/judges-")
    import hashlib

    digest = hashlib.sha256(effects + f"v1 {THUMBNAIL_WIDTH}x{THUMBNAIL_HEIGHT}".encode())
    assert digest.hexdigest()[:12] in judges_src
    # a report without a figure: a card without a picture
    assert "<img" not in cards["models"] and "no chart" in cards["models"]


def test_thumbnails_follow_their_charts_and_the_page_is_written_only_on_change(site):
    page = write_index(site).read_text()
    before = sorted(p.name for p in (site / "thumbnails" / "demo").iterdir())
    stamp = (site / "index.html").stat().st_mtime_ns
    time.sleep(0.01)
    assert write_index(site).read_text() == page
    assert (site / "index.html").stat().st_mtime_ns == stamp  # nothing changed: not rewritten
    # the circuits chart changes: a new thumbnail, and the old one goes
    (site / "demo" / "circuits" / "figures" / "rates.svg").write_text(
        SVG.format(w=400, h=800, bar=50)
    )
    page = write_index(site).read_text()
    after = sorted(p.name for p in (site / "thumbnails" / "demo").iterdir())
    assert len(after) == len(before) == 2 and after != before
    assert re.search(r'circuits-[0-9a-f]{12}\.png" width="180" height="360"', page)
    # a report that goes away takes its thumbnail with it
    shutil.rmtree(site / "demo" / "judges")
    write_index(site)
    assert [p.name.split("-")[0] for p in (site / "thumbnails" / "demo").iterdir()] == ["circuits"]


def test_a_damaged_figure_gives_a_card_without_a_picture(site):
    (site / "demo" / "circuits" / "figures" / "rates.svg").write_text("<svg width='oops'>")
    (site / "scdb" / "circuits" / "figures" / "rates.png").write_bytes(b"not a png")
    page = write_index(site).read_text()
    cards = _cards(page[: page.index('id="data-scdb"')])
    assert "<img" not in cards["circuits"] and "no chart" in cards["circuits"]
    assert "<img" not in _cards(page[page.index('id="data-scdb"') :])["circuits"]
    # a figure name that is not a file name in figures/ is never followed
    summary = json.loads((site / "demo" / "models" / "summary.json").read_text())
    summary["figures"] = ["../../scdb/circuits/figures/rates"]
    (site / "demo" / "models" / "summary.json").write_text(json.dumps(summary))
    assert "no chart" in _cards(write_index(site).read_text())["models"]


def test_an_empty_reports_folder(tmp_path):
    page = write_index(tmp_path).read_text()
    assert "No reports yet" in page and "<article" not in page


def _chromium():
    return shutil.which("chromium") or shutil.which("chromium-browser")


def check_index(sync_api, chromium: str, index: Path, screenshot: Path) -> dict[str, int]:
    """Open the index from file:// in headless Chromium and check what a reader sees.

    No console error, no request outside file://, every card drawn with a size, every
    thumbnail loaded (decoded, with its pixels) and inside its card; a full-page screenshot
    is saved. Returns the number of cards and of thumbnails shown.
    """
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors: list[str] = []
        outside: list[str] = []
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on(
            "request",
            lambda req: (
                None if req.url.startswith(("file://", "data:")) else outside.append(req.url)
            ),
        )
        page.goto(index.as_uri())
        page.wait_for_load_state("load")
        page.wait_for_function("[...document.images].every(img => img.complete)", timeout=20000)
        shown = page.evaluate(
            """() => {
              const cards = [...document.querySelectorAll('article.card')];
              const imgs = [...document.querySelectorAll('article.card img')];
              return {
                cards: cards.filter(c => c.getBoundingClientRect().height > 100).length,
                thumbnails: imgs.filter(i => i.naturalWidth > 0
                  && i.getBoundingClientRect().width > 100
                  && i.closest('article').getBoundingClientRect().right
                     >= i.getBoundingClientRect().right).length,
                broken: imgs.filter(i => i.naturalWidth === 0).map(i => i.src),
              };
            }"""
        )
        page.screenshot(path=str(screenshot), full_page=True)
        browser.close()
    assert errors == [] and outside == [], (errors, outside)
    assert shown.pop("broken") == []
    assert screenshot.stat().st_size > 10_000
    return shown


@pytest.mark.skipif(not _chromium(), reason="chromium is not installed (apt-get install chromium)")
def test_the_index_renders_in_a_real_browser(site, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    shown = check_index(sync_api, _chromium(), write_index(site), tmp_path / "index.png")
    assert shown == {"cards": 6, "thumbnails": 3}
