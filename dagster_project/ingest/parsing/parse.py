"""`parse_file`: bytes of one agency file to a `ParsedFile`, never raising on bad bytes.

The kind comes from content only: magic bytes, then CSV header columns or the workbook's title text.
"""

from __future__ import annotations

import datetime as dt
import re

from . import budget, quarterly, survey
from .detect import sniff
from .model import ParsedFile, Reject, ValueColumns, in_file, reject
from .portal_csv import header_of, parse_portal_csv
from .registry import AgencyRegistry
from .report_table import TABLE_ROLES, parse_report_sheet
from .text import decode_text, match_key
from .workbook import Roles, Workbook, find_header_row, header_lines, read_workbook

_SURVEY = re.compile(r"xa hoi so|kinh te so")
_BUDGET = re.compile(r"du toan|ngan sach|chi thuong xuyen|khoi thi xa|don vi tinh\s*:")
_QUARTERLY = re.compile(r"chuyen doi so")
_STT_ONLY = Roles(stt=TABLE_ROLES["stt"])


def _quarantine(kind: str | None, encoding: str | None, why: Reject) -> ParsedFile:
    return ParsedFile(kind, encoding, [], [], [], why)


def workbook_kind(book: Workbook) -> tuple[str | None, str]:
    """Kind from the title text above the table (item labels below could mislead), and that text."""
    seen = ""
    for sheet in book.sheets:
        found = find_header_row(sheet.rows, _STT_ONLY, ("stt",))
        sheet.stt_row = found[0] if found else None
        lines = header_lines(sheet, found[0] if found else 15)
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


def _parse_workbook(data: bytes, registry: AgencyRegistry, arrival: dt.date) -> ParsedFile:
    book = read_workbook(data)
    if isinstance(book, Reject):
        return _quarantine(None, None, book)
    kind, title = workbook_kind(book)
    if kind is None:
        return _quarantine(None, book.encoding, reject("unknown_kind", None, None, found=title[:200] or None))
    reports, values, rejects, failures = [], [], [], []
    for sheet in book.sheets:
        if kind == "budget":
            res = budget.parse_budget_sheet(book, sheet, registry, arrival, len(reports))
        else:
            spec = quarterly if kind == "dx_quarterly" else survey
            res = parse_report_sheet(
                book,
                sheet,
                registry,
                arrival,
                len(reports),
                required=spec.REQUIRED,
                period_kinds=spec.PERIOD_KINDS,
                match_item=spec.match_item,
            )
        if res.failure is not None:
            failures.append(res.failure)
            continue
        reports.append(res.report)
        values.append(res.values)
        rejects.extend(res.rejects)
    if not reports:
        return _quarantine(kind, book.encoding, failures[0])
    # a sheet that cannot be read while others can is reported, not dropped silently
    return ParsedFile(kind, book.encoding, reports, ValueColumns.concat(values), failures + rejects, None)


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
    )


def _parse(name: str, data: bytes, registry: AgencyRegistry, arrival: dt.date) -> ParsedFile:
    try:
        what = sniff(data)
        if isinstance(what, Reject):
            return _quarantine(None, None, what)
        if what == "text":
            return _parse_text(data, registry, arrival)
        return _parse_workbook(data, registry, arrival)
    except Exception as exc:  # noqa: BLE001 - the parser never raises: a reader failure is a damaged file
        return _quarantine(
            None, None, reject("corrupt_workbook", None, None, found=f"{type(exc).__name__}: {exc}"[:200])
        )
