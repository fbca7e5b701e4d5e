"""`budget`: the budget workbook, one sheet per fiscal year, one row per agency under sections.

Rows carry a role (detail, unallocated, subtotal, total); detail rows resolve their own agency.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .model import ParsedReport, ValueColumns, ValueRow, reject
from .periods import in_range
from .registry import AgencyRegistry
from .report_table import SheetResult, duplicate_rule
from .text import clean, match_key
from .workbook import (
    Roles,
    Sheet,
    Workbook,
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
_SECTION = re.compile(r"^(iv|i{1,3}|v)\s*[.)/-]?\s+\S")
_ROMAN = re.compile(r"(iv|i{1,3}|v)")
# `Cộng I`, `Cộng khối xã`, `Cộng` — but not `Công an thị xã` (same letters without marks)
_SUBTOTAL = re.compile(r"^cong\s*(?:(iv|i{1,3}|v)\b|khoi\b|$)")
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
    section: str | None = None
    cands, rejects = [], []
    for r in range(header + 1, len(rows)):
        row = rows[r]
        label = clean(cell_text(row[name_col])) if name_col < len(row) else ""
        stt = match_key(cell_text(row[stt_col]))
        key = match_key(label)
        if len(_LETTERS.findall(label)) < 3:
            continue  # blank, sub-header (`Dự toán` sits in value columns) or column numbering
        if _ROMAN.fullmatch(stt) and not _SUBTOTAL.match(key):
            section = stt.upper()
            continue
        if m := _SECTION.match(key):
            section = m.group(1).upper()
            continue
        agency_written = agency_code = None
        row_section = section
        if m := _SUBTOTAL.match(key):
            role = "subtotal"
            row_section = m.group(1).upper() if m.group(1) else section
            section = None  # a subtotal closes its section: what follows belongs to none
        elif _TOTAL.match(key):
            role, row_section = "total", None
        elif "chua phan bo" in key:
            role = "unallocated"
        else:
            role, agency_written = "detail", label
            res = registry.resolve(label, period_code)
            if res.agency_code is None:
                rejects.append(reject(res.reason, name, r + 1, found=label, period=period_code))
                continue
            agency_code = res.agency_code
        cells = [cell_number(book, sheet, r, c) for c in value_cols]
        bad = next((text for text, value in cells if value is None), None)
        if bad is not None:
            rejects.append(reject("unparseable_number", name, r + 1, found=bad))
            continue
        cands.append(_Row(r + 1, role, row_section, agency_written, agency_code, cells))
        if role == "total":
            break  # the footer (place, date, signatures) follows the grand total
    kept, dupes = duplicate_rule(
        cands,
        key=lambda c: (c.role, c.section, c.agency_code),
        value=lambda c: tuple(v for _, v in c.cells),
        sheet=name,
        describe=lambda c: c.agency_written or c.role,
    )
    rejects.extend(dupes)
    rejects.sort(key=lambda x: x.row or 0)
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
    return SheetResult(report, ValueColumns.from_rows(values), rejects, None)
