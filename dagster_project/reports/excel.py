"""The Excel workbook in the shape officials use: per sheet the header block of a Vietnamese
administrative report, then one table (STT, names, values in their own units, target, status),
printed A4 landscape one page wide with the table header repeated and page numbers.

Sheets: one per pillar at its latest complete period, the periods still being received (marked),
the budget against its floor, and the withheld figures. Formats come from `vn_format`."""

from __future__ import annotations

import functools
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from dagster_project.reports import vn_format
from dagster_project.reports.data import (
    PILLARS,
    VALUE_UNIT_WORDS,
    ScorecardData,
    flagged_value_unit,
    status_words,
)
from dagster_project.reports.letterhead import MOTTO, NATIONAL_NAME, letterhead


@dataclass(frozen=True)
class Column:
    header: str
    width: float


INDICATOR_COLUMNS = [
    Column("STT", 5),
    Column("Đơn vị", 22),
    Column("Chỉ tiêu", 46),
    Column("Mã chỉ tiêu", 11),
    Column("Kỳ báo cáo", 13),
    Column("Tử số", 10),
    Column("Mẫu số", 10),
    Column("Giá trị", 10),
    Column("Mục tiêu", 10),
    Column("Đánh giá", 15),
]
BUDGET_COLUMNS = [
    Column("STT", 5),
    Column("Năm", 8),
    Column("Cơ sở", 12),
    Column("Chi chuyển đổi số (đồng)", 22),
    Column("Chi thường xuyên (đồng)", 24),
    Column("Tỷ lệ", 10),
    Column("Mức sàn", 10),
    Column("Đánh giá", 15),
]
WITHHELD_COLUMNS = [
    Column("STT", 5),
    Column("Đơn vị", 22),
    Column("Số liệu", 34),
    Column("Kỳ", 13),
    Column("Giá trị", 12),
    Column("Đơn vị tính", 11),
    Column("Lý do giữ lại", 52),
    Column("Nơi ghi (tệp · biểu · dòng)", 34),
]
PILLAR_SHEETS = {pillar: vi for pillar, (vi, _) in PILLARS.items()}
IN_PROGRESS_SHEET = "Đang cập nhật (chưa đủ kỳ)"
BUDGET_SHEET = "Ngân sách"
WITHHELD_SHEET = "Số liệu giữ lại"
TITLE = "BÁO CÁO KẾT QUẢ THỰC HIỆN CHỈ TIÊU CHUYỂN ĐỔI SỐ"
AREA_WORDS = "địa bàn Đức Phổ (thị xã cũ) và các đơn vị"
HEADER_ROW = 8  # the table header's row, under the header block
LINE_HEIGHT = 15  # points per line of 11-point Times New Roman
CHARS_PER_WIDTH = 1.3  # characters of Vietnamese text per unit of column width (about 1.45 on the PDF; a margin)


class _Formats:
    """The workbook's cell formats, made once (xlsxwriter wants one object per distinct format)."""

    def __init__(self, book: xlsxwriter.Workbook):
        self._book = book
        self._cache: dict[tuple, object] = {}
        base = {"font_name": "Times New Roman", "font_size": 11}
        self.base = base
        self.text = self.get(valign="top", text_wrap=True, border=1)
        self.center = self.get(valign="top", align="center", border=1)
        self.header = self.get(
            bold=True, bg_color="#DDEBF7", border=1, text_wrap=True, align="center", valign="vcenter"
        )
        self.issuer_parent = self.get(align="center")
        self.issuer = self.get(bold=True, align="center")
        self.nation = self.get(bold=True, align="center")
        self.motto = self.get(bold=True, align="center", underline=1)
        self.dated = self.get(italic=True, align="center")
        self.title = self.get(bold=True, font_size=14, align="center", valign="vcenter", text_wrap=True)
        self.subtitle = self.get(align="center", text_wrap=True)
        self.partial = self.get(bold=True, font_color="#B71C1C", align="center", text_wrap=True)
        self.unit = self.get(italic=True, align="right")
        self.status = {
            "met": self.get(valign="top", border=1, bg_color="#C8E6C9"),
            "missed": self.get(valign="top", border=1, bg_color="#FFCDD2"),
            "partial": self.get(valign="top", border=1, bg_color="#FFE0B2"),
            "none": self.get(valign="top", border=1, bg_color="#EEEEEE"),
        }

    def get(self, **props) -> object:
        key = tuple(sorted(props.items()))
        if key not in self._cache:
            self._cache[key] = self._book.add_format({**self.base, **props})
        return self._cache[key]

    def number(self, num_format: str) -> object:
        return self.get(num_format=num_format, valign="top", border=1)

    def percent(self, value_pct: object) -> object:
        return self.number(vn_format.excel_percent_format(vn_format.percent_decimals(value_pct)))


