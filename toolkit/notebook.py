"""What a report notebook calls: parameters, the prepared data, and its outputs.

A report notebook stays thin: one ``parameters`` cell of plain literals, then::

    report = Report.start("circuits", data=data, mapping=mapping, rule=rule, ...)
    rates = toolkit.reversal_rates(report.data, by="circuit", rule=rule, min_n=min_n)
    report.table("rates_by_circuit", rates)
    report.figure("rates_by_circuit", toolkit.chart_rates(rates))
    report.md(describe_rates(rates, "circuit"))
    report.finish()

:class:`Report` loads and filters the data, shows a banner saying which data (fingerprint),
rule, filters and version produced the report (and that demo data are simulated), writes every
table to ``tables/*.csv`` and every chart to ``figures/*.png`` and ``*.svg``, and records headline
numbers in ``summary.json``. Charts display interactively and offline, in JupyterLab and in the
HTML export alike. The ``describe_*`` functions turn results into sentences, so the numbers in the
prose always come from the data.
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

PARAMETERS: dict[str, Any] = {
    "data": "demo",
    "mapping": None,
    "rule": "disturbed",
    "circuits": None,
    "claim_types": None,
    "years": None,
    "min_n": 30,
    "anonymize_judges": False,
    "output_dir": None,
}
"""The parameters every report notebook takes, with their defaults."""


def check_parameters(
    params: Mapping[str, Any], allowed: Sequence[str] | None = None
) -> dict[str, Any]:
    """Validate report parameters at once; raise one error listing every problem.

    A key the notebook does not take is refused, naming the nearest valid key (a parameter
    such as ``weighted: true`` that no cell reads would otherwise be accepted without effect).
    Returns the parameters with defaults filled in and values normalised (a single circuit
    becomes a one-element list).

    Parameters
    ----------
    params
        Parameter name -> value.
    allowed
        The notebook's own parameter names (see :func:`notebook_parameters`); default the
        common :data:`PARAMETERS`.

    Examples
    --------
    >>> check_parameters({"circuits": "ca9"})["circuits"]
    ['ca9']
    >>> check_parameters({"rule": "strict", "circuits": ["ca14"]})
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: bad report parameters:
      - rule: unknown reversal rule 'strict'; expected one of reversed, disturbed, appellant_win or a mapping from outcome to 1, 0 or None
      - circuits: unknown circuit(s) ca14; expected among ca1, ca2, ca3, ca4, ca5, ca6, ca7, ca8, ca9, ca10, ca11, cadc, cafc
    """  # noqa: E501
    from toolkit.outcomes import get_rule
    from toolkit.schema import CIRCUITS
    from toolkit.sources import SOURCES

    p = {**PARAMETERS, **dict(params)}
    problems = []
    valid = list(dict.fromkeys([*(allowed if allowed is not None else PARAMETERS)]))
    for key in params:
        if key not in valid and key not in PARAMETERS:
            problems.append(f"{key}: not a parameter of this report{_nearest(key, valid)}")
    try:
        get_rule(p["rule"])
    except ToolkitError as exc:
        problems.append(f"rule: {exc}")
    for key in ("circuits", "claim_types"):
        value = p[key]
        if isinstance(value, str):
            p[key] = value = [value]
        if value is not None and not isinstance(value, list | tuple):
            problems.append(f"{key}: expected a list or None, not {value!r}")
    if p["circuits"]:
        unknown = [c for c in p["circuits"] if c not in CIRCUITS]
        if unknown:
            problems.append(
                f"circuits: unknown circuit(s) {', '.join(map(str, unknown))}; "
                f"expected among {', '.join(CIRCUITS)}"
            )
    years = p["years"]
    if years is not None:
        ok = (
            isinstance(years, list | tuple)
            and len(years) == 2
            and all(isinstance(y, int) for y in years)
            and years[0] <= years[1]
        )
        if not ok:
            problems.append(f"years: expected [first, last] with first <= last, not {years!r}")
    if not isinstance(p["min_n"], int) or isinstance(p["min_n"], bool) or p["min_n"] < 0:
        problems.append(f"min_n: expected a whole number >= 0, not {p['min_n']!r}")
    if not isinstance(p["anonymize_judges"], bool):
        problems.append(f"anonymize_judges: expected true or false, not {p['anonymize_judges']!r}")
    data = p["data"]
    if not isinstance(data, str) or not data:
        problems.append(f"data: expected a source name or a path, not {data!r}")
    elif data not in SOURCES and not Path(data).exists():
        problems.append(
            f"data: {data!r} is neither a known source ({', '.join(SOURCES)}) nor an existing file"
        )
    if p["mapping"] is not None and not Path(p["mapping"]).exists():
        problems.append(f"mapping: file not found: {p['mapping']}")
    if problems:
        raise ToolkitError("bad report parameters:\n  - " + "\n  - ".join(problems))
    return p


def _nearest(key: str, valid: Sequence[str]) -> str:
    from toolkit.mapping import nearest

    close = nearest(key, valid, cutoff=0.5)
    hint = f"; did you mean {close!r}?" if close else ""
    return f"{hint} (valid: {', '.join(valid)})"


def notebook_parameters(notebook: str | Path) -> dict[str, Any]:
    """The parameters a notebook takes: the names and defaults of its ``parameters`` cell.

    Examples
    --------
    >>> from toolkit import paths
    >>> names = notebook_parameters(paths.home() / "notebooks" / "circuits.ipynb")
    >>> names["rule"], "weighted" in names
    ('disturbed', True)
    """
    import ast

    path = Path(notebook)
    try:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError) as exc:
        raise ToolkitError(f"cannot read the notebook {path}: {exc}") from None
    for cell in cells:
        if "parameters" in (cell.get("metadata") or {}).get("tags", []):
            source = "".join(cell.get("source") or [])
            found: dict[str, Any] = {}
            try:
                body = ast.parse(source).body
            except SyntaxError as exc:
                raise ToolkitError(
                    f"{path}: the parameters cell is not valid Python: {exc}"
                ) from None
            for node in body:
                target = (
                    getattr(node, "target", None) or (getattr(node, "targets", None) or [None])[0]
                )
                value = getattr(node, "value", None)
                if isinstance(target, ast.Name):
                    try:
                        found[target.id] = ast.literal_eval(value) if value is not None else None
                    except (ValueError, TypeError, SyntaxError):
                        found[target.id] = None
            return found
    raise ToolkitError(f"{path}: no cell tagged 'parameters'")


def data_fingerprint(data: str, mapping: str | None = None) -> str:
    """A short fingerprint of the files behind a dataset, without loading it.

    A source name covers the source's files (the demo folder, or the fetched raw files); a
    path covers the file, its mapping, and the files a mapping names.
    """
    from toolkit.sources import SOURCES, source_files
    from toolkit.store import fingerprint

    files: list[Path] = []
    if data in SOURCES:  # the data files only, as `appellate datasets` fingerprints them
        files = source_files(data)
    else:
        files = [Path(data)]
        for m in (mapping, data):
            if m and Path(m).suffix.lower() in (".yml", ".yaml"):
                files.append(Path(m))
                files += _mapping_files(Path(m))
    return fingerprint([f for f in dict.fromkeys(files) if f.exists()])


def _mapping_files(path: Path) -> list[Path]:
    import yaml

    try:
        m = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return []
    names = [m.get("file")] + [(m.get(k) or {}).get("file") for k in ("claims", "judges")]
    return [path.parent / n for n in names if isinstance(n, str)]


def coverage(data: Any, rows: str = "year", columns: str = "circuit") -> Any:
    """Number of cases by two columns (e.g. year by circuit), with totals.

    Examples
    --------
    >>> import toolkit
    >>> table = coverage(toolkit.load("demo"))
    >>> int(table.loc[table["year"] == "all", "all"].item())
    8000
    """
    import pandas as pd

    cases = data.cases
    if columns not in cases.columns or cases[columns].isna().all():
        table = cases.groupby(rows, dropna=False).size().rename("all").reset_index()
        total = pd.DataFrame({rows: ["all"], "all": [int(table["all"].sum())]})
        return pd.concat([table.astype({rows: "str"}), total], ignore_index=True)
    table = pd.crosstab(
        cases[rows].astype("str"),
        cases[columns].astype("str").fillna("none"),
        margins=True,
        margins_name="all",
        dropna=False,
    )
    ordered = (
        [c for c in cases[columns].cat.categories if c in table.columns]
        if isinstance(cases[columns].dtype, pd.CategoricalDtype)
        else list(table.columns[:-1])
    )
    table = table[[*ordered, *[c for c in table.columns if c not in ordered]]]
    table.columns.name = None
    return table.reset_index()


def _label(value: Any) -> str:
    """A group's name in prose; a missing value is said to be missing."""
    return "(none)" if value is None or value != value else str(value)


