"""Hand-coded case data: CSV, Excel (.xlsx) or Parquet, one row per case, plus a YAML mapping.

The mapping file says which of the researcher's columns hold the canonical fields and how her
labels translate into the canonical vocabularies. ``appellate mapping draft SHEET`` writes a
first draft (see :mod:`toolkit.drafting`). A complete example (every key but
``columns.case_id`` and ``columns.outcome`` is optional)::

    source: clinic            # dataset name: the case_id prefix and the `source` column
    file: cases.xlsx          # the cases file, relative to this mapping file
    sheet: Cases              # Excel sheet (default: the first)
    encoding: utf-8           # CSV encoding (default utf-8; a BOM is accepted)
    date_format: "%m/%d/%Y"   # optional, or a list tried in order (default: see below)
    defaults:                 # constant values for canonical columns the file lacks
      lower_court: bia
    columns:                  # canonical name: the file's column
      case_id: Docket
      circuit: Circuit
      decided: Decided
      outcome: Result
    values:                   # per canonical column: the file's label -> canonical value
      outcome: {"Aff'd": affirmed, "Rev'd & Rem.": reversed_remanded, "": unknown}
      circuit: {"9th Cir.": ca9}
      decided: {pending: null}  # null: the label means a blank cell
    panel:                    # judges: several columns, or one delimited column
      columns: [Judge 1, Judge 2, Judge 3]   # or: column: Panel, separator: ";"
      author: Author          # judge id of the author (blank: per curiam)
      dissent: Dissent        # judge id(s) dissenting, same separator
      concurrence: Concurring
      by_designation: Visiting
      size: 3                 # judges per panel (default 3); other sizes are counted
      en_banc: Sitting        # cells saying yes/true/en banc exempt a case from `size`
      markers:                # marker inside a panel cell -> role (added to the defaults)
        "(vis.)": visiting    # roles: visiting, author, dissent, concurrence; null: ignore
    claims:                   # long form: a second file, one row per claim ...
      file: claims.csv
      columns: {case_id: Docket, party: Petitioner, claim: Claim, outcome: Result}
      values: {outcome: {Granted: granted}}
      # ... or wide form, one column of the cases file per claim:
      # wide: {asylum: Asylum result, cat: CAT result}
      # ... or several claims in one cell of the cases file:
      # column: Claims, separator: ";", outcomes: Claim results (optional, same order)
    judges:                   # a third file of judges' attributes
      file: judges.csv
      columns: {judge_id: Judge, party: Party, appointing_president: Appointed by}
      values: {party: {D: democratic, R: republican}}

The mapping is validated whole before any data is read (:func:`toolkit.mapping.read_mapping`):
unknown keys, wrong types, values outside the canonical vocabularies, duplicate YAML keys and
one column mapped to two fields are each reported with the YAML line and the nearest valid
choice.

Labels are matched ignoring case and surrounding spaces. For columns with a closed vocabulary
(outcome, circuit, party, vote) a label that is neither mapped nor canonical is an error listing
each unknown label, its rows, the nearest known label and the allowed values. Rows are numbered
as a spreadsheet shows them (the header is row 1). Every column the mapping does not name is
kept as it is. Without a mapping, the file's columns must carry the canonical names.

**Panels.** Markers inside a panel cell (``Judge B (by desig.)``, ``Judge D (D.J.)``,
``Judge U*``, ``Judge C, sitting by designation``, ``(dissenting)``, ``(concurring)``,
``(author)``; see :data:`toolkit.mapping.DEFAULT_MARKERS`) are stripped from the name and set
the judge's role, so the same judge with and without a marker is one judge. Without
``separator`` the usual ones (``; , / | & and``) are tried and the one found is noted in
``meta["notes"]``. A panel of another size than ``size`` is kept and counted in the ledger with
its rows; when most panels have the wrong size the load stops (a wrong separator).

**Claims in one cell** (``claims: {column: ..., separator: ...}``) become one claim row per item,
labels translated through ``claims.values.claim`` (else ``values.claim_type``), each claim with
the case outcome unless ``outcomes`` names a column of per-claim outcomes. The case's
``claim_type`` is then the first claim listed (the lead claim) and ``n_claims`` counts them.

**Dates** (every canonical date column): without ``date_format``, ISO dates (2005-09-04),
numeric dates (1/27/2010) whose order the column itself shows, and written dates
(January 27, 2010; 4 Sept. 2012) may be mixed; a column whose numeric dates read both ways
(no day above 12 anywhere) is an error naming the rows. Blank cells stay blank; other text is an
error unless the mapping maps it to null.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from toolkit import schema
from toolkit.errors import DataError, MappingError, compact_rows, format_rows
from toolkit.outcomes import rollup_claims
from toolkit.sources.base import entry
from toolkit.store import file_info

__all__ = ["read", "read_mapping", "read_table"]

_BLANK_ROW = "blank row (every cell empty)"


def read_mapping(path: str | Path) -> dict[str, Any]:
    """Read a YAML mapping file and validate it whole (see :func:`toolkit.mapping.read_mapping`)."""
    from toolkit.mapping import read_mapping as _read

    return _read(path)


def read_table(
    path: str | Path, *, sheet: str | int | None = None, encoding: str = "utf-8"
) -> tuple[pd.DataFrame, pd.Series]:
    """Read a CSV, Excel or Parquet file as it is, with each row's spreadsheet row number.

    Every problem with the file (missing, a folder, empty, badly encoded, a row with more
    fields than the header, a damaged workbook or Parquet file) is a
    :class:`~toolkit.errors.DataError` naming the file and, where it applies, the rows.

    Returns
    -------
    (frame, rownum)
        ``rownum`` gives, by index, the row a user sees in a spreadsheet (header = row 1).
    """
    path = Path(path)
    if not path.exists():
        raise DataError("file not found", file=str(path))
    if path.is_dir():
        raise DataError(
            "this is a folder, not a file",
            file=str(path),
            expected="a .csv, .xlsx or .parquet file",
        )
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        df = _read_csv(path, "\t" if suffix == ".tsv" else ",", encoding)
        rownum = pd.Series(range(2, len(df) + 2), index=df.index)
    elif suffix in (".xlsx", ".xlsm"):
        try:
            df = pd.read_excel(
                path,
                sheet_name=0 if sheet is None else sheet,
                engine="openpyxl",
                keep_default_na=False,
                na_values=[""],
            )
        except ValueError as exc:
            sheets = _sheet_names(path)
            raise DataError(
                f"cannot read sheet {sheet!r}: {exc}",
                file=str(path),
                expected=f"one of the sheets {', '.join(map(repr, sheets))}"
                if sheets
                else "a readable .xlsx workbook",
            ) from None
        except Exception as exc:  # openpyxl raises zipfile and XML errors on damaged files
            raise DataError(
                f"cannot read the workbook: {type(exc).__name__}: {exc}",
                file=str(path),
                expected="a readable .xlsx workbook",
            ) from None
        rownum = pd.Series(range(2, len(df) + 2), index=df.index)
    elif suffix == ".parquet":
        try:
            df = pd.read_parquet(path)
        except Exception as exc:  # pyarrow raises ArrowInvalid, OSError ... on damaged files
            raise DataError(
                f"cannot read the Parquet file: {type(exc).__name__}: {exc}",
                file=str(path),
                expected="a readable Parquet file",
            ) from None
        rownum = pd.Series(range(1, len(df) + 1), index=df.index)
    else:
        raise DataError(
            f"unsupported file type {suffix!r}",
            file=str(path),
            expected="a .csv, .tsv, .xlsx or .parquet file",
        )
    df.columns = [str(c).strip() for c in df.columns]
    if df.empty:
        raise DataError(
            "the file has a header but no rows", file=str(path), expected="one row per case"
        )
    return df, rownum


def _read_csv(path: Path, sep: str, encoding: str) -> pd.DataFrame:
    """A CSV as text cells (blank cells missing), refusing rows with more fields than the header."""
    import csv

    raw = path.read_bytes()
    if not raw.strip():
        raise DataError(
            "the file is empty", file=str(path), expected="a header row and one row per case"
        )
    try:
        text = raw.decode("utf-8-sig" if encoding.lower().replace("-", "") == "utf8" else encoding)
    except LookupError:
        raise DataError(
            f"unknown encoding {encoding!r}",
            file=str(path),
            expected="an encoding Python knows (set 'encoding:' in the mapping, e.g. utf-8, "
            "latin-1, cp1252)",
        ) from None
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise DataError(
            f"the file is not valid {encoding}: "
            f"byte {raw[exc.start : exc.start + 1]!r} at offset "
            f"{exc.start}",
            file=str(path),
            rows=[line],
            expected=f"text encoded as {encoding} (set 'encoding:' in the mapping, e.g. latin-1)",
        ) from None
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
    except csv.Error as exc:
        raise DataError(f"cannot read the CSV file: {exc}", file=str(path)) from None
    header = [h.strip() for h in records[0]]
    width = len(header)
    for i, name in enumerate(header):
        if not name:
            header[i] = f"Unnamed: {i}"
    twice = sorted({h for h in header if header.count(h) > 1})
    if twice:
        raise DataError(
            f"column name(s) used twice in the header: {', '.join(map(repr, twice))}",
            file=str(path),
            rows=[1],
            expected="each column name once",
        )
    rows = records[1:]
    ragged = [
        i + 2 for i, r in enumerate(rows) if len(r) > width and any(x.strip() for x in r[width:])
    ]
    if ragged:
        raise DataError(
            f"row(s) with more fields than the header's {width} columns (a stray "
            f"'{sep}' or a missing header)",
            file=str(path),
            rows=ragged,
            expected=f"at most {width} fields per row, like the header",
        )
    cells = [(r + [""] * (width - len(r)))[:width] for r in rows]
    df = pd.DataFrame(cells, columns=header, dtype="str")
    return df.mask(df == "")


def _read_rows(
    path: Path, cfg: Mapping[str, Any], table: str
) -> tuple[pd.DataFrame, pd.Series, list[dict[str, Any]]]:
    """Read a file and set its blank rows aside, with the ledger entry that says so."""
    raw, rownum = read_table(path, sheet=cfg.get("sheet"), encoding=cfg.get("encoding", "utf-8"))
    text = raw.astype("str").apply(lambda c: c.str.strip() == "")
    blank = (raw.isna() | text).all(axis=1)
    ledger = []
    if blank.any():
        ledger.append(
            entry(
                path.name, table, "excluded", int(blank.sum()), _BLANK_ROW, rownum[blank].tolist()
            )
        )
    return raw[~blank], rownum[~blank], ledger


def _sheet_names(path: Path) -> list[str]:
    try:
        import openpyxl

        return list(openpyxl.load_workbook(path, read_only=True).sheetnames)
    except Exception:
        return []


def _norm(label: Any) -> str:
    return re.sub(r"\s+", " ", str(label)).strip().lower()


_TO_BLANK = "\x00blank"  # what a label mapped to null becomes before it is blanked


def _relabel(
    s: pd.Series,
    labels: Mapping[Any, Any] | None,
    vocabulary: tuple[str, ...] | None,
    *,
    canon: str = "",
    file: str | None = None,
    column: str | None = None,
    rownum: pd.Series | None = None,
) -> pd.Series:
    """Translate labels; closed vocabularies also accept their canonical values as labels.

    A label mapped to null becomes blank. For a closed vocabulary, a label that is neither
    mapped nor canonical is an error naming each label, its rows and the nearest known label.
    """
    if not labels and vocabulary is None:
        return s
    table: dict[str, Any] = {}
    shown: dict[str, str] = {}
    if vocabulary is not None:
        table.update({v: v for v in vocabulary})
        shown.update({v: v for v in vocabulary})
    for k, v in (labels or {}).items():
        key = _norm("" if k is None else k)
        table[key] = _TO_BLANK if v is None else v
        shown[key] = str(k)
    text = s.astype("str")
    blank = s.isna() | (text.str.strip() == "")
    keys = text.map({v: _norm(v) for v in pd.unique(text.dropna())})
    mapped = keys.map(table).astype("object")
    if "" in table:
        mapped = mapped.where(~blank, table[""])
    unknown = mapped.isna() & ~blank
    if vocabulary is not None and unknown.any():
        raise _unknown_labels(s[unknown], table, shown, vocabulary, canon, file, column, rownum)
    out = mapped.where(~unknown, s)  # unmapped labels of open columns pass through
    out = out.where(~blank | ("" in table), None)
    return out.mask(out.astype("str") == _TO_BLANK, None)


def _unknown_labels(
    bad: pd.Series,
    table: Mapping[str, Any],
    shown: Mapping[str, str],
    vocabulary: tuple[str, ...],
    canon: str,
    file: str | None,
    column: str | None,
    rownum: pd.Series | None,
) -> DataError:
    from toolkit.mapping import nearest

    candidates = [k for k in table if k]
    details = []
    for label in sorted(pd.unique(bad.astype("str"))):
        rows = _rows_of(bad.index[bad.astype("str") == label], rownum)
        near = nearest(_norm(label), candidates)
        hint = ""
        if near is not None:
            target = table[near]
            hint = (
                f": did you mean {shown[near]!r}?"
                if shown[near] == target
                else f": did you mean {shown[near]!r} ({target})?"
            )
        details.append(f"{label!r} in {format_rows(rows)}{hint}")
    mapped = [shown[k] for k in table if k and shown[k] != table[k]]
    accepted = f"a label of the mapping ({', '.join(map(repr, mapped))}) or " if mapped else ""
    return DataError(
        f"unknown value(s) for {canon}: " + "; ".join(details),
        file=file,
        column=column,
        rows=_rows_of(bad.index, rownum),
        expected=f"{accepted}one of {', '.join(vocabulary)} "
        "(labels match ignoring case and surrounding spaces)",
    )


def _rows_of(index: Any, rownum: pd.Series | None) -> list[int]:
    if rownum is None:
        return [int(i) + 2 for i in index]
    return [int(rownum.loc[i]) for i in index]


_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ]
    )
    for m in names
}
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})$")
_MDY_WORDS = re.compile(r"^([A-Za-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")
_DMY_WORDS = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]+)\.?,?\s+(\d{4})$")


def _year(text: str) -> int:
    y = int(text)
    if len(text) == 2:  # the strptime convention: 69-99 are 1900s, 00-68 2000s
        y += 1900 if y >= 69 else 2000
    return y


def _parse_dates(
    s: pd.Series,
    formats: list[str] | None,
    *,
    file: str | None,
    column: str,
    rownum: pd.Series | None,
) -> pd.Series:
    """Dates as researchers type them; blanks stay blank; anything else is an error.

    Without ``formats``: ISO dates (2005-09-04), numeric dates (1/27/2010, 27.01.2010) whose
    order (month or day first) the column itself shows, and written dates (January 27, 2010;
    27 Jan. 2010), mixed freely. A column whose numeric dates read both ways (no day above 12
    anywhere) is an error naming the rows: set ``date_format``.
    """
    import datetime as dt

    if pd.api.types.is_datetime64_any_dtype(s):
        return s.astype(schema.DATE)
    present = s.notna() & (s.astype("str").str.strip() != "")
    out = pd.Series(pd.NaT, index=s.index, dtype=schema.DATE)
    if not present.any():
        return out
    values = s[present]
    parsed: dict[Any, Any] = {}
    if formats:
        cells = values.astype("object")
        typed = cells.map(lambda v: isinstance(v, dt.datetime | dt.date)).astype(bool)
        text = cells.astype("str").str.strip()
        result = pd.Series(pd.NaT, index=text.index, dtype=schema.DATE)
        if typed.any():  # Excel date cells are dates whatever the format
            result[typed] = pd.to_datetime(cells[typed].tolist()).astype(schema.DATE)
        for fmt in formats:
            todo = result.isna()
            result[todo] = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        bad = values[result.isna()]
        if len(bad):
            raise _bad_dates(
                bad, f"a date in the format {' or '.join(formats)}", file, column, rownum
            )
        out[present] = result
        return out
    numeric: dict[str, tuple[int, int, int]] = {}
    for value in pd.unique(values.astype("object")):
        if isinstance(value, dt.datetime | dt.date | pd.Timestamp):
            parsed[value] = pd.Timestamp(value)
            continue
        text = re.sub(r"\s+", " ", str(value)).strip()
        try:
            if m := _ISO.match(text):
                parsed[value] = pd.Timestamp(int(m[1]), int(m[2]), int(m[3]))
            elif m := _NUMERIC.match(text):
                numeric[value] = (int(m[1]), int(m[2]), _year(m[3]))
            elif (m := _MDY_WORDS.match(text)) and m[1].lower() in _MONTHS:
                parsed[value] = pd.Timestamp(int(m[3]), _MONTHS[m[1].lower()], int(m[2]))
            elif (m := _DMY_WORDS.match(text)) and m[2].lower() in _MONTHS:
                parsed[value] = pd.Timestamp(int(m[3]), _MONTHS[m[2].lower()], int(m[1]))
        except ValueError:  # e.g. February 30
            pass
    if numeric:
        day_first = any(a > 12 for a, _, _ in numeric.values())
        month_first = any(b > 12 for _, b, _ in numeric.values())
        if day_first and month_first:
            rows = values.index[values.isin([k for k, (a, b, _) in numeric.items() if a > 12])]
            raise DataError(
                "numeric dates written both day-first and month-first in one column",
                file=file,
                column=column,
                rows=_rows_of(rows, rownum),
                expected="one order throughout, or date_format: a list of formats",
            )
        if not day_first and not month_first:
            ambiguous = [k for k, (a, b, _) in numeric.items() if a != b]
            if ambiguous:
                rows = values.index[values.isin(ambiguous)]
                raise DataError(
                    "ambiguous dates: no day above 12 anywhere in the column, so "
                    f"{ambiguous[0]!r} could be read month-first or day-first",
                    file=file,
                    column=column,
                    rows=_rows_of(rows, rownum),
                    expected="date_format in the mapping, e.g. '%m/%d/%Y' or '%d/%m/%Y'",
                )
        for value, (a, b, y) in numeric.items():
            month, day = (b, a) if day_first else (a, b)
            try:
                parsed[value] = pd.Timestamp(y, month, day)
            except ValueError:
                pass
    result = values.astype("object").map(parsed)
    bad = values[result.isna()]
    if len(bad):
        raise _bad_dates(
            bad,
            "a date (2010-01-27, 1/27/2010 or January 27, 2010) or a blank cell; text such as "
            "'pending' can be mapped to blank with values: {<column>: {pending: null}}",
            file,
            column,
            rownum,
        )
    out[present] = pd.to_datetime(result).astype(schema.DATE)
    return out


def _bad_dates(
    bad: pd.Series, expected: str, file: str | None, column: str, rownum: pd.Series | None
) -> DataError:
    examples = ", ".join(repr(v) for v in pd.unique(bad.astype("str"))[:5])
    return DataError(
        f"{bad.size} value(s) of the wrong type (e.g. {examples}): not dates",
        file=file,
        rows=_rows_of(bad.index, rownum),
        column=column,
        expected=expected,
    )


def _resolve(m: Mapping[str, Any], name: str | Path) -> Path:
    """A file named in a mapping, relative to the mapping file's folder."""
    p = Path(name)
    return p if p.is_absolute() else Path(m.get("_dir", ".")) / p


