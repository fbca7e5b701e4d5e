"""What every benchmark stage shares: where things are, the `dxw` it runs, the progress log."""

from __future__ import annotations

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