def _pct(value: float) -> str:
    return "n/a" if value != value else f"{100 * value:.1f}%"


def describe_rates(rates: Any, by: str | None = None) -> str:
    """Sentences on a rates table: overall rate, range, small groups.

    Examples
    --------
    >>> import toolkit
    >>> rates = toolkit.reversal_rates(toolkit.load("demo"), by="circuit")
    >>> describe_rates(rates, "circuit").split(";")[0]
    'Of 7,540 cases counted under the disturbed rule, 856 (11.4%) were reversed'
    """
    n, x = int(rates["n"].sum()), int(rates["n_reversed"].sum())
    rule = rates["rule"].iloc[0] if len(rates) else ""
    share = _pct(x / n if n else float("nan"))
    text = (
        f"Of {n:,} cases counted under the {rule} rule, {x:,} ({share})"
        f" were reversed; {int(rates['n_excluded'].sum()):,} more cases were left out of the "
        "denominator by the rule."
    )
    if by and len(rates) > 1:
        ranked = rates[rates["n"] > 0].sort_values("rate")
        lo, hi = ranked.iloc[0], ranked.iloc[-1]
        text += (
            f" By {by.replace('_', ' ')}, the rate ranges from {_pct(lo['rate'])} "
            f"({_label(lo[by])}, n = {int(lo['n']):,}; 95% interval {_pct(lo['ci_low'])} to "
            f"{_pct(lo['ci_high'])}) to {_pct(hi['rate'])} "
            f"({_label(hi[by])}, n = {int(hi['n']):,}; "
            f"{_pct(hi['ci_low'])} to {_pct(hi['ci_high'])})."
        )
        small = rates[rates["small_n"]]
        if len(small):
            text += (
                f" {len(small)} group(s) have fewer cases than the minimum and are marked: "
                f"{', '.join(map(_label, small[by]))}."
            )
    return text


