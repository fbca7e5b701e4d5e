"""Every row of the marts `fct_indicator_values` and `fct_budget_share` equals an independent
recomputation from the sample world's manifest (`tests/recompute_marts.py`, written from
`docs/indicator-rules.md` only). A disagreement means one side misread the rules: the failure
lists the keys missing on either side and the first differing rows, column by column."""

from __future__ import annotations

import datetime as dt
import decimal
import os
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import duckdb
import pytest

from dagster_project import settings
from tests.recompute_marts import (
    DOC_CATALOGUE,
    DOC_FLOORS,
    DOC_TARGETS,
    load_catalogue,
    recompute_budget_share,
    recompute_indicator_values,
    withheld_observations,
)

DXW = str(Path(sys.executable).parent / "dxw")
SEEDS = settings.DBT_PROJECT_DIR / "seeds"
REGISTRY = settings.DEFAULT_REGISTRY_DIR
REL_TOL = 1e-9
SHOW = 8  # differing rows shown per failure

INDICATOR_KEY = ("agency_code", "indicator_code", "period_code")
INDICATOR_COLUMNS = (
    "period_type",
    "period_start",
    "period_end",
    "numerator",
    "denominator",
    "value_pct",
    "target_pct",
    "comparator",
    "meets_target",
    "gap_pct",
    "is_area_total",
    "is_successor_rollup",
    "period_complete",
)
BUDGET_KEY = ("fiscal_year", "basis", "scope_code")
BUDGET_COLUMNS = (
    "scope_type",
    "reporting_agency_code",
    "dx_spending_vnd",
    "regular_spending_vnd",
    "share_pct",
    "floor_pct",
    "comparator",
    "meets_floor",
    "clerk_total_vnd",
    "clerk_total_matches",
)


@pytest.fixture(scope="module")
def published(sample_world, tmp_path_factory):
    """`dxw refresh` over the sample world into a temporary warehouse; the published file and the manifest."""
    raw, manifest = sample_world
    warehouse = tmp_path_factory.mktemp("marts_warehouse")
    env = {**os.environ, "DX_RAW_DIR": str(raw), "DX_WAREHOUSE_DIR": str(warehouse)}
    env.pop("DAGSTER_HOME", None)
    env.pop("DX_REGISTRY_DIR", None)
    run = subprocess.run([DXW, "refresh", "--json"], env=env, capture_output=True, text=True, timeout=900, check=False)
    assert run.returncode == 0, "dxw refresh failed:\n" + run.stdout[-4000:] + "\n" + run.stderr[-4000:]
    return warehouse / "dx.duckdb", manifest


def _mart_rows(db: Path, table: str, key: tuple[str, ...], columns: tuple[str, ...]) -> dict[tuple, dict]:
    with duckdb.connect(str(db), read_only=True) as con:
        tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
        assert table in tables, f"the published warehouse has no table {table}"
        present = {
            r[0]
            for r in con.execute(
                "select column_name from information_schema.columns where table_name = ?", [table]
            ).fetchall()
        }
        missing = [c for c in key + columns if c not in present]
        assert not missing, f"{table} lacks the documented columns {missing}"
        cur = con.execute(f"select {', '.join(key + columns)} from {table}")
        names = [d[0] for d in cur.description]
        rows = [dict(zip(names, r)) for r in cur.fetchall()]
    out: dict[tuple, dict] = {}
    dupes = []
    for r in rows:
        k = tuple(r[c] for c in key)
        if k in out:
            dupes.append(k)
        out[k] = r
    assert not dupes, f"{table}: {len(dupes)} duplicate keys {key}, e.g. {dupes[:SHOW]}"
    return out


def _same(expected, actual) -> bool:
    if expected is None or actual is None:
        return expected is None and actual is None
    if isinstance(expected, bool) or isinstance(actual, bool):
        return isinstance(expected, bool) and isinstance(actual, bool) and expected == actual
    if isinstance(expected, (Fraction, int, float)) and not isinstance(expected, bool):
        if not isinstance(actual, (int, float, decimal.Decimal, Fraction)):
            return False
        e, a = float(expected), float(actual)
        return abs(e - a) <= REL_TOL * max(abs(e), abs(a), 1.0)
    if isinstance(expected, dt.date):
        if isinstance(actual, dt.datetime):
            actual = actual.date()
        return isinstance(actual, dt.date) and expected == actual
    return str(expected) == str(actual)


def _show(v) -> str:
    if isinstance(v, Fraction):
        return repr(float(v)) if v.denominator != 1 else str(v.numerator)
    return repr(v)


