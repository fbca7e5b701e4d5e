"""Crash safety: a `dxw refresh` killed (SIGKILL to its whole process group) at random moments never
damages the published `dx.duckdb` — it opens, is self-consistent and equals the last good publish —
and the next uninterrupted refresh converges to exactly what an uninterrupted refresh gives.

A publish step killed in the middle of copying and swapping is tried separately, many times, because
the swap is the one moment where a crash could expose a half-written file."""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import time

import pytest

from tests.reliability.harness import kill_group, marts_checksums, published_state, start_refresh

SEED = 20251128
REFRESH_KILLS = 10
PUBLISH_KILLS = 8

_PUBLISH_ONLY = """
import sys, duckdb
from pathlib import Path
from dagster_project.warehouse.publish import publish_build
build, target, publish_id, tables = sys.argv[1], Path(sys.argv[2]), sys.argv[3], sys.argv[4].split(",")
with duckdb.connect(build) as con:
    publish_build(con, target, tables=tables, publish_id=publish_id, checks_passed=1)
"""


@pytest.fixture()
def reference(published_sample):
    raw, _, warehouse, first = published_sample
    assert first.returncode == 0, first.stderr[-2000:]
    return raw, warehouse, published_state(warehouse / "dx.duckdb")


def test_killed_refreshes_never_damage_the_publish_and_the_next_refresh_converges(reference, tmp_path):
    raw, good_warehouse, good = reference
    warehouse = tmp_path / "wh"
    warehouse.mkdir()
    # the last good publish is there; the build is not: every killed run starts from scratch or from
    # whatever the previous killed run left in build.duckdb
    shutil.copyfile(good_warehouse / "dx.duckdb", warehouse / "dx.duckdb")
    published = warehouse / "dx.duckdb"
    rng = random.Random(SEED)
    survived = []
    for trial in range(REFRESH_KILLS):
        delay = rng.uniform(0.5, 14.0)
        proc = start_refresh(raw, warehouse, tmp_path / f"kill{trial}.log", force=True)
        time.sleep(delay)
        finished = proc.poll() is not None
        kill_group(proc)
        seen = published_state(published)
        assert seen["checksums"] == good["checksums"], f"trial {trial} (kill at {delay:.1f}s) changed the publish"
        survived.append((round(delay, 1), finished, seen["publish_id"] == good["publish_id"]))
    assert sum(not finished for _, finished, _ in survived) >= REFRESH_KILLS - 1, "the kills came too late"

    proc = start_refresh(raw, warehouse, tmp_path / "final.log", force=True)
    assert proc.wait(timeout=600) == 0, (tmp_path / "final.log").read_text(errors="replace")[-3000:]
    after = published_state(published)
    assert after["publish_id"] != good["publish_id"]
    assert after["checksums"] == good["checksums"], "the refresh after the kills did not converge"
    assert marts_checksums(published) == marts_checksums(good_warehouse / "dx.duckdb")


def test_a_publish_killed_mid_copy_or_mid_swap_leaves_the_previous_publish(reference, tmp_path):
    _, good_warehouse, good = reference
    build = tmp_path / "build.duckdb"
    shutil.copyfile(good_warehouse / "build.duckdb", build)
    target = tmp_path / "pub" / "dx.duckdb"
    target.parent.mkdir()
    shutil.copyfile(good_warehouse / "dx.duckdb", target)

    def publish(publish_id: str) -> subprocess.Popen:
        return subprocess.Popen(
            [
                sys.executable,
                "-c",
                _PUBLISH_ONLY,
                str(build),
                str(target),
                publish_id,
                ",".join(sorted(good["checksums"])),
            ],
            start_new_session=True,
        )

    started = time.monotonic()
    assert publish("timing").wait(timeout=120) == 0
    duration = time.monotonic() - started
    assert published_state(target)["checksums"] == good["checksums"]
    rng = random.Random(SEED + 1)
    for trial in range(PUBLISH_KILLS):
        proc = publish(f"killed-{trial}")
        time.sleep(rng.uniform(0.0, duration))
        kill_group(proc)
        seen = published_state(target)  # whole: either the previous publish or this one, never a mix
        assert seen["checksums"] == good["checksums"], f"publish kill {trial} damaged the published file"
        assert seen["publish_id"] in {"timing", f"killed-{trial}"} | {f"killed-{i}" for i in range(trial)}
    # and the next publish still works over whatever the killed ones left behind
    assert publish("after").wait(timeout=120) == 0
    assert published_state(target)["publish_id"] == "after"
