"""The canonical tables: the data dictionary in code.

Every source, whatever its own layout, becomes a :class:`CaseData` whose tables follow the
column specifications declared here once: name, dtype, whether required, allowed values and
meaning. Readers call :func:`conform` to turn a raw frame into a canonical one (raising
:class:`~toolkit.errors.DataError` naming file, rows and column on bad input), and
:class:`CaseData` checks its tables again when it is built.

Dtypes follow pandas 3: ``str`` for text, ``category`` for closed vocabularies, nullable
``Int64``, ``Float64`` and ``boolean``, and ``datetime64[us]`` for dates.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import pandas as pd

from toolkit.errors import DataError, format_rows

__all__ = [
    "CIRCUITS",
    "OUTCOMES",
    "PARTIES",
    "TABLES",
    "VOTES",
    "CaseData",
    "Column",
    "conform",
    "data_dictionary",
    "ledger_frame",
    "restore_categories",
]

CIRCUITS: tuple[str, ...] = (
    "ca1", "ca2", "ca3", "ca4", "ca5", "ca6", "ca7", "ca8", "ca9", "ca10", "ca11", "cadc", "cafc",
)  # fmt: skip
"""Federal courts of appeals: the 1st-11th, the D.C. and the Federal Circuit."""

OUTCOMES: tuple[str, ...] = (
    "affirmed",
    "denied",
    "dismissed",
    "reversed",
    "reversed_remanded",
    "vacated",
    "vacated_remanded",
    "remanded",
    "mixed",
    "granted",
    "other",
    "unknown",
)
"""Canonical dispositions. ``mixed``: affirmed or dismissed in part, reversed or vacated in part."""

VOTES: tuple[str, ...] = ("majority", "concurrence", "dissent")
"""A judge's vote in a case."""

PARTIES: tuple[str, ...] = ("democratic", "republican", "other")
"""Party of the president who appointed a judge."""

DATE = "datetime64[us]"


@dataclass(frozen=True)
class Column:
    """One column of a canonical table."""

    name: str
    dtype: str
    description: str
    required: bool = False
    vocabulary: tuple[str, ...] | None = None
    unique: bool = False


TABLES: dict[str, tuple[Column, ...]] = {
    "cases": (
        Column(
            "case_id",
            "str",
            "unique id, prefixed by the source (e.g. 'demo:04-1234')",
            required=True,
            unique=True,
        ),
        Column("source", "str", "the source the case came from", required=True),
        Column("court", "str", "deciding court: 'scotus', 'ca1'..'cafc', or the source's own code"),
        Column(
            "circuit",
            "category",
            "federal circuit of the case (for SCOTUS: the circuit it came from); empty when none",
            vocabulary=CIRCUITS,
        ),
        Column("lower_court", "str", "court or agency reviewed, e.g. 'bia', 'district', 'state'"),
        Column("filed", DATE, "date the appeal or petition was filed (docketed)"),
        Column("argued", DATE, "date of oral argument; empty when not argued"),
        Column("decided", DATE, "date of decision"),
        Column("year", "Int64", "year (or term) of decision"),
        Column("claim_type", "str", "main claim or issue category"),
        Column("outcome", "category", "canonical disposition", required=True, vocabulary=OUTCOMES),
        Column("outcome_raw", "str", "the source's own disposition code or label, for audit"),
        Column("author", "str", "judge_id of the opinion's author; empty for per curiam"),
        Column("published", "boolean", "published (precedential) opinion"),
        Column(
            "weight",
            "Float64",
            "sampling weight; 1 when the data are not a weighted sample",
            required=True,
        ),
    ),
    "claims": (
        Column("case_id", "str", "the case the claim belongs to", required=True),
        Column("party", "str", "the party raising the claim (e.g. a petitioner's id)"),
        Column("claim", "str", "the claim, e.g. 'asylum', 'withholding', 'cat'", required=True),
        Column(
            "outcome",
            "category",
            "canonical disposition of this claim",
            required=True,
            vocabulary=OUTCOMES,
        ),
        Column("outcome_raw", "str", "the source's own label, for audit"),
    ),
    "votes": (
        Column("case_id", "str", "the case", required=True),
        Column("judge_id", "str", "the judge", required=True),
        Column("vote", "category", "majority, concurrence or dissent", vocabulary=VOTES),
        Column("is_author", "boolean", "wrote the opinion of the court"),
        Column("by_designation", "boolean", "visiting judge sitting by designation"),
    ),
    "judges": (
        Column("judge_id", "str", "unique judge id", required=True, unique=True),
        Column("name", "str", "name (fictional ids in simulated data)"),
        Column("court", "str", "the judge's own court"),
        Column("appointing_president", "str", "president who appointed the judge"),
        Column("party", "category", "party of the appointing president", vocabulary=PARTIES),
        Column("commissioned", DATE, "date of commission"),
        Column("fjc_id", "Int64", "Federal Judicial Center nid, where known"),
    ),
    "ledger": (
        Column("file", "str", "input file (or table) the rows came from", required=True),
        Column("table", "str", "canonical table the rows went to", required=True),
        Column("action", "str", "'kept' or 'excluded'", required=True),
        Column("reason", "str", "why rows were excluded (empty when kept)"),
        Column("n_rows", "Int64", "number of input rows", required=True),
        Column("rows", "str", "the rows concerned, as spreadsheet row numbers"),
    ),
}
"""Column specifications of every canonical table, in canonical order."""

