"""The audit record of one refresh run: what the quality gates said about this run's build.

The check step writes it, the publish step reads it: a build is published only by the run that
audited it, and only when no blocking expectation failed. Materialising the publish on its own,
without the checks in the same run, therefore publishes nothing.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from dagster_project import settings


@dataclass(frozen=True)
class Audit:
    run_id: str
    expectations_passed: int
    blocking_failures: list[str]
    flagging_failures: int
    data_docs_index: str

    @property
    def passed(self) -> bool:
        return not self.blocking_failures


class AuditMissing(RuntimeError):
    pass


def write_audit(audit: Audit) -> Path:
    path = settings.audit_path(audit.run_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(asdict(audit), ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def read_audit(run_id: str) -> Audit:
    path = settings.audit_path(run_id)
    if not path.exists():
        raise AuditMissing(
            f"run {run_id} has no audit of its build ({path} is missing): the quality checks must run in the "
            "same run as the publish — materialise the `refresh` job, not the publish alone"
        )
    return Audit(**json.loads(path.read_text(encoding="utf-8")))
