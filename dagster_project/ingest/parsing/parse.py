"""`parse_file`: bytes of one agency file to a `ParsedFile`, never raising on bad bytes.

The kind comes from content only: magic bytes, then CSV header columns or the workbook's title text.
"""

from __future__ import annotations

import datetime as dt
import re

from . import budget, quarterly, survey
from .accounting import AccountingError
from .detect import sniff
from .model import ParsedFile, Reject, SheetInfo, ValueColumns, in_file, reject
from .portal_csv import header_of, parse_portal_csv
from .registry import AgencyRegistry
from .report_table import TABLE_ROLES, parse_report_sheet
from .text import decode_text, match_key
from .workbook import Roles, Workbook, find_header_row, header_lines, read_workbook

_SURVEY = re.compile(r"xa hoi so|kinh te so")
_BUDGET = re.compile(r"du toan|ngan sach|chi thuong xuyen|khoi thi xa|don vi tinh\s*:")
_QUARTERLY = re.compile(r"chuyen doi so")
_INSTRUCTIONS = re.compile(r"huong dan")
_STT_ONLY = Roles(stt=TABLE_ROLES["stt"])


def _quarantine(kind: str | None, encoding: str | None, why: Reject) -> ParsedFile:
    return ParsedFile(kind, encoding, [], [], [], why)


def workbook_kind(book: Workbook) -> tuple[str | None, str]:
    """Kind from the title text above the table (item labels below could mislead), and that text.
    Sheets with a table (an STT column) speak first: an instructions sheet before the report may
    name another kind in passing."""
    seen = ""
    for sheet in book.sheets:
        found = find_header_row(sheet.rows, _STT_ONLY, ("stt",))
        sheet.stt_row = found[0] if found else None
    for sheet in sorted(book.sheets, key=lambda s: s.stt_row is None):
        lines = header_lines(sheet, sheet.stt_row if sheet.stt_row is not None else 15)
        title = " | ".join(t for _, t in lines)
        key = match_key(title)
        seen = seen or title
        if _SURVEY.search(key):
            return "society_survey", title
        if _BUDGET.search(key):
            return "budget", title
        if _QUARTERLY.search(key):
            return "dx_quarterly", title
    return None, seen


def _parse_sheet(book: Workbook, sheet, kind: str, registry: AgencyRegistry, arrival: dt.date, index: int):
    if kind == "budget":
        return budget.parse_budget_sheet(book, sheet, registry, arrival, index)
    spec = quarterly if kind == "dx_quarterly" else survey
    return parse_report_sheet(
        book,
        sheet,
        registry,
        arrival,
        index,
        required=spec.REQUIRED,
        period_kinds=spec.PERIOD_KINDS,
        match_item=spec.match_item,
    )


def _is_instructions(sheet) -> bool:
    return bool(_INSTRUCTIONS.search(match_key(sheet.name + " " + " ".join(t for _, t in header_lines(sheet, 6)))))


def _plain_roles(book: Workbook, role_of_readable: str = "other") -> list[SheetInfo]:
    readable = {id(s) for s in book.sheets}
    return [SheetInfo(s.index, s.name, _role_not_read(s, readable, role_of_readable)) for s in book.all_sheets]


def _role_not_read(sheet, readable: set[int], fallback: str) -> str:
    if sheet.chart:
        return "chart"
    if sheet.hidden:
        return "hidden"
    if id(sheet) not in readable:
        return "empty"
    return "instructions" if _is_instructions(sheet) else fallback


def _figures(values: ValueColumns) -> list[tuple]:
    return sorted(((v.item_code, v.section, v.agency_code, v.row_role, v.value) for v in values), key=repr)


