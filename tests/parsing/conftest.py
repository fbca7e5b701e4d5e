"""Shared test setup: the agency registry of the repository and a default arrival date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dagster_project.ingest.parsing import AgencyRegistry

REGISTRY = Path(__file__).resolve().parents[2] / "registry"


@pytest.fixture(scope="session")
def registry() -> AgencyRegistry:
    return AgencyRegistry.from_dir(REGISTRY)


@pytest.fixture
def arrival() -> dt.date:
    return dt.date(2024, 10, 5)
