"""The index page of the reports: one card per report, grouped by dataset.

``reports/index.html`` (written by :func:`toolkit.reports.write_index`) shows, for every report
found under the reports folder, a thumbnail of its main chart, its headline numbers read as one
sentence, its status (ok; ok, with notes; failed; skipped, each with its reason; and whether the
latest run failed beside a previous complete report) and the simulated-data banner where it
applies. The page needs no JavaScript and no network: thumbnails are small PNG copies written
next to it (``thumbnails/``), referenced by relative paths, so the page works from ``file://``.

Headline sentences come from a table of phrases per headline key (:data:`PHRASES`) and a few
phrases that read several keys together (a value and its interval, a first and last year).
A key that no phrase knows is shown as a readable label and its value, never dropped.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import html
import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

__all__ = ["PHRASES", "headline_sentence", "index_page", "main_figure", "thumbnail"]

THUMBNAIL_WIDTH = 480
"""Largest width of a thumbnail in pixels (shown at about half that, sharp on dense screens)."""
THUMBNAIL_HEIGHT = 360
"""Largest height of a thumbnail in pixels."""
_DRAWING = f"v1 {THUMBNAIL_WIDTH}x{THUMBNAIL_HEIGHT}"
"""How thumbnails are drawn; part of their file names, so a change redraws them all."""
THUMBNAILS = "thumbnails"
"""The folder, beside ``index.html``, that holds the thumbnails."""

# ------------------------------------------------------------------ numbers for reading


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def _number(value: Any) -> float | None:
    """A real number, or None for anything else (text, booleans, None, NaN)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or _missing(value):
        return None
    return float(value)


def fmt_percent(value: Any) -> str:
    """A share as a percentage: ``0.1138`` -> ``'11.4%'``; tiny but positive -> ``'<0.1%'``.

    Examples
    --------
    >>> fmt_percent(0.1138), fmt_percent(0.0004), fmt_percent(1), fmt_percent(None)
    ('11.4%', '<0.1%', '100.0%', 'n/a')
    """
    v = _number(value)
    if v is None:
        return "n/a"
    if 0 < v < 0.0005:
        return "<0.1%"
    return f"{100 * v:.1f}%"


def fmt_p(value: Any) -> str:
    """A p-value as printed in papers: ``'p < 0.001'`` or ``'p = 0.034'``.

    Examples
    --------
    >>> fmt_p(1e-12), fmt_p(0.0342), fmt_p(float("nan"))
    ('p < 0.001', 'p = 0.034', 'p n/a')
    """
    v = _number(value)
    if v is None:
        return "p n/a"
    return "p < 0.001" if v < 0.001 else f"p = {v:.3f}"


def fmt_count(value: Any) -> str:
    """A count with thousands separators: ``7540`` -> ``'7,540'``."""
    v = _number(value)
    if v is None:
        return "n/a"
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.1f}"


def fmt_number(value: Any) -> str:
    """A measured number to three significant digits: ``0.35114`` -> ``'0.351'``.

    Examples
    --------
    >>> fmt_number(0.35114), fmt_number(12.345), fmt_number(123456.7), fmt_number(None)
    ('0.351', '12.3', '123,457', 'n/a')
    """
    v = _number(value)
    if v is None:
        return "n/a"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    return f"{v:.3g}"


def fmt_days(value: Any) -> str:
    """A number of days: ``118.0`` -> ``'118 days'``, ``373.5`` -> ``'373.5 days'``."""
    v = _number(value)
    if v is None:
        return "n/a"
    return f"{v:,.0f} days" if v.is_integer() else f"{v:,.1f} days"


def fmt_value(key: str, value: Any) -> str:
    """Any headline value, formatted by what its key says it is (the fallback of a sentence).

    Shares and rates (``*_rate``, ``*_share``) as percentages, p-values (``*_p``,
    ``p_value``) as ``p = ...``, whole numbers with separators, other numbers to three
    significant digits, a pair as ``a to b``, booleans as yes/no.

    Examples
    --------
    >>> fmt_value("reversal_rate", 0.25), fmt_value("test_p", 0.2), fmt_value("n", 12000)
    ('25.0%', 'p = 0.200', '12,000')
    >>> fmt_value("band", [0.1, 0.2]), fmt_value("converged", True), fmt_value("x", None)
    ('0.1 to 0.2', 'yes', 'n/a')
    """
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return " to ".join(fmt_value(key, v) for v in value)
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {fmt_value(str(k), v)}" for k, v in value.items())
    if isinstance(value, int | float):
        lowered = key.lower()
        if lowered.endswith(("rate", "share", "proportion")):
            return fmt_percent(value)
        if lowered.endswith("_p") or lowered in ("p", "p_value", "pvalue"):
            return fmt_p(value)
        if isinstance(value, int) or float(value).is_integer():
            return fmt_count(value)
        return fmt_number(value)
    return str(value)


