"""Rules of the dbt project that keep it buildable on PostgreSQL as well as DuckDB."""

from __future__ import annotations

import yaml

from dagster_project import settings

POSTGRES_MAX_IDENTIFIER_BYTES = 63  # NAMEDATALEN - 1: longer names are cut, and dbt's unit tests then fail


def test_every_unit_test_name_fits_a_postgres_identifier():
    names = [
        test["name"]
        for path in sorted((settings.DBT_PROJECT_DIR / "models").rglob("*.yml"))
        for test in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("unit_tests", [])
    ]
    assert len(names) >= 20
    too_long = [n for n in names if len(n.encode("utf-8")) > POSTGRES_MAX_IDENTIFIER_BYTES]
    assert too_long == []
