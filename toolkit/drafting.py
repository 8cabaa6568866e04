"""A draft mapping from a coding sheet: ``appellate mapping draft FILE > mapping.yaml``.

The draft reads the sheet's columns and their distinct values and proposes which column holds
which canonical field and which label means which canonical value: circuits in the forms
researchers type (``2d Cir.``, ``2nd``, ``Second Circuit``, ``CA2``, full court names),
dispositions (``Aff'd``, ``Vac'd & Rem.``, ``Granted in part``), claims, the panel separator,
visiting-judge markers and claims listed in one cell. Every guess carries a ``# check``
comment; labels it cannot place are listed as comments for the researcher to fill in.
``appellate validate mapping.yaml`` then reports what is left.

Circuit names are read by the toolkit's own parser rather than Free Law Project's
``courts-db``: the court ids are the same (``ca1`` ... ``cafc``), but ``courts-db`` places only
full court names and returns nothing for the short forms ("2d Cir.", "9th", "CA2") that
coding sheets hold, which the parser here also reads.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

__all__ = ["draft_mapping", "guess_circuit", "guess_claim", "guess_outcome"]

_ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
}


def guess_circuit(label: Any) -> str | None:
    """The court of appeals a label names, as a canonical id, or None.

    Examples
    --------
    >>> [guess_circuit(x) for x in ["2d Cir.", "2nd", "Second Circuit", "CA2", "ca 9"]]
    ['ca2', 'ca2', 'ca2', 'ca2', 'ca9']
    >>> guess_circuit("United States Court of Appeals for the District of Columbia Circuit")
    'cadc'
    >>> guess_circuit("Fed. Cir."), guess_circuit("BIA")
    ('cafc', None)
    """
    text = re.sub(r"\s+", " ", str(label)).strip().lower()
    if not text:
        return None
    compact = re.sub(r"[^a-z0-9]", "", text)
    if compact in ("cadc", "dc", "dccir", "dccircuit") or "district of columbia" in text:
        return "cadc"
    if compact in ("cafc", "fedcir", "fc") or "federal" in text:
        return "cafc"
    if m := re.fullmatch(r"ca(\d{1,2})", compact):
        n = int(m[1])
        return f"ca{n}" if 1 <= n <= 11 else None
    if m := re.search(r"\b(\d{1,2})(?:st|nd|rd|th|d)?\b", text):
        n = int(m[1])
        rest = re.sub(r"\b\d{1,2}(?:st|nd|rd|th|d)?\b", "", text)
        if 1 <= n <= 11 and not re.search(r"\d", rest):
            return f"ca{n}"
        return None
    for word, n in _ORDINALS.items():
        if re.search(rf"\b{word}\b", text):
            return f"ca{n}"
    return None


def guess_outcome(label: Any) -> str | None:
    """The canonical outcome a disposition label means, or None.

    Examples
    --------
    >>> [guess_outcome(x) for x in ["Aff'd", "DENIED ", "Vac'd & Rem.", "Granted in part"]]
    ['affirmed', 'denied', 'vacated_remanded', 'mixed']
    >>> guess_outcome("Petition for review denied"), guess_outcome("Zzz")
    ('denied', None)
    """
    text = re.sub(r"['’.]", "", str(label).lower())
    text = re.sub(r"\s+", " ", text.replace("&", " and ")).strip()
    if not text:
        return "unknown"
    words = re.findall(r"[a-z]+", text)

    def has(*prefixes: str) -> bool:
        return any(w == p or (len(p) > 3 and w.startswith(p)) for w in words for p in prefixes)

    if "in part" in text or has("mixed"):
        return "mixed"
    rev = has("revers", "rev", "revd")
    vac = has("vacat", "vac", "vacd")
    rem = has("remand", "rem", "remd")
    if rev and rem:
        return "reversed_remanded"
    if vac and rem:
        return "vacated_remanded"
    for outcome, prefixes in (
        ("reversed", ("revers", "rev", "revd")),
        ("vacated", ("vacat", "vac", "vacd")),
        ("remanded", ("remand", "rem", "remd")),
        ("affirmed", ("affirm", "aff", "affd")),
        ("denied", ("deni", "deny", "den")),
        ("dismissed", ("dismiss", "dism", "dis")),
        ("granted", ("grant", "gr", "gtd")),
        ("other", ("transfer", "withdr", "moot", "settled")),
        ("unknown", ("pending", "tbd", "unknown")),
    ):
        if has(*prefixes):
            return outcome
    return None


_CLAIMS = {
    "asylum": "asylum",
    "withholding": "withholding",
    "withholding of removal": "withholding",
    "wor": "withholding",
    "wh": "withholding",
    "cat": "cat",
    "convention against torture": "cat",
    "torture": "cat",
    "mtr": "motion_to_reopen",
    "motion to reopen": "motion_to_reopen",
    "reopen": "motion_to_reopen",
    "cancellation": "cancellation",
    "cancellation of removal": "cancellation",
    "adjustment": "adjustment",
    "adjustment of status": "adjustment",
}


def guess_claim(label: Any) -> tuple[str, bool]:
    """A claim label's canonical name and whether it is a known claim (else a tidy form).

    Examples
    --------
    >>> guess_claim("CAT"), guess_claim("MTR"), guess_claim("Due process")
    (('cat', True), ('motion_to_reopen', True), ('due_process', False))
    """
    text = re.sub(r"[^a-z ]", "", str(label).lower().replace("/", " ")).strip()
    text = re.sub(r"\s+", " ", text)
    if text in _CLAIMS:
        return _CLAIMS[text], True
    return re.sub(r"[^a-z0-9]+", "_", str(label).lower()).strip("_"), False


# column names that suggest each field (matched on lower-case words)
_NAMES: dict[str, tuple[str, ...]] = {
    "case_id": ("docket", "case id", "case no", "case number", "caseid", "id", "petition no"),
    "circuit": ("circuit", "cir", "court of appeals", "court"),
    "decided": ("decided", "date decided", "decision date", "date of decision", "date"),
    "filed": ("filed", "date filed", "filing date"),
    "argued": ("argued", "argument date", "date argued"),
    "outcome": ("disposition", "outcome", "result", "holding", "ruling", "decision"),
    "author": ("author", "authoring judge", "writing judge", "opinion by", "authored by"),
    "panel": ("panel", "judges", "panel judges"),
    "claims": ("claims", "claim", "claim type", "issues", "issue", "relief sought"),
    "published": ("published", "pub", "precedential", "publication"),
    "lower_court": ("lower court", "agency", "court below", "origin"),
    "weight": ("weight", "sampling weight"),
    "dissent": ("dissent", "dissenting", "dissenting judge"),
    "concurrence": ("concurrence", "concurring", "concurring judge"),
    "en_banc": ("en banc",),
}


def _words(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", name.lower()).strip()


def _name_score(column: str, field: str) -> int:
    words = _words(column)
    best = 0
    for hint in _NAMES[field]:
        if words == hint:
            best = max(best, 3)
        elif re.search(rf"\b{re.escape(hint)}\b", words):
            best = max(best, 2 if len(hint) > 3 else 1)
    return best


def _q(text: Any) -> str:
    """A YAML scalar for any text (JSON strings are YAML double-quoted scalars)."""
    return json.dumps(str(text), ensure_ascii=False)


def draft_mapping(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    encoding: str = "utf-8",
    relative_to: str | Path | None = None,
) -> str:
    """Draft a YAML mapping for a coding sheet; every guess is marked ``# check``.

    Parameters
    ----------
    path
        The sheet (.csv, .tsv, .xlsx, .parquet).
    sheet, encoding
        As in the mapping.
    relative_to
        The folder the mapping will be saved in (``file:`` is written relative to it);
        default the sheet's own folder.

    Returns
    -------
    str
        The mapping's text.
    """
    import pandas as pd

    from toolkit import schema
    from toolkit.errors import DataError
    from toolkit.mapping import DEFAULT_MARKERS
    from toolkit.sources.coded import _detect_separator, _parse_dates, _split_ids, read_table

    path = Path(path)
    df, _ = read_table(path, sheet=sheet, encoding=encoding)
    blank = df.isna() | df.astype("str").apply(lambda c: c.str.strip() == "")
    df = df[~blank.all(axis=1)]
    texts = {c: _split_ids(df[c], None).map(lambda v: v[0] if v else None) for c in df.columns}
    distinct = {c: [v for v in pd.unique(texts[c].dropna())] for c in df.columns}
    canon_dates = [c.name for c in schema.TABLES["cases"] if c.dtype == schema.DATE]

    def share(column: str, guess: Any) -> float:
        values = distinct[column]
        return sum(guess(v) is not None for v in values) / len(values) if values else 0.0

    def is_date(column: str) -> bool:
        """Mostly dates; text without digits ('pending') may be mapped to blank."""
        values = [v for v in distinct[column] if _date_like(v)]
        if not values or len(values) < 0.5 * len(distinct[column]):
            return False
        try:
            _parse_dates(pd.Series(values), None, file=None, column=column, rownum=None)
            return True
        except DataError as exc:
            return "ambiguous" in exc.problem or "both day-first" in exc.problem

    fields = [f for f in _NAMES if f not in ("filed", "argued") or f in canon_dates]
    scored = sorted(
        ((max(_name_score(c, f), 0), f, c) for f in fields for c in df.columns),
        reverse=True,
    )
    chosen: dict[str, str] = {}
    taken: set[str] = set()
    for score, field, column in scored:
        if score == 0 or field in chosen or column in taken:
            continue
        if field in ("decided", "filed", "argued") and not is_date(column):
            continue
        if field == "circuit" and share(column, guess_circuit) < 0.5:
            continue
        if field == "outcome" and share(column, guess_outcome) < 0.5:
            continue
        chosen[field] = column
        taken.add(column)
    for field, guess in (("circuit", guess_circuit), ("outcome", guess_outcome)):
        if field not in chosen:  # by values when the name says nothing
            for column in df.columns:
                if column not in taken and share(column, guess) >= 0.8:
                    chosen[field] = column
                    taken.add(column)
                    break

    lines = [
        f"# Draft mapping for {path.name}, written by `appellate mapping draft`.",
        "# Each guess is marked '# check': confirm or correct it (then delete the comment),",
        "# and run `appellate validate` on this file to see what is left.",
        f"source: {_q(re.sub(r'[^A-Za-z0-9_]+', '_', path.stem).strip('_') or 'cases')}",
        f"file: {_q(os.path.relpath(path.resolve(), Path(relative_to or path.parent).resolve()))}"
        + ("" if relative_to else "   # relative to this mapping: save it beside the sheet"),
    ]
    if sheet is not None:
        lines.append(f"sheet: {_q(sheet) if isinstance(sheet, str) else sheet}")
    if encoding.lower() not in ("utf-8", "utf8"):
        lines.append(f"encoding: {_q(encoding)}")
    columns = {
        f: c
        for f, c in chosen.items()
        if f not in ("panel", "claims", "dissent", "concurrence", "en_banc", "author")
    }
    claims_col = chosen.get("claims")
    claims_sep = None
    if claims_col is not None:
        cells = df[claims_col].dropna().astype("str")
        counts = {s: int(cells.str.contains(re.escape(s)).sum()) for s in (";", ",", "/", "|")}
        sep = max(counts, key=counts.get)
        if counts[sep]:
            claims_sep = sep
        else:
            columns["claim_type"] = claims_col
    if chosen.get("author") and not chosen.get("panel"):
        columns["author"] = chosen["author"]
    lines.append("columns:")
    for field in ("case_id", *[f for f in columns if f != "case_id"]):
        if field in columns:
            lines.append(f"  {field}: {_q(columns[field])}   # check")
    if "case_id" not in columns:
        lines.append("  # case_id: ?   # no column looks like a case id: name it here")
    if "outcome" not in columns:
        lines.append("  # outcome: ?   # no column looks like the disposition: name it here")

    values: list[str] = []
    unplaced: list[str] = []
    if "circuit" in columns:
        block, missing = _labels(distinct[columns["circuit"]], guess_circuit, schema.CIRCUITS)
        values += ["  circuit:", *block] if block else []
        unplaced += [f"#   circuit {_q(v)}: ?" for v in missing]
    if "outcome" in columns:
        labels = distinct[columns["outcome"]]
        block, missing = _labels(labels, guess_outcome, schema.OUTCOMES)
        if blank[columns["outcome"]].loc[df.index].any():
            block.append('    "": unknown   # check: blank dispositions')
        values += ["  outcome:", *block] if block else []
        unplaced += [f"#   outcome {_q(v)}: ?" for v in missing]
    if "published" in columns:
        known = {"true", "t", "yes", "y", "1", "false", "f", "no", "n", "0"}
        odd = [v for v in distinct[columns["published"]] if v.lower() not in known]
        block = []
        for v in odd:
            yes = v.lower() in ("pub", "published", "precedential", "p")
            no = v.lower() in ("unpub", "unpublished", "nonprecedential", "np", "u")
            if yes or no:
                block.append(f"    {_q(v)}: {'true' if yes else 'false'}   # check")
            else:
                unplaced.append(f"#   published {_q(v)}: ?")
        values += ["  published:", *block] if block else []
    for field in ("decided", "filed", "argued"):
        column = columns.get(field)
        if column is None:
            continue
        text = [v for v in distinct[column]]
        try:
            _parse_dates(df[column], None, file=None, column=column, rownum=None)
        except DataError as exc:
            if "ambiguous" in exc.problem:
                lines.insert(5, 'date_format: "%m/%d/%Y"   # check: the dates read both ways')
            else:
                bad = [v for v in text if not _date_like(v)]
                if bad:
                    values.append(f"  {field}:   # check: text that is not a date -> blank")
                    values += [f"    {_q(v)}: null" for v in bad]
    claim_labels: list[str] = []
    if claims_col is not None:
        items = _split_ids(df[claims_col], claims_sep)
        seen = list(dict.fromkeys(x for cell in items for x in cell))
        for v in seen:
            canon, known = guess_claim(v)
            mark = "# check" if known else "# check: not a known claim, tidied"
            claim_labels.append(f"      {_q(v)}: {_q(canon)}   {mark}")
        if claims_sep is None:
            values += ["  claim_type:", *[line[2:] for line in claim_labels]]
    if values:
        lines += ["values:", *values]

    panel_col = chosen.get("panel")
    if panel_col is not None:
        sep = _detect_separator(df[panel_col], 3)
        cells = df[panel_col].dropna().astype("str")
        found = [
            marker
            for marker in sorted(DEFAULT_MARKERS, key=len, reverse=True)
            if cells.str.lower().str.contains(re.escape(marker.lower())).any()
        ]
        lines += ["panel:", f"  column: {_q(panel_col)}   # check"]
        if sep is not None:
            lines.append(f"  separator: {_q(sep)}   # check")
        else:
            lines.append('  # separator: ";"   # no usual separator splits the cells: name it')
        lines.append("  size: 3   # check: judges per panel (en banc cases: en_banc column)")
        for field in ("author", "dissent", "concurrence", "en_banc"):
            if field in chosen:
                lines.append(f"  {field}: {_q(chosen[field])}   # check")
        if found:
            lines.append("  markers:   # check: found in the panel cells")
            for marker in found:
                lines.append(f"    {_q(marker)}: {DEFAULT_MARKERS[marker]}")
    if claims_col is not None and claims_sep is not None:
        lines += [
            "claims:   # several claims in one cell: one claim row each, with the case outcome",
            f"  column: {_q(claims_col)}   # check",
            f"  separator: {_q(claims_sep)}   # check",
        ]
        if claim_labels:
            lines += ["  values:", "    claim:", *claim_labels]
    kept = [c for c in df.columns if c not in taken and c not in columns.values()]
    if kept:
        lines.append(f"# kept as they are: {', '.join(kept)}")
    if unplaced:
        lines += ["# labels the draft could not place (add each under values: with its value):"]
        lines += unplaced
    return "\n".join(lines) + "\n"


def _date_like(value: str) -> bool:
    return bool(re.search(r"\d", value))


def _labels(labels: Iterable[str], guess: Any, vocabulary: tuple[str, ...]) -> tuple[list, list]:
    block, missing = [], []
    for label in labels:
        target = guess(label)
        if target is None:
            missing.append(label)
        elif label.strip().lower() != target:
            block.append(f"    {_q(label)}: {target}   # check")
    return block, missing
