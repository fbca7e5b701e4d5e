"""The no-change stage of `make bench`: a full refresh of the town sample into an empty warehouse,
then a refresh with nothing new, and the second's wall time over the first's (issue 14's goal:
≤ 10 %). `make bench` runs it as its overhead stage; by hand, just this stage (the town sample is
generated into WORK, or taken from bench/worlds/ when cached):

    .venv/bin/python bench/no_change_bench.py [--work DIR]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

GOAL = ("no-change refresh ≤ 10% of the full refresh (town sample)", 0.10, "max")


def no_change_stage(refresh: Callable[..., dict], raw: Path, registry: Path, warehouse: Path, label: str) -> dict:
    """`refresh(raw, warehouse, registry, label)` twice into `warehouse` (emptied first): full, then nothing new."""
    shutil.rmtree(warehouse, ignore_errors=True)
    full = refresh(raw, warehouse, registry, f"{label}-full")
    no_change = refresh(raw, warehouse, registry, f"{label}-no-change")
    return {
        "full_seconds": full["seconds"],
        "seconds": no_change["seconds"],
        "no_change_over_full": no_change["seconds"] / full["seconds"],
        "full_published": full["published"],
        "no_change_why": no_change["why"],
        "full": full,
        "no_change": no_change,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default: a temporary one)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import run_bench  # the bench's own refresh runner (subprocess, wall time, memory)

    work = args.work or Path(tempfile.mkdtemp(prefix="no-change-bench-"))
    town = run_bench.world_facts(15, 10, 3, 2, work)
    stage = no_change_stage(run_bench.refresh, town["raw"], town["registry"], work / "warehouse-town", "town")
    print(
        f"town sample ({town['files']} files): full refresh {stage['full_seconds']:.1f} s, "
        f"no-change refresh {stage['seconds']:.1f} s, no_change_over_full {stage['no_change_over_full']:.3f} "
        f"(goal ≤ {GOAL[1]:.2f}); {stage['no_change_why']}"
    )
    print(json.dumps({k: v for k, v in stage.items() if k not in ("full", "no_change")}, indent=1, default=str))


if __name__ == "__main__":
    main()