def _diff(table: str, expected: dict[tuple, dict], actual: dict[tuple, dict], columns: tuple[str, ...]) -> str:
    only_expected = sorted(set(expected) - set(actual), key=str)
    only_actual = sorted(set(actual) - set(expected), key=str)
    differing = []
    column_counts: dict[str, int] = {}
    for k in sorted(set(expected) & set(actual), key=str):
        bad = [c for c in columns if not _same(expected[k][c], actual[k][c])]
        if bad:
            differing.append((k, bad))
            for c in bad:
                column_counts[c] = column_counts.get(c, 0) + 1
    if not (only_expected or only_actual or differing):
        return ""
    summary = (
        f"{table}: {len(expected)} rows recomputed from the manifest, {len(actual)} in the mart; "
        f"{len(only_expected)} missing from the mart, {len(only_actual)} unexpected in the mart, "
        f"{len(differing)} differing rows (by column: {column_counts})."
    )
    lines = [summary]
    if only_expected:
        lines.append(f"  missing from the mart (first {SHOW}):")
        for k in only_expected[:SHOW]:
            e = expected[k]
            lines.append(f"    {k}: " + ", ".join(f"{c}={_show(e[c])}" for c in columns if c in e))
    if only_actual:
        lines.append(f"  in the mart but not recomputed (first {SHOW}):")
        for k in only_actual[:SHOW]:
            a = actual[k]
            lines.append(f"    {k}: " + ", ".join(f"{c}={_show(a[c])}" for c in columns))
    if differing:
        lines.append(f"  differing rows (first {SHOW}; column: recomputed != mart):")
        for k, bad in differing[:SHOW]:
            lines.append(
                f"    {k}: " + "; ".join(f"{c}: {_show(expected[k][c])} != {_show(actual[k][c])}" for c in bad)
            )
    return "\n".join(lines)


def _withheld_flags(db: Path) -> list[dict]:
    """The plausibility flags still withheld: an input to the recomputation (test_dq_flags checks the flags)."""
    with duckdb.connect(str(db), read_only=True) as con:
        cur = con.execute(
            "select agency_code, indicator_code, item_code, period_code from dq_flagged_values where is_withheld"
        )
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]


def test_every_indicator_fact_equals_the_value_recomputed_from_the_manifest(published):
    db, manifest = published
    cat = load_catalogue(SEEDS, REGISTRY)
    expected = recompute_indicator_values(manifest, cat, withheld_observations(_withheld_flags(db), cat))
    actual = _mart_rows(db, "fct_indicator_values", INDICATOR_KEY, INDICATOR_COLUMNS)
    problems = _diff("fct_indicator_values", expected, actual, INDICATOR_COLUMNS)
    assert not problems, "\n" + problems


def test_every_budget_share_row_equals_the_share_recomputed_from_the_manifest(published):
    db, manifest = published
    expected = recompute_budget_share(manifest, load_catalogue(SEEDS, REGISTRY))
    actual = _mart_rows(db, "fct_budget_share", BUDGET_KEY, BUDGET_COLUMNS)
    problems = _diff("fct_budget_share", expected, actual, BUDGET_COLUMNS)
    assert not problems, "\n" + problems


def test_the_catalogue_seeds_state_the_tables_of_the_rules_page():
    """The recomputation reads the seeds as data; this pins the seeds to the page's own tables."""
    cat = load_catalogue(SEEDS, REGISTRY)
    problems = []
    for code, (kind, num, den, minus, agg, applies) in DOC_CATALOGUE.items():
        ind = cat.indicators.get(code)
        if ind is None:
            problems.append(f"ref_indicators lacks {code}")
            continue
        got = (ind.source_kind, ind.numerator, ind.denominator, ind.minus, ind.time_aggregation, ind.applies_to)
        want = (kind, num, den, minus, agg, set(applies.split("|")))
        if got != want:
            problems.append(f"ref_indicators {code}: {got} != page {want}")
    extra = set(cat.indicators) - set(DOC_CATALOGUE)
    if extra:
        problems.append(f"ref_indicators has indicators the page does not list: {sorted(extra)}")
    for k, (pct, comp) in DOC_TARGETS.items():
        if cat.targets.get(k) != (Fraction(pct), comp):
            problems.append(f"ref_indicator_targets {k}: {cat.targets.get(k)} != page {(pct, comp)}")
    for k in set(cat.targets) - set(DOC_TARGETS):
        problems.append(f"ref_indicator_targets has a target the page does not state: {k} {cat.targets[k]}")
    evaluated = sorted(
        (f["scope_type"], f["base"], f["floor_pct"], f["comparator"], f["valid_from"])
        for f in cat.floors
        if f["evaluated"]
    )
    page = sorted((f["scope_type"], f["base"], f["floor_pct"], f["comparator"], f["valid_from"]) for f in DOC_FLOORS)
    if evaluated != page:
        problems.append(f"ref_budget_floors evaluated floors {evaluated} != page {page}")
    if not any(not f["evaluated"] and f["base"] == "state_budget_total" for f in cat.floors):
        problems.append("ref_budget_floors lacks the listed, not evaluated, state-budget floor")
    assert not problems, "\n".join(problems)
