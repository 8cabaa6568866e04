"""Report pages in a real browser: light, offline, a chart in the first screen, short tables.

:func:`check_pages` is shared with the demo reports' browser test in ``test_reports.py``;
here it runs on reports built from the 60 hand-coded cases of ``tests/data/sixty``.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from toolkit import paths
from toolkit.presentation import LONG_TABLE
from toolkit.reports import build_reports

PAGE_BUDGET = 300_000
"""A report page's own bytes; the shared libraries in ``_static`` come on top, once."""

VIEWPORT = {"width": 1280, "height": 900}


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


# what a warning or a traceback printed into a page looks like
RAW_WARNING = re.compile(r"\w+Warning\b|Traceback \(most recent call last\)")

needs_chromium = pytest.mark.skipif(
    not chromium(), reason="chromium is not installed (apt-get install chromium)"
)

# Everything that draws a table or a chart has rendered (or failed) by then.
_RENDERED = """() => [...document.querySelectorAll('.appellate-chart')].every(
    d => d.querySelector('svg, canvas'))
  && [...document.querySelectorAll('table.appellate-long')].every(
    t => t.classList.contains('dataTable'))"""

_MEASURE = """() => {
  const shown = el => {
    const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none';
  };
  const charts = [...document.querySelectorAll('.appellate-chart')].map(d => {
    const g = d.querySelector('svg, canvas');
    const r = (g || d).getBoundingClientRect();
    return {top: r.top + window.scrollY, height: r.height, width: r.width, drawn: !!g};
  });
  const tables = [...document.querySelectorAll('table')].filter(shown).map(t => ({
    rows: [...t.querySelectorAll('tbody tr')].filter(shown).length,
    paged: !!t.closest('.dt-container'),
  }));
  return {charts, tables, innerWidth: window.innerWidth};
}"""


def watch(page: Any) -> tuple[list[str], list[str]]:
    """Collect a page's errors (console errors, uncaught exceptions) and every request it
    makes outside ``file://`` (and the browser's own ``data:``, ``blob:``, ``about:``)."""
    errors: list[str] = []
    outside: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    local = ("file://", "data:", "blob:", "about:")
    page.on("request", lambda r: None if r.url.startswith(local) else outside.append(r.url))
    return errors, outside


def check_pages(pages: Sequence[Path], shots: Path) -> dict[str, dict]:
    """Open every page in headless Chromium and check what a reader sees.

    Each page: no console error, no request outside ``file://``, its own size within
    :data:`PAGE_BUDGET`; for a report with figures (from its ``summary.json``), a drawn chart
    whose top is within the first screen of a 1280 x 900 window; no table showing more than
    :data:`~toolkit.presentation.LONG_TABLE` rows at once. A full-page screenshot of each
    page is saved in ``shots``. Returns what was measured, by page.
    """
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    shots.mkdir(parents=True, exist_ok=True)
    measured: dict[str, dict] = {}
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium(),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        for page_path in pages:
            label = f"{page_path.parent.parent.name}/{page_path.parent.name}"
            size = page_path.stat().st_size
            assert size < PAGE_BUDGET, (label, size)
            summary_path = page_path.parent / "summary.json"
            summary = json.loads(summary_path.read_text()) if summary_path.exists() else {}
            page = browser.new_page(viewport=VIEWPORT)
            errors, outside = watch(page)
            page.goto(page_path.as_uri())
            page.wait_for_load_state("load")
            page.wait_for_function(_RENDERED, timeout=30000)
            seen = page.evaluate(_MEASURE)
            page.screenshot(path=str(shots / f"{label.replace('/', '__')}.png"), full_page=True)
            assert errors == [], (label, errors)
            assert outside == [], (label, outside)
            assert all(c["drawn"] for c in seen["charts"]), (label, seen["charts"])
            if summary.get("figures"):
                first = min(c["top"] for c in seen["charts"])
                assert first < VIEWPORT["height"] - 120, (label, "first chart at", first)
            unpaged = [t["rows"] for t in seen["tables"] if t["rows"] > LONG_TABLE]
            assert unpaged == [], (label, "tables showing too many rows", unpaged)
            measured[label] = {"bytes": size, **seen}
            page.close()
        browser.close()
    return measured


@pytest.fixture(scope="module")
def hand_coded(tmp_path_factory):
    """Two reports built from the 60 hand-coded petitions (tests/data/sixty): rates, tests and
    a heatmap, and a model on separated data (Firth) with its odds-ratio chart.
    (Each further report adds a notebook run, the slow part of the suite.)"""
    out = tmp_path_factory.mktemp("sixty_reports")
    mapping = Path(__file__).parent / "data" / "sixty" / "mapping.yaml"
    results = build_reports(
        paths.home() / "reports.yml",
        data=str(mapping),
        only=["circuits", "models"],
        out_dir=out,
    )
    return out, results


@needs_chromium
def test_hand_coded_reports_render_in_a_real_browser(hand_coded, tmp_path):
    out, results = hand_coded
    assert {r.status for r in results} <= {"ok", "ok, with notes"}, [
        (r.job.label, r.error) for r in results
    ]
    pages = [r.job.out / "index.html" for r in results]
    measured = check_pages(pages, tmp_path / "screenshots")
    assert len(list((tmp_path / "screenshots").glob("*.png"))) == len(pages)
    # the libraries are shared: one _static folder beside the reports, referenced relatively
    static = {p.parent.parent / "_static" for p in pages}
    assert len(static) == 1 and sorted(f.name.split("-")[0] for f in next(iter(static)).iterdir())
    for page in pages:
        text = page.read_text()
        assert 'src="../_static/vega-' in text and "vegaEmbed" in text
    assert all(m["charts"] for m in measured.values())
    # the separated model needed Firth's remedy: said in a note, never as raw warning text
    models = next(r for r in results if r.job.report == "models")
    assert models.status == "ok, with notes"
    for page in pages:
        assert not RAW_WARNING.search(page.read_text()), page


@needs_chromium
def test_a_chart_without_its_library_says_how_to_get_it_back(tmp_path):
    """A chart whose library was cleared with an earlier output shows a sentence, not a blank."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    from toolkit.notebook import _embed
    from toolkit.presentation import resend_libraries

    spec = {"mark": "point", "data": {"values": [{"x": 1}]}, "encoding": {"x": {"field": "x"}}}
    resend_libraries()
    with_library, without = _embed(spec), _embed(spec)
    page = tmp_path / "page.html"
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
        tab = browser.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        page.write_text(f"<html><body>{without}</body></html>")
        tab.goto(page.as_uri())
        assert "Report.start cell again" in tab.locator(".appellate-chart").inner_text()
        page.write_text(f"<html><body>{with_library}{without}</body></html>")
        tab.goto(page.as_uri())
        tab.locator(".appellate-chart svg, .appellate-chart canvas").nth(1).wait_for()
        browser.close()
    assert errors == []
