"""Crash trials beyond the in-suite ten: kill `dxw refresh` (SIGKILL to its process group) at seeded
random moments over the whole run, check the published file after every kill, then check that one
uninterrupted refresh converges to the reference publish. Prints the figures.

    .venv/bin/python -m tests.reliability.crash_trials --trials 30 [--seed 7] [--max-delay 60]

It generates the shipped sample world and a reference publish in a temporary folder first (about a
minute), so it needs nothing but the repository.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sample_world import generate
from tests.reliability.harness import kill_group, published_state, start_refresh


def run_trials(trials: int, seed: int, max_delay: float, keep: Path | None = None) -> dict:
    base = Path(tempfile.mkdtemp(prefix="dx-crash-")) if keep is None else keep
    raw, reference_wh, warehouse = base / "raw", base / "reference", base / "wh"
    generate(raw, base / "manifest.json")
    started = time.monotonic()
    ref = start_refresh(raw, reference_wh, base / "reference.log")
    assert ref.wait(timeout=900) == 0, (base / "reference.log").read_text(errors="replace")[-3000:]
    full_run = time.monotonic() - started
    good = published_state(reference_wh / "dx.duckdb")
    warehouse.mkdir()
    shutil.copyfile(reference_wh / "dx.duckdb", warehouse / "dx.duckdb")
    published = warehouse / "dx.duckdb"
    rng = random.Random(seed)
    delays, survived, completed, failures = [], 0, 0, []
    for trial in range(trials):
        delay = rng.uniform(0.5, max_delay or full_run * 1.05)
        proc = start_refresh(raw, warehouse, base / "kill.log", force=True)
        time.sleep(delay)
        if proc.poll() is not None:
            completed += 1
        kill_group(proc)
        delays.append(delay)
        try:
            seen = published_state(published)
            assert seen["checksums"] == good["checksums"], "the published tables changed"
            survived += 1
        except Exception as exc:  # noqa: BLE001 - a failure is the figure we are after
            failures.append(f"trial {trial} at {delay:.1f}s: {exc}")
        print(f"trial {trial + 1}/{trials}: killed at {delay:5.1f}s -> {'ok' if not failures or not failures[-1].startswith(f'trial {trial} ') else 'DAMAGED'}",
              file=sys.stderr, flush=True)  # fmt: skip
    final = start_refresh(raw, warehouse, base / "final.log", force=True)
    converged = final.wait(timeout=900) == 0 and published_state(published)["checksums"] == good["checksums"]
    figures = {
        "trials": trials,
        "seed": seed,
        "uninterrupted_refresh_s": round(full_run, 1),
        "kill_delay_s": {"min": round(min(delays), 1), "median": round(statistics.median(delays), 1),
                         "max": round(max(delays), 1)},
        "kills_survived": survived,
        "runs_finished_before_the_kill": completed,
        "publish_damaged": len(failures),
        "failures": failures,
        "converged_after_kills": converged,
    }  # fmt: skip
    if keep is None:
        shutil.rmtree(base, ignore_errors=True)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--max-delay", type=float, default=0.0, help="seconds (default: the length of a full run)")
    args = parser.parse_args(argv)
    figures = run_trials(args.trials, args.seed, args.max_delay)
    print(json.dumps(figures, indent=2))
    return 0 if not figures["failures"] and figures["converged_after_kills"] else 1


if __name__ == "__main__":
    sys.exit(main())