def describe_comparison(comparison: Any, by: str) -> str:
    """Sentences on :func:`~toolkit.rates.compare_rates`: the test and who stands out."""
    test = comparison.test.iloc[0]
    g = comparison.groups
    p = test["p_value"]
    p_text = "p < 0.001" if p < 0.001 else f"p = {p:.3f}"
    stat = (
        f"chi-square = {test['statistic']:.1f}, df = {int(test['df'])}, "
        if test["test"] == "chi_square"
        else f"{test['test']}, "
    )
    verdict = "differ" if p < 0.05 else "do not differ detectably"
    text = f"Rates {verdict} across the {int(test['n_groups'])} groups ({stat}{p_text}). "
    sig = g[g["significant"]]
    correction = {"holm": "Holm", "fdr_bh": "Benjamini-Hochberg"}[g["correction"].iloc[0]]
    if len(sig):
        above = [_label(v) for v in sig.loc[sig["diff_rest"] > 0, by]]
        below = [_label(v) for v in sig.loc[sig["diff_rest"] < 0, by]]
        parts = []
        if above:
            parts.append(f"above the rest: {', '.join(above)}")
        if below:
            parts.append(f"below the rest: {', '.join(below)}")
        text += (
            f"Compared one by one with the rest of the data ({correction} correction), "
            f"{len(sig)} of {len(g)} differ ({'; '.join(parts)})."
        )
    else:
        text += f"No group differs from the rest after {correction} correction."
    return text


def describe_rule_sensitivity(sensitivity: Any) -> str:
    """How much the choice of reversal rule moves the overall rate."""
    totals = sensitivity.groupby("rule", sort=False)[["n", "n_reversed"]].sum()
    rates = totals["n_reversed"] / totals["n"].where(totals["n"] > 0)
    parts = [
        f"{rule}: {_pct(rate)} of {int(totals.loc[rule, 'n']):,}" for rule, rate in rates.items()
    ]
    text = f"The overall rate under each rule is {'; '.join(parts)}."
    empty = [str(rule) for rule, rate in rates.items() if rate != rate]
    if empty:
        return text + (
            f" No case is counted under {', '.join(empty)}, so the rules cannot all be compared."
        )
    spread = 100 * (rates.max() - rates.min())
    return text + f" The choice of rule moves it by {spread:.1f} percentage points."


