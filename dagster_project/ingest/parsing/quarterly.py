"""`dx_quarterly`: the quarterly digital-transformation report, one agency and quarter per sheet.

Items are matched by STT because the labels change between templates.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .report_table import SKIP, Item

ITEMS = {
    "1.1": Item("WR_TOTAL", "hồ sơ"),
    "1.2": Item("WR_SECRET", "hồ sơ"),
    "1.3": Item("WR_ONLINE", "hồ sơ"),
    "2.1": Item("INSP_TOTAL", "cuộc"),
    "2.2": Item("INSP_DIGITAL", "cuộc"),
    "3.1": Item("RPT_REGIMES", "chế độ"),
    "3.2": Item("RPT_CONNECTED", "chế độ"),
    "4": Item("DX_SPEND", "triệu đồng"),
}
SECTIONS = frozenset({"1", "2", "3"})
_STT = re.compile(r"\d{1,2}(?:[.,]\d{1,2})*")

REQUIRED = ("stt", "value")
PERIOD_KINDS = ("quarter",)


def match_item(stt: str, label: object) -> Item | str | None:
    """Item of an STT; section rows and rows without a numeric STT are no item rows."""
    return _item_of_stt(stt)


@lru_cache(maxsize=1 << 10)
def _item_of_stt(stt: str) -> Item | str | None:
    stt = stt.strip().rstrip(".").replace(",", ".")
    if not _STT.fullmatch(stt) or stt in SECTIONS:
        return SKIP
    return ITEMS.get(stt)