def _plural(n: Any, one: str, many: str | None = None) -> str:
    v = _number(n)
    word = one if v == 1 else (many or one + "s")
    return f"{fmt_count(n)} {word}"


def _interval(pair: Any, fmt: Callable[[Any], str]) -> str:
    """``' (95% interval a to b)'`` for a pair of numbers, else nothing."""
    if isinstance(pair, list | tuple) and len(pair) == 2 and not any(map(_missing, pair)):
        return f" (95% interval {fmt(pair[0])} to {fmt(pair[1])})"
    return ""


# ------------------------------------------------------------------ phrases per key

Phrase = Callable[[Any], str]

PHRASES: dict[str, Phrase] = {
    "overall_rate": lambda v: f"overall reversal rate {fmt_percent(v)}",
    "homogeneity_p": lambda v: (
        f"rates differ across the groups compared ({fmt_p(v)})"
        if (_number(v) is not None and v < 0.05)
        else f"no detectable difference in rates across the groups compared ({fmt_p(v)})"
    ),
    "circuits_differing": lambda v: f"{_plural(v, 'circuit')} differ from the rest",
    "judges": lambda v: _plural(v, "judge"),
    "judges_below_min_n": lambda v: f"{_plural(v, 'judge')} with too few cases to judge",
    "judge_sd_logit": lambda v: f"judge-to-judge spread (SD) {fmt_number(v)} on the log-odds scale",
    "judge_sd": lambda v: f"judge-to-judge spread (SD) {fmt_number(v)} on the log-odds scale",
    "n_obs": lambda v: f"model fitted on {_plural(v, 'case')}",
    "n_dropped": lambda v: (
        f"{_plural(v, 'case')} left out (excluded by the rule or missing a model variable)"
    ),
    "n_clusters": lambda v: (
        "no clustered errors" if _missing(v) else f"errors clustered on {_plural(v, 'group')}"
    ),
    "method": lambda v: {
        "logit": "maximum-likelihood logit",
        "firth": "Firth's bias-reduced logit",
    }.get(str(v), f"method {v}"),
    "separated": lambda v: (
        f"separation in {', '.join(map(str, v))} (see the notes)"
        if isinstance(v, list | tuple) and v
        else "separated data (see the notes)"
        if v and not isinstance(v, list | tuple)
        else "no separation"
    ),
    "events_per_parameter": lambda v: f"{fmt_number(v)} events per parameter",
    "panel_disagreement": lambda v: (
        f"two random panels would decide {fmt_percent(v)} of cases differently"
    ),
    "cases_analysed": lambda v: f"{_plural(v, 'case')} analysed",
    "visiting_share": lambda v: f"a visiting judge sat in {fmt_percent(v)} of cases",
    "dissent_share": lambda v: f"a dissent in {fmt_percent(v)} of cases",
    "median_days": lambda v: f"median {fmt_days(v)}",
    "cases_measured": lambda v: f"{_plural(v, 'case')} measured",
    "cases_pending": lambda v: f"{fmt_count(v)} still pending",
    "opinions_coded": lambda v: f"{_plural(v, 'opinion')} coded",
    "compared": lambda v: f"{fmt_count(v)} compared with hand codes",
    "cohen_kappa": lambda v: f"Cohen's kappa {fmt_number(v)}",
    "percent_agreement": lambda v: f"{fmt_percent(v)} agreement",
    "unknown": lambda v: f"{fmt_count(v)} coded unknown",
    "cases": lambda v: _plural(v, "case"),
    "counted": lambda v: f"{fmt_count(v)} counted under the rule",
}
"""One phrase per headline key (a clause of the headline sentence). Keys read together are in
:data:`_COMBINED`; any other key is shown as a label and its value."""


