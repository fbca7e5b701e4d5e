"""Each unit gets one page its clerk can act on (phiếu phản hồi): what arrived, what was refused and
where, what waits for confirmation, which reports are late or missing with their due dates — and
nothing of any other unit; readable on a phone, rewritten after a publish only where it changed."""

from __future__ import annotations

import datetime as dt
import html
import re

import duckdb
import pytest
from openpyxl import load_workbook

from dagster_project.reports import vn_format as vf
from dagster_project.reports.feedback import SHEET_NAME, build_feedback, load_feedback
from tests.clients import chromium_page


@pytest.fixture(scope="module")
def published(published_sample):
    _, _, warehouse, refresh = published_sample
    assert refresh.returncode == 0, refresh.stderr[-3000:]
    return warehouse / "dx.duckdb"


def _owner_of_files(con) -> dict[str, set[str]]:
    """agency → raw paths of the files whose reports are the agency's (a second reading, in SQL)."""
    owners: dict[str, set[str]] = {}
    for agency, path in con.execute("select distinct agency_code, path from ingest_reports").fetchall():
        owners.setdefault(agency, set()).add(path)
    return owners


@pytest.fixture(scope="module")
def chosen(published):
    """The unit with the most refused rows (with a row number) among those with a late or missing report."""
    with duckdb.connect(str(published), read_only=True) as con:
        agency = con.execute(
            """
            with row_rejects as (
                select r.agency_code, count(*) as n
                from ingest_rejects as j
                inner join (select distinct file_id, agency_code from ingest_reports) as r on r.file_id = j.file_id
                where j.row_number is not null
                group by r.agency_code
            )
            select row_rejects.agency_code from row_rejects
            where row_rejects.agency_code in (select agency_code from fct_submissions where status <> 'on_time')
            order by n desc, agency_code limit 1
            """
        ).fetchone()[0]
        rejects = con.execute(
            """
            select j.path, j.sheet, j.row_number, j.message_vi from ingest_rejects as j
            where j.file_id in (select file_id from ingest_reports where agency_code = ?)
            """,
            [agency],
        ).fetchall()
        owed = con.execute(
            "select period_code, due_date, status, days_late from fct_submissions "
            "where agency_code = ? and status <> 'on_time'",
            [agency],
        ).fetchall()
        owners = _owner_of_files(con)
    others = set().union(*(paths for code, paths in owners.items() if code != agency)) - owners[agency]
    return agency, rejects, owed, others


def _rows(page: str) -> list[str]:
    return page.split("<tr>")[1:]


def test_a_units_page_shows_its_refused_rows_with_file_sheet_row_and_reason(published, chosen, tmp_path):
    agency, rejects, _, _ = chosen
    build_feedback(published, tmp_path, agency=agency)
    rows = _rows((tmp_path / f"{agency}.html").read_text(encoding="utf-8"))
    assert rejects
    for path, sheet, row_number, message in rejects:
        hits = [r for r in rows if html.escape(path) in r and html.escape(message) in r]
        assert hits, f"refused row of {path} missing from {agency}'s page"
        if sheet is not None:
            assert any(html.escape(f"“{sheet}”") in r for r in hits), (path, sheet)
        if row_number is not None:
            assert any(f"dòng {row_number}" in r for r in hits), (path, row_number)


def test_a_units_page_shows_its_late_and_missing_reports_with_due_dates(published, chosen, tmp_path):
    agency, _, owed, _ = chosen
    build_feedback(published, tmp_path, agency=agency)
    rows = _rows((tmp_path / f"{agency}.html").read_text(encoding="utf-8"))
    assert owed
    for period_code, due, status, days_late in owed:
        words = f"Nộp trễ {vf.number(days_late)} ngày" if status == "late" else "Chưa nộp"
        assert any(vf.period_label(period_code) in r and vf.date(due) in r and words in r for r in rows), (
            f"{agency} {period_code} {status} is not on the page with its due date {due}"
        )
    # the workbook holds the same, due dates as dates
    sheet = load_workbook(tmp_path / f"{agency}.xlsx")[SHEET_NAME]
    due_dates = {v.date() for row in sheet.iter_rows(values_only=True) for v in row if isinstance(v, dt.datetime)}
    assert {due for _, due, _, _ in owed} <= due_dates


