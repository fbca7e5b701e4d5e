"""`dxw refresh` runs everything that is built, non-interactively, and its exit code tells the truth;
the published `dx.duckdb` carries what was loaded and what was refused."""

from __future__ import annotations

import json

import duckdb
import pytest

from tests.conftest import run_dxw, table_checksums


@pytest.fixture()
def refreshed(published_sample):
    return published_sample


def test_refresh_succeeds_and_publishes_the_ingestion_tables_and_models(refreshed):
    _raw, manifest, warehouse, first = refreshed
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    outcome = json.loads(first.stdout)
    assert outcome["success"] is True
    assert outcome["ingest"]["files_seen"] == len(manifest["files"])
    published = warehouse / "dx.duckdb"
    assert published.exists() and not (warehouse / "dx.duckdb.wal").exists()
    with duckdb.connect(str(published), read_only=True) as con:
        tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
        n_files = con.execute("select count(*) from ingest_files").fetchone()[0]
        n_facts = con.execute("select count(*) from fct_indicator_values").fetchone()[0]
    assert {"ingest_files", "ingest_rejects", "publish_log"} <= tables
    assert {"fct_indicator_values", "fct_budget_share", "fct_submissions", "mart_scorecard", "dim_agency"} <= tables
    assert not any(t.startswith(("stg_", "int_")) for t in tables), "only public tables are published"
    assert n_files == len(manifest["files"])
    assert n_facts > 0


def test_a_second_refresh_parses_nothing_and_publishes_identical_tables(refreshed):
    raw, _, warehouse, first = refreshed
    assert first.returncode == 0
    with duckdb.connect(str(warehouse / "dx.duckdb"), read_only=True) as con:
        before = table_checksums(con)
        publishes_before = con.execute("select count(*) from publish_log").fetchone()[0]
    # forced: without --force a refresh with nothing new publishes nothing (tests/test_no_change_refresh.py)
    second = run_dxw("refresh", "--json", "--force", raw=raw, warehouse=warehouse)
    assert second.returncode == 0, second.stderr[-3000:]
    assert json.loads(second.stdout)["ingest"]["parsed"] == 0
    with duckdb.connect(str(warehouse / "dx.duckdb"), read_only=True) as con:
        after = table_checksums(con)
        publishes_after = con.execute("select count(*) from publish_log").fetchone()[0]
    # every table is byte-identical but the log of publishes, which gains one row per publish
    assert {t: c for t, c in after.items() if t != "publish_log"} == {
        t: c for t, c in before.items() if t != "publish_log"
    }
    assert publishes_after == publishes_before + 1


def test_status_reports_file_states_and_rejects_from_the_published_file(refreshed):
    raw, manifest, warehouse, first = refreshed
    assert first.returncode == 0
    result = run_dxw("status", "--json", raw=raw, warehouse=warehouse)
    assert result.returncode == 0, result.stderr
    status = json.loads(result.stdout)
    expected_states: dict[str, int] = {}
    for f in manifest["files"]:
        expected_states[f["expected_state"]] = expected_states.get(f["expected_state"], 0) + 1
    assert status["files_by_state"] == expected_states
    assert status["rejects_by_reason"]
    assert any(row["agency_code"] == "PHUONG_DUC_PHO" for row in status["latest_period_by_unit"])


def test_refresh_exits_non_zero_and_names_the_failed_step_when_a_step_fails(sample_world, tmp_path):
    raw, _ = sample_world
    result = run_dxw(
        "refresh", "--json", raw=raw, warehouse=tmp_path / "wh", DX_REGISTRY_DIR=str(tmp_path / "no-registry")
    )
    assert result.returncode == 1
    outcome = json.loads(result.stdout)
    assert outcome["success"] is False
    assert any("ingest_raw_files" in f for f in outcome["failures"])
    assert not (tmp_path / "wh" / "dx.duckdb").exists()
    summary = outcome["summary"]
    assert summary["published"] is False and summary["why"].startswith("a step failed: ingest_raw_files")
    logged = json.loads((tmp_path / "wh" / "logs" / "refresh.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert logged["run_id"] == outcome["run_id"] and logged["published"] is False


def test_refresh_refuses_a_raw_tree_that_does_not_exist(tmp_path):
    result = run_dxw("refresh", raw=tmp_path / "missing", warehouse=tmp_path / "wh")
    assert result.returncode == 2
    assert "does not exist" in result.stderr


def test_status_without_a_published_warehouse_says_so(tmp_path):
    result = run_dxw("status", raw=tmp_path, warehouse=tmp_path / "empty")
    assert result.returncode == 2
    assert "dxw refresh" in result.stderr
