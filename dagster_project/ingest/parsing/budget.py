"""`budget`: the budget workbook, one sheet per fiscal year, one row per agency under sections.

Rows carry a role (detail, unallocated, subtotal, total); detail rows resolve their own agency.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .accounting import CellAccount, carries_figure, filled, is_column_numbering, stray_figures
from .model import ParsedReport, ValueColumns, ValueRow, reject
from .periods import in_range
from .registry import AgencyRegistry
from .report_table import SheetResult, drop_rejected, duplicate_rule
from .text import clean, match_key
from .workbook import (
    Roles,
    Sheet,
    Workbook,
    bad_value_reason,
    cell_number,
    cell_text,
    find_header_row,
    find_period,
    find_reporter,
    header_lines,
    is_correction,
    sheet_year_period,
)

ITEMS = ("REG_EST", "REG_ACT", "DX_EST", "DX_ACT")
ROLES = Roles(
    stt=re.compile(r"(?:s\.?\s?tt|tt|so tt)\.?$"),
    name=re.compile(r"(?:ten don vi|don vi$|noi dung|ten co quan|co quan|don vi su dung)"),
)
# the town budget names no sender in some years; it is always the finance office's
TOWN_BUDGET_SENDER = "Phòng Tài chính – Kế hoạch"

_UNIT_LINE = re.compile(r"don vi tinh\s*:")
# a block's number: Roman (`I` … `X`) or a capital letter (`A` … `E`), as its STT or before its name
_BLOCK = r"(?:x|ix|iv|v?i{1,3}|v|[a-e])"
_SECTION = re.compile(rf"^({_BLOCK})\s*[.)/-]\s*\S|^({_BLOCK})\s+khoi\b")
_SECTION_STT = re.compile(rf"{_BLOCK}\s*[.)]?")
# `Cộng I`, `Cộng A`, `Cộng khối xã`, `Cộng` — but not `Công an thị xã` (same letters without marks)
_SUBTOTAL = re.compile(rf"^cong\s*(?:({_BLOCK})\b|khoi\b|$)")
_TOTAL = re.compile(r"^(?:tong cong|tong so)\b")
_LETTERS = re.compile(r"[^\W\d_]")


@dataclass(slots=True)
class _Row:
    row: int
    role: str
    section: str | None
    agency_written: str | None
    agency_code: str | None
    cells: list[tuple[str, float | None]]
    counted: tuple[int, int] = (0, 0)  # (values, parts) in the sheet's tally


def unit_of(lines: list[tuple[int, str]]) -> str | None:
    """`Đơn vị tính: triệu đồng` -> `triệu đồng` (lower case, `ngàn` read as `nghìn`)."""
    for _, text in lines:
        m = _UNIT_LINE.search(match_key(text))
        if m and ":" in text:
            unit = clean(text.split(":", 1)[1]).strip(" ().;").lower()
            return re.sub(r"\bngàn\b", "nghìn", unit) or None
    return None


def parse_budget_sheet(
    book: Workbook, sheet: Sheet, registry: AgencyRegistry, arrival: dt.date, report_index: int
) -> SheetResult:
    rows, name = sheet.rows, sheet.name
    found = find_header_row(rows, ROLES, ("stt", "name"), start=sheet.stt_row or 0)
    if found is None:
        return SheetResult(None, ValueColumns(0, {}), [], reject("no_header_row", name, None))
    header, cols = found
    lines = header_lines(sheet, header)
    period_code = sheet_year_period(name)
    period_written = name
    if period_code is None:
        period = find_period(lines, ("year",))
        if period is None:
            return SheetResult(None, ValueColumns(0, {}), [], reject("unknown_period", name, None, found=name))
        period_written, period_code = period
    if not in_range(period_code, arrival):
        return SheetResult(
            None, ValueColumns(0, {}), [], reject("period_out_of_range", name, None, found=period_written)
        )
    who = find_reporter(lines, registry, period_code)
    if who.code is None and not who.written:
        fallback = registry.resolve(TOWN_BUDGET_SENDER, period_code)
        if fallback.agency_code:
            who = who.__class__("", fallback.agency_code, None)
    if who.code is None:
        return SheetResult(
            None, ValueColumns(0, {}), [], reject(who.reason, name, None, found=who.written or None, period=period_code)
        )
    report = ParsedReport(name, who.written, who.code, period_written, period_code, is_correction(lines))
    unit = unit_of(header_lines(sheet, header + 3))

    stt_col, name_col = cols["stt"], cols["name"]
    value_cols = range(name_col + 1, name_col + 1 + len(ITEMS))
    read = {stt_col, *value_cols}
    section: str | None = None
    after_total = False
    cands, rejects = [], []
    account = CellAccount()

    def rejected(reason: str, r: int, used: list[int], found: str | None, period: str | None = None) -> None:
        rejects.append(reject(reason, name, r + 1, found=found, period=period))
        account.rejected += len(used)

    def parts(r: int, row: list, used: list[int]) -> None:
        account.parts += len(used) - stray_figures(account, row, used, (stt_col,), name, r, rejects)

    for r in range(header + 1, len(rows)):
        row = rows[r]
        if row.count("") == len(row):
            continue
        used = filled(row)
        account.cells += len(used)
        label = clean(cell_text(row[name_col])) if name_col < len(row) else ""
        stt = match_key(cell_text(row[stt_col]))
        key = match_key(label)
        # a row that carries a figure is never a section header, a note or a footer
        figure = any(carries_figure(book, sheet, r, c) for c in value_cols if c < len(row))
        agency_written = agency_code = None
        row_section = section
        if len(_LETTERS.findall(label)) < 3:
            if r <= header + 3 and is_column_numbering(row, used):
                account.parts += len(used)  # `A B 1 2 3 4` under the header
            elif not figure:
                parts(r, row, used)  # blank, sub-header (`Dự toán` sits in value columns)
            else:
                rejected("unknown_row_role", r, used, _row_text(row, used))
            continue
        if m := _SUBTOTAL.match(key):
            role = "subtotal"
            row_section = m.group(1).upper() if m.group(1) else section
            section = None  # a subtotal closes its section: what follows belongs to none
        elif _TOTAL.match(key):
            role, row_section = "total", None
            after_total = True
        elif "chua phan bo" in key:
            # inside a block it is the block's; numbered as a block of its own (`III`), that block
            role, row_section = "unallocated", _section_of(stt, key) or section
        else:
            block = _section_of(stt, key)
            res = registry.resolve(label, period_code)
            if res.agency_code is None or (after_total and not figure):
                if not figure:
                    if block is not None:
                        section = block
                    parts(r, row, used)  # a section header, a note, the footer or signatures
                elif block is not None:
                    rejected("unknown_row_role", r, used, _row_text(row, used))
                else:
                    rejected(res.reason, r, used, label, period_code)
                continue
            role, agency_written, agency_code = "detail", label, res.agency_code
        cells = [cell_number(book, sheet, r, c) for c in value_cols]
        bad = next((c for c, (_, value) in zip(value_cols, cells, strict=True) if value is None), None)
        if bad is not None:
            rejected(bad_value_reason(book, sheet, r, bad), r, used, cells[bad - value_cols.start][0])
            continue
        stray = stray_figures(account, row, used, read, name, r, rejects)
        n_values = sum(1 for text, _ in cells if text != "")
        account.values += n_values
        account.parts += len(used) - stray - n_values
        cands.append(
            _Row(r + 1, role, row_section, agency_written, agency_code, cells, (n_values, len(used) - stray - n_values))
        )
    kept, dupes = duplicate_rule(
        cands,
        key=lambda c: (c.role, c.section, c.agency_code),
        value=lambda c: tuple(v for _, v in c.cells),
        sheet=name,
        describe=lambda c: c.agency_written or c.role,
    )
    drop_rejected(account, cands, kept)
    rejects.extend(dupes)
    rejects.sort(key=lambda x: x.row or 0)
    account.check(name, sum(1 for c in kept for text, _ in c.cells if text != ""))
    values = [
        ValueRow(
            report_index,
            name,
            c.row,
            c.role,
            c.section,
            c.agency_written,
            c.agency_code,
            period_written,
            period_code,
            item,
            text,
            value,
            unit,
        )
        for c in kept
        for item, (text, value) in zip(ITEMS, c.cells, strict=True)
    ]
    return SheetResult(report, ValueColumns.from_rows(values), rejects, None, account)


def _section_of(stt: str, key: str) -> str | None:
    """The block a row opens, from its STT (`III`, `B.`) or its name (`II. KHỐI XÃ, PHƯỜNG`)."""
    if stt and _SECTION_STT.fullmatch(stt):
        return stt.rstrip(".)").strip().upper()
    if m := _SECTION.match(key):
        return (m.group(1) or m.group(2)).upper()
    return None


def _row_text(row: list, used: list[int]) -> str:
    return " | ".join(cell_text(row[c]) for c in used)[:200]
