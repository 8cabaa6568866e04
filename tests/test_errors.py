from toolkit.errors import DataError, ToolkitError, compact_rows, format_rows


def test_compact_rows_ranges_and_order():
    assert compact_rows([9, 3, 7, 8, 3]) == "3, 7-9"
    assert compact_rows([]) == ""


def test_format_rows_singular_and_plural():
    assert format_rows([4]) == "row 4"
    assert format_rows([2, 3, 10]) == "rows 2-3, 10 (3 rows)"


def test_data_error_names_file_rows_column_expected():
    err = DataError("bad", file="f.csv", rows=[5, 6], column="Result", expected="a label")
    text = str(err)
    for part in ("bad", "f.csv", "'Result'", "rows 5-6", "expected: a label"):
        assert part in text
    assert isinstance(err, ToolkitError) and isinstance(err, ValueError)
