"""The scaling stage: full refreshes of synthetic worlds (no offices) of a few sizes, the main world's
full refresh as the last point; the log-log slope of seconds against files."""

from __future__ import annotations

import math
import shutil
import statistics
from pathlib import Path

import stage_world
from refreshes import refresh


def run(communes_list: list[int], years: int, workers: int, work: Path, main_point: dict) -> dict:
    """`main_point`: the main world's full refresh, in the points' shape."""
    points = []
    for communes in communes_list:
        w = stage_world.world_facts(communes, 0, years, workers, work)
        r = refresh(w["raw"], work / f"warehouse-c{communes}", w["registry"], f"scaling-c{communes}")
        points.append(point(w, w["files"], r))
        shutil.rmtree(work / f"warehouse-c{communes}")
    points.append(main_point)
    for p in points:
        p["seconds_per_file"] = p["seconds"] / p["files"]
    return {
        "worlds": f"synthetic, offices 0, years {years}; the last point is the main world's full refresh",
        "points": points,
        "loglog_slope": loglog_slope([(p["files"], p["seconds"]) for p in points]),
    }


def point(world: dict, files: int, refreshed: dict) -> dict:
    return {
        "communes": world["communes"],
        "offices": world["offices"],
        "years": world["years"],
        "files": files,
        "rows": world["rows"],
        "seconds": refreshed["seconds"],
        "published": refreshed["published"],
        "peak_rss_bytes": refreshed["peak_rss_bytes"],
    }


def loglog_slope(points: list[tuple[int, float]]) -> float | None:
    """Least-squares slope of log(seconds) on log(files)."""
    xs = [math.log(f) for f, s in points if f > 0 and s > 0]
    ys = [math.log(s) for f, s in points if f > 0 and s > 0]
    if len(xs) < 2 or len(set(xs)) < 2:
        return None
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)
