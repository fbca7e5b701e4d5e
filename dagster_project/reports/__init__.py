"""The leaders' reports, made from the published warehouse only: an HTML scorecard with charts and an
Excel workbook in the shape officials use. Both are regenerated after every publish."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dagster_project import settings
from dagster_project.reports.data import load_scorecard
from dagster_project.reports.excel import write_workbook
from dagster_project.reports.feedback import load_feedback, write_feedback
from dagster_project.reports.html import write_html
from dagster_project.warehouse.connection import open_published

HTML_NAME = "scorecard.html"
XLSX_NAME = "bao_cao_chuyen_doi_so.xlsx"
FEEDBACK_DIR = "feedback"


@dataclass(frozen=True)
class Reports:
    html: Path
    workbook: Path


def build_reports(published: Path | None = None, out_dir: Path | None = None) -> Reports:
    """Read the published warehouse read-only — the configured one, or the DuckDB file `published` — and
    (re)write both reports and the feedback pages; returns the reports' paths. One connection reads all of
    them, so they show one version even while a publish happens on the server."""
    out_dir = out_dir or settings.reports_dir()
    with open_published(published) as con:
        data = load_scorecard(con)
        feedback = load_feedback(con)
    out_dir.mkdir(parents=True, exist_ok=True)
    reports = Reports(html=write_html(data, out_dir / HTML_NAME), workbook=write_workbook(data, out_dir / XLSX_NAME))
    # each unit's feedback page, written again only where the unit's figures changed (feedback.py)
    write_feedback(feedback, out_dir / FEEDBACK_DIR, only_changed=True)
    return reports
