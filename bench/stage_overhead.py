"""The overhead stage: the fixed cost of a refresh with nothing new, on the town sample (refreshed
twice), or with --quick on the tiny world (the refresh stage's no-change refresh)."""

from __future__ import annotations

import shutil
from pathlib import Path

import stage_world
from common import public
from refreshes import refresh


def run(workers: int, work: Path, main_world: dict, quick_no_change: dict | None) -> dict:
    if quick_no_change is not None:
        result = {"world": "the main (tiny) world, --quick", "files": main_world["files"]}
        no_change = quick_no_change
    else:
        town = stage_world.town(workers, work)
        first = refresh(town["raw"], work / "warehouse-town", town["registry"], "town-first")
        no_change = refresh(town["raw"], work / "warehouse-town", town["registry"], "town-no-change")
        result = {"world": stage_world.TOWN_LABEL, "files": town["files"], "first_refresh": public(first)}
        shutil.rmtree(work / "warehouse-town")
    result.update(seconds=no_change["seconds"], no_change_refresh=public(no_change))
    return result
