"""Period spellings (quarters roman or arabic, months, half-years, years) to period codes.

Codes: `2024-07`, `2024-Q3`, `2024-H1`, `2024`; the covered range is 2024-01 up to the arrival and
no later than the plan's last year. This module is the one home of the calendar: `calendar()` lists
every period of FIRST_YEAR … LAST_YEAR, and the dbt seed `ref_periods.csv` is generated from it
(`python -m dagster_project.ingest.period_seed`).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from .text import match_key

FIRST_YEAR = 2024
LAST_YEAR = 2030  # the plan's horizon: its last targets are for 2030
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
# A date line (`Đức Phổ, ngày 05 tháng 10 năm 2024`) names a day, not the report period.
_DATE_LINE = re.compile(r"\bngay\s*\d{1,2}\s*(?:thang|/|-)")
_HALF = re.compile(r"\b6 thang (dau|cuoi) nam (\d{4})\b")
_QUARTER = re.compile(r"(?:\bquy|\bq)\s*\.?\s*(iv|i{1,3}|[1-4])\b\s*(?:nam|/|-|\.|,)?\s*(\d{4})\b")
_MONTH = re.compile(r"(?:\bthang\s*(\d{1,2})\s*(?:nam|/|-|\.)?\s*|\b(\d{1,2})\s*[/-]\s*)(\d{4})\b")
_YEAR = re.compile(r"(?:\bnam\s*|^\s*)(\d{4})\b")
_CODE = re.compile(r"(\d{4})(?:-(?:(\d{2})|Q([1-4])|H([12])))?")


@lru_cache(maxsize=1 << 12)
def parse_period(text: str) -> str | None:
    """The period a header line or cell names, or None (date lines name no period)."""
    key = match_key(text)
    if not key or _DATE_LINE.search(key):
        return None
    if m := _HALF.search(key):
        return f"{m.group(2)}-H{1 if m.group(1) == 'dau' else 2}"
    if m := _QUARTER.search(key):
        q = m.group(1)
        return f"{m.group(2)}-Q{_ROMAN.get(q) or int(q)}"
    if m := _MONTH.search(key):
        month = int(m.group(1) or m.group(2))
        if 1 <= month <= 12:
            return f"{m.group(3)}-{month:02d}"
    if m := _YEAR.search(key):
        return m.group(1)
    return None


def granularity(code: str) -> str:
    """`month`, `quarter`, `half` or `year`."""
    if "-Q" in code:
        return "quarter"
    if "-H" in code:
        return "half"
    return "month" if "-" in code else "year"


@lru_cache(maxsize=1 << 12)
def bounds(code: str) -> tuple[dt.date, dt.date]:
    """First and last day a period code covers."""
    m = _CODE.fullmatch(code)
    if m is None:
        raise ValueError(f"not a period code: {code!r}")
    year = int(m.group(1))
    if m.group(2):
        first_month, months = int(m.group(2)), 1
    elif m.group(3):
        first_month, months = 3 * int(m.group(3)) - 2, 3
    elif m.group(4):
        first_month, months = 6 * int(m.group(4)) - 5, 6
    else:
        first_month, months = 1, 12
    end_month = first_month + months
    end = dt.date(year + (end_month > 12), (end_month - 1) % 12 + 1, 1) - dt.timedelta(days=1)
    return dt.date(year, first_month, 1), end


def in_range(code: str, arrival: dt.date) -> bool:
    """Covered: a period of the calendar (FIRST_YEAR … LAST_YEAR) starting no later than the arrival date."""
    start, _ = bounds(code)
    return FIRST_YEAR <= start.year <= LAST_YEAR and start <= arrival


CALENDAR_COLUMNS = (
    "period_code",
    "period_type",
    "year",
    "period_start",
    "period_end",
    "quarter_code",
    "half_code",
    "year_code",
)


def calendar() -> list[dict[str, object]]:
    """Every period of FIRST_YEAR … LAST_YEAR, year by year: months, quarters, halves, then the year;
    each with its first and last day and the coarser periods containing it (None where none does:
    a half lies in no quarter, a year in no quarter or half)."""
    rows = []
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        codes = [f"{year}-{m:02d}" for m in range(1, 13)]
        codes += [f"{year}-Q{q}" for q in range(1, 5)] + [f"{year}-H{h}" for h in (1, 2)] + [str(year)]
        for code in codes:
            start, end = bounds(code)
            kind = granularity(code)
            rows.append(
                {
                    "period_code": code,
                    "period_type": kind,
                    "year": year,
                    "period_start": start,
                    "period_end": end,
                    "quarter_code": f"{year}-Q{(start.month + 2) // 3}" if kind in ("month", "quarter") else None,
                    "half_code": f"{year}-H{1 if start.month <= 6 else 2}" if kind != "year" else None,
                    "year_code": str(year),
                }
            )
    return rows