def describe_trend(trend: Any) -> str:
    """The first and last year's rates and the fitted change."""
    t = trend.dropna(subset=["fitted"]).sort_values("year")
    if t.empty:
        return "Too few cases per year to fit a trend."
    first, last = t.iloc[0], t.iloc[-1]
    return (
        f"The fitted rate moves from {_pct(first['fitted'])} in {int(first['year'])} "
        f"(95% band {_pct(first['fitted_low'])} to {_pct(first['fitted_high'])}) to "
        f"{_pct(last['fitted'])} in {int(last['year'])} ({_pct(last['fitted_low'])} to "
        f"{_pct(last['fitted_high'])})."
    )


def describe_judges(judges: Any, min_n: int) -> str:
    """How many judges, how many below the minimum, and the spread after shrinkage."""
    enough = judges[~judges["small_n"]]
    text = (
        f"{len(judges):,} judges; {len(judges) - len(enough):,} sat on fewer than {min_n} "
        "counted cases and are marked as too few to judge. "
    )
    if len(enough):
        text += (
            f"Among the others, raw rates range from {_pct(enough['raw_rate'].min())} to "
            f"{_pct(enough['raw_rate'].max())}; after shrinkage the estimates range from "
            f"{_pct(enough['estimate'].min())} to {_pct(enough['estimate'].max())}."
        )
    if len(judges):
        widths = judges["ci_high"] - judges["ci_low"]
        text += (
            f" The 95% intervals are {100 * widths.min():.1f} to {100 * widths.max():.1f} "
            "percentage points wide."
        )
    notes = judges.attrs.get("notes", [])
    if notes:
        text += " " + " ".join(notes)
    return text


def _ratio(value: float) -> str:
    """An odds ratio for reading: three significant digits, extreme values bounded."""
    if value != value:
        return "n/a"
    if value > 1e4:
        return "> 10,000"
    if value < 1e-4:
        return "< 0.0001"
    return f"{value:.3g}"


def _p(value: float) -> str:
    return "n/a" if value != value else "<0.001" if value < 0.001 else f"{value:.3f}"


def format_model(model: Any) -> Any:
    """The coefficients of a :class:`~toolkit.models.ReversalModel` for reading.

    Odds ratios with their interval (bounded at 1/10,000 and 10,000), the log-odds to two
    decimals, p-values; never a log-odds shown as a percentage. Missing numbers read "n/a".
    """
    import pandas as pd

    t = model.table
    return pd.DataFrame(
        {
            "term": t["term"],
            "odds ratio": t["odds_ratio"].map(_ratio),
            "95% interval": [
                f"{_ratio(lo)} to {_ratio(hi)}" if lo == lo else "n/a"
                for lo, hi in zip(t["or_low"], t["or_high"], strict=True)
            ],
            "log-odds": t["estimate"].map(lambda v: f"{v:.2f}"),
            "std. error": t["std_error"].map(lambda v: "n/a" if v != v else f"{v:.2f}"),
            "p-value": t["p_value"].map(_p),
        }
    )


def format_marginal_effects(model: Any) -> Any:
    """Average marginal effects in percentage points, with interval and p-value."""
    import pandas as pd

    me = model.marginal_effects

    def pts(v: float) -> str:
        return "n/a" if v != v else f"{100 * v:+.1f}"

    return pd.DataFrame(
        {
            "term": me["term"],
            "change in probability (points)": me["ame"].map(pts),
            "95% interval": [
                f"{pts(lo)} to {pts(hi)}" if lo == lo else "n/a"
                for lo, hi in zip(me["ci_low"], me["ci_high"], strict=True)
            ],
            "p-value": me["p_value"].map(_p),
        }
    )


def model_diagnostics(model: Any) -> Any:
    """How far to trust a fitted model, one plain line per check."""
    import pandas as pd

    d = model.diagnostics
    rare = min(d["events"], d["non_events"])
    rows = [
        (
            "cases used",
            f"{d['n_obs']:,} ({d['n_dropped']:,} dropped: excluded by the rule or "
            "missing a variable)",
        ),
        (
            "method",
            "Firth's bias-reduced logit" if d["method"] == "firth" else "maximum-likelihood logit",
        ),
        ("maximum likelihood converged", "yes" if d["converged"] else "no"),
        ("separated terms", ", ".join(d["separated"]) or "none"),
        (
            "events per parameter",
            f"{d['events_per_parameter']:.1f} ({rare:,} cases with the rarer outcome, "
            f"{d['n_params']} parameters)",
        ),
        (
            "standard errors",
            f"{d['cov_type']} (R: {d['cov_r']})"
            + (f", {model.n_clusters:,} clusters by {model.cluster}" if model.cluster else ""),
        ),
        ("intervals", d["intervals"]),
        ("sampling weights", d["weights"] or "none"),
        ("results usable as shown", "yes" if d["trusted"] else "no: see the notes"),
    ]
    return pd.DataFrame(rows, columns=["check", "result"])


