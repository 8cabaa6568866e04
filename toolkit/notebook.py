"""What a report notebook calls: the :class:`Report` that shows and writes its outputs.

A report notebook stays thin: one ``parameters`` cell of plain literals, then::

    report = Report.start("circuits", globals())
    rates = toolkit.reversal_rates(report.data, by="circuit", rule=rule, min_n=min_n)
    report.table("rates_by_circuit", rates)
    report.figure("rates_by_circuit", toolkit.chart_rates(rates))
    report.md(describe_rates(rates, "circuit"))
    report.finish()

:class:`Report` takes the report parameters from the notebook's own variables (the names of
:data:`~toolkit.parameters.PARAMETERS`), loads and filters the data, shows a banner saying which
data (fingerprint), rule, filters and version produced the report (and that demo data are
simulated), writes every table to ``tables/*.csv`` and every chart to ``figures/*.png`` and
``*.svg``, and records headline numbers in ``summary.json``. Charts display interactively and
offline, in JupyterLab and in the HTML export alike.

The other jobs live in their own modules: the parameters in :mod:`toolkit.parameters`, the
prose in :mod:`toolkit.prose`, coverage and sampling periods in :mod:`toolkit.periods`, the data
fingerprint in :mod:`toolkit.sources` and :mod:`toolkit.store`. Their names are re-exported
here, so ``from toolkit.notebook import describe_rates`` keeps working.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from toolkit.errors import ToolkitError
from toolkit.parameters import PARAMETERS, check_parameters, notebook_parameters, prepare_data
from toolkit.periods import coverage, design_periods, has_sampling_weights, like_periods
from toolkit.prose import (
    describe_comparison,
    describe_judges,
    describe_model,
    describe_rates,
    describe_rule_sensitivity,
    describe_trend,
    format_marginal_effects,
    format_model,
    model_diagnostics,
)
from toolkit.sources import data_fingerprint

__all__ = [
    "PARAMETERS",
    "Report",
    "check_parameters",
    "coverage",
    "notebook_parameters",
    "data_fingerprint",
    "describe_comparison",
    "describe_judges",
    "describe_model",
    "describe_rates",
    "describe_rule_sensitivity",
    "describe_trend",
    "design_periods",
    "format_marginal_effects",
    "format_model",
    "has_sampling_weights",
    "like_periods",
    "model_diagnostics",
    "strict_json",
    "tool_versions",
]


def strict_json(value: Any) -> Any:
    """``value`` with every NaN or infinite number replaced by None (JSON ``null``), and numpy
    scalars made plain, so that ``json.dumps(..., allow_nan=False)`` succeeds.

    Examples
    --------
    >>> strict_json({"a": float("nan"), "b": [1.5, float("inf")]})
    {'a': None, 'b': [1.5, None]}
    """
    value = _jsonable(value)
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else None
    if isinstance(value, Mapping):
        return {str(k): strict_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [strict_json(v) for v in value]
    return value


_WARNING_SENTENCES = {
    "ConvergenceWarning": "A model's fitting iterations did not converge; the results concerned "
    "are flagged where they appear.",
    "PerfectSeparationWarning": "A model met separated data (a group whose outcomes are all the "
    "same); the results concerned are flagged where they appear.",
    "HessianInversionWarning": "A model's information matrix could not be inverted; its "
    "standard errors are not usable.",
    "RuntimeWarning": "A computation met an impossible value (such as a division by zero); "
    "numbers that could not be computed are shown as n/a or left blank.",
}


class Report:
    """The state of one report notebook: prepared data, outputs, headline numbers.

    Use :meth:`start`; then :meth:`table`, :meth:`figure`, :meth:`md`, :meth:`headline`, and
    :meth:`finish` at the end.
    """

    def __init__(self, name: str, params: dict[str, Any], data: Any, out: Path) -> None:
        self.name = name
        self.params = params
        self.data = data
        self.out = out
        self.tables: list[str] = []
        self.figures: list[str] = []
        self.numbers: dict[str, Any] = {}
        self.notes: list[str] = []
        self.status = "ok"
        self.started = time.perf_counter()
        self.fingerprint = data_fingerprint(params["data"], params["mapping"])

    @classmethod
    def start(
        cls, name: str, namespace: Mapping[str, Any] | None = None, /, **params: Any
    ) -> Report:
        """Check the parameters, load and filter the data, and show the banner.

        Parameters
        ----------
        name
            The report's name (its notebook's, e.g. ``"circuits"``).
        namespace
            The notebook's variables, ``globals()``: the report parameters
            (:data:`~toolkit.parameters.PARAMETERS`) are taken from it by name, so the
            ``parameters`` cell is not retyped. A name it lacks takes its default.
        **params
            Parameters given by name; they take precedence over ``namespace``. An unknown
            name is refused, naming the nearest valid one.

        Examples
        --------
        In a notebook, after the ``parameters`` cell::

            report = Report.start("circuits", globals())
        """
        from toolkit import paths

        if namespace is not None:
            if not isinstance(namespace, Mapping):
                raise ToolkitError(
                    f"Report.start({name!r}, ...): the second argument is the notebook's "
                    f"variables, globals(), not {type(namespace).__name__}; give other "
                    "parameters by name"
                )
            params = {**{k: namespace[k] for k in PARAMETERS if k in namespace}, **params}
        p = check_parameters(params)
        raw, data = prepare_data(p)
        # by hand (JupyterLab, papermill): a folder of its own, never the runner's
        slug = paths.report_folder(p["data"], p["mapping"])
        out = (
            Path(p["output_dir"])
            if p["output_dir"]
            else paths.reports_dir() / slug / f"{name}__by-hand"
        )
        out.mkdir(parents=True, exist_ok=True)
        report = cls(name, p, data, out)
        from toolkit.presentation import resend_libraries

        resend_libraries()  # a notebook run from the top may have cleared the first ones
        report.numbers["cases_loaded"] = len(raw.cases)
        report.numbers["cases_after_filters"] = len(data.cases)
        report.banner()
        report._capture_warnings()
        return report

    # -- notes -------------------------------------------------------------------------------

    def _capture_warnings(self) -> None:
        """Turn Python warnings into plain sentences in the Notes, never raw warning text."""
        import warnings

        def show(message: Any, category: type, *args: Any, **kwargs: Any) -> None:
            sentence = _WARNING_SENTENCES.get(
                category.__name__,
                f"A computation raised a warning ({category.__name__}); the numbers concerned "
                "may be unreliable.",
            )
            self.note(sentence)

        warnings.showwarning = show
        warnings.simplefilter("default")

    def note(self, text: str) -> None:
        """Add a sentence to the report's Notes (once); the status becomes "ok, with notes"."""
        if text and text not in self.notes:
            self.notes.append(text)
        if self.status == "ok":
            self.status = "ok, with notes"

    def notes_from(self, *results: Any) -> None:
        """Take the notes a result carries (a model's ``notes``, a table's ``attrs["notes"]``)."""
        for result in results:
            notes = getattr(result, "notes", None)
            if notes is None:
                notes = getattr(result, "attrs", {}).get("notes", [])
            for text in notes:
                self.note(text)

    # -- display -----------------------------------------------------------------------------

    def _display(self, bundle: dict[str, Any]) -> None:
        from IPython.display import display

        display(bundle, raw=True)

    def md(self, text: str) -> None:
        """Show Markdown (prose with numbers computed from the data)."""
        self._display({"text/markdown": text, "text/plain": text})

    def banner(self) -> None:
        """Which data, fingerprint, rule, filters and version made this report."""
        import toolkit

        meta = self.data.meta
        filters = {
            k: self.params[k]
            for k in ("circuits", "claim_types", "years")
            if self.params[k] is not None
        }
        lines = [
            f"**Data:** `{self.params['data']}` (source `{meta.get('source', '')}`), "
            f"fingerprint `{self.fingerprint}`; "
            f"{self.numbers['cases_after_filters']:,} of {self.numbers['cases_loaded']:,} cases "
            f"after filters {json.dumps(filters) if filters else '(none)'}.",
            f"**Reversal rule:** `{meta['rule']['name']}`: {meta['rule']['description']}.",
            f"**Made by** appellate toolkit {toolkit.__version__} on "
            f"{datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}.",
        ]
        if meta.get("simulated"):
            lines.insert(
                0,
                "> **SIMULATED DATA.** These cases and judges are fictional, drawn "
                "by `toolkit.simulate` with planted effects. Nothing here describes "
                "real courts or real judges.",
            )
        self.md("\n\n".join(lines))

    def table(
        self,
        name: str,
        frame: Any,
        caption: str | None = None,
        display: Any = None,
        hide: Sequence[str] = (),
    ) -> None:
        """Write ``tables/<name>.csv`` and show the table for reading.

        The CSV holds ``frame``'s tidy columns unchanged. The page shows labelled columns,
        rates as percentages, each interval as one column, constant columns (rule, interval
        method, model) in the caption and small-sample rows marked (see
        :func:`toolkit.presentation.readable_table`); above 25 rows the table is paged,
        sortable and searchable, with a link to the CSV.

        ``display``: a frame already formatted for reading (e.g. :func:`format_model`), shown
        instead of ``frame``; the CSV always holds ``frame``'s numbers. ``hide``: columns left
        off the page only (e.g. a per-court statistic shown once per court in its own table).
        """
        from toolkit.presentation import display_bundle

        folder = self.out / "tables"
        folder.mkdir(parents=True, exist_ok=True)
        spreadsheet_safe(frame).to_csv(folder / f"{name}.csv", index=False)
        self.tables.append(name)
        title = caption or name.replace("_", " ")
        shown = frame.drop(columns=[c for c in hide if c in frame.columns]) if hide else frame
        bundle = display_bundle(name, shown, title, display=display, csv=f"tables/{name}.csv")
        self._display(dict(bundle))

    def figure(self, name: str, chart: Any) -> None:
        """Write ``figures/<name>.png`` and ``.svg`` and show the chart, interactive offline."""
        from toolkit.charts import save_chart

        save_chart(chart, self.out / "figures" / name, formats=("png", "svg"))
        self.figures.append(name)
        spec = chart.to_dict()
        self._display(
            {
                "text/html": _embed(spec),
                "text/plain": f"[chart: {spec.get('description', name)}]",
            }
        )

    def headline(self, **numbers: Any) -> None:
        """Record headline numbers for ``summary.json``."""
        for key, value in numbers.items():
            self.numbers[key] = strict_json(value)

    def require(self, *needs: str) -> bool:
        """True when the data have what a section needs; else say so, and return False.

        ``needs`` are table names (``"votes"``, ``"judges"``) or ``"table.column"``
        (``"judges.party"``, ``"cases.claim_type"``).
        """
        missing = []
        for need in needs:
            table_name, _, column = need.partition(".")
            table = getattr(self.data, table_name, None)
            if table is None or (
                column and (column not in table.columns or table[column].isna().all())
            ):
                missing.append(need)
        if missing:
            self.skip(f"these data have no {', '.join(missing)}, which this section needs.")
            return False
        return True

    def skip(self, reason: str) -> None:
        """Say plainly why the rest of this report does not apply to these data."""
        self.status = "skipped"
        self.notes.append(reason)
        self.md(f"> **Skipped:** {reason}")

    def finish(self) -> dict[str, Any]:
        """Show the Notes, write ``summary.json`` (strict JSON) and return its content."""
        import toolkit

        if self.notes and self.status != "skipped":
            self.md("## Notes\n\n" + "\n".join(f"- {n}" for n in self.notes))

        meta = self.data.meta
        summary = {
            "report": self.name,
            "status": self.status,
            "parameters": self.params,
            "data": self.params["data"],
            "data_fingerprint": self.fingerprint,
            "source": meta.get("source"),
            "simulated": bool(meta.get("simulated", False)),
            "rule": meta["rule"]["name"],
            "package_version": toolkit.__version__,
            "versions": tool_versions(),
            "headline": self.numbers,
            "tables": self.tables,
            "figures": self.figures,
            "notes": self.notes,
            "seconds_in_notebook": round(time.perf_counter() - self.started, 2),
        }
        summary = strict_json(summary)
        text = json.dumps(summary, indent=2, default=str, allow_nan=False)
        (self.out / "summary.json").write_text(text + "\n")
        return summary


