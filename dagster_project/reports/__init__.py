"""The leaders' reports, made from the published file only: an HTML scorecard with charts and an
Excel workbook in the shape officials use. Both are regenerated after every publish."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dagster_project import settings
from dagster_project.reports.data import load_scorecard
from dagster_project.reports.excel import write_workbook
from dagster_project.reports.feedback import build_feedback
from dagster_project.reports.html import write_html

HTML_NAME = "scorecard.html"
XLSX_NAME = "bao_cao_chuyen_doi_so.xlsx"
FEEDBACK_DIR = "feedback"


@dataclass(frozen=True)
class Reports:
    html: Path
    workbook: Path


def build_reports(published: Path | None = None, out_dir: Path | None = None) -> Reports:
    """Read the published warehouse read-only and (re)write both reports; returns their paths."""
    published = published or settings.published_db_path()
    out_dir = out_dir or settings.reports_dir()
    if not published.exists():
        raise FileNotFoundError(f"no published warehouse at {published}: run `dxw refresh` first")
    data = load_scorecard(published)
    out_dir.mkdir(parents=True, exist_ok=True)
    reports = Reports(html=write_html(data, out_dir / HTML_NAME), workbook=write_workbook(data, out_dir / XLSX_NAME))
    # each unit's feedback page, written again only where the unit's figures changed (feedback.py)
    build_feedback(published, out_dir / FEEDBACK_DIR, only_changed=True)
    return reports