def describe_model(model: Any) -> str:
    """Sentences on a fitted model: what was fitted on what, and any remedy used."""
    d = model.diagnostics
    text = (
        f"Formula `{model.formula}`, {d['n_obs']:,} cases used ({d['n_dropped']:,} dropped), "
        f"{'Firth' if d['method'] == 'firth' else 'maximum-likelihood'} logit; standard errors "
        f"{d['cov_type']}"
        + (f" by {model.cluster} ({model.n_clusters:,} clusters)" if model.cluster else "")
        + f", the same as R's `{d['cov_r']}`."
    )
    if model.notes:
        text += " " + " ".join(model.notes)
    return text


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


def has_sampling_weights(data: Any, within: str | None = None) -> bool:
    """True when the cases carry sampling weights that are not all 1.

    With ``within`` (e.g. ``"year"``): only when the weights differ inside some value of that
    column, that is, when they change the rates computed per value of it.
    """
    cases = data.cases
    if "weight" not in cases.columns:
        return False
    w = cases["weight"].fillna(1.0)
    if within is None or within not in cases.columns:
        return bool((w != 1.0).any())
    spread = w.groupby(cases[within], observed=True).agg(lambda s: s.max() - s.min())
    return bool((spread > 0).any())


def design_periods(data: Any) -> Any:
    """Runs of consecutive years sampled the same way (the same weighting), with their circuits.

    A database can change design over time (the U.S. Courts of Appeals Database covers only
    the Sixth Circuit in its 1925-1996 extract, weighted by published decisions per sampled
    case, and every circuit in 1997-2002, unweighted). Rates pooled across such periods mix
    unlike things. One row per period: ``first_year``, ``last_year``, ``cases``,
    ``circuits`` (comma-separated), ``n_circuits``, ``mean_weight``, ``weighting``.
    """
    import pandas as pd

    cases = data.cases[data.cases["year"].notna()]
    columns = ["first_year", "last_year", "cases", "circuits", "n_circuits", "mean_weight",
               "weighting"]  # fmt: skip
    if cases.empty:
        return pd.DataFrame(columns=columns)
    weight = cases["weight"] if "weight" in cases.columns else pd.Series(1.0, cases.index)
    basis = (
        cases["weight_basis"].astype("str")
        if "weight_basis" in cases.columns
        else (weight != 1.0).map({True: "sampling weights", False: "none (weight 1)"})
    )
    frame = pd.DataFrame(
        {
            "year": cases["year"].astype("int64"),
            "circuit": cases["circuit"].astype("object") if "circuit" in cases else None,
            "weight": weight.astype("float64"),
            "basis": basis,
        }
    )
    rows = []
    signature = None
    # a new period starts where the weighting changes; a year's own mix of circuits does not
    # start one (a court of last resort hears a different handful of circuits every year)
    for year, g in frame.groupby("year", sort=True):
        sig = tuple(sorted(g["basis"].unique()))
        if sig != signature:
            rows.append({"first_year": year, "last_year": year, "cases": 0, "sig": (set(), sig),
                         "w": []})  # fmt: skip
            signature = sig
        rows[-1]["last_year"] = year
        rows[-1]["cases"] += len(g)
        rows[-1]["sig"][0].update(map(str, g["circuit"].dropna().unique()))
        rows[-1]["w"].append(g["weight"])
    out = pd.DataFrame(
        {
            "first_year": [r["first_year"] for r in rows],
            "last_year": [r["last_year"] for r in rows],
            "cases": [r["cases"] for r in rows],
            "circuits": [", ".join(sorted(r["sig"][0])) for r in rows],
            "n_circuits": [len(r["sig"][0]) for r in rows],
            "mean_weight": [float(pd.concat(r["w"]).mean()) for r in rows],
            "weighting": ["; ".join(r["sig"][1]) for r in rows],
        }
    )
    return out[columns]


def _years(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}-{last}"


