"""The overhead stage: a refresh with nothing new, on the town sample (a full refresh into an empty
warehouse, then one with nothing new), or with --quick on the tiny world (the refresh stage's full and
no-change refreshes). Its wall time over the full refresh's is `no_change_over_full` (issue 14's goal:
at most 10 %). `bench/no_change_bench.py` runs this stage alone."""

from __future__ import annotations

import shutil
from pathlib import Path

import stage_world
from common import public
from refreshes import refresh

GOAL = ("no-change refresh ≤ 10% of the full refresh (town sample)", 0.10, "max")


def no_change_stage(raw: Path, registry: Path, warehouse: Path, label: str) -> dict:
    """Two refreshes into `warehouse` (emptied first): a full one, then one with nothing new."""
    shutil.rmtree(warehouse, ignore_errors=True)
    full = refresh(raw, warehouse, registry, f"{label}-full")
    no_change = refresh(raw, warehouse, registry, f"{label}-no-change")
    return {"full": full, "no_change": no_change}


def run(workers: int, work: Path, main_world: dict, quick: dict) -> dict:
    if "no_change" in quick:  # the tiny world stands in for the town sample
        result = {"world": "the main (tiny) world, --quick", "files": main_world["files"]}
        full, no_change = quick["full"], quick["no_change"]
    else:
        town = stage_world.town(workers, work)
        stage = no_change_stage(town["raw"], town["registry"], work / "warehouse-town", "town")
        full, no_change = stage["full"], stage["no_change"]
        result = {"world": stage_world.TOWN_LABEL, "files": town["files"]}
        shutil.rmtree(work / "warehouse-town")
    result.update(
        seconds=no_change["seconds"],
        full_refresh=public(full),
        no_change_refresh=public(no_change),
        no_change_over_full=no_change["seconds"] / full["seconds"],
    )
    return result
