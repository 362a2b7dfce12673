"""Shared fixtures for the scenario tests: real phrasebooks, real YAML, no mocks of the core."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach.checker import Checker
from coach.paths import shipped
from coach.scenario.engine import Engine
from coach.scenario.loader import load_scenarios
from coach.scenario.model import Scenario

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_PHRASEBOOKS = FIXTURES / "phrasebooks"
FIXTURE_SCENARIOS = FIXTURES / "scenarios"


@pytest.fixture(scope="session")
def fixture_checker() -> Checker:
    """A checker over the small test phrasebook: its findings and moves don't change under the tests."""
    return Checker.from_paths([FIXTURE_PHRASEBOOKS])


@pytest.fixture(scope="session")
def shipped_checker() -> Checker:
    return Checker.from_paths([shipped("phrasebooks")], langs=["en"])


@pytest.fixture(scope="session")
def parcel() -> Scenario:
    loaded = load_scenarios([FIXTURE_SCENARIOS])
    assert not loaded.problems, loaded.problems
    return loaded.get("parcel", "en")


@pytest.fixture(scope="session")
def engine(parcel: Scenario, fixture_checker: Checker) -> Engine:
    return Engine(parcel, fixture_checker)