def _consumed(m: Mapping[str, Any]) -> list[str]:
    """Columns of the cases file that go into the votes or claims tables instead."""
    panel = m.get("panel") or {}
    cols = list(panel.get("columns", [])) + [
        panel[k]
        for k in ("column", "author", "dissent", "concurrence", "by_designation")
        if k in panel
    ]
    cols += [panel["en_banc"]] if panel.get("en_banc") else []
    claims = m.get("claims") or {}
    cols += list((claims.get("wide") or {}).values())
    cols += [claims[k] for k in ("column", "outcomes") if claims.get(k)]
    return [c for c in cols if c not in (m.get("columns") or {}).values()]


def _formats(date_format: str | list[str] | None) -> list[str] | None:
    if date_format is None:
        return None
    return [date_format] if isinstance(date_format, str) else list(date_format)


def _check_columns(
    columns: Mapping[str, Any], present: list[str], file: str, what: str = "mapped"
) -> None:
    """Every mapped column must be in the file; name the nearest column of the file's own."""
    from toolkit.mapping import nearest

    missing = []
    for canon, col in columns.items():
        if str(col) not in present:
            near = nearest(col, present)
            hint = f", did you mean {near!r}?" if near else ""
            missing.append(f"{col!r} (for {canon}{hint})")
    if missing:
        raise DataError(
            f"{what} column(s) not found: {', '.join(missing)}",
            file=file,
            rows=[1],
            expected=f"columns of the file: {', '.join(map(repr, present))}",
        )


