"""`dxw backfill <period>` parses again every raw file with a report for that period, then rebuilds,
checks and publishes; on unchanged raw files the published tables come out identical."""

from __future__ import annotations

import json

import duckdb

from tests.conftest import run_dxw, table_checksums


def test_backfill_reparses_the_files_of_a_quarter_and_publishes_the_same_figures(published_sample):
    raw, _, warehouse, first = published_sample
    assert first.returncode == 0
    with duckdb.connect(str(warehouse / "dx.duckdb"), read_only=True) as con:
        before = table_checksums(con)
        expected_files = {
            r[0]
            for r in con.execute(
                "select distinct r.path from ingest_reports as r inner join dim_period as p using (period_code) "
                "where p.period_start >= date '2024-07-01' and p.period_end <= date '2024-09-30'"
            ).fetchall()
        }
        kinds = {
            r[0]
            for r in con.execute(
                "select distinct kind from ingest_reports where period_code in ('2024-Q3', '2024-07', '2024-08', '2024-09')"
            ).fetchall()
        }
    assert {"dx_quarterly", "dvc_monthly"} <= kinds, "a quarter takes its quarterly reports and its monthly exports"

    result = run_dxw("backfill", "2024-Q3", "--json", raw=raw, warehouse=warehouse)
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout)
    assert outcome["backfill"]["period"] == "2024-Q3"
    assert set(outcome["backfill"]["files"]) == expected_files
    assert outcome["summary"]["files"]["parsed"] == len(expected_files)
    assert outcome["summary"]["published"] is True

    with duckdb.connect(str(warehouse / "dx.duckdb"), read_only=True) as con:
        after = table_checksums(con)
    assert {t: c for t, c in after.items() if t != "publish_log"} == {
        t: c for t, c in before.items() if t != "publish_log"
    }


def test_backfill_of_an_unknown_period_changes_nothing_and_exits_2(published_sample):
    raw, _, warehouse, first = published_sample
    assert first.returncode == 0
    result = run_dxw("backfill", "2024-Q9", raw=raw, warehouse=warehouse)
    assert result.returncode == 2
    assert "unknown period" in result.stderr