def test_a_units_page_and_workbook_hold_no_other_units_files(published, chosen, tmp_path):
    agency, rejects, _, others = chosen
    build_feedback(published, tmp_path, agency=agency)
    page = (tmp_path / f"{agency}.html").read_text(encoding="utf-8")
    cells = {
        str(v)
        for row in load_workbook(tmp_path / f"{agency}.xlsx")[SHEET_NAME].iter_rows(values_only=True)
        for v in row
        if v is not None
    }
    assert others
    leaked = [p for p in others if html.escape(p) in page or any(p in c for c in cells)]
    assert not leaked, f"{agency}'s feedback shows other units' files: {leaked[:3]}"
    assert all(any(path in c for c in cells) for path, *_ in rejects), "the workbook lacks a refused file"


def test_every_unit_gets_a_page_after_each_publish_and_only_changed_ones_are_rewritten(published, tmp_path):
    reports = published.parent / "reports" / "feedback"
    with duckdb.connect(str(published), read_only=True) as con:
        units = {r[0] for r in con.execute("select agency_code from dim_agency where agency_type <> 'area'").fetchall()}
    assert {p.stem for p in reports.glob("*.html")} - {"index"} == units
    assert {p.stem for p in reports.glob("*.xlsx")} == units

    first = build_feedback(published, tmp_path, only_changed=True)
    again = build_feedback(published, tmp_path, only_changed=True)
    (tmp_path / f"{min(units)}.html").unlink()
    repaired = build_feedback(published, tmp_path, only_changed=True)
    assert (first.written, again.written, repaired.written) == (len(units), 0, 1)


def test_a_period_shows_only_that_periods_reports_and_the_units_that_existed_then(published):
    with duckdb.connect(str(published), read_only=True) as con:
        period, start, end = con.execute(
            "select period_code, period_start, period_end from dim_period where period_type = 'quarter' "
            "and period_code in (select period_code from fct_submissions) order by period_code desc limit 1"
        ).fetchone()
        inside = {
            r[0]
            for r in con.execute(
                "select period_code from dim_period where period_start >= ? and period_end <= ?", [start, end]
            ).fetchall()
        }
        existed = {
            r[0]
            for r in con.execute(
                "select agency_code from dim_agency where agency_type <> 'area' and valid_from <= ? "
                "and (valid_to is null or valid_to >= ?)",
                [end, start],
            ).fetchall()
        }
    data = load_feedback(published, period=period)
    assert {u.agency_code for u in data.units} == existed
    assert all({s.period_code for s in u.submissions} <= inside for u in data.units)
    assert any(s.period_code == period for u in data.units for s in u.submissions)
    assert all({f.period_code for f in u.flags} <= inside for u in data.units)


def test_the_feedback_page_fits_a_phone_and_a_desktop(published, tmp_path):
    data = load_feedback(published)
    busiest = max(data.units, key=lambda u: len(u.rejects) + len(u.flags) + len(u.files))
    build_feedback(published, tmp_path, agency=busiest.agency_code)
    url = (tmp_path / f"{busiest.agency_code}.html").resolve().as_uri()
    for width, mobile in ((390, True), (1366, False)):
        with chromium_page(width=width, height=844, is_mobile=mobile) as page:
            page.goto(url)
            scroll, client = page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            assert scroll <= client, f"{width} px: the page scrolls sideways ({scroll} > {client})"
            smallest = page.evaluate(
                "Math.min(...[...document.querySelectorAll('td, th, p, li')]"
                ".filter(e => e.offsetParent !== null)"
                ".map(e => parseFloat(getComputedStyle(e).fontSize)))"
            )
            assert smallest >= 12, f"{width} px: text as small as {smallest} px"
            assert re.search(r"\bPhiếu phản hồi số liệu\b", page.inner_text("h1"))