def _canonical_frame(
    df: pd.DataFrame,
    section: Mapping[str, Any],
    table: str,
    file: str,
    rownum: pd.Series,
    date_format: str | list[str] | None,
) -> pd.DataFrame:
    """Rename the mapped columns, translate labels, parse dates, keep the rest, and conform."""
    columns: dict[str, str] = {k: str(v) for k, v in (section.get("columns") or {}).items()}
    values: dict[str, Any] = dict(section.get("values") or {})
    _check_columns(columns, list(df.columns), file)
    spec = {c.name: c for c in schema.TABLES[table]}
    renamed = {}
    for canon, col in columns.items():
        s = df[col]
        if canon == "outcome":
            renamed["outcome_raw"] = s
        renamed[canon] = _relabel(
            s,
            values.get(canon),
            spec[canon].vocabulary,
            canon=canon,
            file=file,
            column=col,
            rownum=rownum,
        )
    for canon in values:
        if canon not in columns and canon in df.columns:
            renamed[canon] = _relabel(
                df[canon],
                values[canon],
                spec[canon].vocabulary,
                canon=canon,
                file=file,
                column=canon,
                rownum=rownum,
            )
    for canon, col in spec.items():  # every canonical date column, whatever its name
        if col.dtype == schema.DATE and canon in renamed:
            renamed[canon] = _parse_dates(
                renamed[canon],
                _formats(date_format),
                file=file,
                column=columns.get(canon, canon),
                rownum=rownum,
            )
    mapped_cols = set(columns.values())
    out = pd.DataFrame(renamed, index=df.index)
    for c in df.columns:
        if c not in mapped_cols and c not in out.columns:
            out[c] = df[c]
    if "outcome" in out.columns and "outcome_raw" not in out.columns:
        out["outcome_raw"] = out["outcome"]
    names = {canon: col for canon, col in columns.items()}
    return schema.conform(out, table, file=file, rownum=rownum, names=names)


