"""Shared fixtures: paths to the tiny hand-written fixtures in tests/data."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture
def fixtures() -> Path:
    """The folder of hand-written test fixtures."""
    return DATA


def shared_data() -> Path | None:
    """The reference datasets: $APPELLATE_SHARED_DATA, else ../shared/data beside the project."""
    import os

    candidates = [
        os.environ.get("APPELLATE_SHARED_DATA"),
        str(Path(__file__).resolve().parents[2] / "shared" / "data"),
    ]
    for candidate in candidates:
        if candidate and Path(candidate, "SOURCES.md").exists():
            return Path(candidate)
    return None


@pytest.fixture(scope="session")
def mirror() -> Path:
    """The reference-data folder, or skip: the realdata tests need it."""
    found = shared_data()
    if found is None:
        pytest.skip(
            "reference data not found: set APPELLATE_SHARED_DATA to the shared/data "
            "folder (CI does)"
        )
    return found


@pytest.fixture(scope="session")
def real_raw(mirror, tmp_path_factory) -> Path:
    """Every reference source fetched from the mirror into a fresh data folder."""
    from toolkit.sources import fetch

    data = tmp_path_factory.mktemp("appellate-data")
    for name in ("scdb", "songer", "auburn", "fjc_judges", "greene"):
        fetch(name, mirror=mirror, raw_dir=data / "raw")
    return data


@pytest.fixture(scope="session")
def real_reports(real_raw, tmp_path_factory):
    """Every report of the project's manifest on a reference source, built once a session.

    ``real_reports("scdb")`` returns the output folder and the runner's results.
    """
    from toolkit import paths
    from toolkit.reports import build_reports

    done: dict[str, tuple] = {}

    def build(source: str) -> tuple:
        if source not in done:
            out = tmp_path_factory.mktemp(f"reports-{source}")
            with pytest.MonkeyPatch.context() as patch:
                patch.setenv("APPELLATE_DATA", str(real_raw))
                results = build_reports(paths.home() / "reports.yml", data=source, out_dir=out)
            done[source] = (out, results)
        return done[source]

    return build


# Fixtures that build reports, a wheel or the real-data sources: every test using one is
# `slow`. `make test` (and CI) runs them all; `pytest -m "not slow"` is the quick check.
SLOW_FIXTURES = frozenset({"built", "installed", "real_raw", "real_reports"})


# Building every report on the reference databases takes minutes: those tests are `fullbuild`,
# run by `make test-full` (and CI) beside `make test`.
FULL_BUILD_FIXTURES = frozenset({"real_reports"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests that use a slow fixture ``slow``, and a full build ``fullbuild``."""
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        if SLOW_FIXTURES & used:
            item.add_marker(pytest.mark.slow)
        if FULL_BUILD_FIXTURES & used:
            item.add_marker(pytest.mark.fullbuild)
