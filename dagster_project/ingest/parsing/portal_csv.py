"""`dvc_monthly`: the provincial portal's monthly CSV export, one row per unit, columns by header name.

Separator `;` (older) or `,` (newer); each row's unit resolves by portal code, else by name.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from dataclasses import dataclass

from .model import ParsedFile, ParsedReport, ValueRow, reject
from .numbers import parse_number
from .periods import granularity, in_range, parse_period
from .registry import UNKNOWN_AGENCY, AgencyRegistry
from .report_table import duplicate_rule
from .text import clean, match_key

KIND = "dvc_monthly"
REPORTER = "PORTAL"
CODE, NAME, PERIOD = "ma don vi", "ten don vi", "ky bao cao"
ITEMS = {
    match_key(label): code
    for label, code in (
        ("Tổng số TTHC", "TTHC_TOTAL"),
        ("TTHC đủ điều kiện DVCTT toàn trình", "TTHC_ELIGIBLE"),
        ("TTHC đã cung cấp DVCTT toàn trình", "TTHC_ONLINE_FULL"),
        ("Tổng số hồ sơ tiếp nhận", "DOSSIERS_TOTAL"),
        ("Hồ sơ tiếp nhận trực tuyến", "DOSSIERS_ONLINE"),
        ("Số người dùng DVCTT", "DVC_USERS"),
        ("Số người dùng được định danh, xác thực điện tử", "DVC_USERS_EID"),
    )
}


def header_of(text: str) -> tuple[str, list[str]] | None:
    """(separator, column keys) when the first line is the portal export's header."""
    first = text.lstrip("\r\n").split("\n", 1)[0]
    sep = ";" if first.count(";") >= first.count(",") - 1 and ";" in first else ","
    columns = [match_key(c) for c in next(csv.reader([first], delimiter=sep), [])]
    if CODE in columns and PERIOD in columns:
        return sep, columns
    return None


def parse_portal_csv(text: str, encoding: str, registry: AgencyRegistry, arrival: dt.date) -> ParsedFile:
    sep, columns = header_of(text)
    n = len(columns)
    code_i, period_i = columns.index(CODE), columns.index(PERIOD)
    name_i = columns.index(NAME) if NAME in columns else None
    items = [(i, ITEMS[c]) for i, c in enumerate(columns) if c in ITEMS]

    def quarantine(reason: str, found: str | None = None) -> ParsedFile:
        return ParsedFile(KIND, encoding, [], [], [], reject(reason, None, None, found=found))

    if not items:
        return quarantine("no_header_row")
    reader = csv.reader(io.StringIO(text.lstrip("\r\n"), newline=""), delimiter=sep)
    next(reader)
    records, rejects = [], []
    line = 1
    for fields in reader:
        start, line = line + 1, reader.line_num
        if not any(f.strip() for f in fields):
            continue
        if len(fields) != n:
            rejects.append(reject("malformed_row", None, start, found=sep.join(fields)[:200]))
            continue
        records.append((start, [f.strip() for f in fields]))

    periods = Counter(p for _, f in records if (p := parse_period(f[period_i])) and granularity(p) == "month")
    if not periods:
        return quarantine("unknown_period", found=records[0][1][period_i] if records else None)
    period_code = periods.most_common(1)[0][0]
    period_written = clean(next(f[period_i] for _, f in records if parse_period(f[period_i]) == period_code))
    if not in_range(period_code, arrival):
        return quarantine("period_out_of_range", found=period_written)

    cands = []
    for row, f in records:
        code, name = clean(f[code_i]), clean(f[name_i]) if name_i is not None else ""
        res = registry.resolve(code, period_code) if code else None
        if (res is None or res.agency_code is None) and name:
            by_name = registry.resolve(name, period_code)
            # the name helps when the code fails; of two failures, "not valid then" says more
            if res is None or by_name.agency_code or res.reason == UNKNOWN_AGENCY:
                res = by_name
        if res is None or res.agency_code is None:
            rejects.append(
                reject(
                    res.reason if res else UNKNOWN_AGENCY,
                    None,
                    row,
                    found=" ".join(p for p in (code, name) if p),
                    period=period_code,
                )
            )
            continue
        numbers = [(f[i], parse_number(f[i])) for i, _ in items]
        bad = next((t for t, v in numbers if v is None), None)
        if bad is not None:
            rejects.append(reject("unparseable_number", None, row, found=bad))
            continue
        cands.append(_Row(row, name or code, res.agency_code, numbers))

    kept, dupes = duplicate_rule(
        cands,
        key=lambda c: c.agency_code,
        value=lambda c: tuple(v for _, v in c.numbers),
        sheet=None,
        describe=lambda c: c.written,
    )
    rejects = sorted(rejects + dupes, key=lambda x: x.row or 0)
    values = [
        ValueRow(
            0,
            None,
            c.row,
            "detail",
            None,
            c.written,
            c.agency_code,
            period_written,
            period_code,
            item,
            text,
            value,
            None,
        )
        for c in kept
        for (_, item), (text, value) in zip(items, c.numbers, strict=True)
    ]
    report = ParsedReport(None, "", REPORTER, period_written, period_code, False)
    return ParsedFile(KIND, encoding, [report], values, rejects, None)


@dataclass(slots=True)
class _Row:
    row: int
    written: str
    agency_code: str
    numbers: list[tuple[str, float | None]]