def _filters(h: Mapping[str, Any]) -> str | None:
    loaded, kept = h.get("cases_loaded"), h.get("cases_after_filters")
    if _number(loaded) is None or _number(kept) is None or loaded == kept:
        return None  # all cases kept: nothing to say beside the report's own counts
    return f"{fmt_count(kept)} of {fmt_count(loaded)} cases kept by the filters"


def _with_interval(key: str, phrase: Phrase, fmt: Callable[[Any], str]) -> Callable:
    def combined(h: Mapping[str, Any]) -> str | None:
        if key not in h:
            return None
        return phrase(h[key]) + _interval(h.get(f"{key}_ci"), fmt)

    return combined


def _trend(h: Mapping[str, Any]) -> str | None:
    first, last = h.get("fitted_first"), h.get("fitted_last")
    if _number(first) is None or _number(last) is None:
        return None
    years = (h.get("first_year"), h.get("last_year"))
    if all(_number(y) is not None for y in years):
        return (
            f"fitted rate from {fmt_percent(first)} in {years[0]:.0f} "
            f"to {fmt_percent(last)} in {years[1]:.0f}"
        )
    return f"fitted rate from {fmt_percent(first)} to {fmt_percent(last)}"


def _wait(h: Mapping[str, Any]) -> str | None:
    if "median_days" not in h:
        return None
    span = ""
    if h.get("start") and h.get("end"):
        span = f" from {h['start']} to {h['end']}"
    return f"median {fmt_days(h['median_days'])}{span}" + _interval(
        h.get("median_days_ci"), lambda v: fmt_days(v).removesuffix(" days")
    )


def _judges(h: Mapping[str, Any]) -> str | None:
    if "judges" not in h or "judges_below_min_n" not in h:
        return None
    few = _number(h["judges_below_min_n"])
    return (
        f"{_plural(h['judges'], 'judge')}, "
        f"{'none' if few == 0 else fmt_count(few)} of them with too few cases to judge"
    )


def _overview(h: Mapping[str, Any]) -> str | None:
    if not {"cases", "counted", "overall_rate"} <= set(h):
        return None
    return (
        f"of {_plural(h['cases'], 'case')}, {fmt_count(h['counted'])} are counted under the "
        f"rule and {fmt_percent(h['overall_rate'])} of them were reversed"
    )


def _model_fit(h: Mapping[str, Any]) -> str | None:
    if "n_obs" not in h:
        return None
    text = f"model fitted on {_plural(h['n_obs'], 'case')}"
    dropped = _number(h.get("n_dropped"))
    if dropped:
        text += (
            f" ({fmt_count(dropped)} left out: excluded by the rule or missing a model variable)"
        )
    return text


_VERDICTS = (
    ("exact", "reproduced exactly"),
    ("within_tolerance", "within tolerance"),
    ("outside", "outside tolerance"),
    ("not_reproducible", "not reproducible from these data"),
)


def _replication(h: Mapping[str, Any]) -> str | None:
    if "figures" not in h or not any(key in h for key, _ in _VERDICTS):
        return None
    parts = [f"{fmt_count(h[key])} {words}" for key, words in _VERDICTS if key in h]
    return f"{_plural(h['figures'], 'published figure')}: {', '.join(parts)}"


_COMBINED: list[tuple[tuple[str, ...], Callable[[Mapping[str, Any]], str | None]]] = [
    (("cases", "counted", "overall_rate"), _overview),
    (("judges", "judges_below_min_n"), _judges),
    (("n_obs", "n_dropped"), _model_fit),
    (("figures", *(key for key, _ in _VERDICTS)), _replication),
    (("first_year", "last_year", "fitted_first", "fitted_last"), _trend),
    (("start", "end", "median_days", "median_days_ci"), _wait),
    (
        ("panel_disagreement", "panel_disagreement_ci"),
        _with_interval("panel_disagreement", PHRASES["panel_disagreement"], fmt_percent),
    ),
]
"""Phrases that read several keys together; each consumes the keys it names (when present)."""

_LAST = (("cases_loaded", "cases_after_filters"), _filters)
"""How many cases the filters kept: said last, and only when they left some out."""


def _label(key: str) -> str:
    return re.sub(r"\s+", " ", key.replace("_", " ")).strip() or key


