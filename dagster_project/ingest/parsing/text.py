"""Text handling shared by every parser: byte decoding, NFC, TCVN3 repair, match keys.

Agencies send UTF-8 (with or without BOM), Windows-1258 and, in old workbooks, TCVN3 (ABC) text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# TCVN3 (TCVN 5712:1993, the ABC fonts): legacy byte -> Unicode letter. Workbooks typed in .VnTime
# store these bytes as Latin-1 characters, so the key is the Latin-1 character of the byte.
_TCVN3_BYTES = {
    0xA1: "Ă",
    0xA2: "Â",
    0xA3: "Ê",
    0xA4: "Ô",
    0xA5: "Ơ",
    0xA6: "Ư",
    0xA7: "Đ",
    0xA8: "ă",
    0xA9: "â",
    0xAA: "ê",
    0xAB: "ô",
    0xAC: "ơ",
    0xAD: "ư",
    0xAE: "đ",
    0xB5: "à",
    0xB6: "ả",
    0xB7: "ã",
    0xB8: "á",
    0xB9: "ạ",
    0xBB: "ằ",
    0xBC: "ẳ",
    0xBD: "ẵ",
    0xBE: "ắ",
    0xC6: "ặ",
    0xC7: "ầ",
    0xC8: "ẩ",
    0xC9: "ẫ",
    0xCA: "ấ",
    0xCB: "ậ",
    0xCC: "è",
    0xCE: "ẻ",
    0xCF: "ẽ",
    0xD0: "é",
    0xD1: "ẹ",
    0xD2: "ề",
    0xD3: "ể",
    0xD4: "ễ",
    0xD5: "ế",
    0xD6: "ệ",
    0xD7: "ì",
    0xD8: "ỉ",
    0xDC: "ĩ",
    0xDD: "í",
    0xDE: "ị",
    0xDF: "ò",
    0xE1: "ỏ",
    0xE2: "õ",
    0xE3: "ó",
    0xE4: "ọ",
    0xE5: "ồ",
    0xE6: "ổ",
    0xE7: "ỗ",
    0xE8: "ố",
    0xE9: "ộ",
    0xEA: "ờ",
    0xEB: "ở",
    0xEC: "ỡ",
    0xED: "ớ",
    0xEE: "ợ",
    0xEF: "ù",
    0xF1: "ủ",
    0xF2: "ũ",
    0xF3: "ú",
    0xF4: "ụ",
    0xF5: "ừ",
    0xF6: "ử",
    0xF7: "ữ",
    0xF8: "ứ",
    0xF9: "ự",
    0xFA: "ỳ",
    0xFB: "ỷ",
    0xFC: "ỹ",
    0xFD: "ý",
    0xFE: "ỵ",
}
TCVN3_TO_UNICODE = str.maketrans({chr(b): u for b, u in _TCVN3_BYTES.items()})

# Latin-1 letters that are also genuine Vietnamese letters; any other TCVN3 code point (¸ µ § ­ ¬ Ö …)
# never occurs in Unicode Vietnamese, so it betrays a TCVN3 text.
_VIETNAMESE_LATIN1 = set("ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúý")
_TCVN3_TELLTALES = frozenset(chr(b) for b in _TCVN3_BYTES) - _VIETNAMESE_LATIN1


_BEYOND_LATIN1 = re.compile("[^\x00-\xff]")
_DROP_TELLTALES = str.maketrans(dict.fromkeys(_TCVN3_TELLTALES))


def looks_tcvn3(texts) -> bool:
    """True when the texts carry TCVN3 telltales and no letter beyond Latin-1 (real Unicode).

    Stops at the first text with a letter beyond Latin-1, so a lazy iterable is read no further."""
    telltales = 0
    for t in texts:
        if t.isascii():
            continue
        if _BEYOND_LATIN1.search(t):
            return False
        telltales += len(t) - len(t.translate(_DROP_TELLTALES))
    return telltales >= 2


def from_tcvn3(text: str) -> str:
    return unicodedata.normalize("NFC", text.translate(TCVN3_TO_UNICODE))


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text) if not text.isascii() else text


def decode_text(data: bytes) -> tuple[str, str] | None:
    """Decode CSV bytes: BOM-marked UTF-8/16, plain UTF-8, else Windows-1258; None for binary."""
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return nfc(data[3:].decode("utf-8")), "utf-8-sig"
        except UnicodeDecodeError:
            return None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return nfc(data.decode("utf-16")), "utf-16"
        except UnicodeDecodeError:
            return None
    try:
        return nfc(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        # cp1258 writes tone marks as combining characters, hence the NFC.
        return nfc(data.decode("cp1258")), "cp1258"
    except UnicodeDecodeError:
        return None


def _base_letter_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for cp in list(range(0x00C0, 0x0250)) + list(range(0x1E00, 0x1F00)):
        decomposed = unicodedata.normalize("NFD", chr(cp))
        if len(decomposed) > 1 and all(unicodedata.combining(c) for c in decomposed[1:]):
            table[cp] = decomposed[0]
    for cp in range(0x0300, 0x0370):
        table[cp] = None
    table.update(
        {
            ord("đ"): "d",
            ord("Đ"): "D",
            0x00A0: " ",
            0x202F: " ",
            0x2007: " ",
            0x2013: "-",
            0x2014: "-",
            0x2212: "-",
            0x00AD: None,
            0x200B: None,
            0xFEFF: None,
        }
    )
    return table


_STRIP = _base_letter_table()
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1 << 16)
def match_key(text: str) -> str:
    """Diacritic-, case- and whitespace-blind form of a text, for comparing names and labels."""
    return _SPACES.sub(" ", text.translate(_STRIP).casefold()).strip()


@lru_cache(maxsize=1 << 16)
def clean(text: str) -> str:
    """The text as written, NFC, with NBSP and runs of whitespace collapsed to one space."""
    return _SPACES.sub(" ", nfc(text).replace("\u00a0", " ")).strip()
