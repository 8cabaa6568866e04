"""Result tables as people read them, and the shared files that keep report pages light.

A report's CSV files keep the tidy columns (``n``, ``rate``, ``ci_low``, ...), because tests and
users read them. On the page, :func:`readable_table` turns the same frame into a table for
reading: labelled columns (:data:`COLUMN_LABELS`: the labels declared in :mod:`toolkit.results`,
plus those of grouping columns and undeclared tables), rates as
percentages, each interval as one column named after the level actually used, columns that are
the same on every row (the rule, the interval method, the model) lifted into the caption, and
rows resting on too few cases marked in words. :func:`table_html` draws it: a plain table up to
:data:`LONG_TABLE` rows, above that an interactive table (sortable, searchable, paged; the
DataTables bundle of ``itables``, offline) with a link to the full CSV.

Report pages share their JavaScript: the first chart or long table of a notebook carries its
library once, inside ``<script data-appellate-static="NAME">``, so the notebook works alone in
JupyterLab; :func:`share_static` moves each such library out of a page into a ``_static``
folder beside the reports (written once, named by its content) and leaves a ``<script src>``
in its place, so every page still works from ``file://`` with no network.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from toolkit.prose import _missing as _is_missing
from toolkit.prose import _p as _p_value
from toolkit.prose import _pct
from toolkit.results import RESULTS, column_labels, level_text

__all__ = [
    "COLUMN_LABELS",
    "LONG_TABLE",
    "describe_extremes",
    "readable_table",
    "resend_libraries",
    "share_static",
    "table_html",
]

LONG_TABLE = 25
"""Tables with more rows are shown paged, sortable and searchable, with a link to the CSV."""

_PAGE_LABELS: dict[str, str] = {
    # grouping columns, which follow ``by=`` and no result table declares
    "circuit": "Circuit",
    "court": "Court",
    "claim_type": "Claim type",
    "lower_court": "Lower court",
    "judge_id": "Judge",
    "name": "Name",
    "party": "Party",
    "year": "Year",
    "composition": "Panel composition",
    "outcome": "Outcome",
    "source": "Source",
    "term": "Term",
    # columns of tables not declared (durations, coverage)
    "n_cases": "Cases",
    "n_judges": "Judges",
    "n_pending": "Pending",
    "n_decided": "Decided",
    "q25": "First quartile",
    "q75": "Third quartile",
    "median": "Median",
    "level": "Level",
    "decided_by": "Rule that decided",  # the disposition coder's rule, not a reversal rule
    # a column two declared tables label differently: one label on a page
    "estimate": "Estimate",
    "n_effective": "Effective cases",
}

COLUMN_LABELS: dict[str, str] = {**column_labels(), **_PAGE_LABELS}
"""Column name in the tidy tables -> its label on a report page (the CSV keeps the names)."""

_DECLARED_POINTS = {
    c.name for t in RESULTS.values() for c in t.columns if c.percent and not c.bound_of
}

POINTS = {c for c in _DECLARED_POINTS if c.startswith("diff_")}
"""Columns that are differences of proportions: shown in percentage points."""

PERCENT = (_DECLARED_POINTS - POINTS) | {
    # proportions of tables not declared, or declared as plain numbers in the CSV
    "share",
    "disagreement",
    "precision",
    "recall",
    "percent_agreement",
}
"""Columns that are proportions: shown as percentages (from the result-table declarations)."""

INTERVALS = {
    ("ci_low", "ci_high"): "interval",
    ("fitted_low", "fitted_high"): "band",
}
"""Pairs of bound columns shown as one column, named after the level (``95% interval``)."""

LIFTED = (
    "rule",
    "ci_method",
    "method",
    "correction",
    "level",
    "weighted",
    "test",
    "between_judge_sd",
    "judge_sd",
    "variation_p_value",
    "fit",
)
"""Columns lifted into the caption when they hold one value on every row."""

_P_VALUES = {"p_value", "p_adjusted"}


def _label(column: str) -> str:
    if column in COLUMN_LABELS:
        return COLUMN_LABELS[column]
    if any(ch.isdigit() for ch in str(column)) or str(column) in ("cadc", "cafc", "scotus"):
        return str(column)  # a court's code (a coverage column) reads as it is
    text = str(column).replace("_", " ")
    return text[:1].upper() + text[1:]


def _percent(value: Any) -> str:
    return _pct(value, missing="")


def _points(value: Any) -> str:
    return "" if _is_missing(value) else f"{100 * float(value):+.1f} pts"


def _p(value: Any) -> str:
    return _p_value(value, missing="")


def readable_table(
    frame: Any, level: float | None = None, min_n: int | None = None
) -> tuple[Any, list[str], Any]:
    """A frame for reading, the caption's lifted facts, and which rows rest on too few cases.

    Parameters
    ----------
    frame
        A tidy result table (the CSV's columns).
    level
        Confidence level of its intervals; default ``frame.attrs["level"]``, else a ``level``
        column, else 0.95 (the toolkit's default).
    min_n
        The minimum number of cases, to say why a row is marked; default
        ``frame.attrs["min_n"]`` when present.

    Returns
    -------
    shown : DataFrame
        Labelled columns of text; rates as percentages, intervals as one column.
    lifted : list of str
        ``"Reversal rule: disturbed"``-style facts that hold on every row.
    small : Series of bool
        True for the rows marked as resting on too few cases.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"circuit": ["ca1", "ca2"], "n": [1249, 12], "n_reversed": [300, 3],
    ...                   "rate": [0.2402, 0.25], "ci_low": [0.2169, 0.0889],
    ...                   "ci_high": [0.2651, 0.5324], "small_n": [False, True],
    ...                   "rule": ["disturbed", "disturbed"], "ci_method": ["wilson", "wilson"]})
    >>> shown, lifted, small = readable_table(t, min_n=30)
    >>> list(shown.columns)
    ['Circuit', 'Cases', 'Reversed', 'Reversal rate', '95% interval', 'Note']
    >>> shown.iloc[0].tolist()
    ['ca1', '1,249', '300', '24.0%', '21.7% to 26.5%', '']
    >>> shown.iloc[1, -1], lifted
    ('fewer than 30 cases', ['Reversal rule: disturbed', 'Interval method: wilson'])
    """
    import pandas as pd

    attrs = getattr(frame, "attrs", {}) or {}
    if level is None:
        level = attrs.get("level")
    if (
        level is None
        and "level" in frame.columns
        and pd.api.types.is_numeric_dtype(frame["level"])
        and frame["level"].nunique() == 1
    ):
        level = float(frame["level"].iloc[0])
    level = 0.95 if level is None else float(level)
    if min_n is None:
        min_n = attrs.get("min_n")
    source = frame.reset_index(drop=True)
    lifted: list[str] = []
    if isinstance(source.columns, pd.MultiIndex):
        source.columns = [" ".join(map(str, c)).strip() for c in source.columns]
    keep = []
    for col in source.columns:
        values = source[col]
        if col in LIFTED and len(source) and values.astype("str").nunique(dropna=False) == 1:
            value = values.iloc[0]
            if not _is_missing(value):
                if col == "level" and isinstance(value, int | float):
                    shown_value = level_text(float(value))
                elif col in _P_VALUES or col.endswith("p_value"):
                    shown_value = _p(value)
                elif isinstance(value, float):
                    shown_value = _number(value)
                else:
                    shown_value = str(value)
                lifted.append(f"{_label(col)}: {shown_value}")
            continue
        keep.append(col)
    small = (
        source["small_n"].fillna(False).astype(bool)
        if "small_n" in source.columns
        else pd.Series(False, index=source.index)
    )
    out: dict[str, Any] = {}
    bounds = _interval_columns(source.columns)
    if (
        "n_effective" in keep
        and "n" in keep
        and (source["n_effective"].round(6) == source["n"]).all()
    ):
        keep.remove("n_effective")  # unweighted: the effective number is the number
    for col in keep:
        if col == "small_n":
            continue
        values = source[col]
        if col in bounds:
            low, high, header, of = bounds[col]
            if col == high:
                continue  # drawn with its lower bound
            if of in POINTS or of.startswith("diff_"):
                base = _points
            elif of in PERCENT or (low == "ci_low" and _bounds_are_rates(source, low, high)):
                base = _percent
            else:
                base = _number  # e.g. an effect in log-odds
            out[header.format(level=level_text(level))] = [
                "" if _is_missing(lo) and _is_missing(hi) else f"{base(lo)} to {base(hi)}"
                for lo, hi in zip(source[low], source[high], strict=True)
            ]
            continue
        label = _label(col)
        if col in PERCENT or col.startswith("rate_"):
            out[label] = values.map(_percent)
        elif col in POINTS or col.startswith("diff_"):
            out[label] = values.map(_points)
        elif col in _P_VALUES or col.endswith("p_value"):
            out[label] = values.map(_p)
        elif pd.api.types.is_bool_dtype(values):
            out[label] = values.map(lambda v: "" if _is_missing(v) else ("yes" if v else "no"))
        elif col == "year" or col.endswith("_year"):
            out[label] = values.map(_year)
        elif pd.api.types.is_numeric_dtype(values):
            out[label] = values.map(_number)
        else:
            out[label] = values.map(lambda v: "" if _is_missing(v) else str(v))
    if small.any():
        why = f"fewer than {min_n} cases" if min_n is not None else "too few cases"
        out["Note"] = [why if s else "" for s in small]
    shown = pd.DataFrame(out, index=source.index)
    return shown, lifted, small


def _interval_columns(columns: Sequence[str]) -> dict[str, tuple[str, str, str, str]]:
    """Bound column -> (low, high, header, estimate it belongs to), for every pair present."""
    found: dict[str, tuple[str, str, str, str]] = {}
    names = set(columns)
    for (low, high), kind in INTERVALS.items():
        if low in names and high in names:
            of = "fitted" if low.startswith("fitted") else "rate"
            found[low] = found[high] = (low, high, f"{{level}} {kind}", of)
    for col in columns:
        if col.endswith("_low") and col not in found:
            stem = col[: -len("_low")]
            high = f"{stem}_high"
            if high in names:
                header = f"{_label(stem)}, {{level}} interval"
                found[col] = found[high] = (col, high, header, stem)
    return found


def _bounds_are_rates(frame: Any, low: str, high: str) -> bool:
    """Interval bounds are proportions when the table's point estimate is one."""
    return any(c in frame.columns for c in PERCENT) or low.startswith("fitted")