def like_periods(data: Any, purpose: str = "compare") -> tuple[Any, str | None]:
    """Keep only cases that were sampled alike, and say why, when the design changed.

    Parameters
    ----------
    data
        A :class:`~toolkit.schema.CaseData`.
    purpose
        ``"compare"`` (groups side by side): keep the period covering the most circuits (the
        latest on a tie). ``"trend"`` (one series over time): keep the circuits present in
        every period, over all years; if none is, as ``"compare"``.

    Returns
    -------
    (data, sentence)
        The restricted data and a sentence for the report, or the data unchanged and None
        when every year was sampled the same way (or too few years to tell).
    """
    periods = design_periods(data)
    if len(periods) <= 1 or (periods["cases"] < 20).all():
        return data, None
    described = "; ".join(
        f"{_years(int(r.first_year), int(r.last_year))}: {r.cases:,} cases from "
        f"{r.n_circuits} circuit(s) ({r.circuits if r.n_circuits <= 3 else 'several'}), "
        f"weights {r.weighting} (mean {r.mean_weight:.1f})"
        for r in periods.itertuples()
    )
    text = f"These data were not sampled alike throughout ({described})."
    w = periods["mean_weight"]
    if w.max() > 1.5 * w.min():
        text += (
            f" Pooled, a case from the most heavily weighted period would count about "
            f"{w.max() / w.min():.0f} times as much as one from the least weighted in weighted "
            "rates, and unweighted rates would set one period's circuits against another's."
        )
    common = set.intersection(*(set(c.split(", ")) for c in periods["circuits"] if c))
    if purpose == "trend" and common and len(common) < periods["n_circuits"].max():
        keep = sorted(common)
        restricted = _filter(data, {"circuits": keep, "claim_types": None, "years": None})
        return restricted, text + (
            f" The trend therefore follows only the circuit(s) present in every period "
            f"({', '.join(keep)}), over all years."
        )
    best = periods.sort_values(["n_circuits", "last_year"]).iloc[-1]
    span = [int(best["first_year"]), int(best["last_year"])]
    restricted = _filter(data, {"circuits": None, "claim_types": None, "years": span})
    return restricted, text + (
        f" To compare like with like, this section uses only {_years(*span)}, the period "
        f"covering the most circuits ({int(best['n_circuits'])})."
    )


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
    def start(cls, name: str, **params: Any) -> Report:
        """Check the parameters, load and filter the data, and show the banner."""
        import toolkit
        from toolkit import paths

        p = check_parameters(params)
        options = {"mapping": p["mapping"]} if p["mapping"] else {}
        raw = toolkit.load(p["data"], **options)
        data = toolkit.apply_rule(_filter(raw, p), p["rule"])
        # by hand (JupyterLab, papermill): a folder of its own, never the runner's
        slug = paths.report_folder(p["data"], p["mapping"])
        out = (
            Path(p["output_dir"])
            if p["output_dir"]
            else paths.reports_dir() / slug / f"{name}__by-hand"
        )
        out.mkdir(parents=True, exist_ok=True)
        report = cls(name, p, data, out)
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

    def table(self, name: str, frame: Any, caption: str | None = None, display: Any = None) -> None:
        """Write ``tables/<name>.csv`` and show the table for reading.

        The CSV holds ``frame``'s tidy columns unchanged. The page shows labelled columns,
        rates as percentages, each interval as one column, constant columns (rule, interval
        method, model) in the caption and small-sample rows marked (see
        :func:`toolkit.presentation.readable_table`); above 25 rows the table is paged,
        sortable and searchable, with a link to the CSV.

        ``display``: a frame already formatted for reading (e.g. :func:`format_model`), shown
        instead of ``frame``; the CSV always holds ``frame``'s numbers.
        """
        from toolkit.presentation import display_bundle

        folder = self.out / "tables"
        folder.mkdir(parents=True, exist_ok=True)
        spreadsheet_safe(frame).to_csv(folder / f"{name}.csv", index=False)
        self.tables.append(name)
        title = caption or name.replace("_", " ")
        bundle = display_bundle(name, frame, title, display=display, csv=f"tables/{name}.csv")
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


def _filter(data: Any, p: Mapping[str, Any]) -> Any:
    from toolkit.filters import subset

    chosen = {k: p[k] for k in ("circuits", "claim_types", "years") if p[k]}
    if not chosen:
        return data
    kept = subset(data, **chosen)
    meta = dict(kept.meta)
    meta["filters"] = chosen
    return kept.replace(meta=meta)


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
    return (
        f'{library_html("vega")}<div class="appellate-chart" id="{div}"{style}></div>'
        f'<script type="text/javascript">vegaEmbed("#{div}", {payload}, '
        '{"actions": false}).catch(console.error);</script>'
    )
