"""The no-change stage of `make bench` alone (bench/stage_overhead.py): a full refresh of the town
sample into an empty warehouse, then a refresh with nothing new, and the second's wall time over the
first's (issue 14's goal: ≤ 10 %). The town sample is generated into WORK, or taken from
bench/worlds/ when cached:

    .venv/bin/python bench/no_change_bench.py [--work DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
for _path in (str(BENCH_DIR), str(BENCH_DIR.parent)):  # the bench modules import each other and the package
    if _path not in sys.path:
        sys.path.insert(0, _path)

import stage_overhead
import stage_world


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default: a temporary one)")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="no-change-bench-"))
    town = stage_world.town(args.workers, work)
    stage = stage_overhead.no_change_stage(town["raw"], town["registry"], work / "warehouse-town", "town")
    full, no_change = stage["full"], stage["no_change"]
    print(
        f"town sample ({town['files']} files): full refresh {full['seconds']:.1f} s, no-change refresh "
        f"{no_change['seconds']:.1f} s, no_change_over_full {no_change['seconds'] / full['seconds']:.3f} "
        f"(goal ≤ {stage_overhead.GOAL[1]:.2f}); {no_change['why']}"
    )


if __name__ == "__main__":
    main()