def tool_versions() -> dict[str, str | None]:
    """Versions of the toolkit and of the libraries that make a report (for summary.json).

    Examples
    --------
    >>> sorted(tool_versions())
    ['altair', 'pandas', 'papermill', 'statsmodels', 'toolkit']
    """
    from importlib import metadata

    import toolkit

    found: dict[str, str | None] = {"toolkit": toolkit.__version__}
    for name in ("pandas", "statsmodels", "altair", "papermill"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""Text cells starting with these are formulas to a spreadsheet: CSV tables quote them."""


def spreadsheet_safe(frame: Any) -> Any:
    """A copy of ``frame`` whose text cells and headers cannot run as spreadsheet formulas.

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
    apostrophe (the usual defence against CSV injection: ``=HYPERLINK(...)`` in a judge id
    shows as text). Numbers are left alone, so ``-0.5`` stays a number.

    Examples
    --------
    >>> import pandas as pd
    >>> spreadsheet_safe(pd.DataFrame({"judge": ["=cmd|' /C calc'!A0", "Smith"], "d": [-1, 2]}))
                     judge  d
    0  '=cmd|' /C calc'!A0 -1
    1                Smith  2
    """
    import pandas as pd

    def safe(value: Any) -> Any:
        if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
            return "'" + value
        return value

    out = frame.copy()
    for col in out.columns:
        if not (pd.api.types.is_numeric_dtype(out[col]) or pd.api.types.is_bool_dtype(out[col])):
            if isinstance(out[col].dtype, pd.CategoricalDtype):
                out[col] = out[col].astype("object")
            out[col] = out[col].map(safe)
    if not isinstance(out.columns, pd.MultiIndex):
        out.columns = [safe(c) for c in out.columns]
    return out


def _jsonable(value: Any) -> Any:
    try:
        import numpy as np

        if isinstance(value, np.generic):
            return value.item()
    except ImportError:  # pragma: no cover
        pass
    return value


_NO_LIBRARY = (
    "[The chart library came with an output that is no longer on this page. Run the "
    "Report.start cell again (or restart the kernel), then this cell.]"
)


def _embed(spec: dict[str, Any]) -> str:
    """HTML that draws a Vega-Lite spec with vega-embed; the library comes once per kernel.

    A chart marked full width (``usermeta: {"appellate": {"full_width": true}}``) fills the
    page's width in the browser; its PNG and SVG copies keep the chart's own width.
    """
    from toolkit.presentation import library_html

    div = f"chart-{uuid.uuid4().hex[:12]}"
    style = ""
    if (spec.get("usermeta") or {}).get("appellate", {}).get("full_width"):
        spec = {**spec, "width": "container", "autosize": {"type": "fit-x", "contains": "padding"}}
        style = ' style="width:100%"'
    payload = json.dumps(spec).replace("</", "<\\/")
    # Without the library (its output cleared in JupyterLab), the chart says how to get it back.
    return (
        f'{library_html("vega")}<div class="appellate-chart" id="{div}"{style}></div>'
        '<script type="text/javascript">if (typeof vegaEmbed === "function") {'
        f'vegaEmbed("#{div}", {payload}, {{"actions": false}}).catch(console.error);'
        f'}} else {{document.getElementById("{div}").textContent = "{_NO_LIBRARY}";}}</script>'
    )