def _missing(value: object) -> bool:
    return value is None or pd.isna(value)


def _text(*candidates: object) -> str:
    """The first of `candidates` that is present, as text; empty when none is. A NULL read into a frame is None
    or NaN depending on its column, and xlsxwriter writes a NaN handed to `write` as a number, which it refuses."""
    return next((str(value) for value in candidates if not _missing(value)), "")


def _sheet(
    book: xlsxwriter.Workbook,
    fmt: _Formats,
    data: ScorecardData,
    name: str,
    title: str,
    period_line: str,
    unit_line: str,
    columns: list[Column],
    partial_note: str | None = None,
) -> Worksheet:
    """A sheet with the header block, its table header at HEADER_ROW and the print setup."""
    sheet = book.add_worksheet(name)
    last = len(columns) - 1
    split = 2  # the issuing body over the first three columns, the motto over the rest
    head = letterhead(data.as_of)
    sheet.merge_range(0, 0, 0, split, head.issuer_parent, fmt.issuer_parent)
    sheet.merge_range(1, 0, 1, split, head.issuer, fmt.issuer)
    sheet.merge_range(0, split + 1, 0, last, NATIONAL_NAME, fmt.nation)
    sheet.merge_range(1, split + 1, 1, last, MOTTO, fmt.motto)
    published = vn_format.to_vietnam_time(data.published_at).date()
    sheet.merge_range(2, split + 1, 2, last, head.dated(published), fmt.dated)
    sheet.merge_range(4, 0, 4, last, title, fmt.title)
    sheet.set_row(4, 42)
    sheet.merge_range(5, 0, 5, last, period_line, fmt.subtitle)
    figures_line = f"Số liệu tính đến ngày {vn_format.date(data.as_of)}; công bố lúc {data.published_local}" + (
        f" — {partial_note}" if partial_note else ""
    )
    sheet.merge_range(6, 0, 6, last, figures_line, fmt.partial if partial_note else fmt.subtitle)
    if partial_note:
        sheet.set_row(6, 30)
    sheet.merge_range(7, 0, 7, last, unit_line, fmt.unit)
    sheet.write_row(HEADER_ROW, 0, [c.header for c in columns], fmt.header)
    sheet.set_row(HEADER_ROW, 32)
    for i, c in enumerate(columns):
        sheet.set_column(i, i, c.width)
    sheet.set_paper(9)  # A4
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)  # one page wide, as many pages tall as the rows need
    sheet.repeat_rows(HEADER_ROW)
    sheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.7)
    sheet.center_horizontally()
    sheet.set_footer(f"&L&8{name}&C&8Trang &P/&N")
    sheet.freeze_panes(HEADER_ROW + 1, 0)
    return sheet


def _fit_row(sheet: Worksheet, row: int, columns: list[Column], texts: dict[int, object]) -> None:
    """Set the row tall enough for its wrapped text: LibreOffice and Excel keep the default height
    of a row written by xlsxwriter, so a long name would run over the next row."""
    lines = max(
        [_lines(text, max(1, int(columns[col].width * CHARS_PER_WIDTH))) for col, text in texts.items()], default=1
    )
    sheet.set_row(row, LINE_HEIGHT * lines + 3)


