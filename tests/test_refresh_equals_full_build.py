"""Equality before speed (issue 14, item 3, for the no-change path): random sequences of arrivals on
a small world — new files, corrections, a late original, a duplicate, a changed registry row, an
accepted flag, and nothing at all — each followed by a refresh of the warehouse kept step by step,
whose published tables must equal those of a fresh full build (`dxw refresh --force` into an empty
warehouse) of the same inputs, table by table.

A step that changes no input must not rebuild (the kept warehouse answers "already up to date"),
and the full builds are cached by the test's own digest of the inputs, so a repeated state costs
nothing. Kept small for 2 shared cores: 2 communes and 1 year, at most 2 examples of at most 2 steps.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import re
import shutil
import sys
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dagster_project import settings as dx_settings
from dagster_project.quality.reviews import accept_flag
from sample_world import generate
from tests.conftest import run_dxw, table_checksums
from tests.parsing import fixtures as F

pytestmark = pytest.mark.pipeline

STEPS = ("new file", "correction", "late original", "duplicate", "registry row", "accepted flag", "nothing")
_counter = itertools.count()


def _digest_inputs(raw: Path, registry: Path, reviews: Path) -> str:
    digest = hashlib.sha256()
    for root in (raw, registry):
        for p in sorted(q for q in root.rglob("*") if q.is_file()):
            digest.update(f"{p.relative_to(root)}\0{p.stat().st_mtime_ns}\0".encode() + p.read_bytes())
    digest.update(reviews.read_bytes())
    return digest.hexdigest()


def _tables(warehouse: Path) -> dict[str, str]:
    with duckdb.connect(str(warehouse / "dx.duckdb"), read_only=True) as con:
        return {t: c for t, c in table_checksums(con).items() if t != "publish_log"}


def _refresh(raw: Path, warehouse: Path, env: dict, *flags: str) -> dict:
    result = run_dxw("refresh", "--json", *flags, raw=raw, warehouse=warehouse, **env)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)["summary"]


@pytest.fixture(scope="module")
def small_world(tmp_path_factory):
    """A synthetic world of 2 communes and 1 year (the unattended-daemon test's), refreshed once: its raw
    tree, its registry (the town's plus its units), the reviews file and the warehouse."""
    sys.path.insert(0, str(dx_settings.PROJECT_ROOT / "bench"))  # the one home of the town-plus-world registry
    from transform_bench import town_and_world_registry

    base = tmp_path_factory.mktemp("small")
    raw, registry, reviews = base / "raw", base / "registry", base / "reviewed_values.csv"
    generate(raw, base / "manifest.json", communes=2, offices=0, years=1, registry_dir=base / "world_registry")
    town_and_world_registry(base / "world_registry", registry)
    shutil.copy2(dx_settings.PROJECT_ROOT / "reviews" / "reviewed_values.csv", reviews)
    env = {"DX_REGISTRY_DIR": str(registry), "DX_REVIEWS_FILE": str(reviews)}
    summary = _refresh(raw, base / "wh", env)
    assert summary["published"], summary["why"]
    return base, _tables(base / "wh")


def _copy_of_world(base: Path, work: Path) -> tuple[Path, Path, Path, Path, dict]:
    """The small world's raw tree, registry, reviews and refreshed warehouse, copied under `work` to be changed
    step by step: (raw, registry, reviews, warehouse, the environment a refresh of them needs)."""
    raw, registry, reviews, warehouse = work / "raw", work / "registry", work / "reviews.csv", work / "wh"
    shutil.copytree(base / "raw", raw)
    shutil.copytree(base / "registry", registry)
    shutil.copy2(base / "reviewed_values.csv", reviews)
    warehouse.mkdir()
    for name in ("build.duckdb", "dx.duckdb"):
        shutil.copy2(base / "wh" / name, warehouse / name)
    return raw, registry, reviews, warehouse, {"DX_REGISTRY_DIR": str(registry), "DX_REVIEWS_FILE": str(reviews)}


def _apply(step: str, raw: Path, registry: Path, reviews: Path, warehouse: Path) -> None:
    n = next(_counter)
    folder = raw / f"2025-11-{1 + n % 28:02d}"
    folder.mkdir(exist_ok=True)
    if step == "new file":
        (folder / f"Phổ Ninh quý 4 - {n}.xlsx").write_bytes(F.quarterly_xlsx(period="Quý IV năm 2024"))
    elif step == "correction":
        (folder / f"Phổ Ninh quý 3 (điều chỉnh) - {n}.xlsx").write_bytes(
            F.quarterly_xlsx(period="Quý III năm 2024 (điều chỉnh)", items=F.QUARTERLY_ITEMS[:-1])
        )
    elif step == "late original":  # arrives after its correction, dated before it
        late = raw / f"2024-10-{1 + n % 9:02d}"
        late.mkdir(exist_ok=True)
        (late / f"Phổ Ninh quý 3 gốc - {n}.xlsx").write_bytes(F.quarterly_xlsx(period="Quý III năm 2024"))
    elif step == "duplicate":
        original = min(p for p in raw.rglob("*.xlsx") if p.is_file())
        shutil.copyfile(original, folder / f"gửi lại - {n}.xlsx")
    elif step == "registry row":
        agencies = registry / "ref_agencies.csv"
        text = agencies.read_text(encoding="utf-8")
        renamed = re.sub(r"Office of Culture and Information[^,]*", f"Office of Culture and Information ({n})", text)
        agencies.write_text(renamed, encoding="utf-8")
    elif step == "accepted flag":
        with duckdb.connect(str(warehouse / "dx.duckdb"), read_only=True) as con:
            row = con.execute(
                "select flag_id from dq_flagged_values where is_withheld and may_be_accepted order by flag_id"
            ).fetchone()
        when = dt.datetime(2026, 1, 1, 0, 0, n % 60)
        accept_flag(row[0] if row else f"no-such-flag-{n}", "tester", f"checked by phone {n}", path=reviews, when=when)


@settings(
    max_examples=2,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(st.sampled_from(STEPS), min_size=1, max_size=2))
def test_the_warehouse_kept_step_by_step_equals_a_fresh_full_build(small_world, tmp_path_factory, steps):
    base, first_tables = small_world
    raw, registry, reviews, warehouse, env = _copy_of_world(base, tmp_path_factory.mktemp("steps"))
    full_builds: dict[str, dict[str, str]] = {_digest_inputs(raw, registry, reviews): first_tables}
    for step in steps:
        _apply(step, raw, registry, reviews, warehouse)
        summary = _refresh(raw, warehouse, env)
        key = _digest_inputs(raw, registry, reviews)
        if step == "nothing":
            assert summary["up_to_date"], f"nothing changed, yet: {summary['why']}"
        else:
            assert summary["published"] and not summary["up_to_date"], f"{step}: {summary['why']}"
        if key not in full_builds:
            fresh = tmp_path_factory.mktemp("fresh") / "wh"
            assert _refresh(raw, fresh, env, "--force")["published"]
            full_builds[key] = _tables(fresh)
        kept = _tables(warehouse)
        assert kept == full_builds[key], f"after {step}: {[t for t in kept if kept[t] != full_builds[key].get(t)]}"


def _nodes_dbt_ran(run_id: str) -> set[str]:
    """The unique ids of the nodes the run's `dbt build` ran, from its own target folder."""
    (folder,) = (dx_settings.DBT_PROJECT_DIR / "target").glob(f"dbt_models-{run_id[:7]}-*")
    return {r["unique_id"] for r in json.loads((folder / "run_results.json").read_text(encoding="utf-8"))["results"]}


def test_a_refresh_keeps_what_no_new_input_feeds_and_still_equals_a_full_build(small_world, tmp_path_factory):
    """Issue 14, item 2: after a new file and after an accepted flag, dbt rebuilds only the nodes descending from
    the ingestion tables and the reviews, keeps the registry's models, the seeds and the dimensions, and the
    published tables equal a fresh full build; after a registry change it rebuilds everything."""
    from dagster_project.warehouse import build_state
    from dagster_project.warehouse.dbt import dbt_project

    base, _ = small_world
    raw, registry, reviews, warehouse, env = _copy_of_world(base, tmp_path_factory.mktemp("kept"))
    kept = build_state.unaffected_nodes(dbt_project.manifest_path)
    kept_models = {n["name"] for n in kept if n["resource_type"] in ("model", "seed")}
    all_built = {n["unique_id"] for n in _built_nodes()}
    for step, keeps in (("new file", True), ("registry row", False), ("accepted flag", True)):
        _apply(step, raw, registry, reviews, warehouse)
        summary = _refresh(raw, warehouse, env)
        assert summary["published"], f"{step}: {summary['why']}"
        ran = _nodes_dbt_ran(summary["run_id"])
        if keeps:
            assert set(summary["kept_by_dbt"]) == kept_models, step
            assert ran == all_built - {n["unique_id"] for n in kept}, step
        else:
            assert summary["kept_by_dbt"] == [], step
            assert ran == all_built, step
        fresh = tmp_path_factory.mktemp("fresh") / "wh"
        assert _refresh(raw, fresh, env, "--force")["published"]
        expected, got = _tables(fresh), _tables(warehouse)
        assert got == expected, f"after {step}: {[t for t in got if got[t] != expected.get(t)]}"


def _built_nodes() -> list[dict]:
    from dagster_project.warehouse.dbt import dbt_project

    manifest = json.loads(dbt_project.manifest_path.read_text(encoding="utf-8"))
    return [n for n in manifest["nodes"].values() if n["resource_type"] in ("model", "seed", "snapshot", "test")]
