"""`DX_WAREHOUSE_DIR/logs/refresh.jsonl`: one JSON line per refresh, appended once per run id.

Kept apart from run_summary.py (which reads a Dagster run's event log) so that a refresh that found
nothing to do can log its line without loading Dagster.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path

from dagster_project import settings


def append_run_summary(summary: dict, path: Path | None = None) -> bool:
    """Append the summary as one JSON line, unless this run is already logged; True when written."""
    path = path or settings.refresh_log_path()
    if path.exists():
        with path.open(encoding="utf-8") as handle:
            if any(json.loads(line).get("run_id") == summary["run_id"] for line in handle if line.strip()):
                return False
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(summary, ensure_ascii=False, default=str) + "\n")
    return True


def up_to_date_summary(fingerprint: str) -> dict:
    """The line of a refresh that stopped before Dagster started: its inputs' fingerprint is the last
    publish's (the keys of run_summary.build_run_summary; no Dagster run, so a fresh id names it)."""
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    return {
        "run_id": str(uuid.uuid4()),
        "job": "refresh",
        "status": "SUCCESS",
        "started_at": now,
        "finished_at": now,
        "logged_at": now,
        "files": {"seen": None, "new": 0, "changed": 0, "parsed": 0, "quarantined": None},
        "figures": None,
        "published": False,
        "up_to_date": True,
        "input_fingerprint": fingerprint,
        "why": up_to_date_why(fingerprint),
        "published_file": None,
        "failures": [],
        "steps": {},
        "checks": {},
    }


def up_to_date_why(fingerprint: str) -> str:
    return f"already up to date: the inputs' fingerprint {fingerprint} is the last publish's"