_TRUE = {"true", "t", "yes", "y", "1", "1.0"}
_FALSE = {"false", "f", "no", "n", "0", "0.0"}


def data_dictionary() -> pd.DataFrame:
    """The data dictionary of the canonical tables as a tidy frame.

    Examples
    --------
    >>> dd = data_dictionary()
    >>> dd.loc[dd["column"] == "outcome", "table"].tolist()
    ['cases', 'claims']
    """
    rows = [
        {
            "table": table,
            "column": c.name,
            "dtype": c.dtype,
            "required": c.required,
            "allowed": ", ".join(c.vocabulary) if c.vocabulary else "",
            "description": c.description,
        }
        for table, cols in TABLES.items()
        for c in cols
    ]
    return pd.DataFrame(rows)


def _spec(table: str) -> dict[str, Column]:
    return {c.name: c for c in TABLES[table]}


def _user_rows(index: Iterable[Any], rownum: pd.Series | None) -> list[int]:
    if rownum is None:
        return [int(i) + 2 for i in index]
    return [int(rownum.loc[i]) for i in index]


def _as_text(s: pd.Series) -> pd.Series:
    """Text from any column; whole floats lose their '.0' (judge ids read as numbers)."""
    if pd.api.types.is_float_dtype(s):
        nonnull = s.dropna()
        if (nonnull == nonnull.round()).all():
            s = s.astype("Int64")
    if pd.api.types.is_bool_dtype(s):
        s = s.astype("boolean")
    out = s.astype("str")
    out = out.where(s.notna())
    return out.str.strip().replace("", pd.NA).astype("str")


def _coerce(
    s: pd.Series,
    col: Column,
    *,
    file: str | None,
    user_col: str,
    rownum: pd.Series | None,
    date_format: str | None,
) -> pd.Series:
    def fail(bad: pd.Series, expected: str) -> DataError:
        examples = ", ".join(repr(v) for v in pd.unique(bad.astype("str"))[:5])
        return DataError(
            f"{bad.size} value(s) of the wrong type (e.g. {examples})",
            file=file,
            rows=_user_rows(bad.index, rownum),
            column=user_col,
            expected=expected,
        )

    present = s.notna() & ~(s.astype("str").str.strip() == "")
    if col.dtype in ("str", "category"):
        out = _as_text(s)
        if col.vocabulary is None:
            return out
        bad = out[present & ~out.isin(col.vocabulary)]
        if len(bad):
            labels = sorted(pd.unique(bad))
            detail = "; ".join(
                f"{lab!r} in {format_rows(_user_rows(bad.index[bad == lab], rownum))}"
                for lab in labels
            )
            raise DataError(
                f"unknown value(s) for {col.name}: {detail}",
                file=file,
                column=user_col,
                rows=_user_rows(bad.index, rownum),
                expected=f"one of {', '.join(col.vocabulary)}",
            )
        return pd.Series(
            pd.Categorical(out, categories=list(col.vocabulary)), index=s.index, name=s.name
        )
    if col.dtype in ("Int64", "Float64"):
        num = pd.to_numeric(s.where(present), errors="coerce")
        bad = s[present & num.isna()]
        if col.dtype == "Int64":
            bad = s[present & (num.isna() | (num != num.round()))]
        if len(bad):
            raise fail(bad, "an integer" if col.dtype == "Int64" else "a number")
        return num.astype(col.dtype)
    if col.dtype == "boolean":
        if pd.api.types.is_bool_dtype(s):
            return s.astype("boolean")
        text = s.astype("str").str.strip().str.lower()
        out = pd.Series(pd.NA, index=s.index, dtype="boolean")
        out[present & text.isin(_TRUE)] = True
        out[present & text.isin(_FALSE)] = False
        bad = s[present & out.isna()]
        if len(bad):
            raise fail(bad, "true/false (also yes/no, y/n, 1/0)")
        return out
    if col.dtype == DATE:
        if pd.api.types.is_datetime64_any_dtype(s):
            return s.astype(DATE)
        parsed = pd.to_datetime(s.where(present), errors="coerce", format=date_format)
        bad = s[present & parsed.isna()]
        if len(bad):
            raise fail(bad, f"a date{f' in the format {date_format}' if date_format else ''}")
        return parsed.astype(DATE)
    raise TypeError(f"no coercion for dtype {col.dtype}")  # pragma: no cover