def _year(value: Any) -> str:
    if _is_missing(value):
        return ""
    try:
        return str(int(float(value)))
    except (TypeError, ValueError):
        return str(value)


def _number(value: Any) -> str:
    if _is_missing(value):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    number = float(value)
    if number.is_integer() and abs(number) < 1e15:
        return f"{int(number):,}"
    if abs(number) < 1:
        return f"{number:,.3g}"
    return f"{number:,.2f}".rstrip("0").rstrip(".")


_TABLE_CSS = (
    "border-collapse:collapse;font-size:13px;margin:4px 0 2px 0;font-variant-numeric:tabular-nums"
)
_CELL = "padding:3px 10px;border-bottom:1px solid #e3e3e3;text-align:{align}"
_SMALL_ROW = "background:#fff3cd"


def table_html(
    shown: Any,
    caption: str,
    lifted: Sequence[str] = (),
    small: Any = None,
    csv: str | None = None,
    long_after: int = LONG_TABLE,
) -> str:
    """HTML of a readable table: plain when short, interactive (paged) when long.

    Parameters
    ----------
    shown
        A frame of text (from :func:`readable_table`, or formatted by the caller).
    caption
        The table's title.
    lifted
        Facts that hold on every row, said once under the title.
    small
        Rows to mark as resting on too few cases.
    csv
        Relative link to the full table as CSV.
    long_after
        Above this many rows the table is paged, sortable and searchable.

    Examples
    --------
    >>> import pandas as pd
    >>> page = table_html(pd.DataFrame({"Judge": ["J1"], "Cases": ["12"]}), "Judges")
    >>> "<table" in page and "Judges" in page and "DataTable" not in page
    True
    """
    import uuid

    rows = len(shown)
    parts = [f'<div class="appellate-table" data-rows="{rows}">']
    title = f"<b>{html.escape(caption)}</b>"
    if lifted:
        title += f' <span style="color:#555">({html.escape("; ".join(lifted))})</span>'
    parts.append(f'<p class="appellate-caption" style="margin:14px 0 2px 0">{title}</p>')
    marked = int(small.sum()) if small is not None else 0
    if rows > long_after:
        from itables import to_html_datatable

        table_id = f"table-{uuid.uuid4().hex[:10]}"
        parts.append(library_html("itables"))
        parts.append(
            to_html_datatable(
                shown,
                connected=False,
                table_id=table_id,
                display_logo_when_loading=False,
                pageLength=10,
                lengthMenu=[10, 25, 50, 100],
                classes=["display", "compact", "appellate-long"],
                showIndex=False,
                maxBytes=0,
                warn_on_undocumented_option=False,
            )
        )
    else:
        parts.append(_plain_table(shown, small))
    links = []
    if rows > long_after:
        links.append(f"{rows:,} rows: sort by a column, search, or page through them")
    if marked:
        links.append(
            f'<span style="{_SMALL_ROW};padding:0 4px">{marked:,} marked</span> rows '
            "rest on too few cases to read"
        )
    if csv:
        links.append(f'<a href="{html.escape(csv)}">the full table as CSV</a>')
    if links:
        parts.append(
            '<p class="appellate-table-links" style="font-size:12px;color:#555;margin:2px 0">'
            + "; ".join(links)
            + ".</p>"
        )
    parts.append("</div>")
    return "".join(parts)


