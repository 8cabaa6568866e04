"""Hand-coded case data: CSV, Excel (.xlsx) or Parquet, one row per case, plus a YAML mapping.

The mapping file says which of the researcher's columns hold the canonical fields and how her
labels translate into the canonical vocabularies. A complete example (every key but
``columns.case_id`` and ``columns.outcome`` is optional)::

    source: clinic            # dataset name: the case_id prefix and the `source` column
    file: cases.xlsx          # the cases file, relative to this mapping file
    sheet: Cases              # Excel sheet (default: the first)
    encoding: utf-8           # CSV encoding (default utf-8; a BOM is accepted)
    date_format: "%m/%d/%Y"   # format of date columns (default: inferred)
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
    panel:                    # judges: several columns, or one delimited column
      columns: [Judge 1, Judge 2, Judge 3]   # or: column: Panel, separator: ";"
      author: Author          # judge id of the author (blank: per curiam)
      dissent: Dissent        # judge id(s) dissenting, same separator
      concurrence: Concurring
      by_designation: Visiting
    claims:                   # long form: a second file, one row per claim ...
      file: claims.csv
      columns: {case_id: Docket, party: Petitioner, claim: Claim, outcome: Result}
      values: {outcome: {Granted: granted}}
      # ... or wide form, one column of the cases file per claim:
      # wide: {asylum: Asylum result, cat: CAT result}
    judges:                   # a third file of judges' attributes
      file: judges.csv
      columns: {judge_id: Judge, party: Party, appointing_president: Appointed by}
      values: {party: {D: democratic, R: republican}}

Labels are matched ignoring case and surrounding spaces. For columns with a closed vocabulary
(outcome, circuit, party, vote) a label that is neither mapped nor canonical is an error listing
each unknown label, its rows and the allowed values. Every column the mapping does not name is
kept as it is. Without a mapping, the file's columns must carry the canonical names.
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
from toolkit.errors import DataError, MappingError, compact_rows
from toolkit.outcomes import rollup_claims
from toolkit.sources.base import entry
from toolkit.store import file_info

__all__ = ["read", "read_mapping", "read_table"]

_TOP_KEYS = {
    "source",
    "file",
    "sheet",
    "encoding",
    "date_format",
    "defaults",
    "columns",
    "values",
    "panel",
    "claims",
    "judges",
}
_PANEL_KEYS = {
    "columns",
    "column",
    "separator",
    "author",
    "dissent",
    "concurrence",
    "by_designation",
}
_SUB_KEYS = {"file", "sheet", "encoding", "date_format", "columns", "values", "wide"}
_BLANK_ROW = "blank row (every cell empty)"


def read_mapping(path: str | Path) -> dict[str, Any]:
    """Read and check a YAML mapping file; relative file names are resolved against it."""
    import yaml

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise MappingError(f"mapping file not found: {path}") from None
    try:
        mapping = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise MappingError(f"mapping file {path} is not valid YAML: {exc}") from None
    if not isinstance(mapping, dict):
        raise MappingError(f"mapping file {path} must hold a YAML mapping (key: value)")
    _check_keys(mapping, _TOP_KEYS, str(path))
    for key, allowed in (("panel", _PANEL_KEYS), ("claims", _SUB_KEYS), ("judges", _SUB_KEYS)):
        if key in mapping:
            if not isinstance(mapping[key], dict):
                raise MappingError(f"{path}: '{key}' must be a mapping")
            _check_keys(mapping[key], allowed, f"{path}: {key}")
    for table, key in (("cases", None), ("claims", "claims"), ("judges", "judges")):
        section = mapping if key is None else mapping.get(key, {})
        known = {c.name for c in schema.TABLES[table]}
        for canon in list(section.get("columns", {}) or {}) + list(section.get("values", {}) or {}):
            if canon not in known:
                raise MappingError(
                    f"{path}: {key + '.' if key else ''}columns names {canon!r}, which is not a "
                    f"canonical {table} column; expected one of {', '.join(sorted(known))}"
                )
    mapping["_dir"] = path.parent
    mapping["_path"] = str(path)
    return mapping


def _check_keys(section: Mapping[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(section) - allowed)
    if unknown:
        raise MappingError(
            f"{where}: unknown key(s) {', '.join(unknown)}; "
            f"expected among {', '.join(sorted(allowed))}"
        )


def read_table(
    path: str | Path, *, sheet: str | int | None = None, encoding: str = "utf-8"
) -> tuple[pd.DataFrame, pd.Series]:
    """Read a CSV, Excel or Parquet file as it is, with each row's spreadsheet row number.

    Returns
    -------
    (frame, rownum)
        ``rownum`` gives, by index, the row a user sees in a spreadsheet (header = row 1).
    """
    path = Path(path)
    if not path.exists():
        raise DataError("file not found", file=str(path))
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        raw = path.read_bytes()
        if not raw.strip():
            raise DataError(
                "the file is empty", file=str(path), expected="a header row and one row per case"
            )
        try:
            text = raw.decode(
                "utf-8-sig" if encoding.lower().replace("-", "") == "utf8" else encoding
            )
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            raise DataError(
                f"the file is not valid {encoding}: "
                f"byte {raw[exc.start : exc.start + 1]!r} at offset "
                f"{exc.start}",
                file=str(path),
                rows=[line],
                expected=f"text encoded as {encoding} "
                "(set 'encoding:' in the mapping, e.g. latin-1)",
            ) from None
        sep = "\t" if suffix == ".tsv" else ","
        df = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            skip_blank_lines=False,
        )
        rownum = pd.Series(range(2, len(df) + 2), index=df.index)
    elif suffix in (".xlsx", ".xlsm"):
        try:
            df = pd.read_excel(path, sheet_name=0 if sheet is None else sheet, engine="openpyxl")
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
        df = pd.read_parquet(path)
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


def _relabel(
    s: pd.Series,
    labels: Mapping[Any, Any] | None,
    vocabulary: tuple[str, ...] | None,
) -> pd.Series:
    """Translate labels; closed vocabularies also accept their canonical values as labels."""
    if not labels and vocabulary is None:
        return s
    table: dict[str, Any] = {}
    if vocabulary is not None:
        table.update({v: v for v in vocabulary})
    for k, v in (labels or {}).items():
        table[_norm("" if k is None else k)] = v
    text = s.astype("str")
    blank = s.isna() | (text.str.strip() == "")
    keys = text.map({v: _norm(v) for v in pd.unique(text.dropna())})
    mapped = keys.map(table)
    if "" in table:
        mapped = mapped.where(~blank, table[""])
    keep = mapped.isna() & ~blank
    # unmapped labels pass through: for closed vocabularies schema.conform names them as errors
    out = mapped.where(~keep, s)
    return out.where(~blank | ("" in table), None)


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
    cols += list(((m.get("claims") or {}).get("wide") or {}).values())
    return [c for c in cols if c not in (m.get("columns") or {}).values()]


def _canonical_frame(
    df: pd.DataFrame,
    section: Mapping[str, Any],
    table: str,
    file: str,
    rownum: pd.Series,
    date_format: str | None,
) -> pd.DataFrame:
    """Rename the mapped columns, translate labels, keep the rest, and conform."""
    columns: dict[str, str] = dict(section.get("columns") or {})
    values: dict[str, Any] = dict(section.get("values") or {})
    missing = [f"{col!r} (for {canon})" for canon, col in columns.items() if col not in df.columns]
    if missing:
        raise DataError(
            f"mapped column(s) not found: {', '.join(missing)}",
            file=file,
            expected=f"columns of the file: {', '.join(map(repr, df.columns))}",
        )
    spec = {c.name: c for c in schema.TABLES[table]}
    renamed = {}
    for canon, col in columns.items():
        s = df[col]
        if canon == "outcome":
            renamed["outcome_raw"] = s
        renamed[canon] = _relabel(s, values.get(canon), spec[canon].vocabulary)
    for canon in values:
        if canon not in columns and canon in df.columns:
            renamed[canon] = _relabel(df[canon], values[canon], spec[canon].vocabulary)
    mapped_cols = set(columns.values())
    out = pd.DataFrame(renamed, index=df.index)
    for c in df.columns:
        if c not in mapped_cols and c not in out.columns:
            out[c] = df[c]
    if "outcome" in out.columns and "outcome_raw" not in out.columns:
        out["outcome_raw"] = out["outcome"]
    names = {canon: col for canon, col in columns.items()}
    return schema.conform(
        out, table, file=file, rownum=rownum, names=names, date_format=date_format
    )


def _split_ids(s: pd.Series, sep: str | None) -> pd.Series:
    """Each cell -> list of stripped ids (empty list for blanks)."""
    text = schema._as_text(s)
    if sep:
        return text.map(
            lambda v: [] if pd.isna(v) else [p.strip() for p in v.split(sep) if p.strip()]
        )
    return text.map(lambda v: [] if pd.isna(v) else [v])


def _votes(
    df: pd.DataFrame,
    case_ids: pd.Series,
    panel: Mapping[str, Any],
    file: str,
    rownum: pd.Series,
) -> tuple[pd.DataFrame, pd.Series]:
    """The votes table from panel columns; returns (votes, author id per case)."""
    sep = panel.get("separator", ";")
    if "columns" in panel:
        cols = list(panel["columns"])
        need = cols + [
            panel[k] for k in ("author", "dissent", "concurrence", "by_designation") if k in panel
        ]
    elif "column" in panel:
        cols = [panel["column"]]
        need = cols + [
            panel[k] for k in ("author", "dissent", "concurrence", "by_designation") if k in panel
        ]
    else:
        raise MappingError("panel: give 'columns' (one per seat) or 'column' with 'separator'")
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise DataError(
            f"panel column(s) not found: {', '.join(map(repr, missing))}",
            file=file,
            expected=f"columns of the file: {', '.join(map(repr, df.columns))}",
        )
    seat_sep = sep if "column" in panel else None
    seats = [_split_ids(df[c], seat_sep) for c in cols]
    members = seats[0]
    for extra in seats[1:]:
        members = members + extra
    roles = {
        k: _split_ids(df[panel[k]], sep)
        if k in panel
        else pd.Series([[]] * len(df), index=df.index)
        for k in ("author", "dissent", "concurrence", "by_designation")
    }
    records = []
    bad_rows: dict[str, list[int]] = {}
    role_lists = {k: v.tolist() for k, v in roles.items()}
    for i, (case_id, judges, row) in enumerate(
        zip(case_ids.tolist(), members.tolist(), rownum.tolist(), strict=True)
    ):
        role = {k: v[i] for k, v in role_lists.items()}
        if len(set(judges)) != len(judges):
            bad_rows.setdefault("the same judge twice on one panel", []).append(row)
        for name, ids in role.items():
            if set(ids) - set(judges):
                bad_rows.setdefault(f"a {name} judge who is not on the panel", []).append(row)
        if len(role["author"]) > 1:
            bad_rows.setdefault("more than one author", []).append(row)
        for j in dict.fromkeys(judges):
            vote = (
                "dissent"
                if j in role["dissent"]
                else "concurrence"
                if j in role["concurrence"]
                else "majority"
            )
            records.append((case_id, j, vote, j in role["author"], j in role["by_designation"]))
    for problem, rows in bad_rows.items():
        raise DataError(
            f"panel coding names {problem}",
            file=file,
            rows=rows,
            column=", ".join(cols),
            expected="each judge once per case; author, "
            "dissenting, concurring and visiting judges among the panel",
        )
    votes = pd.DataFrame(
        records, columns=["case_id", "judge_id", "vote", "is_author", "by_designation"]
    )
    author = roles["author"].map(lambda v: v[0] if v else None)
    return schema.conform(votes, "votes", file=file), author


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
        m = dict(mapping or {})
    if path is None:
        if "file" not in m:
            raise MappingError("no cases file: pass a path, or name 'file' in the mapping")
        path = _resolve(m, m["file"])
    path = Path(path)
    source = source or m.get("source") or path.stem
    date_format = m.get("date_format")
    file_label = path.name
    files = {file_label: file_info(path)} if path.exists() else {}
    df, rownum, ledger = _read_rows(path, m, "cases")

    columns = dict(m.get("columns") or {})
    if not columns:
        columns = {c.name: c.name for c in schema.TABLES["cases"] if c.name in df.columns}
    if "case_id" not in columns:
        raise MappingError("the mapping must name the case id column (columns: case_id: ...)")
    claims_cfg = m.get("claims")
    if "outcome" not in columns and not claims_cfg:
        raise MappingError(
            "the mapping must name the outcome column (columns: outcome: ...), "
            "or give claims to roll the outcome up from"
        )
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
    if "outcome" not in columns:  # rolled up from the claims below
        cases_in["outcome"] = "unknown"
        added["outcome"] = "outcome"
    cases_in = cases_in.drop(columns=_consumed(m), errors="ignore")
    section["columns"] = {**columns, "source": "source", **added}
    cases = _canonical_frame(cases_in, section, "cases", str(path), rownum, date_format)
    rownum = rownum.reset_index(drop=True)
    cases["case_id"] = source + ":" + cases["case_id"]
    bad_w = cases["weight"].isna() | (cases["weight"] <= 0)
    if bad_w.any():
        raise DataError(
            "missing or non-positive sampling weights",
            file=str(path),
            column=columns.get("weight", "weight"),
            rows=rownum[bad_w.to_numpy()].tolist(),
            expected="a number > 0",
        )
    if "year" not in columns and "decided" in cases.columns:
        cases["year"] = cases["decided"].dt.year.astype("Int64")
    if "court" not in cases.columns and "circuit" in cases.columns:
        cases["court"] = cases["circuit"].astype("str")

    notes: list[str] = []
    claims = None
    if claims_cfg:
        claims, claim_ledger, claim_files = _claims(
            claims_cfg, m, df, cases, rownum, source, str(path), date_format
        )
        ledger += claim_ledger
        files.update(claim_files)
        rolled = rollup_claims(claims)
        from_claims = cases["case_id"].map(rolled)
        if "outcome" in columns:
            cases["claims_outcome"] = pd.Categorical(from_claims, categories=list(schema.OUTCOMES))
            differ = from_claims.notna() & (
                from_claims.astype("str") != cases["outcome"].astype("str")
            )
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
        cases = schema.conform(cases, "cases", file=str(path))

    votes = None
    if m.get("panel"):
        votes, author = _votes(
            df.reset_index(drop=True), cases["case_id"], m["panel"], str(path), rownum
        )
        if "author" not in columns and "author" in m["panel"]:
            cases["author"] = schema._as_text(author)

    judges = None
    if m.get("judges"):
        judges, judge_ledger, judge_files = _judges(m["judges"], m, date_format)
        ledger += judge_ledger
        files.update(judge_files)
        if votes is not None:
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

    ledger.insert(0, entry(file_label, "cases", "kept", len(cases)))
    rows_read = {e["file"]: 0 for e in ledger}
    for e in ledger:
        rows_read[e["file"]] += int(e["n_rows"])
    meta = {
        "source": source,
        "reader": "coded",
        "files": files,
        "rows_read": rows_read,
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
