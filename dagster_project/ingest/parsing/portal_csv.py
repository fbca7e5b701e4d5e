"""`dvc_monthly`: the provincial portal's monthly CSV export, one row per unit, columns by header name.

Separator `;` (older) or `,` (newer); each row's unit resolves by portal code, else by name.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import operator
from collections import Counter
from dataclasses import dataclass
from itertools import chain

from .model import ParsedFile, ParsedReport, ValueColumns, reject
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
    strip = str.strip
    for fields in reader:
        start, line = line + 1, reader.line_num
        stripped = list(map(strip, fields))
        if not any(stripped):
            continue
        if len(fields) != n:
            rejects.append(reject("malformed_row", None, start, found=sep.join(fields)[:200]))
            continue
        records.append((start, stripped))

    # the period each distinct spelling names, counted over the rows (first spelling first)
    spellings = Counter(f[period_i] for _, f in records)
    periods: Counter[str] = Counter()
    for written, count in spellings.items():
        if (p := parse_period(written)) and granularity(p) == "month":
            periods[p] += count
    if not periods:
        return quarantine("unknown_period", found=records[0][1][period_i] if records else None)
    period_code = periods.most_common(1)[0][0]
    period_written = clean(next(w for w in spellings if parse_period(w) == period_code))
    if not in_range(period_code, arrival):
        return quarantine("period_out_of_range", found=period_written)

    # figures column by column: a column of plain digits converts in one go
    item_cols = [i for i, _ in items]
    if len(item_cols) > 1:
        text_rows = list(map(operator.itemgetter(*item_cols), (f for _, f in records)))
    else:
        text_rows = [(f[item_cols[0]],) for _, f in records]
    number_columns = [_numbers(list(col)) for col in zip(*text_rows, strict=True)]
    number_rows = list(zip(*number_columns, strict=True)) if records else []
    resolve = registry.resolve
    cands = []
    for (row, f), texts, numbers in zip(records, text_rows, number_rows, strict=True):
        code, name = clean(f[code_i]), clean(f[name_i]) if name_i is not None else ""
        res = resolve(code, period_code) if code else None
        if (res is None or res.agency_code is None) and name:
            by_name = resolve(name, period_code)
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
        if None in numbers:
            rejects.append(reject("unparseable_number", None, row, found=texts[numbers.index(None)]))
            continue
        cands.append(_Row(row, name or code, res.agency_code, texts, numbers))

    kept = cands
    if len({c.agency_code for c in cands}) < len(cands):
        kept, dupes = duplicate_rule(
            cands,
            key=operator.attrgetter("agency_code"),
            value=operator.attrgetter("numbers"),
            sheet=None,
            describe=operator.attrgetter("written"),
        )
        rejects += dupes
    rejects.sort(key=lambda x: x.row or 0)
    # one value per kept row and item, rows first: the row's fields repeat once per item
    item_codes = [item for _, item in items]
    k = len(item_codes)
    values = ValueColumns(
        len(kept) * k,
        {
            "report_index": 0,
            "sheet": None,
            "row": _each_repeated([c.row for c in kept], k),
            "row_role": "detail",
            "section": None,
            "agency_written": _each_repeated([c.written for c in kept], k),
            "agency_code": _each_repeated([c.agency_code for c in kept], k),
            "period_written": period_written,
            "period_code": period_code,
            "item_code": item_codes * len(kept),
            "value_text": list(chain.from_iterable(c.texts for c in kept)),
            "value": list(chain.from_iterable(c.numbers for c in kept)),
            "unit": None,
        },
    )
    report = ParsedReport(None, "", REPORTER, period_written, period_code, False)
    return ParsedFile(KIND, encoding, [report], values, rejects, None)


def _each_repeated(values: list, k: int) -> list:
    """[a, b] -> [a, a, b, b] for k = 2."""
    return list(chain.from_iterable(zip(*[values] * k)))


def _numbers(texts: list[str]) -> list[float | None]:
    """`parse_number` of each text; plain digits (no blanks) take the one-pass path."""
    joined = "".join(texts)
    if joined.isdigit() and joined.isascii() and all(texts):
        return list(map(float, texts))
    return list(map(parse_number, texts))


@dataclass(slots=True)
class _Row:
    row: int
    written: str
    agency_code: str
    texts: tuple[str, ...]
    numbers: tuple[float, ...]
