"""Numbers, percentages, money, dates, times and periods written the Vietnamese way — the one home
for how a figure looks, used by the HTML scorecard, the Excel workbook, the DOCX review, the
notebook and `dxw status`.

Vietnamese style: `.` groups thousands, `,` marks decimals, a space before `%` and `đ`
(`1.141.800.000 đ`, `102,08 %`); dates `dd/mm/yyyy`; times in Asia/Ho_Chi_Minh; a missing
figure is an en dash.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MISSING = "–"
PERCENT_MAX_DECIMALS = 2
"""A share keeps at most two decimals unless it is smaller than that shows (0,004 %)."""

_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def _missing(x: object) -> bool:
    if x is None or x != x:  # noqa: PLR0124 — None, NaN and pandas' NaT (the two that are unequal to themselves)
        return True
    try:
        return math.isnan(float(x))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def number(x: object, decimals: int = 0) -> str:
    """`1141800000` → `1.141.800.000`, `102.0831, 2` → `102,08`; None/NaN → `–`."""
    if _missing(x):
        return MISSING
    english = f"{float(x):,.{decimals}f}"  # type: ignore[arg-type]
    if english.startswith("-") and float(english.replace(",", "")) == 0:
        english = english[1:]
    return english.translate(str.maketrans({",": ".", ".": ","}))


def percent_decimals(x: object) -> int:
    """The decimals a share in percent units needs: up to two, trailing zeros dropped (99,3; 100;
    1,16), and for a non-zero share below 0,01 enough for two significant digits (0,004 %)."""
    if _missing(x) or float(x) == 0:  # type: ignore[arg-type]
        return 0
    v = abs(float(x))  # type: ignore[arg-type]
    most = PERCENT_MAX_DECIMALS if round(v, PERCENT_MAX_DECIMALS) else min(10, 1 - math.floor(math.log10(v)))
    return len(f"{v:.{most}f}".rstrip("0").split(".")[1])


def percent(x: object, decimals: int | None = None) -> str:
    """A share already in percent units: `99.3` → `99,3 %`, `0.04` → `0,04 %`; decimals=None picks
    what the value needs (`percent_decimals`)."""
    if _missing(x):
        return MISSING
    return f"{number(x, percent_decimals(x) if decimals is None else decimals)} %"


def money_vnd(x: object) -> str:
    """Đồng, whole: `1141800000` → `1.141.800.000 đ`."""
    return MISSING if _missing(x) else f"{number(x)} đ"


def money_million(x: object, decimals: int = 1) -> str:
    """Đồng in millions: `1141800000` → `1.141,8 triệu đ`."""
    return MISSING if _missing(x) else f"{number(float(x) / 1e6, decimals)} triệu đ"  # type: ignore[arg-type]


def _as_datetime(value: dt.datetime | dt.date | str) -> dt.datetime:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value.strip().removesuffix("UTC").strip())
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    return value


def to_vietnam_time(value: dt.datetime | str) -> dt.datetime:
    """An aware datetime in Asia/Ho_Chi_Minh; a naive one (or an ISO string) is read as UTC, the
    warehouse's clock."""
    when = _as_datetime(value)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(VN_TZ)


def timestamp(value: dt.datetime | str | None, suffix: bool = True) -> str:
    """`2026-12-01 07:29:38 UTC` → `01/12/2026 14:29 (giờ Việt Nam)`, to the minute."""
    if _missing(value):
        return MISSING
    text = to_vietnam_time(value).strftime("%d/%m/%Y %H:%M")
    return f"{text} (giờ Việt Nam)" if suffix else text


def date(value: dt.date | dt.datetime | str | None) -> str:
    """`2026-10-15` → `15/10/2026` (a datetime's calendar date as written, no time-zone shift)."""
    if _missing(value):
        return MISSING
    return _as_datetime(value).strftime("%d/%m/%Y")


_PERIOD = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<month>\d{2})|Q(?P<quarter>[1-4])|H(?P<half>[12])))?$")


def period_label(code: str | None, lang: str = "vi") -> str:
    """A period code of `ref_periods` in words: `2024-Q3` → `Quý III/2024`, `2024-H1` → `6 tháng
    đầu năm 2024`, `2024` → `Năm 2024`, `2024-07` → `Tháng 7/2024`; lang="en" gives `Q3 2024`,
    `H1 2024`, `2024`, `July 2024`."""
    if code is None or _missing(code):
        return MISSING
    m = _PERIOD.match(str(code).strip())
    if m is None:
        raise ValueError(f"not a period code of ref_periods (YYYY, YYYY-MM, YYYY-Qn, YYYY-Hn): {code!r}")
    year = m["year"]
    if m["month"]:
        month = int(m["month"])
        if not 1 <= month <= 12:
            raise ValueError(f"not a month in period code {code!r}")
        return f"Tháng {month}/{year}" if lang == "vi" else f"{_MONTHS_EN[month - 1]} {year}"
    if m["quarter"]:
        q = int(m["quarter"])
        return f"Quý {_ROMAN[q]}/{year}" if lang == "vi" else f"Q{q} {year}"
    if m["half"]:
        if lang != "vi":
            return f"H{m['half']} {year}"
        return f"6 tháng {'đầu' if m['half'] == '1' else 'cuối'} năm {year}"
    return f"Năm {year}" if lang == "vi" else year


# Excel / LibreOffice number formats. A format code is always written with `,` as the thousands
# placeholder and `.` as the decimal placeholder; the program reading the file renders them with a
# locale's separators. The `[$-42A]` prefix tags each format with the vi-VN locale (LCID 0x042A):
# LibreOffice then prints `1.141.800.000` and `0,04 %` whatever the machine's own locale (checked by
# tests/test_vn_format.py). Excel takes separators from the operating system, not from the format:
# a Vietnamese Windows shows the same, an English one `1,141,800,000` — forcing them there would
# mean storing text, and a figure that no longer sums or sorts. So the cell keeps its number (a
# share as the fraction Excel's `%` expects). The space before `%`/`đ` is quoted so LibreOffice
# keeps it for every number of decimals.
_VI_LOCALE = "[$-42A]"


def excel_percent_format(decimals: int) -> str:
    """The Excel format of a share (stored as a fraction) with `decimals` decimals: `0,04 %`."""
    digits = "0" if decimals <= 0 else "0." + "0" * decimals
    return f'{_VI_LOCALE}{digits}" "%'


def excel_number_format(decimals: int = 0) -> str:
    """The Excel format of a plain number with `decimals` decimals: `10.389`, `102,08`."""
    return f"{_VI_LOCALE}#,##0" + ("" if decimals <= 0 else "." + "0" * decimals)


EXCEL_FORMATS = {
    "count": excel_number_format(0),
    "percent": excel_percent_format(1),
    "vnd": f'{excel_number_format(0)}" đ"',
    "year": "0",
}
"""The default format per unit; a share that needs other decimals takes
`excel_percent_format(percent_decimals(value_pct))`."""
