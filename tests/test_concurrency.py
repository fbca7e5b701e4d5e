"""Analysts are never blocked and never see half a publish; two refreshes never corrupt each other.

Reader processes open `dx.duckdb` read-only in a loop while a refresh runs and a second refresh
(standing in for a sensor-triggered run) starts against the same warehouse. Every reader query must
succeed and see one whole publish: the latest `publish_log` row it reads matches the ingestion
tables it reads in the same connection, and one publish id always comes with the same marts. The
second refresh must wait for the first or be refused with a clear message; the first must succeed.
"""

from __future__ import annotations

import multiprocessing as mp
import shutil
import time
from pathlib import Path

import duckdb
import pytest

from dagster_project.ingest.scan import file_id_for
from tests.bad_input.make_corpus import TITLE, quarterly, with_items
from tests.reliability.harness import published_state, start_refresh, wait_for_step

READERS = 4

_READ = """
select
    (select publish_id from publish_log order by published_at desc limit 1),
    (select raw_files from publish_log order by published_at desc limit 1),
    (select raw_fingerprint from publish_log order by published_at desc limit 1),
    (select count(*) from ingest_files),
    (select coalesce(md5(string_agg(path || ':' || coalesce(content_hash, ''), '|' order by path)), '')
       from ingest_files),
    (select md5(coalesce(string_agg(cast(x as varchar), chr(10) order by cast(x as varchar)), ''))
       from fct_indicator_values as x),
    (select count(*) > 0 from ingest_reports where file_id = $late and is_current),
    (select count(*) > 0 from fct_indicator_values where contains(source_file_ids, $late))
"""


def _reader(path: str, late_file_id: str, stop, results) -> None:
    queries, errors, torn = 0, [], 0
    seen: dict[str, set[str]] = {}
    while not stop.is_set():
        try:
            with duckdb.connect(path, read_only=True) as con:
                pid, raw_files, fingerprint, files, fp, fct, late_in, late_fed = con.execute(
                    _READ, {"late": late_file_id}
                ).fetchone()
            queries += 1
            # the publish log matches the tables; the marts were built from the ingestion tables published
            if (raw_files, fingerprint) != (files, fp) or late_in != late_fed:
                torn += 1
            seen.setdefault(pid, set()).add(fct)
        except Exception as exc:  # noqa: BLE001 - every failure is the finding
            errors.append(f"{type(exc).__name__}: {exc}"[:300])
    results.put({"queries": queries, "errors": errors, "torn": torn, "seen": {k: sorted(v) for k, v in seen.items()}})


@pytest.fixture()
def live_warehouse(published_sample, tmp_path) -> tuple[Path, Path]:
    raw_sample, _, good_warehouse, first = published_sample
    assert first.returncode == 0
    raw = tmp_path / "raw"
    shutil.copytree(raw_sample, raw)
    # one new report arrives, so the refresh publishes different figures than the previous publish
    new = raw / "2025-10-15" / "BC CDS quy 3 - Sa Huynh.xlsx"
    new.parent.mkdir(parents=True, exist_ok=True)
    new.write_bytes(quarterly())
    warehouse = tmp_path / "wh"
    warehouse.mkdir()
    for name in ("build.duckdb", "dx.duckdb"):
        shutil.copyfile(good_warehouse / name, warehouse / name)
    return raw, warehouse


def test_readers_see_whole_publishes_and_a_second_refresh_waits_or_is_refused(live_warehouse, tmp_path):
    raw, warehouse = live_warehouse
    published = warehouse / "dx.duckdb"
    before = published_state(published)
    ctx = mp.get_context("spawn")
    stop, results = ctx.Event(), ctx.Queue()
    late_path = "2025-10-16/BC CDS quy 3 - Tra Cau (dieu chinh).xlsx"
    late_id = file_id_for(late_path)
    readers = [ctx.Process(target=_reader, args=(str(published), late_id, stop, results)) for _ in range(READERS)]
    for r in readers:
        r.start()
    try:
        first = start_refresh(raw, warehouse, tmp_path / "first.log", progress=True)
        # a correction lands once the first refresh is past its ingestion: the sensor starts a second run
        wait_for_step(first, tmp_path / "first.log", "ingest_raw_files")
        (raw / late_path).parent.mkdir(parents=True, exist_ok=True)
        (raw / late_path).write_bytes(
            quarterly(unit="UBND PHƯỜNG TRÀ CÂU", title=f"{TITLE} (điều chỉnh)", items=with_items(**{"1_3": 300}))
        )
        second = start_refresh(raw, warehouse, tmp_path / "second.log")
        rc_first, rc_second = first.wait(timeout=600), second.wait(timeout=600)
        time.sleep(1.0)  # readers also query the new publish
    finally:
        stop.set()
        outcomes = [results.get(timeout=60) for _ in readers]
        for r in readers:
            r.join(timeout=30)
    first_log = (tmp_path / "first.log").read_text(errors="replace")
    second_log = (tmp_path / "second.log").read_text(errors="replace")
    assert rc_first == 0, first_log[-3000:]
    assert rc_second == 0 or "another refresh" in second_log, second_log[-3000:]

    queries = sum(o["queries"] for o in outcomes)
    errors = [e for o in outcomes for e in o["errors"]]
    seen: dict[str, set[str]] = {}
    for o in outcomes:
        for pid, fcts in o["seen"].items():
            seen.setdefault(pid, set()).update(fcts)
    print(f"\nreaders: {READERS} processes, {queries} queries, {len(errors)} errors, "
          f"{sum(o['torn'] for o in outcomes)} torn reads, {len(seen)} publishes seen; "
          f"second refresh exit {rc_second}")  # fmt: skip
    assert not errors, errors[:5]
    assert all(o["torn"] == 0 for o in outcomes)
    assert all(len(fcts) == 1 for fcts in seen.values()), "one publish id came with two different marts"
    assert queries >= 50 and before["publish_id"] in seen and len(seen) >= 2

    after = published_state(published)
    assert after["publish_id"] != before["publish_id"]
    assert after["counts"]["ingest_files"] in (
        before["counts"]["ingest_files"] + 1,
        before["counts"]["ingest_files"] + 2,
    )
    with duckdb.connect(str(published), read_only=True) as con:
        late_in, late_fed = con.execute(_READ, {"late": late_id}).fetchone()[-2:]
    assert late_in == late_fed, "the publish holds ingestion tables its marts were not built from"
    assert late_in == (rc_second == 0), "a refresh that succeeded did not publish the late file"
    with duckdb.connect(str(warehouse / "build.duckdb"), read_only=True) as con:
        con.execute("pragma database_size").fetchall()
        assert con.execute("select count(*) from ingest_files").fetchone()[0] == after["counts"]["ingest_files"]