def headline_sentence(headline: Mapping[str, Any] | None, rule: str | None = None) -> str:
    """The headline numbers of a report (``summary.json``'s ``headline``) as one sentence.

    Known keys read as phrases (:data:`PHRASES`); a value with its ``<key>_ci`` interval, a
    first and last year and similar groups read together; rates are percentages, p-values
    ``p < 0.001``; a key no phrase knows reads as its label and value. The phrases keep the
    order in which the report recorded its numbers.

    Parameters
    ----------
    headline
        The numbers, as written by ``Report.headline``.
    rule
        The reversal rule in force; named after the first rate.

    Examples
    --------
    >>> headline_sentence({"overall_rate": 0.1138, "circuits_differing": 6}, rule="disturbed")
    'Overall reversal rate 11.4% (disturbed rule); 6 circuits differ from the rest.'
    >>> headline_sentence({"cases_loaded": 100, "cases_after_filters": 80, "mean_lag": 2.5})
    'Mean lag: 2.5; 80 of 100 cases kept by the filters.'
    >>> headline_sentence({})
    ''
    """
    h = dict(headline or {})
    order = {key: i for i, key in enumerate(h)}
    phrases: list[tuple[int, str]] = []
    used: set[str] = set()
    for keys, read in _COMBINED:
        present = [k for k in keys if k in h and k not in used]
        if not present:
            continue
        text = read({k: h[k] for k in present})
        if text:
            phrases.append((min(order[k] for k in present), text))
            used.update(present)
    for key, value in h.items():
        if key in used or key in _LAST[0]:
            continue
        used.add(key)
        if key in PHRASES:
            text = PHRASES[key](value)
        else:
            text = f"{_label(key)}: {fmt_value(key, value)}"
        phrases.append((order[key], text))
    phrases.sort(key=lambda item: item[0])
    texts = [text for _, text in phrases]
    if rule:  # the rule is named next to the first rate, as everywhere in the toolkit
        for i, text in enumerate(texts):
            if "%" in text and ("rate" in text or "reversed" in text):
                texts[i] = f"{text} ({rule} rule)"
                break
    last = _LAST[1](h)
    if last:
        texts.append(last)
    if not texts:
        return ""
    sentence = "; ".join(texts)
    return sentence[0].upper() + sentence[1:] + "."


# ------------------------------------------------------------------ thumbnails


def main_figure(folder: Path, summary: Mapping[str, Any]) -> Path | None:
    """The chart a report's card shows: the one it names, else the first it saved.

    ``summary["main_figure"]`` names it when a report sets one; otherwise the first of
    ``summary["figures"]`` whose SVG or PNG copy exists.
    """
    figures = [str(f) for f in summary.get("figures") or [] if isinstance(f, str)]
    named = summary.get("main_figure")
    if isinstance(named, str) and named in figures:
        figures.remove(named)
        figures.insert(0, named)
    for name in figures:
        if "/" in name or "\\" in name or name.startswith("."):
            continue  # a figure name is a file name in figures/, nothing else
        for suffix in (".svg", ".png"):
            path = folder / "figures" / f"{name}{suffix}"
            if path.is_file():
                return path
    return None


def _svg_size(svg: str) -> tuple[float, float] | None:
    tag = re.search(r"<svg\b[^>]*>", svg)
    if not tag:
        return None
    sizes = []
    for attr in ("width", "height"):
        found = re.search(rf'\b{attr}="([0-9.]+)(?:px)?"', tag.group(0))
        if not found:
            return None
        sizes.append(float(found.group(1)))
    return (sizes[0], sizes[1]) if all(s > 0 for s in sizes) else None


def _png_size(data: bytes) -> tuple[int, int] | None:
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def _draw(svg: str, scale: float) -> bytes | None:
    try:
        import vl_convert

        return vl_convert.svg_to_png(svg, scale=scale)
    except Exception:  # a chart vl-convert cannot draw: a card without a picture
        return None


