"""Typed results of parsing one file: reports, long value rows and rejects with bilingual messages.

A quarantined file carries its one file-level reject in `quarantine` and no reports or values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import NamedTuple


@dataclass(frozen=True, slots=True)
class Reject:
    sheet: str | None
    row: int | None
    reason_code: str
    message_vi: str
    message_en: str
    found: str | None


@dataclass(frozen=True, slots=True)
class ParsedReport:
    sheet: str | None
    agency_written: str
    agency_code: str
    period_written: str
    period_code: str
    is_correction: bool


class ValueRow(NamedTuple):
    """One value of one report row. A named tuple, not a dataclass: files carry hundreds of
    thousands of these, and a tuple is cheap to build, to transpose into columns and to pickle."""

    report_index: int
    sheet: str | None
    row: int
    row_role: str
    section: str | None
    agency_written: str | None
    agency_code: str | None
    period_written: str
    period_code: str
    item_code: str
    value_text: str
    value: float
    unit: str | None


class ValueColumns(Sequence):
    """Value rows held as columns, each a list with one entry per row or one value for all rows.

    Reads like a list of `ValueRow` (index, iterate, compare with a list); the ingestion run takes
    the columns as they are, so a 3,300-unit portal export never becomes 23,000 row objects."""

    __slots__ = ("_rows", "columns", "n")

    def __init__(self, n: int, columns: dict[str, list | object]):
        self.n = n
        self.columns = columns  # field of ValueRow -> list of n values, or one value for every row
        self._rows: list[ValueRow] | None = None

    @classmethod
    def from_rows(cls, rows: list[ValueRow]) -> ValueColumns:
        if not rows:
            return cls(0, {})
        return cls(len(rows), dict(zip(ValueRow._fields, map(list, zip(*rows, strict=True)), strict=True)))

    @classmethod
    def concat(cls, parts: list[ValueColumns]) -> ValueColumns:
        parts = [p for p in parts if p.n]
        if len(parts) == 1:
            return parts[0]
        if not parts:
            return cls(0, {})
        return cls(sum(p.n for p in parts), {f: [v for p in parts for v in p.column(f)] for f in ValueRow._fields})

    def column(self, field: str) -> list:
        """One field for every row, as a list."""
        col = self.columns[field]
        return col if isinstance(col, list) else [col] * self.n

    def rows(self) -> list[ValueRow]:
        if self._rows is None:
            self._rows = list(map(ValueRow._make, zip(*(self.column(f) for f in ValueRow._fields)))) if self.n else []
        return self._rows

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i):
        return self.rows()[i]

    def __iter__(self):
        return iter(self.rows())

    def __eq__(self, other) -> bool:
        if isinstance(other, ValueColumns | list | tuple):
            return self.rows() == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"ValueColumns({self.rows()!r})"


@dataclass(frozen=True, slots=True)
class SheetInfo:
    """One sheet of a workbook and the role it played. `report_index` points into the file's
    reports when the sheet was read as one; the cell counts are its table region's tally."""

    index: int
    name: str
    role: str
    reason_code: str | None = None
    report_index: int | None = None
    cells: int = 0
    value_cells: int = 0
    part_cells: int = 0
    rejected_cells: int = 0


@dataclass(frozen=True, slots=True)
class ParsedFile:
    kind: str | None
    encoding: str | None
    reports: list[ParsedReport]
    values: Sequence[ValueRow]
    rejects: list[Reject]
    quarantine: Reject | None
    sheets: list[SheetInfo] = field(default_factory=list)