def _plain_table(shown: Any, small: Any) -> str:
    import pandas as pd

    numeric = [bool(len(shown)) and shown[c].map(_looks_numeric).all() for c in shown.columns]
    head = "".join(
        f'<th style="{_CELL.format(align="right" if num else "left")};'
        f'border-bottom:2px solid #999">{html.escape(str(c))}</th>'
        for c, num in zip(shown.columns, numeric, strict=True)
    )
    body = []
    flags = list(small) if small is not None else [False] * len(shown)
    for flag, (_, row) in zip(flags, shown.iterrows(), strict=True):
        cells = "".join(
            f'<td style="{_CELL.format(align="right" if num else "left")}">'
            f"{html.escape('' if pd.isna(v) else str(v))}</td>"
            for v, num in zip(row, numeric, strict=True)
        )
        style = f' class="small-n" style="{_SMALL_ROW}"' if flag else ""
        body.append(f"<tr{style}>{cells}</tr>")
    return (
        '<div style="overflow-x:auto">'
        f'<table class="appellate-plain" style="{_TABLE_CSS}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


_NUMERIC = re.compile(r"^[<>+\-]?[\d,]*\.?\d+(%| pts)?( to [<>+\-]?[\d,]*\.?\d+(%| pts)?)?$")


def _looks_numeric(value: Any) -> bool:
    return isinstance(value, str) and (value == "" or bool(_NUMERIC.match(value)))


# ---------------------------------------------------------------- shared libraries

_SENT: set[str] = set()


def resend_libraries() -> None:
    """Send each library again with the next output that needs it.

    A notebook page holds a library only while the output that carried it is shown: after
    "Clear All Outputs" or a reload, the next chart has to bring it again.
    """
    _SENT.clear()


def _vega_source() -> str:
    """vl-convert's bundle of Vega, Vega-Lite and vega-embed, kept in the user's cache.

    Bundling takes 2 to 4 seconds, so each version of vl-convert bundles once; the cached copy
    is named by its content's hash and checked against it on every read (a damaged copy is
    bundled again and replaced).
    """
    import vl_convert

    version = getattr(vl_convert, "__version__", "unknown")
    folder = _cache_dir()
    for path in sorted(folder.glob(f"vega-{version}-*.js")) if folder else []:
        with contextlib.suppress(OSError, UnicodeDecodeError):
            text = path.read_text(encoding="utf-8")
            if path.stem.rsplit("-", 1)[-1] == _digest(text):
                return text
            path.unlink()
    text = vl_convert.javascript_bundle()
    if folder is not None:
        from toolkit.store import write_atomic

        with contextlib.suppress(OSError):  # a read-only home: bundle again next time
            folder.mkdir(parents=True, exist_ok=True)
            write_atomic(folder / f"vega-{version}-{_digest(text)}.js", text)
    return text


def _cache_dir() -> Path | None:
    """The toolkit's folder in the user's cache (``$XDG_CACHE_HOME``, else ``~/.cache``)."""
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:  # no home folder known
            return None
    return Path(base) / "appellate-toolkit"


def _itables_source() -> str:
    """The DataTables bundle of ``itables`` as a classic script (loadable from ``file://``).

    itables' offline mode inlines the bundle in base64 and imports it as a module from a
    ``blob:`` URL; a module file could not be imported from ``file://`` (browsers refuse it),
    but a classic script doing the same can be.
    """
    from itables.javascript import generate_init_offline_itables_html
    from itables.options import dt_bundle

    init = generate_init_offline_itables_html(dt_bundle)
    scripts = re.findall(r"<script>(.*?)</script>", init, flags=re.S)
    if not scripts:  # pragma: no cover - a change in itables' offline template
        raise RuntimeError("itables' offline initialisation script was not found")
    return "\n".join(scripts)


_LIBRARIES = {"vega": _vega_source, "itables": _itables_source}


def library_html(name: str) -> str:
    """The ``<script>`` carrying a library, the first time a kernel asks for it; else ``""``.

    The script is marked ``data-appellate-static`` with a name that includes its version
    (its content's hash), so :func:`share_static` can move it to a shared file.
    """
    if name in _SENT:
        return ""
    safe = _LIBRARIES[name]().replace("</script", "<\\/script")
    digest = _digest(safe)  # of the text the shared file will hold
    _SENT.add(name)
    return (
        f'<script type="text/javascript" data-appellate-static="{name}-{digest}.js">{safe}</script>'
    )


_MARKED = re.compile(
    r'<script\b[^>]*?\bdata-appellate-static="([A-Za-z0-9_.-]+\.js)"[^>]*>(.*?)</script>',
    flags=re.S,
)
_CSS_REGION = re.compile(
    r"<!-- appellate-static-css ([A-Za-z0-9_-]+) -->(.*?)<!-- /appellate-static-css -->",
    flags=re.S,
)
_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style>", flags=re.S)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def _write_once(static_dir: Path, name: str, text: str) -> None:
    from toolkit.store import write_atomic

    target = static_dir / name
    if not target.exists() or _digest(target.read_text(encoding="utf-8", errors="replace")) != (
        _digest(text)
    ):
        static_dir.mkdir(parents=True, exist_ok=True)
        write_atomic(target, text)


_SHARED_REF = re.compile(
    r'(?:src|href)="\.\./_static/([A-Za-z0-9_.-]+-([0-9a-f]{12})\.(?:js|css))"'
)


def broken_static(page: Path) -> list[str]:
    """The shared files a report page links to that are missing or altered (empty: all intact).

    Every shared file is named by its content (``vega-<12 hex of its sha256>.js``), so a file
    whose content no longer matches its name is reported like a missing one.
    """
    try:
        text = page.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return [str(page)]
    broken = []
    for name, digest in sorted(set(_SHARED_REF.findall(text))):
        target = page.parent.parent / "_static" / name
        try:
            ok = _digest(target.read_text(encoding="utf-8")) == digest
        except (OSError, UnicodeDecodeError):
            ok = False
        if not ok:
            broken.append(name)
    return broken


def share_static(page: str, static_dir: Path, href: str) -> str:
    """Move every marked library out of ``page`` into ``static_dir``; return the lighter page.

    Scripts marked ``data-appellate-static="NAME.js"`` become ``<script src>``; the style
    sheets between ``<!-- appellate-static-css NAME -->`` and ``<!-- /appellate-static-css
    -->`` (the page template's) become one ``<link rel="stylesheet">`` to ``NAME-<hash>.css``.
    Each file is written once (named by its content, through a temporary name, so parallel
    report builds never see half a file).

    Parameters
    ----------
    page
        The HTML of a report page.
    static_dir
        The shared folder (created when needed).
    href
        The folder's address relative to the page, e.g. ``"../_static"``.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> page = ('<head><!-- appellate-static-css lab --><style>p {}</style>'
    ...         '<!-- /appellate-static-css --></head><script type="text/javascript" '
    ...         'data-appellate-static="vega-1.js">var v;</script>')
    >>> share_static(page, folder / "_static", "../_static")
    '<head><link rel="stylesheet" href="../_static/lab-48d24394dd48.css"></head><script type="text/javascript" src="../_static/vega-1.js"></script>'
    >>> sorted(p.name for p in (folder / "_static").iterdir())
    ['lab-48d24394dd48.css', 'vega-1.js']
    """  # noqa: E501

    def move_script(match: re.Match[str]) -> str:
        name, source = match.group(1), match.group(2)
        _write_once(static_dir, name, source)
        return f'<script type="text/javascript" src="{html.escape(href)}/{name}"></script>'

    def move_css(match: re.Match[str]) -> str:
        css = "\n".join(part.strip() for part in _STYLE.findall(match.group(2)))
        name = f"{match.group(1)}-{_digest(css)}.css"
        _write_once(static_dir, name, css)
        return f'<link rel="stylesheet" href="{html.escape(href)}/{name}">'

    return _MARKED.sub(move_script, _CSS_REGION.sub(move_css, page))


# ---------------------------------------------------------------- the rows that matter


def describe_extremes(
    frame: Any,
    label: str | Sequence[str],
    value: str,
    reference: float | None = None,
    k: int = 3,
    what: str = "the overall rate",
    exclude_small: bool = True,
) -> str:
    """The rows furthest above and below a reference, in one or two sentences.

    Parameters
    ----------
    frame
        A tidy table with ``label``, ``value`` and, for the default reference, ``n`` and
        ``n_reversed``.
    label
        The column(s) naming a row (``"judge_id"``, or ``["circuit", "claim_type"]``).
    value
        The column compared (``"estimate"``, ``"rate"``).
    reference
        What "above" and "below" are measured from; default the pooled rate
        (``n_reversed`` summed over ``n`` summed).
    k
        How many rows on each side.
    what
        What the reference is, for the sentence (``"the court's rate"``).
    exclude_small
        Leave out rows marked ``small_n``.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"judge_id": ["A", "B", "C", "D"], "n": [40, 40, 40, 40],
    ...                   "n_reversed": [4, 8, 12, 16], "estimate": [0.12, 0.2, 0.28, 0.36]})
    >>> describe_extremes(t, "judge_id", "estimate", k=1)
    'Furthest above the overall rate (25.0%): D (36.0%, n = 40). Furthest below: A (12.0%, n = 40).'
    """
    rows = frame
    left_out = 0
    if exclude_small and "small_n" in rows.columns:
        small = rows["small_n"].fillna(False).astype(bool)
        rows, left_out = rows[~small], int(small.sum())
    rows = rows[rows[value].notna()]
    if reference is None:
        total = float(frame["n"].sum()) if "n" in frame.columns else 0.0
        reference = float(frame["n_reversed"].sum()) / total if total else float("nan")
    if rows.empty or reference != reference:
        return ""
    labels = [label] if isinstance(label, str) else list(label)
    gap = rows[value] - reference
    above = rows[gap > 0].assign(_gap=gap[gap > 0]).sort_values("_gap", ascending=False).head(k)
    below = rows[gap < 0].assign(_gap=gap[gap < 0]).sort_values("_gap").head(k)

    def say(part: Any) -> str:
        items = []
        for _, r in part.iterrows():
            name = " / ".join(str(r[c]) for c in labels)
            n = f", n = {int(r['n']):,}" if "n" in part.columns else ""
            items.append(f"{name} ({_percent(r[value])}{n})")
        return "; ".join(items)

    ref = f"{what} ({_percent(reference)})"
    text = []
    if len(above):
        text.append(f"Furthest above {ref}: {say(above)}.")
    if len(below):
        lead = "Furthest below" if len(above) else f"Furthest below {ref}"
        text.append(f"{lead}: {say(below)}.")
    if not text:
        text.append(f"Every row sits at {ref}.")
    if left_out:
        text.append(f"(Left out: {left_out:,} with fewer cases than the minimum.)")
    return " ".join(text)


def lifted_caption(caption: str, lifted: Sequence[str]) -> str:
    """The caption with the lifted facts, as plain text (for the text/plain view)."""
    return f"{caption} ({'; '.join(lifted)})" if lifted else caption


def display_bundle(
    name: str, frame: Any, caption: str, display: Any = None, csv: str | None = None
) -> Mapping[str, str]:
    """The ``text/html`` and ``text/plain`` of a result table, as :meth:`Report.table` shows it.

    ``display``: a frame already formatted for reading, shown instead of ``frame`` (its
    columns are kept as they are).
    """
    if display is not None:
        shown = display.astype("str").where(display.notna(), "")
        lifted: list[str] = []
        small = None
    else:
        shown, lifted, small = readable_table(frame)
    return {
        "text/html": table_html(shown, caption, lifted, small, csv=csv),
        "text/plain": lifted_caption(caption, lifted) + "\n" + shown.to_string(index=False),
    }