_SEPARATORS = (";", ",", "/", "|", "&", " and ")
_TRUTHY = {"true", "t", "yes", "y", "1", "1.0", "x", "en banc", "en_banc", "eb"}


def _split_ids(s: pd.Series, sep: str | None) -> pd.Series:
    """Each cell -> list of stripped ids (empty list for blanks)."""
    text = schema._as_text(s)
    if sep:
        return text.map(
            lambda v: [] if pd.isna(v) else [p.strip() for p in v.split(sep) if p.strip()]
        )
    return text.map(lambda v: [] if pd.isna(v) else [v])


def _marker_patterns(markers: Mapping[str, str | None]) -> list[tuple[re.Pattern, str]]:
    """Markers as patterns, longest first, so '(by desig.)' wins over '*' or 'by designation'."""
    out = []
    for marker in sorted(markers, key=len, reverse=True):
        role = markers[marker]
        if role is None:
            continue
        body = re.escape(marker.strip())
        if marker.strip()[:1].isalnum():  # a word marker only counts as a whole word
            body = rf"\b{body}\b"
        out.append((re.compile(body, re.IGNORECASE), role))
    return out


def _strip_markers(name: str, patterns: list[tuple[re.Pattern, str]]) -> tuple[str, set[str]]:
    """A judge's name without its markers, and the roles the markers gave."""
    roles: set[str] = set()
    for pattern, role in patterns:
        name, n = pattern.subn(" ", name)
        if n:
            roles.add(role)
    name = re.sub(r"\s+", " ", name).strip(" ,;-")
    return name, roles


