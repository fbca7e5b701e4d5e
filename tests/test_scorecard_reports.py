"""After each publish the leaders get an HTML scorecard readable on a desktop and on a phone, and an
Excel workbook in the officials' shape that prints as a report; both made from the published file,
both leading with the latest complete period."""

from __future__ import annotations

import duckdb
import numpy as np
import pytest
from matplotlib import image as mpimg
from openpyxl import load_workbook

from dagster_project.reports import excel, vn_format
from dagster_project.reports.data import flagged_value_unit, reporting_area
from dagster_project.reports.letterhead import MOTTO, NATIONAL_NAME
from tests.clients import chromium_page, pdf_pages, pdf_text, soffice_convert
from tests.conftest import run_dxw

LATEST_COMPLETE_QUARTER = """
    select max(period_code) from fct_indicator_values
    where period_type = 'quarter' and agency_code = ? and period_complete
"""


@pytest.fixture(scope="module")
def reports(published_sample):
    raw, _, warehouse, first = published_sample
    assert first.returncode == 0, first.stderr[-3000:]
    regenerated = run_dxw("report", "--json", raw=raw, warehouse=warehouse)
    assert regenerated.returncode == 0, regenerated.stderr
    return warehouse


@pytest.fixture(scope="module")
def published(reports):
    """What the published file says, for the reports to be checked against."""
    with duckdb.connect(str(reports / "dx.duckdb"), read_only=True) as con:
        area, _ = reporting_area(con)  # the area as the reports find it: dim_agency, agency_type area
        complete_q = con.execute(LATEST_COMPLETE_QUARTER, [area]).fetchone()[0]
        latest_q = con.execute(
            "select max(period_code) from fct_indicator_values where period_type = 'quarter' and agency_code = ?",
            [area],
        ).fetchone()[0]
        dg_kt = con.execute(
            "select value_pct, comparator, target_pct from fct_indicator_values "
            "where agency_code = ? and indicator_code = 'DG-KT' and period_code = ?",
            [area, complete_q],
        ).fetchone()
        withheld = con.execute("select value, rule_code from dq_flagged_values where is_withheld").fetchall()
        regular_2024 = con.execute(
            "select regular_spending_vnd from fct_budget_share "
            "where scope_code = ? and fiscal_year = 2024 and basis = 'estimate'",
            [area],
        ).fetchone()[0]
    return {
        "complete_quarter": complete_q,
        "latest_quarter": latest_q,
        "dg_kt": dg_kt,
        "withheld_shares": [v for v, rule in withheld if flagged_value_unit(rule) == "percent"],
        "regular_2024": float(regular_2024),
    }


# -- HTML ------------------------------------------------------------------------------------------


def test_the_html_scorecard_leads_with_the_latest_complete_quarter_and_marks_the_partial_one(reports, published):
    assert published["latest_quarter"] > published["complete_quarter"], "the sample world ends on a partial quarter"
    text = (reports / "reports" / "scorecard.html").read_text(encoding="utf-8")
    for heading in (
        "Báo cáo chuyển đổi số địa bàn Đức Phổ",
        "Đức Phổ digital-transformation scorecard",
        "Toàn địa bàn Đức Phổ so với mục tiêu",
        "Các đơn vị so với mục tiêu",
        "Ngân sách cho chuyển đổi số",
        "Note on the 2025 reorganisation",
        "Flagged figures withheld until reviewed",
    ):
        assert heading in text, heading
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in text
    area = text[text.index("Toàn địa bàn Đức Phổ so với mục tiêu") : text.index("Kỳ đang cập nhật")]
    assert vn_format.period_label(published["complete_quarter"]) in area
    assert vn_format.period_label(published["latest_quarter"]) not in area, "the partial quarter is not the lead"
    in_progress = text[text.index("Kỳ đang cập nhật") : text.index("Các đơn vị so với mục tiêu")]
    assert vn_format.period_label(published["latest_quarter"]) in in_progress
    assert "đang cập nhật / in progress" in in_progress

    value_pct, comparator, target = published["dg_kt"]
    assert vn_format.percent(value_pct) in area, "DG-KT at the complete quarter, Vietnamese style"
    assert f"{'≥' if comparator == '>=' else '>'} {vn_format.percent(float(target))}" in area
    assert "(giờ Việt Nam)" in text and " UTC" not in text, "the time is Vietnam time"
    assert vn_format.money_vnd(published["regular_2024"]) in text
    assert "PHUONG_SA_HUYNH" not in "".join(t for t in text.split("<svg")[1:]), "chart axes use names"
    assert text.count("<svg") >= 4, "charts are inline"


