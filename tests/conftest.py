"""Shared fixtures: paths to the tiny hand-written fixtures in tests/data."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture
def fixtures() -> Path:
    """The folder of hand-written test fixtures."""
    return DATA