def _detect_separator(
    cells: pd.Series, size: int, markers: Mapping[str, str | None] | None = None
) -> str | None:
    """The separator that splits most panel cells into ``size`` names (None: no split at all).

    Items that are only a marker (``, sitting by designation``) do not count as names.
    """
    from toolkit.mapping import DEFAULT_MARKERS

    patterns = _marker_patterns(markers if markers is not None else DEFAULT_MARKERS)
    text = cells.dropna().astype("str")

    def names(cell: str, sep: str) -> int:
        return sum(1 for p in cell.split(sep) if _strip_markers(p, patterns)[0])

    best, best_hits = None, 0
    for sep in _SEPARATORS:
        hits = int(text.map(lambda v, sep=sep: names(v, sep) == size).sum())
        if hits > best_hits:
            best, best_hits = sep, hits
    return best


def _votes(
    df: pd.DataFrame,
    case_ids: pd.Series,
    panel: Mapping[str, Any],
    file: str,
    rownum: pd.Series,
) -> tuple[pd.DataFrame, pd.Series, dict[str, list[int]], list[str]]:
    """The votes table from panel columns.

    Returns (votes, author id per case, rows per panel-size problem, notes).
    """
    from toolkit.mapping import markers_of

    size = int(panel.get("size", 3))
    notes: list[str] = []
    roles_cols = {
        k: panel[k] for k in ("author", "dissent", "concurrence", "by_designation") if k in panel
    }
    cols = list(panel["columns"]) if "columns" in panel else [panel["column"]]
    need = {**{f"seat {i + 1}": c for i, c in enumerate(cols)}, **roles_cols}
    if panel.get("en_banc"):
        need["en_banc"] = panel["en_banc"]
    _check_columns(need, list(df.columns), file, what="panel")
    sep = panel.get("separator")
    if "column" in panel and sep is None:
        sep = _detect_separator(df[panel["column"]], size, markers_of(panel))
        filled = schema._as_text(df[panel["column"]]).notna()
        if sep is None and size > 1 and filled.any():
            raise DataError(
                "panel.separator is not given and no usual separator (; , / | & and) splits "
                f"the panel cells into {size} judges",
                file=file,
                column=panel["column"],
                rows=rownum[filled.to_numpy()].tolist()[:50],
                expected="panel.separator in the mapping (or panel.size if panels are not "
                f"of {size})",
            )
        if sep is not None:
            notes.append(f"panel separator not given in the mapping: detected {sep!r}")
    patterns = _marker_patterns(markers_of(panel))
    seen: dict[str, tuple[str, set[str]]] = {}

    def strip(name: str) -> tuple[str, set[str]]:  # few distinct names, many cells
        if name not in seen:
            seen[name] = _strip_markers(name, patterns)
        return seen[name]

    seat_sep = sep if "column" in panel else None
    seats = [_split_ids(df[c], seat_sep) for c in cols]
    members = seats[0]
    for extra in seats[1:]:
        members = members + extra
    role_sep = sep or ";"
    roles = {
        k: _split_ids(df[roles_cols[k]], role_sep)
        if k in roles_cols
        else pd.Series([[]] * len(df), index=df.index)
        for k in ("author", "dissent", "concurrence", "by_designation")
    }
    en_banc = (
        schema._as_text(df[panel["en_banc"]]).str.lower().isin(_TRUTHY).to_numpy()
        if panel.get("en_banc")
        else [False] * len(df)
    )
    records = []
    bad_rows: dict[str, list[int]] = {}
    sizes: dict[str, list[int]] = {}
    role_lists = {k: v.tolist() for k, v in roles.items()}
    marker_role = {
        "visiting": "by_designation",
        "author": "author",
        "dissent": "dissent",
        "concurrence": "concurrence",
    }
    for i, (case_id, names, row) in enumerate(
        zip(case_ids.tolist(), members.tolist(), rownum.tolist(), strict=True)
    ):
        role = {k: {strip(n)[0] for n in v[i]} for k, v in role_lists.items()}
        judges = []
        for name in names:
            judge, marked = strip(name)
            if not judge:  # a marker on its own ("J, sitting by designation"): the judge before
                if not judges:
                    continue
                judge = judges[-1]
            else:
                judges.append(judge)
            for m in marked:
                role[marker_role[m]].add(judge)
        if len(set(judges)) != len(judges):
            bad_rows.setdefault("the same judge twice on one panel", []).append(row)
        for name, ids in role.items():
            if ids - set(judges):
                bad_rows.setdefault(f"a {name} judge who is not on the panel", []).append(row)
        if len(role["author"]) > 1:
            bad_rows.setdefault("more than one author", []).append(row)
        if judges and len(judges) != size and not en_banc[i]:
            sizes.setdefault(
                f"panel of {len(judges)} judge{'s' if len(judges) > 1 else ''}, expected {size}",
                [],
            ).append(row)
        for j in dict.fromkeys(judges):
            vote = (
                "dissent"
                if j in role["dissent"]
                else "concurrence"
                if j in role["concurrence"]
                else "majority"
            )
            records.append((case_id, j, vote, j in role["author"], j in role["by_designation"]))
        role_lists["author"][i] = sorted(role["author"])
    for problem, rows in bad_rows.items():
        raise DataError(
            f"panel coding names {problem}",
            file=file,
            rows=rows,
            column=", ".join(cols),
            expected="each judge once per case; author, "
            "dissenting, concurring and visiting judges among the panel",
        )
    coded = sum(1 for names in members if names)
    wrong = sum(len(rows) for rows in sizes.values())
    if coded and wrong * 2 > coded:
        first = next(iter(sizes))
        raise DataError(
            f"{wrong} of {coded} panels do not have {size} judges (e.g. {first}): the panel "
            "separator or size in the mapping is probably wrong",
            file=file,
            column=", ".join(cols),
            rows=[r for rows in sizes.values() for r in rows],
            expected=f"{size} judges per panel (panel.size), split by panel.separator "
            f"(here {sep!r}); en banc cases marked by panel.en_banc",
        )
    votes = pd.DataFrame(
        records, columns=["case_id", "judge_id", "vote", "is_author", "by_designation"]
    )
    author = pd.Series(role_lists["author"], index=df.index).map(lambda v: v[0] if v else None)
    return schema.conform(votes, "votes", file=file), author, sizes, notes


