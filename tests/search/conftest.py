"""The toy scenario and levers of the search tests (see data/toy.yaml)."""

from __future__ import annotations

from pathlib import Path

import pytest

import sim

DATA = Path(__file__).parent / "data"
TARGET = "referrals_per_year_category_family<2000"


@pytest.fixture(scope="session")
def toy_path() -> Path:
    return DATA / "toy.yaml"


@pytest.fixture(scope="session")
def toy_levers() -> Path:
    return DATA / "toy_levers.yaml"


@pytest.fixture(scope="session")
def toy(toy_path: Path) -> sim.Scenario:
    return sim.load_scenario(toy_path)
