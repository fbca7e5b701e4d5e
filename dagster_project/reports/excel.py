"""The Excel workbook in the shape officials use: Vietnamese headers, one sheet per pillar, a budget
sheet and a sheet of withheld figures; counts as `#,##0`, shares as `0.0%`."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import xlsxwriter

from dagster_project.reports.data import PILLARS, ScorecardData

INDICATOR_HEADERS = [
    "Mã đơn vị",
    "Đơn vị",
    "Mã chỉ tiêu",
    "Tên chỉ tiêu",
    "Kỳ báo cáo",
    "Giá trị",
    "Mục tiêu",
    "Đạt mục tiêu",
    "Dự báo 2025",
    "Dự báo 2030",
]
BUDGET_HEADERS = [
    "Năm",
    "Cơ sở",
    "Chi chuyển đổi số (đồng)",
    "Chi thường xuyên (đồng)",
    "Tỷ lệ",
    "Mức sàn",
    "Đạt mức sàn",
]
WITHHELD_HEADERS = ["Đơn vị", "Số liệu", "Kỳ", "Giá trị", "Quy tắc", "Lý do"]
BUDGET_SHEET = "Ngân sách"
WITHHELD_SHEET = "Số liệu giữ lại"


def _yes_no(value: object) -> str:
    if value is None or pd.isna(value):
        return "—"
    return "Đạt" if bool(value) else "Chưa đạt"


def _text(value: object) -> object:
    """A cell's text; a missing value (a unit with no report yet) is an empty cell, not NaN."""
    return None if value is None or pd.isna(value) else value


def _fraction(pct: object) -> float | None:
    """A percentage (80.5) as the fraction Excel's `0.0%` format expects (0.805)."""
    return None if pct is None or pd.isna(pct) else float(pct) / 100


def write_workbook(data: ScorecardData, path: Path) -> Path:
    tmp = path.with_name(path.name + ".tmp.xlsx")
    book = xlsxwriter.Workbook(str(tmp))
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"})
    percent = book.add_format({"num_format": "0.0%"})
    percent_precise = book.add_format({"num_format": "0.000%"})
    count = book.add_format({"num_format": "#,##0"})
    title = book.add_format({"bold": True, "font_size": 13})

    scorecard = pd.concat([data.area, data.units], ignore_index=True)
    for pillar, (vi, en) in PILLARS.items():
        sheet = book.add_worksheet(pillar)
        sheet.write(0, 0, f"{vi} ({en})", title)
        sheet.write_row(1, 0, INDICATOR_HEADERS, header)
        rows = scorecard[scorecard["pillar"] == pillar]
        for i, r in enumerate(rows.itertuples(), start=2):
            sheet.write_row(
                i,
                0,
                [
                    _text(v)
                    for v in (r.agency_code, r.agency_vi, r.indicator_code, r.indicator_vi, r.latest_period_code)
                ],
            )
            sheet.write(i, 5, _fraction(r.value_pct), percent)
            sheet.write(i, 6, r.target_text)
            sheet.write(i, 7, _yes_no(r.meets_target))
            sheet.write(i, 8, _fraction(r.projected_2025_pct), percent)
            sheet.write(i, 9, _fraction(r.projected_2030_pct), percent)
        sheet.set_column(0, 0, 22)
        sheet.set_column(1, 1, 26)
        sheet.set_column(3, 3, 50)
        sheet.set_column(4, 9, 13)
        sheet.freeze_panes(2, 0)
        sheet.autofilter(1, 0, max(1, len(rows) + 1), len(INDICATOR_HEADERS) - 1)

    sheet = book.add_worksheet(BUDGET_SHEET)
    sheet.write(0, 0, "Tỷ lệ chi chuyển đổi số trên chi thường xuyên (Budget share against the floor)", title)
    sheet.write_row(1, 0, BUDGET_HEADERS, header)
    for i, r in enumerate(data.budget.itertuples(), start=2):
        sheet.write(i, 0, int(r.fiscal_year))
        sheet.write(i, 1, {"estimate": "Dự toán", "actual": "Thực hiện"}.get(r.basis, r.basis))
        sheet.write(i, 2, float(r.dx_spending_vnd), count)
        sheet.write(i, 3, float(r.regular_spending_vnd), count)
        sheet.write(i, 4, _fraction(r.share_pct), percent_precise)
        sheet.write(i, 5, r.floor_text)
        sheet.write(i, 6, "Giữ lại" if r.is_withheld else _yes_no(r.meets_floor))
    sheet.set_column(0, 1, 12)
    sheet.set_column(2, 3, 24)
    sheet.set_column(4, 6, 13)

    sheet = book.add_worksheet(WITHHELD_SHEET)
    sheet.write_row(0, 0, WITHHELD_HEADERS, header)
    for i, r in enumerate(data.withheld.itertuples(), start=1):
        sheet.write_row(i, 0, [r.agency_code, r.figure, r.period_code])
        sheet.write(i, 3, float(r.value), count)
        sheet.write_row(i, 4, [r.rule_code, r.reason_vi])
    sheet.set_column(0, 4, 18)
    sheet.set_column(5, 5, 80)
    book.close()
    tmp.replace(path)
    return path