def read(
    path: str | Path | None = None,
    mapping: str | Path | Mapping[str, Any] | None = None,
    *,
    source: str | None = None,
) -> schema.CaseData:
    """Read hand-coded cases into a :class:`~toolkit.schema.CaseData`.

    Parameters
    ----------
    path
        The cases file (.csv, .tsv, .xlsx, .parquet). May be omitted when the mapping names
        its ``file``.
    mapping
        A YAML mapping file (or an already-parsed dict); see the module documentation. Without
        one, the file's columns must carry canonical names.
    source
        Dataset name; overrides the mapping's ``source``.

    Returns
    -------
    CaseData
        Validated tables, a ledger of every input row, and file fingerprints in ``meta``.

    Raises
    ------
    DataError
        Bad input, naming file, rows, column and what was expected.
    MappingError
        A malformed mapping.

    Examples
    --------
    >>> from toolkit import paths
    >>> data = read(mapping=paths.demo_dir() / "mapping.yaml")
    >>> len(data.cases)
    8000
    """
    if isinstance(mapping, str | Path):
        m = read_mapping(mapping)
    else:
        from toolkit.mapping import validate_mapping

        m = validate_mapping(mapping or {})
    try:
        return _read(path, m, source)
    except DataError as exc:
        raise _with_row_note(exc) from None


def _with_row_note(exc: DataError) -> DataError:
    """Say how rows are numbered: as the spreadsheet shows them, the header being row 1."""
    if not exc.rows or "header = row 1" in exc.problem or "numbered from 1" in exc.problem:
        return exc
    parquet = str(exc.file or "").lower().endswith(".parquet")
    note = (
        " (rows numbered from 1, as Parquet has no header row)"
        if parquet
        else " (rows numbered as the spreadsheet shows them, header = row 1)"
    )
    return DataError(
        exc.problem + note, file=exc.file, rows=exc.rows, column=exc.column, expected=exc.expected
    )


def _read(path: str | Path | None, m: Mapping[str, Any], source: str | None) -> schema.CaseData:
    """Read the cases file and the files the mapping names beside it, step by step."""
    path = _cases_path(path, m)
    source = source or m.get("source") or path.stem
    date_format = m.get("date_format")
    files = {path.name: file_info(path)} if path.exists() else {}
    df, rownum, ledger = _read_rows(path, m, "cases")
    columns = _case_columns(m, df, path)
    cases = _case_frame(df, rownum, m, columns, source, path)
    rownum = rownum.reset_index(drop=True)
    _check_weights(cases, rownum, columns, path)
    cases = _derived_columns(cases, columns)

    notes: list[str] = []
    claims = None
    claims_cfg = m.get("claims")
    if claims_cfg:
        claims, claim_ledger, claim_files = _claims(
            claims_cfg, m, df, cases, rownum, source, str(path), date_format
        )
        ledger += claim_ledger
        files.update(claim_files)
        cases = _roll_up_claims(cases, claims, columns, rownum, path, notes)
        if "column" in claims_cfg:
            cases = _claim_counts(cases, claims, columns, path)

    votes = None
    sizes: dict[str, list[int]] = {}
    if m.get("panel"):
        votes, cases, sizes = _panels(df, cases, m["panel"], columns, rownum, path, notes)

    judges = None
    if m.get("judges"):
        judges, judge_ledger, judge_files = _judges(m["judges"], m, date_format)
        ledger += judge_ledger
        files.update(judge_files)
        if votes is not None:
            _check_panel_judges(votes, judges, cases, rownum, path)

    ledger = _case_ledger(ledger, path.name, len(cases), sizes)
    meta = {
        "source": source,
        "reader": "coded",
        "files": files,
        "rows_read": _rows_read(ledger),
        "mapping": m.get("_path"),
        "read_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "notes": notes,
    }
    return schema.CaseData(
        cases=cases,
        claims=claims,
        votes=votes,
        judges=judges,
        ledger=schema.ledger_frame(ledger),
        meta=meta,
    )


def _cases_path(path: str | Path | None, m: Mapping[str, Any]) -> Path:
    """The cases file: the one passed, else the mapping's ``file`` (relative to the mapping)."""
    if path is None:
        if "file" not in m:
            raise MappingError("no cases file: pass a path, or name 'file' in the mapping")
        path = _resolve(m, m["file"])
    return Path(path)


def _case_columns(m: Mapping[str, Any], df: pd.DataFrame, path: Path) -> dict[str, str]:
    """The mapping's ``columns`` (canonical name -> own column), checked against the file.

    Without a ``columns`` section the file's canonical column names map to themselves. The case
    id must be mapped, and the outcome too unless claims are given to roll it up from.
    """
    columns = {k: str(v) for k, v in (m.get("columns") or {}).items()}
    _check_columns(columns, list(df.columns), str(path))
    if not columns:
        columns = {c.name: c.name for c in schema.TABLES["cases"] if c.name in df.columns}
    if "case_id" not in columns:
        raise MappingError("the mapping must name the case id column (columns: case_id: ...)")
    if "outcome" not in columns and not m.get("claims"):
        raise MappingError(
            "the mapping must name the outcome column (columns: outcome: ...), "
            "or give claims to roll the outcome up from"
        )
    return columns


def _case_frame(
    df: pd.DataFrame,
    rownum: pd.Series,
    m: Mapping[str, Any],
    columns: dict[str, str],
    source: str,
    path: Path,
) -> pd.DataFrame:
    """The canonical cases table: mapped columns, ``defaults``, source, weight, outcome.

    A missing weight is 1; a missing outcome is ``unknown`` until the claims roll it up. Case
    ids are prefixed with the source (``source:id``).
    """
    section = {"columns": columns, "values": m.get("values") or {}}
    cases_in = df.copy()
    for canon, value in (m.get("defaults") or {}).items():
        if canon in columns:
            raise MappingError(f"defaults.{canon} conflicts with columns.{canon}")
        cases_in[canon] = value
    cases_in["source"] = source
    added = {k: k for k in (m.get("defaults") or {})}
    if "weight" not in columns:
        cases_in["weight"] = 1.0
        added["weight"] = "weight"
    if "outcome" not in columns:  # rolled up from the claims
        cases_in["outcome"] = "unknown"
        added["outcome"] = "outcome"
    cases_in = cases_in.drop(columns=_consumed(m), errors="ignore")
    section["columns"] = {**columns, "source": "source", **added}
    cases = _canonical_frame(cases_in, section, "cases", str(path), rownum, m.get("date_format"))
    cases["case_id"] = source + ":" + cases["case_id"]
    return cases


