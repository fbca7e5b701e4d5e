"""`dxw refresh --json` carries a run summary (also appended to logs/refresh.jsonl) and `dxw status`
answers what the data team asks each morning: last publish, stale sources, quarantine, withheld figures."""

from __future__ import annotations

import json

import duckdb

from dagster_project.reports import vn_format
from dagster_project.reports.data import flagged_value_text
from tests.conftest import run_dxw


def test_refresh_json_summarises_files_figures_and_why_it_published(published_sample):
    _raw, manifest, warehouse, first = published_sample
    assert first.returncode == 0, first.stderr[-3000:]
    assert "▶" not in first.stderr, "--json mode prints no progress lines"
    outcome = json.loads(first.stdout)
    summary = outcome["summary"]
    quarantined = sum(f["expected_state"] == "quarantined" for f in manifest["files"])
    assert summary["files"]["quarantined"] == quarantined
    assert summary["files"]["new"] + summary["files"]["changed"] <= len(manifest["files"])
    assert summary["published"] is True and summary["why"].startswith("all blocking checks passed")
    with duckdb.connect(str(warehouse / "dx.duckdb"), read_only=True) as con:
        flagged, withheld = con.execute(
            "select count(*), count(*) filter (where is_withheld) from dq_flagged_values"
        ).fetchone()
    assert summary["figures"] == {"flagged": flagged, "withheld": withheld}
    logged = [json.loads(line) for line in (warehouse / "logs" / "refresh.jsonl").read_text("utf-8").splitlines()]
    assert outcome["run_id"] in [line["run_id"] for line in logged]
    assert outcome["reports"]["html"].endswith("scorecard.html")


def test_status_names_the_last_publish_stale_sources_quarantine_and_withheld_figures(published_sample):
    raw, manifest, warehouse, first = published_sample
    assert first.returncode == 0
    result = run_dxw("status", "--json", raw=raw, warehouse=warehouse)
    assert result.returncode == 0, result.stderr
    status = json.loads(result.stdout)
    with duckdb.connect(str(warehouse / "dx.duckdb"), read_only=True) as con:
        last_id = con.execute("select publish_id from publish_log order by published_at desc limit 1").fetchone()[0]
        withheld = con.execute("select count(*) from dq_flagged_values where is_withheld").fetchone()[0]
    assert status["last_publish"]["publish_id"] == last_id

    stale = {(s["agency_code"], s["report_kind"]): s for s in status["stale_sources"]}
    # the sample world's Phổ Hòa ward stopped sending quarterly reports before it was merged in July 2025
    assert stale[("PHUONG_PHO_HOA", "dx_quarterly")]["latest_expected"] == "2025-Q2"
    assert all(s["latest_received"] != s["latest_expected"] for s in stale.values())
    assert ("PHUONG_DUC_PHO", "dx_quarterly") not in stale, "an up-to-date unit is not stale"

    quarantined = sum(f["expected_state"] == "quarantined" for f in manifest["files"])
    assert status["quarantined_files"]["count"] == quarantined
    assert 0 < len(status["quarantined_files"]["examples"]) <= 5
    assert status["withheld_figures"]["withheld"] == withheld > 0
    assert status["withheld_figures"]["examples"][0]["flag_id"]

    text = run_dxw("status", raw=raw, warehouse=warehouse)
    assert text.returncode == 0, text.stderr
    assert f"published {vn_format.timestamp(status['last_publish']['published_at'])}" in text.stdout
    example = status["withheld_figures"]["examples"][0]
    assert f"= {flagged_value_text(example['value'], example['rule_code'])}  ({example['rule_code']})" in text.stdout
    assert "e+0" not in text.stdout, "figures are written out, not in scientific notation"
    assert "STALE dx_quarterly" in text.stdout and "PHUONG_PHO_HOA" in text.stdout
    assert f"quarantined files: {quarantined}" in text.stdout
    assert f"figures withheld until reviewed: {withheld}" in text.stdout


def test_status_and_report_exit_2_without_a_published_warehouse_and_help_documents_exit_codes(tmp_path):
    for command in ("status", "report"):
        result = run_dxw(command, raw=tmp_path, warehouse=tmp_path / "empty")
        assert result.returncode == 2
        assert "no published warehouse" in result.stderr
    helped = run_dxw("--help", raw=tmp_path, warehouse=tmp_path)
    assert helped.returncode == 0
    assert "Exit codes" in helped.stdout and "2  usage error" in helped.stdout
    for command in ("refresh", "status", "report", "accept", "backfill"):
        assert command in helped.stdout
