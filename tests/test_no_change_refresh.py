"""Nothing new, nothing done: a refresh whose inputs are those of the last publish runs no dbt, no
check and no publish, and says "already up to date"; any change to an input rebuilds; `--force`
always rebuilds (issue 14, item 1; fingerprint.py)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from dagster_project import settings
from dagster_project.ingest.run import ingest_raw_tree
from dagster_project.warehouse import fingerprint
from tests.conftest import run_dxw, table_checksums
from tests.parsing import fixtures as F

pytestmark = pytest.mark.pipeline


def _tables(warehouse: Path) -> dict[str, str]:
    with duckdb.connect(str(warehouse / "dx.duckdb"), read_only=True) as con:
        return {t: c for t, c in table_checksums(con).items() if t != "publish_log"}


def _publishes(warehouse: Path) -> list[tuple]:
    with duckdb.connect(str(warehouse / "dx.duckdb"), read_only=True) as con:
        return con.execute("select publish_id, input_fingerprint from publish_log order by published_at").fetchall()


def _last_logged(warehouse: Path) -> dict:
    return json.loads((warehouse / "logs" / "refresh.jsonl").read_text(encoding="utf-8").splitlines()[-1])


@pytest.fixture()
def copy_of_published(published_sample, tmp_path):
    """The published sample's raw tree, warehouse (build + published file + reports) and reviews file,
    copied so a test may change them; mtimes are kept, so ingestion sees the raw tree as it recorded it."""
    raw_sample, _, warehouse_sample, first = published_sample
    assert first.returncode == 0, first.stderr[-2000:]
    raw, warehouse, reviews = tmp_path / "raw", tmp_path / "wh", tmp_path / "reviewed_values.csv"
    shutil.copytree(raw_sample, raw)
    warehouse.mkdir()
    for name in ("build.duckdb", "dx.duckdb"):
        shutil.copy2(warehouse_sample / name, warehouse / name)
    shutil.copytree(warehouse_sample / "reports", warehouse / "reports")
    shutil.copy2(settings.PROJECT_ROOT / "reviews" / "reviewed_values.csv", reviews)
    return raw, warehouse, {"DX_REVIEWS_FILE": str(reviews)}


def test_a_refresh_with_nothing_new_runs_nothing_and_changes_no_table(copy_of_published):
    raw, warehouse, env = copy_of_published
    published = warehouse / "dx.duckdb"
    before_stat, before_tables, before_log = published.stat(), _tables(warehouse), _publishes(warehouse)
    scorecard = next((warehouse / "reports").glob("*.html"))
    scorecard_mtime = scorecard.stat().st_mtime_ns

    result = run_dxw("refresh", raw=raw, warehouse=warehouse, **env)

    assert result.returncode == 0, result.stderr[-2000:]
    assert "already up to date" in result.stdout
    assert before_log[-1][1] in result.stdout, "the summary names the fingerprint"
    after_stat = published.stat()
    assert (after_stat.st_ino, after_stat.st_mtime_ns) == (before_stat.st_ino, before_stat.st_mtime_ns)
    assert _publishes(warehouse) == before_log and _tables(warehouse) == before_tables
    assert scorecard.stat().st_mtime_ns == scorecard_mtime, "the reports are not regenerated"
    logged = _last_logged(warehouse)
    assert logged["up_to_date"] is True and logged["published"] is False and logged["status"] == "SUCCESS"
    assert logged["input_fingerprint"] == before_log[-1][1] and "already up to date" in logged["why"]
    assert not logged["steps"], "no Dagster step ran: dbt, the checks and the publish did not run"
    status = run_dxw("status", "--json", raw=raw, warehouse=warehouse, **env)
    assert json.loads(status.stdout)["last_publish"]["publish_id"] == before_log[-1][0]


def test_a_touched_file_with_the_same_bytes_is_no_change_in_the_dagster_job(copy_of_published):
    """A file's stat changed, so the job runs and ingests; its content did not, so the ingestion
    asset yields nothing and every step after it is skipped."""
    raw, warehouse, env = copy_of_published
    with duckdb.connect(str(warehouse / "build.duckdb"), read_only=True) as con:
        quarantined = con.execute("select path from ingest_files where state = 'quarantined' limit 1").fetchone()[0]
    target = raw / quarantined
    stat = target.stat()
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))  # a quarantined file seen again
    before_stat, before_log = (warehouse / "dx.duckdb").stat(), _publishes(warehouse)

    result = run_dxw("refresh", "--json", raw=raw, warehouse=warehouse, **env)

    assert result.returncode == 0, result.stderr[-2000:]
    outcome = json.loads(result.stdout)
    summary = outcome["summary"]
    assert summary["up_to_date"] is True and summary["status"] == "SUCCESS", summary
    assert outcome["ingest"]["files_seen"] > 0, "the job ran its ingestion"
    assert set(summary["steps"]) == {"ingest_raw_files"}, f"only ingestion ran: {summary['steps']}"
    assert (warehouse / "dx.duckdb").stat().st_ino == before_stat.st_ino
    assert _publishes(warehouse) == before_log
    assert summary["input_fingerprint"] == before_log[-1][1]


def test_force_rebuilds_and_publishes_the_same_tables(copy_of_published):
    raw, warehouse, env = copy_of_published
    before_tables, before_log = _tables(warehouse), _publishes(warehouse)

    result = run_dxw("refresh", "--json", "--force", raw=raw, warehouse=warehouse, **env)

    assert result.returncode == 0, result.stderr[-2000:]
    summary = json.loads(result.stdout)["summary"]
    assert summary["published"] is True and summary["up_to_date"] is False
    assert "dbt_models" in summary["steps"] and "published_warehouse" in summary["steps"]
    after_log = _publishes(warehouse)
    assert len(after_log) == len(before_log) + 1
    assert after_log[-1][1] == before_log[-1][1], "the same inputs give the same fingerprint"
    assert _tables(warehouse) == before_tables


def _rebuilt(result, warehouse: Path, before_log: list[tuple]) -> dict:
    assert result.returncode == 0, result.stderr[-2000:]
    summary = json.loads(result.stdout)["summary"]
    assert summary["published"] is True and summary["up_to_date"] is False, summary["why"]
    assert "dbt_models" in summary["steps"]
    after_log = _publishes(warehouse)
    assert len(after_log) == len(before_log) + 1 and after_log[-1][1] != before_log[-1][1]
    return summary


def test_a_new_raw_file_rebuilds(copy_of_published):
    raw, warehouse, env = copy_of_published
    before_log = _publishes(warehouse)
    (raw / "2025-12-01").mkdir()
    (raw / "2025-12-01" / "Phổ Ninh - báo cáo CĐS quý 3 năm 2024 (điều chỉnh).xlsx").write_bytes(
        F.quarterly_xlsx(period="Quý III năm 2024 (điều chỉnh)")
    )

    summary = _rebuilt(run_dxw("refresh", "--json", raw=raw, warehouse=warehouse, **env), warehouse, before_log)

    assert summary["files"]["new"] == 1


def test_an_accepted_flag_rebuilds_and_counts(copy_of_published):
    raw, warehouse, env = copy_of_published
    before_log = _publishes(warehouse)
    with duckdb.connect(str(warehouse / "dx.duckdb"), read_only=True) as con:
        flag_id = con.execute(
            "select flag_id from dq_flagged_values where is_withheld and may_be_accepted order by flag_id"
        ).fetchone()[0]
    accepted = run_dxw(
        "accept", flag_id, "--by", "test", "--note", "checked by phone", raw=raw, warehouse=warehouse, **env
    )
    assert accepted.returncode == 0, accepted.stderr

    _rebuilt(run_dxw("refresh", "--json", raw=raw, warehouse=warehouse, **env), warehouse, before_log)

    with duckdb.connect(str(warehouse / "dx.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from dq_reviews_accepted where flag_id = ?", [flag_id]).fetchone()[0] == 1


# -- every kind of input enters the fingerprint: the decision without dbt ----------------------------


@pytest.fixture()
def inputs(sample_world, tmp_path, monkeypatch):
    """A build database ingested from a copy of the sample world, with every other input copied too
    (registry, reviews, dbt project, suites) and the settings pointed at the copies."""
    raw_sample, _ = sample_world
    raw = tmp_path / "raw"
    shutil.copytree(raw_sample, raw)
    registry, suites, dbt = tmp_path / "registry", tmp_path / "expectations", tmp_path / "dbt"
    shutil.copytree(settings.DEFAULT_REGISTRY_DIR, registry)
    shutil.copytree(settings.expectations_dir(), suites)
    shutil.copytree(settings.DBT_PROJECT_DIR, dbt, ignore=shutil.ignore_patterns("target", "logs", "dbt_packages"))
    reviews = tmp_path / "reviewed_values.csv"
    shutil.copy2(settings.PROJECT_ROOT / "reviews" / "reviewed_values.csv", reviews)
    for var, path in (
        ("DX_RAW_DIR", raw),
        ("DX_REGISTRY_DIR", registry),
        ("DX_EXPECTATIONS_DIR", suites),
        ("DX_REVIEWS_FILE", reviews),
        ("DX_WAREHOUSE_DIR", tmp_path / "wh"),
    ):
        monkeypatch.setenv(var, str(path))
    monkeypatch.setattr(settings, "DBT_PROJECT_DIR", dbt)
    con = duckdb.connect(str(tmp_path / "build.duckdb"))
    ingest_raw_tree(con, raw, registry)
    yield con, {"raw": raw, "registry": registry, "suites": suites, "dbt": dbt, "reviews": reviews}
    con.close()


def _fingerprint(con) -> str:
    ingest_raw_tree(con, settings.raw_dir(), settings.registry_dir())
    return fingerprint.fingerprint(con, fingerprint.other_inputs())


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


CHANGES = {
    "a new raw file": lambda p: (
        (p["raw"] / "2025-12-02").mkdir()
        or (p["raw"] / "2025-12-02" / "Phổ Ninh quý 3 (điều chỉnh).xlsx").write_bytes(
            F.quarterly_xlsx(period="Quý III năm 2024 (điều chỉnh)")
        )
    ),
    "a changed registry row": lambda p: (p["registry"] / "ref_agencies.csv").write_text(
        (p["registry"] / "ref_agencies.csv").read_text(encoding="utf-8").replace("Phổ Ninh", "Phổ  Ninh", 1),
        encoding="utf-8",
    ),
    "an accepted flag": lambda p: _append(p["reviews"], "f1,someone,2026-01-01T00:00:00,accept,checked\n"),
    "a dbt model edit": lambda p: _append(p["dbt"] / "models" / "marts" / "fct_submissions.sql", "\n-- edited\n"),
    "a dbt seed edit": lambda p: _append(p["dbt"] / "seeds" / "ref_dq_rules.csv", "\n"),
    "a suite edit": lambda p: (p["suites"] / "dim_period.json").write_text(
        (p["suites"] / "dim_period.json").read_text(encoding="utf-8").replace("{", '{"edited": 1, ', 1),
        encoding="utf-8",
    ),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_every_kind_of_input_change_changes_the_fingerprint(inputs, change):
    con, paths = inputs
    before = _fingerprint(con)
    assert _fingerprint(con) == before, "the same inputs give the same fingerprint"
    CHANGES[change](paths)
    assert _fingerprint(con) != before, f"{change} must trigger a rebuild"


def test_touched_quarantined_and_duplicate_resends_are_no_change(inputs):
    """Same bytes seen again — a file touched, a quarantined file re-read and quarantined again — is
    not a change; a duplicate under a new name is (ingest_files gains a row)."""
    con, paths = inputs
    before = _fingerprint(con)
    quarantined = con.execute("select path from ingest_files where state = 'quarantined' limit 1").fetchone()[0]
    loaded = con.execute("select path from ingest_files where state = 'loaded' order by path limit 1").fetchone()[0]
    for rel in (quarantined, loaded):
        stat = (paths["raw"] / rel).stat()
        os.utime(paths["raw"] / rel, ns=(stat.st_atime_ns, stat.st_mtime_ns + 3_000_000_000))
    assert _fingerprint(con) == before
    assert con.execute("select state from ingest_files where path = ?", [quarantined]).fetchone()[0] == "quarantined"
    (paths["raw"] / "2025-12-03").mkdir()
    shutil.copyfile(paths["raw"] / loaded, paths["raw"] / "2025-12-03" / "again.xlsx")
    assert _fingerprint(con) != before


def test_a_publish_records_the_fingerprint_and_a_refresh_compares_with_it(inputs, tmp_path):
    from dagster_project.warehouse.publish import publish_build

    con, _ = inputs
    decision = fingerprint.decide(con, fingerprint.other_inputs())
    assert decision.published is None and not decision.up_to_date, "nothing published yet: build"
    target = tmp_path / "wh" / "dx.duckdb"
    record = publish_build(con, target, tables=["ingest_files"], publish_id="p1", checks_passed=1)
    assert record.input_fingerprint == decision.fingerprint == fingerprint.published_fingerprint(target)
    again = fingerprint.decide(con, fingerprint.other_inputs())
    assert again.up_to_date and again.fingerprint == decision.fingerprint
    assert not fingerprint.decide(con, fingerprint.other_inputs(), force=True).up_to_date