@functools.lru_cache(maxsize=4096)
def _lines(text: object, per_line: int) -> int:
    """Lines `text` wraps to (names repeat on every unit's row, so each is measured once)."""
    return max(1, len(textwrap.wrap(text, per_line))) if isinstance(text, str) else 1


def _finish_table(sheet: Worksheet, n_rows: int, columns: list[Column]) -> None:
    sheet.autofilter(HEADER_ROW, 0, HEADER_ROW + max(n_rows, 1), len(columns) - 1)


def _indicator_rows(sheet: Worksheet, fmt: _Formats, rows: pd.DataFrame) -> None:
    for n, r in enumerate(rows.itertuples(), start=1):
        i = HEADER_ROW + n
        has_value = not _missing(r.value_pct)
        css, vi, _ = status_words(r.meets_target, r.period_complete, has_value)
        sheet.write(i, 0, n, fmt.center)
        sheet.write_string(i, 1, _text(r.agency_vi), fmt.text)
        sheet.write_string(i, 2, _text(r.indicator_vi), fmt.text)
        sheet.write_string(i, 3, _text(r.indicator_code), fmt.text)
        sheet.write(i, 4, vn_format.period_label(r.period_code), fmt.text)
        for col, count in ((5, r.numerator), (6, r.denominator)):
            if _missing(count):
                sheet.write_blank(i, col, None, fmt.text)
            else:
                sheet.write_number(i, col, float(count), fmt.number(vn_format.EXCEL_FORMATS["count"]))
        if has_value:
            sheet.write_number(i, 7, float(r.value_pct) / 100, fmt.percent(r.value_pct))
        else:
            sheet.write_blank(i, 7, None, fmt.text)
        sheet.write_string(i, 8, _text(r.target_text), fmt.center)
        sheet.write(i, 9, vi, fmt.status[css])
        _fit_row(sheet, i, INDICATOR_COLUMNS, {1: r.agency_vi, 2: r.indicator_vi})


def _period_words(codes: list[str]) -> str:
    return ", ".join(vn_format.period_label(c) for c in codes)


