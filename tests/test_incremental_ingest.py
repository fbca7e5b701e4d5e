"""Incremental ingestion: unchanged files are not parsed again, a refresh with no new files
changes nothing, a new or changed file costs only itself, and the raw tree is never touched."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import duckdb
import pytest

from dagster_project import settings
from dagster_project.ingest.run import ingest_raw_tree
from tests.conftest import table_checksums

REGISTRY = settings.DEFAULT_REGISTRY_DIR


def _tree_digest(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture()
def world_copy(sample_world, tmp_path) -> Path:
    raw, _ = sample_world
    copy = tmp_path / "raw"
    shutil.copytree(raw, copy)
    return copy


def test_a_second_refresh_with_no_changes_parses_nothing_and_changes_no_table(world_copy, tmp_path):
    with duckdb.connect(str(tmp_path / "build.duckdb")) as con:
        first = ingest_raw_tree(con, world_copy, REGISTRY)
        before = table_checksums(con)
        second = ingest_raw_tree(con, world_copy, REGISTRY)
        after = table_checksums(con)
    assert first.parsed > 100
    assert second.parsed == 0 and second.new == 0 and second.changed == 0
    assert second.unchanged == first.files_seen
    assert before == after


def test_ingestion_never_modifies_the_raw_tree(world_copy, tmp_path):
    before = _tree_digest(world_copy)
    with duckdb.connect(str(tmp_path / "build.duckdb")) as con:
        ingest_raw_tree(con, world_copy, REGISTRY)
    assert _tree_digest(world_copy) == before


def test_a_new_file_is_the_only_one_parsed_and_touched_files_with_same_bytes_are_not(world_copy, tmp_path):
    with duckdb.connect(str(tmp_path / "build.duckdb")) as con:
        ingest_raw_tree(con, world_copy, REGISTRY)
        some_file = next(p for p in sorted(world_copy.rglob("*.csv")))
        # same bytes, new modification time: re-hashed but not parsed
        some_file.touch()
        late = world_copy / "2026-11-20" / "thong_ke_dvc_copy.csv"
        late.parent.mkdir()
        late.write_bytes(b"Ma don vi;Ten\n")  # a tiny new file the parser must refuse, alone
        summary = ingest_raw_tree(con, world_copy, REGISTRY)
        state = con.execute(
            "select state from ingest_files where path = ?", ["2026-11-20/thong_ke_dvc_copy.csv"]
        ).fetchone()[0]
    assert summary.new == 1 and summary.changed == 0 and summary.parsed == 1
    assert state == "quarantined"


def test_a_changed_file_replaces_its_own_rows_and_nothing_else(world_copy, tmp_path):
    with duckdb.connect(str(tmp_path / "build.duckdb")) as con:
        ingest_raw_tree(con, world_copy, REGISTRY)
        rel = con.execute(
            "select min(path) from ingest_files where state = 'loaded' and kind = 'dvc_monthly' "
            "and path not in (select duplicate_of from ingest_files where duplicate_of is not null)"
        ).fetchone()[0]
        target = world_copy / rel
        others_before = con.execute(
            "select count(*), sum(value) from ingest_values v join ingest_files f using (file_id) where f.path <> ?",
            [rel],
        ).fetchone()
        target.write_bytes(b"")  # the file is emptied in place
        summary = ingest_raw_tree(con, world_copy, REGISTRY)
        others_after = con.execute(
            "select count(*), sum(value) from ingest_values v join ingest_files f using (file_id) where f.path <> ?",
            [rel],
        ).fetchone()
        own = con.execute("select state, reason_code, n_values from ingest_files where path = ?", [rel]).fetchone()
    assert summary.changed == 1 and summary.parsed == 1
    assert own == ("quarantined", "empty_file", 0)
    assert others_after == others_before


def test_a_copy_under_another_name_is_recorded_as_a_duplicate_of_the_earlier_arrival(world_copy, tmp_path):
    original = next(p for p in sorted(world_copy.rglob("*.xlsx")) if p.stat().st_size > 2000)
    copy = world_copy / "2026-11-21" / "ban sao.xlsx"
    copy.parent.mkdir()
    shutil.copyfile(original, copy)
    with duckdb.connect(str(tmp_path / "build.duckdb")) as con:
        ingest_raw_tree(con, world_copy, REGISTRY)
        state, dup_of, n_values = con.execute(
            "select state, duplicate_of, n_values from ingest_files where path = ?", ["2026-11-21/ban sao.xlsx"]
        ).fetchone()
    assert state == "duplicate"
    assert n_values == 0
    assert dup_of is not None and dup_of < "2026-11-21"


def test_when_an_original_disappears_its_duplicate_takes_its_place_and_loads(world_copy, tmp_path):
    with duckdb.connect(str(tmp_path / "build.duckdb")) as con:
        ingest_raw_tree(con, world_copy, REGISTRY)
        dup, original = con.execute(
            "select path, duplicate_of from ingest_files where state = 'duplicate' order by path limit 1"
        ).fetchone()
        n_values = con.execute("select n_values from ingest_files where path = ?", [original]).fetchone()[0]
        (world_copy / original).unlink()
        summary = ingest_raw_tree(con, world_copy, REGISTRY)
        state, dup_of, n_after = con.execute(
            "select state, duplicate_of, n_values from ingest_files where path = ?", [dup]
        ).fetchone()
        gone = con.execute("select count(*) from ingest_files where path = ?", [original]).fetchone()[0]
    assert summary.removed == 1 and summary.parsed == 1
    assert state in ("loaded", "loaded_with_rejects") and dup_of is None
    assert n_after == n_values and gone == 0