def thumbnail(figure: Path, folder: Path, stem: str) -> tuple[str, int, int] | None:
    """A small PNG of ``figure`` in ``folder``; returns (file name, width, height), or None.

    The figure (SVG, or PNG) is drawn at most :data:`THUMBNAIL_WIDTH` x
    :data:`THUMBNAIL_HEIGHT` pixels, its proportions kept, by vl-convert (already needed for
    the figures, so no image library is added; a PNG is drawn as an image inside an SVG). The
    file's name carries a hash of its source, so a changed chart gets a new file and an
    unchanged one is not drawn again. None when the figure cannot be read or drawn: the card
    is then shown without a picture.
    """
    try:
        data = figure.read_bytes()
    except OSError:
        return None
    digest = hashlib.sha256(data + _DRAWING.encode()).hexdigest()
    target = folder / f"{stem}-{digest[:12]}.png"
    png = None
    if target.is_file():
        with contextlib.suppress(OSError):
            png = target.read_bytes()
    if png is None or _png_size(png) is None:
        if figure.suffix == ".svg":
            try:
                svg = data.decode("utf-8")
            except UnicodeDecodeError:
                return None
            size = _svg_size(svg)
        else:
            size = _png_size(data)
            svg = ""
            if size is not None:
                w, h = size
                svg = (
                    f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}">'
                    f'<image width="{w}" height="{h}" href="data:image/png;base64,'
                    f'{base64.b64encode(data).decode()}"/></svg>'
                )
        if size is None:
            return None
        scale = min(1.0, THUMBNAIL_WIDTH / size[0], THUMBNAIL_HEIGHT / size[1])
        # the drawing rounds its size down (180.0 can come out 179): add under half a pixel
        png = _draw(svg, scale + 0.4 / max(size))
        if png is None or _png_size(png) is None:
            return None
        from toolkit.store import write_atomic

        try:
            folder.mkdir(parents=True, exist_ok=True)
            write_atomic(target, png)
        except OSError:  # a full disk or a read-only folder: a card without a picture
            return None
    width, height = _png_size(png) or (0, 0)
    return target.name, width, height


# ------------------------------------------------------------------ the page


def _title(folder: Path, summary: Mapping[str, Any]) -> str:
    """The report's title: the first heading of its executed notebook, else its name."""
    notebook = summary.get("executed_notebook")
    if isinstance(notebook, str) and "/" not in notebook:
        try:
            cells = json.loads((folder / notebook).read_text(encoding="utf-8")).get("cells", [])
        except (OSError, ValueError, AttributeError):
            cells = []
        for cell in cells[:3]:
            if not isinstance(cell, dict) or cell.get("cell_type") != "markdown":
                continue
            source = cell.get("source", "")
            text = "".join(source) if isinstance(source, list) else str(source)
            heading = re.search(r"^#\s+(.+)$", text, re.MULTILINE)
            if heading:
                return heading.group(1).strip()
    return str(summary.get("report") or folder.name)


def _status_detail(summary: Mapping[str, Any]) -> tuple[str, list[str], str | None]:
    """(status, reasons to show, the latest failed run's message or None)."""
    status = str(summary.get("status") or "unknown")
    reasons: list[str] = []
    if status == "failed" and summary.get("error"):
        reasons.append(str(summary["error"]))
    elif status in ("skipped", "ok, with notes"):
        reasons.extend(str(n) for n in summary.get("notes") or [])
    last = summary.get("last_run")
    latest = None
    if isinstance(last, dict) and last.get("status") == "failed":
        latest = (
            f"the latest run ({last.get('at', '?')}) failed: {last.get('error')}; "
            "this is the previous complete report"
        )
    return status, reasons, latest


def _exact(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) >= 0.001 or value == 0 else f"{value:.3g}"
    if isinstance(value, list | tuple):
        return ", ".join(_exact(v) for v in value)
    return str(value)


