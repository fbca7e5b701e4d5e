"""`society_survey`: the annual (or mid-year) digital society and economy survey of one commune/ward.

Items are matched by label keywords, first rule that fits; the STT (1–14) decides only for a blank label.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .report_table import SKIP, Item
from .text import clean, match_key
from .workbook import cell_text

ITEMS_IN_ORDER = (
    Item("HH_TOTAL", "hộ"),
    Item("HH_FIBER", "hộ"),
    Item("FIBER_REACHES", None),
    Item("VILLAGES", None),
    Item("VILLAGES_4G", None),
    Item("VILLAGES_5G", None),
    Item("ADULTS", "người"),
    Item("ADULTS_SMARTPHONE", "người"),
    Item("ADULTS_PAYACC", "người"),
    Item("ADULTS_ESIGN", "người"),
    Item("WORKING_AGE", "người"),
    Item("WORKING_AGE_SKILLED", "người"),
    Item("SME_TOTAL", "doanh nghiệp"),
    Item("SME_DIGITAL", "doanh nghiệp"),
)
_BY_CODE = {i.code: i for i in ITEMS_IN_ORDER}

# (words that must all occur, item); the more specific rules come first.
_RULES = (
    (("5g",), "VILLAGES_5G"),
    (("4g",), "VILLAGES_4G"),
    (("doanh nghiep", "nen tang"), "SME_DIGITAL"),
    (("doanh nghiep", "so hoa"), "SME_DIGITAL"),
    (("doanh nghiep", "su dung"), "SME_DIGITAL"),
    (("doanh nghiep",), "SME_TOTAL"),
    (("dien thoai",), "ADULTS_SMARTPHONE"),
    (("smartphone",), "ADULTS_SMARTPHONE"),
    (("tai khoan",), "ADULTS_PAYACC"),
    (("chu ky",), "ADULTS_ESIGN"),
    (("lao dong", "ky nang"), "WORKING_AGE_SKILLED"),
    (("lao dong", "dao tao"), "WORKING_AGE_SKILLED"),
    (("lao dong",), "WORKING_AGE"),
    (("cap quang", "ho"), "HH_FIBER"),
    (("bang rong", "ho"), "HH_FIBER"),
    (("internet", "ho"), "HH_FIBER"),
    (("cap quang",), "FIBER_REACHES"),
    (("thon",), "VILLAGES"),
    (("to dan pho",), "VILLAGES"),
    (("truong thanh",), "ADULTS"),
    (("18 tuoi",), "ADULTS"),
    # "hộ" alone also starts labels of items we do not collect (households using digital TV…),
    # so the household count needs a second word that names all households
    (("ho", "gia dinh"), "HH_TOTAL"),
    (("tong so", "ho"), "HH_TOTAL"),
    (("ho", "dan"), "HH_TOTAL"),
)
_STT = re.compile(r"\d{1,2}")
_WORDS = re.compile(r"[^\w]+")

REQUIRED = ("stt", "label", "value")
PERIOD_KINDS = ("year", "half")


@lru_cache(maxsize=1 << 12)
def item_of_label(label: str) -> Item | None:
    padded = " " + _WORDS.sub(" ", match_key(label)) + " "
    for need, code in _RULES:
        if all(f" {w} " in padded for w in need):
            return _BY_CODE[code]
    return None


def match_item(stt: str, label_cell: object) -> Item | str | None:
    """The label decides, whatever the STT (`1`, `a`, `-`, none); the STT only for a blank label.
    A row with an unknown label is an unknown item when numbered, else a section, note or footer."""
    stt = stt.strip().rstrip(".")
    numbered = _STT.fullmatch(stt) is not None
    label = clean(cell_text(label_cell))
    if label:
        item = item_of_label(label)
        if item is not None or numbered:
            return item
        return SKIP
    if not numbered:
        return SKIP
    n = int(stt)
    return ITEMS_IN_ORDER[n - 1] if 1 <= n <= len(ITEMS_IN_ORDER) else None
