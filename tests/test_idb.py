"""The IDB reader on generated files of both codebook layouts, against pandas by hand."""

import pandas as pd
import pytest

import toolkit
from toolkit.errors import ToolkitError
from toolkit.sources import idb


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    root = tmp_path_factory.mktemp("idb")
    raw = root / "raw" / "idb"
    idb.generate(raw / "ap08on.txt", 3000, layout="2008", seed=1)
    idb.generate(raw / "ap71to07.txt", 2000, layout="1971", seed=2, first_year=1980)
    return root


def _expected(path, layout):
    raw = pd.read_csv(path, sep="\t")
    year = raw["NEWSYTRM"] if "NEWSYTRM" in raw else raw["TAPEYEAR"]
    if layout == "2008":
        merits = raw["DISP"].isin([1, 2, 3])
        table = idb.OUTCOME_2008
        mapped = raw["OUTCOME"].map(table)
    else:
        merits = (raw["DISP"].isin([1, 2, 3]) & (year >= 1985)) | (
            raw["DISP"].isin([1, 2]) & (year < 1985)
        )
        mapped = (
            raw["OUTCOME"]
            .map(idb.OUTCOME_SY85)
            .where(year >= 1985, raw["OUTCOME"].map(idb.OUTCOME_SY71))
        )
    outcome = mapped.where(merits, "other").where(raw["DISP"] != -8, "unknown")
    outcome = outcome.where(~(merits & (raw["OUTCOME"] == -8)), "unknown")
    return outcome.value_counts().sort_index()


def test_outcomes_follow_the_codebooks(files):
    parquet = idb.parquet_path(files / "raw", files / "processed")
    got = idb.aggregate(by=["layout", "outcome"], parquet=parquet)
    for layout, name in (("2008", "ap08on.txt"), ("1971", "ap71to07.txt")):
        mine = got[got["layout"] == layout].set_index("outcome")["n"].sort_index()
        expected = _expected(files / "raw" / "idb" / name, layout)
        assert mine.to_dict() == expected.to_dict(), layout


def test_read_only_what_is_asked_and_account_for_the_rest(files):
    data = idb.read(
        columns=["nos", "DISP"],
        where="circuit = 'ca9' AND year >= 2015",
        raw_dir=files / "raw",
        processed_dir=files / "processed",
    )
    raw = pd.read_csv(files / "raw" / "idb" / "ap08on.txt", sep="\t")
    expected = ((raw["CIRCUIT"] == 9) & (raw["TAPEYEAR"] >= 2015)).sum()
    assert len(data.cases) == expected
    assert set(data.cases.columns) >= {"case_id", "outcome", "nos", "DISP"}
    assert "JDGCODE1" not in data.cases.columns
    summary = data.ledger_summary().set_index("file")
    assert summary.loc["ap08on.txt"].tolist() == [3000, expected, 3000 - expected]
    assert summary.loc["ap71to07.txt"].tolist() == [2000, 0, 2000]
    with pytest.raises(ToolkitError, match="cannot read the IDB"):
        idb.read(
            where="no_such_column = 1", raw_dir=files / "raw", processed_dir=files / "processed"
        )


def test_rates_in_duckdb_equal_rates_in_pandas(files):
    parquet = idb.parquet_path(files / "raw", files / "processed")
    fast = idb.aggregate(by=["circuit"], rule="disturbed", parquet=parquet)
    data = idb.read(raw_dir=files / "raw", processed_dir=files / "processed")
    slow = toolkit.reversal_rates(data, by="circuit", rule="disturbed")
    slow["circuit"] = slow["circuit"].astype(str)
    merged = fast.merge(slow, on="circuit", suffixes=("", "_pandas"))
    assert len(merged) == 12
    for col in ("n", "n_reversed", "n_excluded", "rate", "ci_low", "ci_high"):
        assert merged[col].tolist() == pytest.approx(merged[f"{col}_pandas"].tolist()), col
    with pytest.raises(ToolkitError, match="drop 'outcome'"):
        idb.aggregate(by=["outcome"], rule="disturbed", parquet=parquet)


def test_duckdb_rates_are_the_declared_table_of_the_pandas_path(files):
    from toolkit.results import RATES

    parquet = idb.parquet_path(files / "raw", files / "processed")
    fast = idb.aggregate(by=["circuit"], rule="reversed", parquet=parquet, level=0.9, min_n=150)
    data = idb.read(raw_dir=files / "raw", processed_dir=files / "processed")
    slow = toolkit.reversal_rates(data, by="circuit", rule="reversed", level=0.9, min_n=150)
    assert RATES.problems(fast, ["circuit"]) == []
    assert fast.columns.tolist() == slow.columns.tolist()  # n_effective included
    assert fast["small_n"].any() and not fast["small_n"].all()  # min_n reached the flag
    slow = slow.assign(circuit=slow["circuit"].astype(str)).sort_values("circuit")
    pd.testing.assert_frame_equal(
        fast.sort_values("circuit").reset_index(drop=True),
        slow.reset_index(drop=True),
        check_dtype=False,  # DuckDB's and pandas' text columns
        check_exact=False,
        rtol=1e-12,
    )
    for key in ("level", "min_n", "ci", "weighted"):
        assert fast.attrs[key] == slow.attrs[key], key


def test_undocumented_codes_and_foreign_files_are_errors(tmp_path):
    raw = tmp_path / "raw" / "idb"
    path = idb.generate(raw / "ap08on.txt", 50, seed=3)
    frame = pd.read_csv(path, sep="\t")
    frame.loc[frame["DISP"] == 1, "OUTCOME"] = 8  # not in the 2008-forward codebook
    frame.to_csv(path, sep="\t", index=False)
    with pytest.raises(ToolkitError, match="codebooks do not document"):
        idb.parquet_path(tmp_path / "raw", tmp_path / "processed")
    pd.DataFrame({"a": [1]}).to_csv(path, sep="\t", index=False)
    with pytest.raises(ToolkitError, match="not an IDB appeals file"):
        idb.parquet_path(tmp_path / "raw", tmp_path / "processed")
