"""What every benchmark stage shares: where things are, the `dxw` it runs, the progress log."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
GIB = 1024**3
DXW = str(Path(sys.executable).parent / "dxw")


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def public(result: dict | None) -> dict | None:
    """A stage's result without its private (`_`) keys, as results.json keeps it."""
    return None if result is None else {k: v for k, v in result.items() if not k.startswith("_")}


def world_arguments(description: str | None) -> argparse.ArgumentParser:
    """A stage script's parser with the world it runs on: --communes, --offices, --years, --workers."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--communes", type=int, default=3300)
    parser.add_argument("--offices", type=int, default=0)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    return parser