def _check_weights(
    cases: pd.DataFrame, rownum: pd.Series, columns: dict[str, str], path: Path
) -> None:
    """Raise :class:`DataError` naming the rows whose sampling weight is missing or <= 0."""
    bad_w = cases["weight"].isna() | (cases["weight"] <= 0)
    if bad_w.any():
        raise DataError(
            "missing or non-positive sampling weights",
            file=str(path),
            column=columns.get("weight", "weight"),
            rows=rownum[bad_w.to_numpy()].tolist(),
            expected="a number > 0",
        )


def _derived_columns(cases: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """Fill ``year`` from the decision date and ``court`` from the circuit when not mapped."""
    if "year" not in columns and "decided" in cases.columns:
        cases["year"] = cases["decided"].dt.year.astype("Int64")
    if "court" not in cases.columns and "circuit" in cases.columns:
        cases["court"] = cases["circuit"].astype("str")
    return cases


def _roll_up_claims(
    cases: pd.DataFrame,
    claims: pd.DataFrame,
    columns: dict[str, str],
    rownum: pd.Series,
    path: Path,
    notes: list[str],
) -> pd.DataFrame:
    """Roll the claims up to a case outcome.

    With a coded outcome, the roll-up goes in ``claims_outcome`` and disagreements become a
    note; without one, the roll-up is the outcome and every case needs a claim.
    """
    from_claims = cases["case_id"].map(rollup_claims(claims))
    if "outcome" in columns:
        cases["claims_outcome"] = pd.Categorical(from_claims, categories=list(schema.OUTCOMES))
        differ = from_claims.notna() & (from_claims.astype("str") != cases["outcome"].astype("str"))
        if differ.any():
            notes.append(
                f"{int(differ.sum())} case(s) whose coded outcome differs from the roll-up of "
                "their claims (column claims_outcome): "
                f"{compact_rows(rownum[differ.to_numpy()])}"
            )
    else:
        none = from_claims.isna()
        if none.any():
            raise DataError(
                "case(s) without claims, so no outcome can be rolled up",
                file=str(path),
                rows=rownum[none.to_numpy()].tolist(),
                expected="at least one claim per case, or an outcome column",
            )
        cases["outcome"] = pd.Categorical(from_claims, categories=list(schema.OUTCOMES))
        cases["outcome_raw"] = "rolled up from claims"
    return schema.conform(cases, "cases", file=str(path))


def _claim_counts(
    cases: pd.DataFrame, claims: pd.DataFrame, columns: dict[str, str], path: Path
) -> pd.DataFrame:
    """For claims listed in one cell: ``n_claims`` per case, and the lead claim's type."""
    per_case = claims.groupby("case_id", sort=False)["claim"].agg(list)
    listed = cases["case_id"].map(per_case)
    cases["n_claims"] = listed.map(lambda v: len(v) if isinstance(v, list) else 0).astype("Int64")
    if "claim_type" not in columns:  # the lead (first listed) claim
        cases["claim_type"] = schema._as_text(
            listed.map(lambda v: v[0] if isinstance(v, list) and v else None)
        )
    return schema.conform(cases, "cases", file=str(path))


def _panels(
    df: pd.DataFrame,
    cases: pd.DataFrame,
    panel: Mapping[str, Any],
    columns: dict[str, str],
    rownum: pd.Series,
    path: Path,
    notes: list[str],
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, list[int]]]:
    """The votes table from the panel columns, and the author when the mapping has none.

    Returns
    -------
    tuple
        ``votes``, the cases (with ``author`` filled from the panel when found there), and the
        rows kept with an unusual panel size, by reason.
    """
    votes, author, sizes, panel_notes = _votes(
        df.reset_index(drop=True), cases["case_id"], panel, str(path), rownum
    )
    notes += panel_notes
    if "author" not in columns and ("author" in panel or any(len(a) for a in author.dropna())):
        cases["author"] = schema._as_text(author)
    return votes, cases, sizes


def _check_panel_judges(
    votes: pd.DataFrame,
    judges: pd.DataFrame,
    cases: pd.DataFrame,
    rownum: pd.Series,
    path: Path,
) -> None:
    """Raise :class:`DataError` naming the cases whose panel has a judge missing from the file."""
    unknown = ~votes["judge_id"].isin(judges["judge_id"])
    if unknown.any():
        ids = sorted(pd.unique(votes.loc[unknown, "judge_id"]))
        case_rows = rownum[cases["case_id"].isin(votes.loc[unknown, "case_id"]).to_numpy()]
        raise DataError(
            f"judge id(s) in the panels but not in the judges file: {', '.join(ids[:20])}",
            file=str(path),
            rows=case_rows.tolist(),
            expected="every panel judge listed in the judges file",
        )


def _case_ledger(
    ledger: list[dict[str, Any]], file_label: str, n_cases: int, sizes: dict[str, list[int]]
) -> list[dict[str, Any]]:
    """Put the kept case rows first in the ledger: plain ones, then each flagged panel size."""
    flagged = sum(len(rows) for rows in sizes.values())
    for reason, rows in sizes.items():  # kept, and counted with their rows
        ledger.insert(0, entry(file_label, "cases", "kept", len(rows), reason, rows))
    ledger.insert(0, entry(file_label, "cases", "kept", n_cases - flagged))
    return ledger


def _rows_read(ledger: list[dict[str, Any]]) -> dict[str, int]:
    """Rows read per file: the ledger's rows, kept or dropped, summed by file."""
    rows_read = {e["file"]: 0 for e in ledger}
    for e in ledger:
        rows_read[e["file"]] += int(e["n_rows"])
    return rows_read