def test_the_html_scorecard_renders_on_a_desktop(reports, tmp_path):
    png = tmp_path / "scorecard-1366.png"
    with chromium_page(1366, 2000) as page:
        page.goto((reports / "reports" / "scorecard.html").resolve().as_uri())
        assert page.evaluate("document.documentElement.scrollWidth") <= 1366
        page.screenshot(path=str(png))
    pixels = mpimg.imread(str(png))[..., :3]
    assert pixels.shape[:2] == (2000, 1366)
    not_white = (pixels < 0.95).any(axis=2).mean()
    assert not_white > 0.05, f"the page looks blank ({not_white:.1%} of pixels drawn)"
    assert np.unique(pixels.reshape(-1, 3), axis=0).shape[0] > 50, "a real page has many colours (charts, cells)"


PHONE_LAYOUT = """() => {
  const text = [...document.querySelectorAll('p, li, td, th, h1, h2, h3, span, small, code')]
    .filter(e => !e.closest('svg') && e.textContent.trim());
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    smallest: Math.min(...text.map(e => parseFloat(getComputedStyle(e).fontSize))),
    tablesScrollInTheirBox: [...document.querySelectorAll('table')]
      .every(t => getComputedStyle(t.parentElement).overflowX === 'auto'),
    widestChart: Math.max(...[...document.querySelectorAll('svg')].map(s => s.getBoundingClientRect().width)),
  };
}"""


def test_the_html_scorecard_fits_a_phone_with_readable_text(reports):
    with chromium_page(390, 844, is_mobile=True) as page:
        page.goto((reports / "reports" / "scorecard.html").resolve().as_uri())
        layout = page.evaluate(PHONE_LAYOUT)
    assert layout["innerWidth"] == 390, "the viewport meta makes the phone lay the page out at its own width"
    assert layout["scrollWidth"] <= layout["innerWidth"], f"the page scrolls sideways: {layout}"
    assert layout["smallest"] >= 12, f"text smaller than 12 px on a phone: {layout}"
    assert layout["tablesScrollInTheirBox"]
    assert layout["widestChart"] <= layout["innerWidth"]


# -- Excel -----------------------------------------------------------------------------------------


def test_the_excel_workbook_is_laid_out_and_set_up_for_print(reports, published):
    workbook = load_workbook(reports / "reports" / "bao_cao_chuyen_doi_so.xlsx")
    assert workbook.sheetnames == [
        "Chính quyền số",
        "Kinh tế số",
        "Xã hội số",
        excel.IN_PROGRESS_SHEET,
        excel.BUDGET_SHEET,
        excel.WITHHELD_SHEET,
    ]
    header_row = excel.HEADER_ROW + 1
    for sheet in workbook.worksheets:
        assert len(sheet.title) <= 31
        assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9, sheet.title
        # one page wide (an absent fitToWidth is OOXML's default, 1), as many pages tall as needed
        assert sheet.page_setup.fitToWidth in (None, 1) and sheet.page_setup.fitToHeight == 0, sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert sheet.print_title_rows == f"${header_row}:${header_row}", sheet.title
        assert "&P" in sheet.oddFooter.center.text and "&N" in sheet.oddFooter.center.text
        assert sheet.freeze_panes == f"A{header_row + 1}", sheet.title
        assert sheet.auto_filter.ref.startswith(f"A{header_row}:"), sheet.title
        assert sheet.cell(header_row, 1).value == "STT"
        assert sheet["A1"].value and sheet[f"{sheet.cell(1, 4).column_letter}1"].value == NATIONAL_NAME

    government = workbook["Chính quyền số"]
    headers = [c.value for c in government[header_row]]
    assert headers == [c.header for c in excel.INDICATOR_COLUMNS]
    row = next(r for r in government.iter_rows(min_row=header_row + 1) if r[3].value == "DG-KT")
    value_pct, comparator, target = published["dg_kt"]
    assert row[1].value.endswith("Đức Phổ") and row[4].value == vn_format.period_label(published["complete_quarter"])
    assert row[7].value == pytest.approx(value_pct / 100)
    assert row[7].number_format == vn_format.excel_percent_format(vn_format.percent_decimals(value_pct))
    assert row[8].value == f"{'≥' if comparator == '>=' else '>'} {vn_format.percent(float(target))}"
    partial = workbook[excel.IN_PROGRESS_SHEET]
    assert {r[4].value for r in partial.iter_rows(min_row=header_row + 1)} == {
        vn_format.period_label(published["latest_quarter"])
    }

    budget = workbook[excel.BUDGET_SHEET]
    line = next(r for r in budget.iter_rows(min_row=header_row + 1) if r[1].value == 2024 and r[2].value == "Dự toán")
    assert line[4].value == pytest.approx(published["regular_2024"])
    assert line[4].number_format == vn_format.EXCEL_FORMATS["count"]


