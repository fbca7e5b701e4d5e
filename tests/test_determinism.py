"""Reruns are idempotent and deterministic: the same raw files give the same published tables, bit for
bit (only `publish_log` differs), and a changed figure changes exactly the facts it feeds."""

from __future__ import annotations

import os
import shutil

import duckdb
import openpyxl
import pytest

from tests.conftest import run_dxw
from tests.reliability.harness import marts_checksums


def test_two_fresh_warehouses_over_the_same_raw_tree_are_identical(published_sample, tmp_path):
    raw, _, warehouse, first = published_sample
    assert first.returncode == 0
    second = run_dxw("refresh", "--json", raw=raw, warehouse=tmp_path / "wh")
    assert second.returncode == 0, second.stderr[-2000:]
    a = marts_checksums(warehouse / "dx.duckdb")
    b = marts_checksums(tmp_path / "wh" / "dx.duckdb")
    assert len(a) > 10 and "fct_indicator_values" in a
    assert a == b, [t for t in a if a[t] != b.get(t)]


def _pick_current_quarterly(con) -> tuple[str, str, int]:
    """A plain current quarterly xlsx (no formulas to lose on re-save) and its WR_ONLINE row."""
    return con.execute(
        """
        select f.path, f.file_id, v.row_number
        from ingest_files f
        join ingest_reports r using (file_id)
        join ingest_values v using (file_id)
        where f.kind = 'dx_quarterly' and f.state = 'loaded' and r.is_current and f.path like '%.xlsx'
          and v.item_code = 'WR_ONLINE' and v.value > 10 and v.period_code like '2024-Q%'
        order by f.path limit 1
        """
    ).fetchone()


@pytest.fixture()
def changed_world(published_sample, tmp_path):
    raw_sample, _, good, first = published_sample
    assert first.returncode == 0
    raw, warehouse = tmp_path / "raw", tmp_path / "wh"
    shutil.copytree(raw_sample, raw)
    warehouse.mkdir()
    for name in ("build.duckdb", "dx.duckdb"):
        shutil.copyfile(good / name, warehouse / name)
    with duckdb.connect(str(good / "build.duckdb"), read_only=True) as con:
        path, file_id, row = _pick_current_quarterly(con)
    target = raw / path
    stat = target.stat()
    book = openpyxl.load_workbook(target)
    sheet = book.worksheets[0]
    cell = next(c for c in sheet[row] if isinstance(c.value, int | float) and not isinstance(c.value, bool))
    cell.value = cell.value - 7
    book.save(target)
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    return raw, warehouse, good, file_id


def test_a_changed_figure_changes_exactly_the_facts_it_feeds(changed_world):
    raw, warehouse, good, file_id = changed_world
    result = run_dxw("refresh", "--json", raw=raw, warehouse=warehouse)
    assert result.returncode == 0, result.stderr[-2000:]
    query = "select * from fct_indicator_values"
    with duckdb.connect(str(good / "dx.duckdb"), read_only=True) as con:
        before = set(con.execute(query).fetchall())
        columns = [d[0] for d in con.description]
    with duckdb.connect(str(warehouse / "dx.duckdb"), read_only=True) as con:
        after = set(con.execute(query).fetchall())
    ids = columns.index("source_file_ids")
    changed = before ^ after
    assert changed, "changing a figure changed no fact"
    strays = [r for r in changed if file_id not in (r[ids] or "").split(",")]
    assert not strays, f"{len(strays)} facts changed that the file does not feed, e.g. {strays[:2]}"
    key = slice(0, 3)  # agency × indicator × period: the same facts exist before and after
    assert {r[key] for r in before} == {r[key] for r in after}