def _claims(
    cfg: Mapping[str, Any],
    m: Mapping[str, Any],
    df: pd.DataFrame,
    cases: pd.DataFrame,
    rownum: pd.Series,
    source: str,
    path: str,
    date_format: str | None,
) -> tuple[pd.DataFrame, list[dict[str, Any]], dict[str, Any]]:
    values = dict(cfg.get("values") or {})
    if "column" in cfg:
        return _delimited_claims(cfg, m, df, cases, rownum, path, date_format)
    if "wide" in cfg:
        wide: dict[str, str] = dict(cfg["wide"])
        missing = [c for c in wide.values() if c not in df.columns]
        if missing:
            raise DataError(
                f"claim column(s) not found: {', '.join(map(repr, missing))}",
                file=path,
                expected=f"columns of the file: {', '.join(df.columns)}",
            )
        frame = df.reset_index(drop=True)
        long = []
        for claim, col in wide.items():
            part = pd.DataFrame(
                {
                    "case_id": cases["case_id"],
                    "claim": claim,
                    "outcome": frame[col],
                    "_row": rownum.to_numpy(),
                }
            )
            long.append(part[frame[col].notna() & (frame[col].astype("str").str.strip() != "")])
        claims = pd.concat(long, ignore_index=True)
        crow = pd.Series(claims.pop("_row").to_numpy(), index=claims.index)
        out = _canonical_frame(
            claims,
            {
                "columns": {"case_id": "case_id", "claim": "claim", "outcome": "outcome"},
                "values": {"outcome": values.get("outcome")},
            },
            "claims",
            path,
            crow,
            date_format,
        )
        out["outcome_raw"] = schema._as_text(claims["outcome"])
        return out, [], {}
    if "file" not in cfg:
        raise MappingError("claims: give 'file' (a long file, one row per claim) or 'wide'")
    cpath = _resolve(m, cfg["file"])
    raw, crow, ledger = _read_rows(cpath, cfg, "claims")
    label = cpath.name
    section = {"columns": dict(cfg.get("columns") or {}), "values": values}
    if "case_id" not in section["columns"]:
        section["columns"]["case_id"] = (m.get("columns") or {}).get("case_id", "case_id")
    claims = _canonical_frame(
        raw, section, "claims", str(cpath), crow, cfg.get("date_format", date_format)
    )
    crow = crow.reset_index(drop=True)
    claims["case_id"] = source + ":" + claims["case_id"]
    orphan = ~claims["case_id"].isin(cases["case_id"])
    if orphan.any():
        ids = sorted(pd.unique(claims.loc[orphan, "case_id"]))
        raise DataError(
            f"claims for case id(s) not in the cases file: {', '.join(ids[:10])}",
            file=str(cpath),
            column=section["columns"]["case_id"],
            rows=crow[orphan.to_numpy()].tolist(),
            expected="case ids that appear in the cases file",
        )
    ledger.insert(0, entry(label, "claims", "kept", len(claims)))
    return claims, ledger, {label: file_info(cpath)}


def _delimited_claims(
    cfg: Mapping[str, Any],
    m: Mapping[str, Any],
    df: pd.DataFrame,
    cases: pd.DataFrame,
    rownum: pd.Series,
    path: str,
    date_format: str | list[str] | None,
) -> tuple[pd.DataFrame, list[dict[str, Any]], dict[str, Any]]:
    """Several claims in one cell: one claim row per item, each with the case's outcome unless
    ``outcomes`` names a column of per-claim outcomes in the same order."""
    col = str(cfg["column"])
    need = {"claims.column": col}
    if cfg.get("outcomes"):
        need["claims.outcomes"] = str(cfg["outcomes"])
    _check_columns(need, list(df.columns), path, what="claims")
    frame = df.reset_index(drop=True)
    sep = cfg.get("separator")
    if sep is None:
        text = frame[col].dropna().astype("str")
        counts = {s: int(text.str.contains(re.escape(s)).sum()) for s in (";", ",", "/", "|")}
        sep = max(counts, key=counts.get) if any(counts.values()) else ";"
    items = _split_ids(frame[col], sep).tolist()
    outs = _split_ids(frame[cfg["outcomes"]], sep).tolist() if cfg.get("outcomes") else None
    records = []
    uneven = []
    for i, claim_list in enumerate(items):
        if outs is not None and len(outs[i]) != len(claim_list):
            uneven.append(int(rownum.iloc[i]))
            continue
        for k, claim in enumerate(claim_list):
            outcome = outs[i][k] if outs is not None else cases["outcome"].iloc[i]
            raw = outs[i][k] if outs is not None else cases["outcome_raw"].iloc[i]
            records.append((cases["case_id"].iloc[i], claim, outcome, raw, int(rownum.iloc[i])))
    if uneven:
        raise DataError(
            "as many claim outcomes as claims are needed in each row",
            file=path,
            column=f"{col}, {cfg['outcomes']}",
            rows=uneven,
            expected=f"one outcome per claim, separated by {sep!r}, in the same order",
        )
    claims = pd.DataFrame(records, columns=["case_id", "claim", "outcome", "outcome_raw", "_row"])
    crow = pd.Series(claims.pop("_row").to_numpy(), index=claims.index)
    labels = dict(cfg.get("values") or {})
    if "claim" not in labels and "claim_type" in (m.get("values") or {}):
        labels["claim"] = m["values"]["claim_type"]
    if outs is None:
        labels.pop("outcome", None)  # the case outcome is canonical already
    raw = claims.pop("outcome_raw")
    out = _canonical_frame(
        claims,
        {
            "columns": {"case_id": "case_id", "claim": "claim", "outcome": "outcome"},
            "values": labels,
        },
        "claims",
        path,
        crow,
        date_format,
    )
    out["outcome_raw"] = schema._as_text(raw.reset_index(drop=True))
    return out, [], {}


def _judges(
    cfg: Mapping[str, Any],
    m: Mapping[str, Any],
    date_format: str | None,
) -> tuple[pd.DataFrame, list[dict[str, Any]], dict[str, Any]]:
    if "file" not in cfg:
        raise MappingError("judges: give the 'file' of judges' attributes")
    jpath = _resolve(m, cfg["file"])
    raw, jrow, ledger = _read_rows(jpath, cfg, "judges")
    label = jpath.name
    section = {"columns": dict(cfg.get("columns") or {}), "values": dict(cfg.get("values") or {})}
    judges = _canonical_frame(
        raw, section, "judges", str(jpath), jrow, cfg.get("date_format", date_format)
    )
    ledger.insert(0, entry(label, "judges", "kept", len(judges)))
    return judges, ledger, {label: file_info(jpath)}