def _parse_workbook(data: bytes, registry: AgencyRegistry, arrival: dt.date) -> ParsedFile:
    """Every shown sheet with cells is tried as a report. A sheet without a table header (an
    instructions sheet, a list of units) is recorded with its role and costs the file nothing; a
    sheet that has a table but cannot be read is a reject; none read: the file is quarantined."""
    book = read_workbook(data)
    if isinstance(book, Reject):
        return _quarantine(None, None, book)
    kind, title = workbook_kind(book)
    if kind is None:
        why = reject("unknown_kind", None, None, found=title[:200] or None)
        return ParsedFile(None, book.encoding, [], [], [], why, _plain_roles(book))
    readable = {id(s) for s in book.sheets}
    reports, values, rejects, failures, infos = [], [], [], [], []
    no_table: list[Reject] = []
    seen: dict[tuple[str, str], tuple[str, ValueColumns]] = {}  # (agency, period) -> (sheet, its values)
    for sheet in book.all_sheets:
        if id(sheet) not in readable:
            infos.append(SheetInfo(sheet.index, sheet.name, _role_not_read(sheet, readable, "other")))
            continue
        res = _parse_sheet(book, sheet, kind, registry, arrival, len(reports))
        if res.failure is not None:
            if res.failure.reason_code == "no_header_row":
                no_table.append(res.failure)
                role = "instructions" if _is_instructions(sheet) else "other"
                infos.append(SheetInfo(sheet.index, sheet.name, role, "no_header_row"))
            else:
                failures.append(res.failure)
                infos.append(SheetInfo(sheet.index, sheet.name, "unreadable_report", res.failure.reason_code))
            continue
        key = (res.report.agency_code, res.report.period_code)
        if key in seen:
            # the same report twice in one file: the first sheet counts; a copy that differs is a reject
            first_sheet, first_values = seen[key]
            if _figures(res.values) != _figures(first_values):
                rejects.append(reject("repeated_report", sheet.name, None, found=first_sheet))
            infos.append(SheetInfo(sheet.index, sheet.name, "repeated_report", "repeated_report"))
            continue
        seen[key] = (sheet.name, res.values)
        a = res.account
        infos.append(
            SheetInfo(sheet.index, sheet.name, "report", None, len(reports), a.cells, a.values, a.parts, a.rejected)
        )
        reports.append(res.report)
        values.append(res.values)
        rejects.extend(res.rejects)
    if not reports:
        # the reason of a sheet that has a table and cannot be read says more than a missing table
        return ParsedFile(kind, book.encoding, [], [], [], (failures or no_table)[0], infos)
    # a sheet that cannot be read while others can is reported, not dropped silently
    return ParsedFile(kind, book.encoding, reports, ValueColumns.concat(values), failures + rejects, None, infos)


def _parse_text(data: bytes, registry: AgencyRegistry, arrival: dt.date) -> ParsedFile:
    decoded = decode_text(data)
    if decoded is None:
        return _quarantine(None, None, reject("not_a_spreadsheet", None, None, found="binary data"))
    text, encoding = decoded
    if header_of(text) is not None:
        return parse_portal_csv(text, encoding, registry, arrival)
    first = text.lstrip().split("\n", 1)[0].strip()
    if not first:
        return _quarantine(None, encoding, reject("empty_file", None, None))
    if any(sep in first for sep in ";,\t"):
        return _quarantine(None, encoding, reject("unknown_kind", None, None, found=first[:200]))
    return _quarantine(None, encoding, reject("not_a_spreadsheet", None, None, found=first[:80]))


def parse_file(name: str, data: bytes, registry: AgencyRegistry, arrival: dt.date) -> ParsedFile:
    """Parse one file. `name` only goes into messages: the kind and period come from content."""
    pf = _parse(name, data, registry, arrival)
    return ParsedFile(
        pf.kind,
        pf.encoding,
        pf.reports,
        pf.values,
        [in_file(r, name) for r in pf.rejects],
        in_file(pf.quarantine, name) if pf.quarantine is not None else None,
        pf.sheets,
    )


def _parse(name: str, data: bytes, registry: AgencyRegistry, arrival: dt.date) -> ParsedFile:
    try:
        what = sniff(data)
        if isinstance(what, Reject):
            return _quarantine(None, None, what)
        if what == "text":
            return _parse_text(data, registry, arrival)
        return _parse_workbook(data, registry, arrival)
    except AccountingError:
        raise  # our own tally does not add up: a bug of ours (`parser_error`), not a damaged file
    except Exception as exc:  # noqa: BLE001 - the parser never raises: a reader failure is a damaged file
        return _quarantine(
            None, None, reject("corrupt_workbook", None, None, found=f"{type(exc).__name__}: {exc}"[:200])
        )
