import pytest

import toolkit
from toolkit.errors import UnknownSourceError


def test_unknown_source_names_the_known_ones():
    with pytest.raises(UnknownSourceError, match="neither a known source .*demo"):
        toolkit.load("no-such-dataset")


def test_load_cases_file_with_mapping(fixtures):
    clinic = fixtures / "clinic"
    data = toolkit.load(clinic / "cases.csv", mapping=clinic / "mapping.yaml")
    assert data.source == "clinic" and len(data.cases) == 5
    assert data.meta["files"]["cases.csv"]["sha256"]