@pytest.fixture(scope="module")
def workbook_pdf(reports, tmp_path_factory):
    return soffice_convert(reports / "reports" / "bao_cao_chuyen_doi_so.xlsx", "pdf", tmp_path_factory.mktemp("pdf"))


def test_the_printed_workbook_is_landscape_with_every_table_one_page_wide(workbook_pdf):
    pages = pdf_pages(workbook_pdf)
    assert pages and all(p.landscape for p in pages), [p for p in pages if not p.landscape]
    texts = pdf_text(workbook_pdf).split("\f")[: len(pages)]
    last_headers = {c[-1].header for c in (excel.INDICATOR_COLUMNS, excel.BUDGET_COLUMNS, excel.WITHHELD_COLUMNS)}
    for number, text in enumerate(texts, start=1):
        # a table split by columns leaves a page without its first or its last column
        assert "STT" in text and any(h in text for h in last_headers), f"page {number} lacks a table edge"
        assert f"Trang {number}/{len(pages)}" in text, f"page {number} has no page number"


def test_the_printed_workbook_has_its_title_block_and_withheld_shares_with_their_decimals(workbook_pdf, published):
    text = pdf_text(workbook_pdf)
    for line in (NATIONAL_NAME, MOTTO, excel.TITLE, "Đơn vị tính", "Số liệu tính đến ngày", "SỐ LIỆU ĐANG CẬP NHẬT"):
        assert line in text, line
    shares = published["withheld_shares"]
    assert any(0 < v < 1 for v in shares), "the sample world withholds shares below 1 %"
    for value in shares:
        assert vn_format.percent(value) in text, f"withheld share {value} printed as {vn_format.percent(value)}"


def test_a_withheld_flag_on_a_whole_report_with_no_names_still_makes_every_report(reports, tmp_path):
    """A flag on a whole report (repeated figures) names no figure, and an agency may have no Vietnamese name:
    the NULLs reach the writers as None or NaN, and a NaN handed to xlsxwriter as text stopped the workbooks
    (the town's and the unit's feedback workbook)."""
    import shutil

    from dagster_project.reports.data import load_scorecard
    from dagster_project.reports.feedback import build_feedback
    from dagster_project.reports.html import render_html

    copy = tmp_path / "dx.duckdb"
    shutil.copy2(reports / "dx.duckdb", copy)
    with duckdb.connect(str(copy)) as con:
        flag_id, agency = con.execute(
            "select flag_id, agency_code from mart_withheld_figures "
            "order by agency_code in (select agency_code from dim_agency where agency_type = 'town_office'), flag_id "
            "limit 1"
        ).fetchone()
        con.execute(
            "update mart_withheld_figures set figure = null, figure_name_vi = null, agency_name_vi = null, "
            "reason_vi = null where flag_id = ?",
            [flag_id],
        )
        con.execute("update dq_flagged_values set indicator_code = null, item_code = null where flag_id = ?", [flag_id])
    data = load_scorecard(copy)
    rows = data.withheld[data.withheld["agency_code"] == agency]
    assert rows["figure_vi"].isna().any()
    book = load_workbook(excel.write_workbook(data, tmp_path / "workbook.xlsx"), read_only=True)
    written = [row for row in book[excel.WITHHELD_SHEET].iter_rows(values_only=True) if agency in row]
    assert written, "the flag's row is in the withheld sheet, under the agency's code"
    assert all(isinstance(cell, str | int | float) or cell is None for row in written for cell in row)
    assert "nan" not in {str(cell).lower() for row in written for cell in row}
    assert ">nan<" not in render_html(data).lower()
    feedback = tmp_path / "feedback"
    build_feedback(copy, feedback, agency=agency)
    unit_book = load_workbook(feedback / f"{agency}.xlsx", read_only=True)
    cells = {str(c).lower() for ws in unit_book for row in ws.iter_rows(values_only=True) for c in row}
    assert "nan" not in cells
    assert ">nan<" not in (feedback / f"{agency}.html").read_text(encoding="utf-8").lower()