def conform(
    df: pd.DataFrame,
    table: str,
    *,
    file: str | None = None,
    rownum: pd.Series | None = None,
    names: Mapping[str, str] | None = None,
    date_format: str | None = None,
) -> pd.DataFrame:
    """Coerce a frame to a canonical table, or raise a :class:`DataError`.

    Parameters
    ----------
    df
        A frame whose canonical columns already carry their canonical names; other columns are
        kept unchanged after the canonical ones.
    table
        One of :data:`TABLES`.
    file
        The input file, named in errors.
    rownum
        The spreadsheet row number of each row (by index); default index + 2.
    names
        Canonical name -> the user's own column name, so errors name the user's column.
    date_format
        ``strftime`` format of date columns; inferred when None.

    Returns
    -------
    pandas.DataFrame
        A new frame; the input is never modified.

    Examples
    --------
    >>> raw = pd.DataFrame({"case_id": ["a", "b"], "source": "x",
    ...                     "outcome": ["affirmed", "granted"], "weight": 1})
    >>> conform(raw, "cases")["outcome"].dtype.name
    'category'
    """
    spec = _spec(table)
    names = dict(names or {})
    missing = [c.name for c in spec.values() if c.required and c.name not in df.columns]
    if missing:
        raise DataError(
            f"missing required column(s) for the {table} table: {', '.join(missing)}",
            file=file,
            expected=f"columns {', '.join(missing)} (found: {', '.join(map(str, df.columns))})",
        )
    out = {}
    for name, col in spec.items():
        if name not in df.columns:
            continue
        user_col = names.get(name, name)
        out[name] = _coerce(
            df[name], col, file=file, user_col=user_col, rownum=rownum, date_format=date_format
        )
        if col.required and name not in ("weight",):
            empty = out[name].isna()
            if empty.any():
                raise DataError(
                    f"empty value(s) in required column {name}",
                    file=file,
                    column=user_col,
                    rows=_user_rows(out[name].index[empty], rownum),
                    expected="a value in every row",
                )
        if col.unique:
            dup = out[name].duplicated(keep=False) & out[name].notna()
            if dup.any():
                values = sorted(pd.unique(out[name][dup]))[:10]
                raise DataError(
                    f"duplicate {name}: {', '.join(map(repr, values))}",
                    file=file,
                    column=user_col,
                    rows=_user_rows(out[name].index[dup], rownum),
                    expected=f"each {name} once",
                )
    extra = [c for c in df.columns if c not in spec]
    result = pd.concat([pd.DataFrame(out, index=df.index), df[extra]], axis=1)
    return result.reset_index(drop=True).copy()  # one block per dtype, not one per column