# reason code -> (Vietnamese, English) sentence; `{found}` is the text as found in the file.
_MESSAGES = {
    "empty_file": ("Tệp rỗng: không có dữ liệu nào.", "Empty file: it holds no data."),
    "encrypted_workbook": (
        "Tệp Excel được đặt mật khẩu, không mở được; đề nghị gửi lại bản không mật khẩu.",
        "The workbook is password-protected and cannot be opened; ask for an unprotected copy.",
    ),
    "not_a_spreadsheet": (
        "Tệp không phải bảng tính (tìm thấy: {found}).",
        "The file is not a spreadsheet (found: {found}).",
    ),
    "corrupt_workbook": (
        "Tệp Excel bị hỏng, không đọc được ({found}).",
        "The workbook is damaged and cannot be read ({found}).",
    ),
    "unknown_kind": (
        "Không nhận ra loại báo cáo (tiêu đề/cột tìm thấy: {found}).",
        "The report kind is not recognised (title/columns found: {found}).",
    ),
    "unknown_agency": ('Không nhận ra đơn vị báo cáo "{found}".', 'Unknown reporting unit "{found}".'),
    "agency_not_valid_in_period": (
        'Đơn vị "{found}" không tồn tại trong kỳ báo cáo {period}.',
        'Unit "{found}" did not exist in the report period {period}.',
    ),
    "unknown_period": (
        "Không đọc được kỳ báo cáo (tìm thấy: {found}).",
        "No report period could be read (found: {found}).",
    ),
    "period_out_of_range": (
        'Kỳ báo cáo "{found}" nằm ngoài phạm vi (trước năm 2024 hoặc sau ngày nhận tệp).',
        'Report period "{found}" is out of range (before 2024 or after the file arrived).',
    ),
    "no_header_row": (
        "Không tìm thấy dòng tiêu đề bảng (STT, Nội dung, Kết quả…).",
        "The table header row (STT, Nội dung, Kết quả…) was not found.",
    ),
    "unparseable_number": ('Giá trị "{found}" không phải là số.', 'Value "{found}" is not a number.'),
    "unknown_item": ('Chỉ tiêu "{found}" không có trong mẫu báo cáo.', 'Item "{found}" is not in the report template.'),
    "duplicate_item": (
        'Chỉ tiêu "{found}" lặp lại với cùng giá trị (bảng dán hai lần?); bản lặp bị bỏ qua.',
        ('Item "{found}" appears again with the same value (table pasted twice?); the repeat is skipped.'),
    ),
    "conflicting_item": (
        'Chỉ tiêu "{found}" xuất hiện nhiều lần với giá trị khác nhau; tất cả bị loại.',
        ('Item "{found}" appears more than once with different values; every occurrence is rejected.'),
    ),
    "malformed_row": ("Dòng có số cột sai: {found}.", "The row has the wrong number of fields: {found}."),
    "formula_without_value": (
        (
            'Ô số liệu chứa công thức "{found}" nhưng chưa có kết quả (tệp do phần mềm tạo ra và chưa được '
            "tính lại). Đề nghị mở tệp bằng Excel hoặc LibreOffice, lưu lại để công thức được tính, rồi gửi lại."
        ),
        (
            'The value cell holds the formula "{found}" but no calculated result (the file was made by a '
            "program and never recalculated). Open the file in Excel or LibreOffice and save it so the "
            "formula is calculated, then send it again."
        ),
    ),
    "unaccounted_cell": (
        (
            "Ô {found}: số liệu nằm ngoài các cột được đọc (STT, nội dung, đơn vị tính, số liệu) nên không "
            "được nạp; nếu đây là số liệu báo cáo, đề nghị đưa vào đúng cột của mẫu rồi gửi lại."
        ),
        (
            "Cell {found}: a figure outside the columns that are read (STT, label, unit, figures) was not "
            "loaded; if it belongs to the report, put it in the template's column and send the file again."
        ),
    ),
    "unknown_row_role": (
        'Dòng có số liệu nhưng không xác định được là dòng gì (đơn vị, khối, cộng, tổng cộng, chưa phân bổ): "{found}".',
        'The row carries figures but its role (unit, block, subtotal, total, unallocated) cannot be told: "{found}".',
    ),
    "repeated_report": (
        'Báo cáo của cùng đơn vị và cùng kỳ đã có ở trang tính "{found}" trước đó; trang tính này không được đọc.',
        'The same unit and period are reported on the earlier sheet "{found}"; this sheet is not read.',
    ),
}


def reject(
    reason: str, sheet: str | None, row: int | None, found: str | None = None, period: str | None = None
) -> Reject:
    """A reject whose sentences name what was found and where (sheet, row)."""
    vi, en = _MESSAGES[reason]
    shown = found if found not in (None, "") else "(trống)"
    shown_en = found if found not in (None, "") else "(empty)"
    vi = vi.format(found=shown, period=period or "")
    en = en.format(found=shown_en, period=period or "")
    where_vi = ", ".join(p for p in (f'trang tính "{sheet}"' if sheet else "", f"dòng {row}" if row else "") if p)
    where_en = ", ".join(p for p in (f'sheet "{sheet}"' if sheet else "", f"row {row}" if row else "") if p)
    if where_vi:
        vi, en = f"{where_vi[0].upper()}{where_vi[1:]}: {vi}", f"{where_en[0].upper()}{where_en[1:]}: {en}"
    return Reject(sheet, row, reason, vi, en, found)


def in_file(r: Reject, name: str) -> Reject:
    """The reject with the file's name in front of its sentences, as a clerk needs it."""
    return replace(r, message_vi=f'Tệp "{name}" — {r.message_vi}', message_en=f'File "{name}" — {r.message_en}')
