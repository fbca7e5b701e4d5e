"""The world stage: a generated world (cached by ingest_bench), its manifest counts and a registry
folder for ingestion and dbt alike; the file held out of the full refresh; hard-linked copies."""

from __future__ import annotations

import os
import shutil
from collections import Counter
from pathlib import Path

import ingest_bench
import transform_bench

TOWN = {"communes": 15, "offices": 10, "years": 3}
TOWN_LABEL = "town sample (15 communes, 10 offices, 3 years)"


def world_facts(communes: int, offices: int, years: int, workers: int, work: Path) -> dict:
    """The cached world, its manifest counts, and a registry folder for ingestion and dbt alike."""
    raw, world_registry, manifest = ingest_bench.world(communes, offices, years, workers)
    registry = transform_bench.town_and_world_registry(
        world_registry, work / f"registry-c{communes}-o{offices}-y{years}"
    )
    return {
        "communes": communes,
        "offices": offices,
        "years": years,
        "raw": raw,
        "registry": registry,
        "manifest": manifest,
        "files": len(manifest["files"]),
        "rows": sum(len(f["values"]) for f in manifest["files"]),
    }


def town(workers: int, work: Path) -> dict:
    return world_facts(TOWN["communes"], TOWN["offices"], TOWN["years"], workers, work)


def summary(world: dict) -> dict:
    """The world as results.json records it."""
    return {**{k: world[k] for k in ("communes", "offices", "years", "files", "rows")}, "raw": str(world["raw"])}


def held_out_file(manifest: dict) -> str:
    """A valid file whose arrival is an ordinary new report: loaded as is, no rejects, no file
    duplicates it, no other file reports the same kind × agency × period; the last such in path order."""
    files = manifest["files"]
    duplicated = {f.get("duplicate_of") for f in files if f.get("duplicate_of")}
    counts = Counter((f["kind"], r["agency_code"], r["period_code"]) for f in files for r in f["reports"])
    candidates = [
        f["path"]
        for f in files
        if f["expected_state"] == "loaded"
        and f["path"] not in duplicated
        and not f.get("rejected_rows")
        and f["reports"]
        and all(counts[(f["kind"], r["agency_code"], r["period_code"])] == 1 for r in f["reports"])
    ]
    return max(candidates)


def linked_copy(src: Path, dst: Path) -> None:
    """A copy of the raw tree made of hard links (the cached world stays pristine); plain copies across devices."""

    def link(a: str, b: str) -> None:
        try:
            os.link(a, b)
        except OSError:
            shutil.copy2(a, b)

    shutil.copytree(src, dst, copy_function=link)
