"""Vietnamese-aware number reading: `1.234`, `1,234`, `12,5`, `1.234,5`, `1,234.5`, words for zero.

A single separator followed by exactly three digits is a thousands separator (agencies write counts).
"""

from __future__ import annotations

import re
from functools import lru_cache

from .text import match_key

_ZERO_WORDS = frozenset({"", "-", "--", "x", "khong", "0"})
_ONE_WORDS = frozenset({"co"})
_DROP = re.compile(r"[\s\u00a0\u202f\u2007']+")
_GROUPED = re.compile(r"\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*")
_PLAIN = re.compile(r"\d+(?:[.,]\d+)?")
_MIXED = re.compile(r"(\d{1,3}(?:([.,])\d{3})*)([.,])(\d+)")


def parse_number(text: str) -> float | None:
    """Read a value cell written as text; None when it is no number (`#REF!`, `abc`)."""
    if text.isdigit() and text.isascii():
        return float(text)  # plain digits, most figures: what the rules below would answer
    return _parse_number(text)


@lru_cache(maxsize=1 << 14)
def _parse_number(text: str) -> float | None:
    compact = _DROP.sub("", text)
    word = match_key(compact)
    if word in _ZERO_WORDS:
        return 0.0
    if word in _ONE_WORDS:
        return 1.0
    sign = 1.0
    if compact[:1] in "-+" and len(compact) > 1:
        sign = -1.0 if compact[0] == "-" else 1.0
        compact = compact[1:]
    # a percentage typed where a count was asked is loaded as written; flagging it is not ours
    compact = compact.removesuffix("%")
    if _GROUPED.fullmatch(compact) and not compact.startswith("0"):
        return sign * float(re.sub(r"[.,]", "", compact))
    if _PLAIN.fullmatch(compact):
        return sign * float(compact.replace(",", "."))
    mixed = _MIXED.fullmatch(compact)
    if mixed and mixed.group(2) != mixed.group(3):
        return sign * float(mixed.group(1).replace(mixed.group(2), "") + "." + mixed.group(4))
    return None


def number_text(value: float) -> str:
    """Faithful text for a numeric cell: `1234` for whole numbers, `12.5` otherwise."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value))