def _card(
    root: Path, folder: Path, summary: Mapping[str, Any], mark_simulated: bool
) -> tuple[str, str | None]:
    """One card's HTML and the thumbnail file it uses (or None)."""
    e = html.escape
    data = folder.parent.name
    status, reasons, latest = _status_detail(summary)
    css = re.sub(r"[^a-z]+", "-", status.lower()).strip("-") or "unknown"
    title = _title(folder, summary)
    picture, thumb_name = "", None
    figure = main_figure(folder, summary)
    if figure is not None:
        made = thumbnail(figure, root / THUMBNAILS / data, folder.name)
        if made:
            thumb_name, width, height = made
            src = quote(f"{THUMBNAILS}/{data}/{thumb_name}")
            picture = (
                f'<img src="{e(src)}" width="{width}" height="{height}" '
                f'alt="{e("Chart: " + title)}">'
            )
    if not picture:
        picture = '<div class="nochart">no chart</div>'
    heading = f"<h3>{e(title)}</h3>"
    if (folder / "index.html").exists():
        top = (
            f'<a class="open" href="{e(quote(f"{data}/{folder.name}/index.html"))}">'
            f"{picture}{heading}</a>"
        )
    else:
        top = f'<div class="open">{picture}{heading}</div>'
    parts = [f'<article class="card {css}">', top, f'<p class="name"><code>{e(folder.name)}</code>']
    if mark_simulated and summary.get("simulated"):
        parts.append(' <span class="simtag">simulated data</span>')
    parts.append("</p>")
    parts.append(f'<p class="status"><span class="badge {css}">{e(status)}</span></p>')
    if reasons:
        kind = "error" if status == "failed" else "notes"
        parts.append(
            f'<ul class="{kind}">' + "".join(f"<li>{e(r)}</li>" for r in reasons) + "</ul>"
        )
    if latest:
        parts.append(f'<p class="latest">{e(latest)}</p>')
    headline = summary.get("headline") if isinstance(summary.get("headline"), dict) else {}
    sentence = headline_sentence(headline, summary.get("rule") or None)
    if sentence and status != "failed":
        parts.append(f'<p class="headline">{e(sentence)}</p>')
    if headline:
        rows = "".join(
            f"<tr><th>{e(str(k))}</th><td>{e(_exact(v))}</td></tr>" for k, v in headline.items()
        )
        parts.append(
            f'<details><summary>Headline numbers</summary><table class="numbers">{rows}'
            "</table></details>"
        )
    facts = []
    if summary.get("rule"):
        facts.append(f"rule {e(str(summary['rule']))}")
    if _number(summary.get("seconds")) is not None:
        facts.append(f"{summary['seconds']:.1f} s")
    if summary.get("data_fingerprint"):
        facts.append(f"data <code>{e(str(summary['data_fingerprint']))}</code>")
    if facts:
        parts.append(f'<p class="facts">{" · ".join(facts)}</p>')
    parts.append("</article>")
    return "".join(parts), thumb_name


def _css() -> str:
    path = Path(__file__).parent / "templates" / "index" / "index.css"
    try:
        return path.read_text(encoding="utf-8")
    except OSError:  # an incomplete installation: the page still reads, unstyled
        return ""


def index_page(
    root: Path, reports: Sequence[tuple[Path, Mapping[str, Any]]]
) -> tuple[str, set[str]]:
    """The index page for ``reports`` (report folder, summary) under ``root``.

    Returns the page and the set of thumbnail paths (relative to ``root``) it uses; the
    thumbnails are written as a side effect (only when new).
    """
    e = html.escape
    used: set[str] = set()
    sections = []
    datasets = sorted({folder.parent.name for folder, _ in reports})
    counts: dict[str, int] = {}
    for _, s in reports:
        status = str(s.get("status") or "unknown")
        counts[status] = counts.get(status, 0) + 1
    for data in datasets:
        group = [(f, s) for f, s in reports if f.parent.name == data]
        simulated = [bool(s.get("simulated")) for _, s in group]
        section = [f'<section class="dataset" id="data-{e(data)}"><h2>{e(data)}</h2>']
        where = sorted({str(s.get("data")) for _, s in group if s.get("data")})
        if where:
            section.append(f'<p class="where">Data: <code>{e(", ".join(where))}</code></p>')
        if all(simulated):
            section.append(
                '<p class="sim">SIMULATED DATA: these reports are made from the '
                "simulated demo dataset (fictional judges and cases).</p>"
            )
        elif any(simulated):
            section.append(
                '<p class="sim">SIMULATED DATA in the reports marked "simulated data" '
                "(fictional judges and cases).</p>"
            )
        cards = []
        for folder, summary in group:
            card, thumb = _card(root, folder, summary, mark_simulated=not all(simulated))
            cards.append(card)
            if thumb:
                used.add(f"{THUMBNAILS}/{data}/{thumb}")
        section.append(f'<div class="cards">{"".join(cards)}</div></section>')
        sections.append("".join(section))
    if reports:
        total = "; ".join(f"{n} {status}" for status, n in sorted(counts.items()))
        lead = f'<p class="lead">{len(reports)} reports: {e(total)}.</p>'
        if len(datasets) > 1:
            lead += (
                '<nav class="toc">'
                + " · ".join(f'<a href="#data-{e(d)}">{e(d)}</a>' for d in datasets)
                + "</nav>"
            )
        body = lead + "\n".join(sections)
    else:
        body = "<p>No reports yet: run <code>make report</code>.</p>"
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Reports</title>
<style>
{_css()}</style></head>
<body><h1>Reports on reversal patterns</h1>
{body}
</body></html>
"""
    return page, used
