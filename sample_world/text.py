"""Text and number spellings as Vietnamese clerks and old software produce them.

Legacy encodings (TCVN3, Windows-1258), decomposed accents, and the many ways a figure is typed.
"""

import unicodedata

# TCVN 5712:1993 "VN3" (ABC) byte for each Vietnamese letter. The uppercase font (.VnTimeH)
# reuses the lowercase codes, so toned capitals have no code of their own.
_TCVN3_LOWER = {
    "ă": 0xA8,
    "â": 0xA9,
    "ê": 0xAA,
    "ô": 0xAB,
    "ơ": 0xAC,
    "ư": 0xAD,
    "đ": 0xAE,
    "à": 0xB5,
    "ả": 0xB6,
    "ã": 0xB7,
    "á": 0xB8,
    "ạ": 0xB9,
    "ằ": 0xBB,
    "ẳ": 0xBC,
    "ẵ": 0xBD,
    "ắ": 0xBE,
    "ặ": 0xC6,
    "ầ": 0xC7,
    "ẩ": 0xC8,
    "ẫ": 0xC9,
    "ấ": 0xCA,
    "ậ": 0xCB,
    "è": 0xCC,
    "ẻ": 0xCE,
    "ẽ": 0xCF,
    "é": 0xD0,
    "ẹ": 0xD1,
    "ề": 0xD2,
    "ể": 0xD3,
    "ễ": 0xD4,
    "ế": 0xD5,
    "ệ": 0xD6,
    "ì": 0xD7,
    "ỉ": 0xD8,
    "ĩ": 0xDC,
    "í": 0xDD,
    "ị": 0xDE,
    "ò": 0xDF,
    "ỏ": 0xE1,
    "õ": 0xE2,
    "ó": 0xE3,
    "ọ": 0xE4,
    "ồ": 0xE5,
    "ổ": 0xE6,
    "ỗ": 0xE7,
    "ố": 0xE8,
    "ộ": 0xE9,
    "ờ": 0xEA,
    "ở": 0xEB,
    "ỡ": 0xEC,
    "ớ": 0xED,
    "ợ": 0xEE,
    "ù": 0xEF,
    "ủ": 0xF1,
    "ũ": 0xF2,
    "ú": 0xF3,
    "ụ": 0xF4,
    "ừ": 0xF5,
    "ử": 0xF6,
    "ữ": 0xF7,
    "ứ": 0xF8,
    "ự": 0xF9,
    "ỳ": 0xFA,
    "ỷ": 0xFB,
    "ỹ": 0xFC,
    "ý": 0xFD,
    "ỵ": 0xFE,
}
_TCVN3_UPPER_PLAIN = {"Ă": 0xA1, "Â": 0xA2, "Ê": 0xA3, "Ô": 0xA4, "Ơ": 0xA5, "Ư": 0xA6, "Đ": 0xA7}

_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def tcvn3(text):
    """What Excel shows for text typed in a .VnTime font: TCVN3 bytes read as Latin-1."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch in _TCVN3_UPPER_PLAIN:
            out.append(chr(_TCVN3_UPPER_PLAIN[ch]))
        elif ch.lower() in _TCVN3_LOWER:
            out.append(chr(_TCVN3_LOWER[ch.lower()]))
        else:
            out.append(ch)
    return "".join(out)


def cp1258_bytes(text):
    """Windows-1258 has letters with hats and horns but no toned letters: tones go combining."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            out.append(ch.encode("cp1258"))
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in _TONE_MARKS))
        tones = "".join(p for p in parts if p in _TONE_MARKS)
        out.append((base + tones).encode("cp1258"))
    return b"".join(out)


def nfd(text):
    return unicodedata.normalize("NFD", text)


def ascii_fold(text):
    stripped = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return stripped.replace("đ", "d").replace("Đ", "D")


def canon(text):
    """The form a value or unit takes in the manifest: NFC, single spaces, trimmed."""
    return " ".join(unicodedata.normalize("NFC", text).replace("\u00a0", " ").split())


def _group(digits, sep):
    head = len(digits) % 3 or 3
    groups = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return sep.join(groups)


def _split(value):
    """Integer digits and (possibly empty) fraction digits of a non-negative figure."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    whole, _, frac = text.partition(".")
    return whole, frac


# How each number spelling wart writes a figure, and when it can (a spelling must read back
# as the same number under the contract: `1.234` is 1234, so a 3-digit fraction is never typed).
def spell(value, style):
    whole, frac = _split(value)
    if style == "number_as_text":
        return whole + ("," + frac if frac else "")
    if style == "thousands_dot":
        return _group(whole, ".")
    if style == "thousands_comma":
        return _group(whole, ",")
    if style == "decimal_comma":
        return whole + "," + frac
    if style == "thousands_dot_decimal_comma":
        return _group(whole, ".") + "," + frac
    if style == "english_decimal":
        return _group(whole, ",") + "." + frac
    if style == "stray_spaces":
        return " " + whole + ("," + frac if frac else "") + "  "
    if style == "nbsp_in_number":
        return "\u00a0" + _group(whole, ".") + ("," + frac if frac else "") + "\u00a0"
    if style == "dash_for_zero":
        return "-"
    if style == "x_for_zero":
        return "x"
    if style == "khong_for_zero":
        return "không"
    if style == "empty_for_zero":
        return ""
    raise ValueError(style)


def spelling_fits(value, style):
    _, frac = _split(value)
    if style in ("dash_for_zero", "x_for_zero", "khong_for_zero", "empty_for_zero"):
        return value == 0
    if value < 0:
        return False
    if style in ("thousands_dot", "thousands_comma"):
        return value >= 1000 and not frac
    if style == "decimal_comma":
        return bool(frac) and len(frac) != 3
    if style in ("thousands_dot_decimal_comma", "english_decimal"):
        return value >= 1000 and bool(frac)
    if style == "number_as_text":
        return not frac
    return value != 0


NUMBER_STYLES = (
    "number_as_text",
    "thousands_dot",
    "thousands_comma",
    "decimal_comma",
    "thousands_dot_decimal_comma",
    "english_decimal",
    "stray_spaces",
    "nbsp_in_number",
    "dash_for_zero",
    "x_for_zero",
    "khong_for_zero",
    "empty_for_zero",
)

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def quarter_spelling(year, q, variant):
    r = ROMAN[q]
    return [
        f"Quý {r} năm {year}",
        f"Quý {q}/{year}",
        f"QUÝ {r} - {year}",
        f"Q{q}-{year}",
        f"quý {r}/{year}",
        f"Quý {r}/{year}",
    ][variant]


QUARTER_VARIANTS = 6


def month_spelling(year, month, variant):
    return [f"{month:02d}/{year}", f"{month}/{year}", f"Tháng {month}/{year}", f"Tháng {month} năm {year}"][variant]