def write_workbook(data: ScorecardData, path: Path) -> Path:
    tmp = path.with_name(path.name + ".tmp.xlsx")
    book = xlsxwriter.Workbook(str(tmp))
    fmt = _Formats(book)
    unit_line = "Đơn vị tính: giá trị và mục tiêu: %; tử số, mẫu số: số lượng"

    scorecard = pd.concat([data.area, data.units], ignore_index=True)
    for pillar, (vi, en) in PILLARS.items():
        rows = (
            scorecard[scorecard["pillar"] == pillar]
            .assign(is_unit=lambda f: f["agency_code"] != data.area_code)
            .sort_values(["indicator_code", "is_unit", "agency_code"])
        )
        periods = sorted(rows["period_code"].dropna().unique())
        sheet = _sheet(
            book,
            fmt,
            data,
            PILLAR_SHEETS[pillar],
            f"{TITLE}\n{vi.upper()}",
            f"Kỳ báo cáo: {_period_words(periods)} — {AREA_WORDS}",
            unit_line,
            INDICATOR_COLUMNS,
        )
        _indicator_rows(sheet, fmt, rows)
        _finish_table(sheet, len(rows), INDICATOR_COLUMNS)

    partial_periods = sorted(data.in_progress["period_code"].unique())
    sheet = _sheet(
        book,
        fmt,
        data,
        IN_PROGRESS_SHEET,
        f"{TITLE}\nKỲ ĐANG CẬP NHẬT",
        f"Kỳ chưa đủ số liệu: {_period_words(partial_periods) or 'không có'} — {AREA_WORDS}",
        unit_line,
        INDICATOR_COLUMNS,
        partial_note="SỐ LIỆU ĐANG CẬP NHẬT: kỳ chưa nhận đủ báo cáo, chưa dùng để đánh giá",
    )
    _indicator_rows(sheet, fmt, data.in_progress)
    _finish_table(sheet, len(data.in_progress), INDICATOR_COLUMNS)

    sheet = _sheet(
        book,
        fmt,
        data,
        BUDGET_SHEET,
        f"{TITLE}\nTỶ LỆ CHI CHUYỂN ĐỔI SỐ TRÊN CHI THƯỜNG XUYÊN",
        f"Các năm ngân sách — ngân sách thị xã {data.area_name_vi}",
        "Đơn vị tính: đồng; tỷ lệ và mức sàn: %",
        BUDGET_COLUMNS,
    )
    for n, r in enumerate(data.budget.itertuples(), start=1):
        i = HEADER_ROW + n
        css, vi, _ = ("none", "Giữ lại chờ xác nhận", "") if r.is_withheld else status_words(r.meets_floor)
        sheet.write(i, 0, n, fmt.center)
        sheet.write_number(
            i,
            1,
            int(r.fiscal_year),
            fmt.get(num_format=vn_format.EXCEL_FORMATS["year"], align="center", valign="top", border=1),
        )
        sheet.write(i, 2, {"estimate": "Dự toán", "actual": "Thực hiện"}.get(r.basis, r.basis), fmt.text)
        sheet.write_number(i, 3, float(r.dx_spending_vnd), fmt.number(vn_format.EXCEL_FORMATS["count"]))
        sheet.write_number(i, 4, float(r.regular_spending_vnd), fmt.number(vn_format.EXCEL_FORMATS["count"]))
        # a share against a floor keeps three decimals: 0,499 % must not print as the floor's 0,5 %
        sheet.write_number(i, 5, float(r.share_pct) / 100, fmt.number(vn_format.excel_percent_format(3)))
        sheet.write_string(i, 6, _text(r.floor_text), fmt.center)
        sheet.write(i, 7, vi, fmt.status[css])
    _finish_table(sheet, len(data.budget), BUDGET_COLUMNS)

    sheet = _sheet(
        book,
        fmt,
        data,
        WITHHELD_SHEET,
        f"{TITLE}\nSỐ LIỆU BỊ GẮN CỜ, GIỮ LẠI CHỜ XÁC NHẬN",
        "Số liệu chưa được tính vào kết quả cho đến khi người rà soát chấp nhận (dxw accept)",
        "Đơn vị tính: theo từng dòng (cột Đơn vị tính)",
        WITHHELD_COLUMNS,
    )
    for n, r in enumerate(data.withheld.itertuples(), start=1):
        i = HEADER_ROW + n
        unit = flagged_value_unit(r.rule_code)
        sheet.write(i, 0, n, fmt.center)
        sheet.write_string(i, 1, _text(r.agency_vi, r.agency_code), fmt.text)
        sheet.write_string(i, 2, _text(r.figure_vi), fmt.text)  # none for a whole-report flag
        sheet.write(i, 3, vn_format.period_label(r.period_code), fmt.text)
        if unit == "percent":
            sheet.write_number(i, 4, float(r.value) / 100, fmt.percent(r.value))
        else:
            decimals = vn_format.percent_decimals(r.value)
            sheet.write_number(i, 4, float(r.value), fmt.number(vn_format.excel_number_format(decimals)))
        sheet.write(i, 5, VALUE_UNIT_WORDS[unit], fmt.center)
        sheet.write_string(i, 6, _text(r.reason_vi), fmt.text)
        where = " · ".join(str(x) for x in (r.raw_path, r.sheet_name, r.source_row) if not _missing(x))
        sheet.write(i, 7, where, fmt.text)
        _fit_row(sheet, i, WITHHELD_COLUMNS, {1: r.agency_vi, 2: r.figure_vi, 6: r.reason_vi, 7: where})
    _finish_table(sheet, len(data.withheld), WITHHELD_COLUMNS)
    book.close()
    tmp.replace(path)
    return path