def restore_categories(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Give categorical columns their full vocabulary again (Parquet keeps only used values)."""
    out = frame.copy()
    for col in TABLES[table]:
        if col.vocabulary is not None and col.name in out.columns:
            out[col.name] = out[col.name].astype(pd.CategoricalDtype(list(col.vocabulary)))
    return out


def ledger_frame(records: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Build a ledger from records with keys ``file, table, action, reason, n_rows, rows``."""
    cols = [c.name for c in TABLES["ledger"]]
    df = pd.DataFrame(list(records), columns=cols)
    return conform(df, "ledger")


def _check(df: pd.DataFrame, table: str) -> None:
    for col in TABLES[table]:
        if col.name not in df.columns:
            if col.required:
                raise DataError(f"{table} table lacks required column {col.name}")
            continue
        dtype = df[col.name].dtype
        ok = {
            "str": pd.api.types.is_string_dtype(dtype)
            and not isinstance(dtype, pd.CategoricalDtype),
            "category": isinstance(dtype, pd.CategoricalDtype)
            and tuple(dtype.categories) == col.vocabulary,
            DATE: str(dtype) == DATE,
        }.get(col.dtype, str(dtype) == col.dtype)
        if not ok:
            raise DataError(f"{table}.{col.name} has dtype {dtype}", expected=f"dtype {col.dtype}")
        if col.unique and df[col.name].duplicated().any():
            raise DataError(f"{table}.{col.name} is not unique")


@dataclass(frozen=True)
class CaseData:
    """A coded dataset in the canonical model.

    Attributes
    ----------
    cases
        One row per appellate decision (see :data:`TABLES` ``["cases"]``).
    claims, votes, judges
        Optional detail tables; ``None`` when the source has none.
    ledger
        What happened to every input row: kept or excluded, with reasons.
        For each input file the counts add up to the rows read (``meta["rows_read"]``).
    meta
        Source name, release, file fingerprints, read time, reversal rule in force, notes.

    Examples
    --------
    >>> import toolkit
    >>> data = toolkit.load("demo")
    >>> data.cases["outcome"].dtype.name
    'category'
    >>> int(data.ledger["n_rows"].sum()) == sum(data.meta["rows_read"].values())
    True
    """

    cases: pd.DataFrame
    claims: pd.DataFrame | None = None
    votes: pd.DataFrame | None = None
    judges: pd.DataFrame | None = None
    ledger: pd.DataFrame = field(default_factory=lambda: ledger_frame([]))
    meta: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "meta", MappingProxyType(dict(self.meta)))
        for name in ("cases", "claims", "votes", "judges", "ledger"):
            table = getattr(self, name)
            if table is not None:
                _check(table, name)
        ids = self.cases["case_id"].astype(object)  # object hashing: 10x faster than str isin
        for name in ("claims", "votes"):
            table = getattr(self, name)
            if table is not None and not table["case_id"].astype(object).isin(ids).all():
                orphans = sorted(pd.unique(table.loc[~table["case_id"].isin(ids), "case_id"]))
                raise DataError(f"{name} refer to case ids not in cases: {', '.join(orphans[:10])}")
        read = self.meta.get("rows_read")
        if read is not None:
            counted = self.ledger.groupby("file")["n_rows"].sum().to_dict()
            if {k: int(v) for k, v in counted.items()} != {k: int(v) for k, v in read.items()}:
                raise DataError(
                    f"ledger does not add up: rows read {dict(read)}, ledger counts {counted}"
                )

    @property
    def source(self) -> str:
        """The source name."""
        return str(self.meta.get("source", ""))

    def replace(self, **changes: Any) -> CaseData:
        """A new ``CaseData`` with some tables or ``meta`` replaced (validated again)."""
        return dataclasses.replace(self, **changes)

    def ledger_summary(self) -> pd.DataFrame:
        """Rows read, kept and excluded per input file; ``read == kept + excluded``."""
        g = self.ledger.pivot_table(
            index="file", columns="action", values="n_rows", aggfunc="sum", fill_value=0
        )
        for action in ("kept", "excluded"):
            if action not in g.columns:
                g[action] = 0
        g = g[["kept", "excluded"]].astype("int64")
        read = self.meta.get("rows_read", {})
        g.insert(0, "read", [int(read.get(f, g.loc[f].sum())) for f in g.index])
        return g.reset_index().rename_axis(columns=None)

    def __repr__(self) -> str:
        parts = [f"{len(self.cases):,} cases"]
        for name in ("claims", "votes", "judges"):
            table = getattr(self, name)
            if table is not None:
                parts.append(f"{len(table):,} {name}")
        rule = self.meta.get("rule")
        rule_text = f", rule={rule['name']!r}" if rule else ""
        return f"CaseData(source={self.source!r}: {', '.join(parts)}{rule_text})"
