from __future__ import annotations

from pathlib import Path

import pytest

from coach.checker import Checker
from coach.paths import shipped

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def basic_checker() -> Checker:
    """A checker on the small test phrasebook, whose behaviour the tests pin down."""
    return Checker.from_paths([DATA / "phrasebooks"])


@pytest.fixture(scope="session")
def shipped_checker() -> Checker:
    return Checker.from_paths([shipped("phrasebooks")])
