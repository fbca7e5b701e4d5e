"""Workbooks read with python-calamine, and what every workbook kind shares.

Cells as text or numbers, the table header row, and the header block (unit, period, correction).
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field

import python_calamine

from .model import Reject, reject
from .numbers import number_text, parse_number
from .periods import granularity, parse_period
from .registry import NOT_VALID_IN_PERIOD, UNKNOWN_AGENCY, AgencyRegistry
from .text import clean, from_tcvn3, looks_tcvn3, match_key, nfc

HEADER_SCAN_ROWS = 60
# bound of the per-process memos of recurring rows
_ROW_MEMO_LIMIT = 1 << 16


@dataclass(slots=True)
class Sheet:
    name: str
    rows: list[list]
    index: int
    # the first row with an STT label (found while telling the kind), and header lines by end row
    stt_row: int | None = None
    lines: dict[int, list[tuple[int, str]]] = field(default_factory=dict)
    # what the workbook says of the sheet: a chart sheet holds no cells; a hidden one is not shown
    chart: bool = False
    hidden: bool = False

    @property
    def is_empty(self) -> bool:
        return not any(row.count("") != len(row) for row in self.rows)


@dataclass(slots=True)
class Workbook:
    data: bytes
    # the sheets that can hold a report (shown worksheets with cells), and every sheet in order
    sheets: list[Sheet]
    encoding: str | None
    all_sheets: list[Sheet] = field(default_factory=list)
    _blank: dict[int, tuple[dict, dict]] = field(default_factory=dict)

    def _blank_cells(self, sheet: Sheet) -> tuple[dict, dict]:
        if sheet.index not in self._blank:
            self._blank[sheet.index] = _xlsx_blank_cells(self.data, sheet.index)
        return self._blank[sheet.index]

    def error_at(self, sheet: Sheet, row: int, col: int) -> str | None:
        """The error code (`#REF!` …) of a cell calamine shows as empty, for xlsx files."""
        return self._blank_cells(sheet)[0].get((row, col))

    def formula_at(self, sheet: Sheet, row: int, col: int) -> str | None:
        """The formula (`=SUM(D9:D11)`) of a cell that holds one but no calculated result (xlsx
        written by a program and never opened); calamine shows such a cell as empty."""
        return self._blank_cells(sheet)[1].get((row, col))


def read_workbook(data: bytes) -> Workbook | Reject:
    """All sheets' cells from A1 (so list indexes are sheet rows - 1), or a file-level reject."""
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        meta = book.sheets_metadata
        every = []
        for i, name in enumerate(book.sheet_names):
            chart = meta[i].typ != python_calamine.SheetTypeEnum.WorkSheet
            hidden = meta[i].visible != python_calamine.SheetVisibleEnum.Visible
            rows = [] if chart else book.get_sheet_by_index(i).to_python(skip_empty_area=False)
            every.append(Sheet(name, rows, i, chart=chart, hidden=hidden))
    except python_calamine.PasswordError:
        return reject("encrypted_workbook", None, None)
    except Exception as exc:  # noqa: BLE001 - calamine raises many types for damaged files; all mean the same
        text = str(exc)
        if "password" in text.lower() or "encrypt" in text.lower():
            return reject("encrypted_workbook", None, None)
        return reject("corrupt_workbook", None, None, found=text[:200])
    filled = [s for s in every if not s.is_empty]
    if not filled:
        return reject("empty_file", None, None)
    encoding = None
    # numbers and dates print as ASCII, which tells nothing either way: every cell may join in
    sample = ("".join(map(str, row)) for s in filled for row in s.rows[:15])
    if looks_tcvn3(sample):
        encoding = "tcvn3"
        for s in filled:
            s.rows = [[from_tcvn3(c) if isinstance(c, str) and c else c for c in row] for row in s.rows]
    return Workbook(data, [s for s in filled if not s.hidden], encoding, every)


_SHEET_ENTRY = re.compile(rb'<sheet\b[^>]*?\br:id="([^"]+)"')
_REL = re.compile(
    rb'<Relationship\b[^>]*?\bId="([^"]+)"[^>]*?\bTarget="([^"]+)"|'
    rb'<Relationship\b[^>]*?\bTarget="([^"]+)"[^>]*?\bId="([^"]+)"'
)
_ERROR_CELL = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*?t="e"[^>]*>(?:<f[^>]*>.*?</f>|<f[^>]*/>)?<v>([^<]*)</v>')
# a formula cell with no result: `<f>…</f>` (or a shared `<f …/>`) then no `<v>`, or an empty one
_UNCALCULATED = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*>(?:<f[^>]*>([^<]*)</f>|<f[^>]*/>)(?:<v\s*/>|<v>\s*</v>)?</c>')


def _xlsx_error_cells(data: bytes, index: int) -> dict[tuple[int, int], str]:
    """Error cells of one xlsx sheet, keyed by 0-based (row, col); calamine reads them as empty."""
    return _xlsx_blank_cells(data, index)[0]


def _xlsx_blank_cells(data: bytes, index: int) -> tuple[dict[tuple[int, int], str], dict[tuple[int, int], str]]:
    """Cells of one xlsx sheet calamine reads as empty although they are not, keyed by 0-based
    (row, col): error cells (-> `#REF!` …) and formulas without a calculated result (-> `=…`)."""
    try:
        members = _plain_zip_members(data)
        if members is not None:
            xml = _sheet_xml(list(members), lambda name: _read_member(data, members[name]), index)
        else:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                xml = _sheet_xml(z.namelist(), z.read, index)
    except Exception:  # noqa: BLE001 - not an xlsx (xls) or an unusual layout: no error cells to recover
        return {}, {}
    errors, formulas = {}, {}
    if b't="e"' in xml:
        for m in _ERROR_CELL.finditer(xml):
            errors[_cell_key(m)] = html.unescape(m.group(3).decode())
    if b"<f" in xml:
        for m in _UNCALCULATED.finditer(xml):
            formulas[_cell_key(m)] = "=" + html.unescape((m.group(3) or b"").decode())
    return errors, formulas


def _cell_key(m: re.Match) -> tuple[int, int]:
    col = 0
    for ch in m.group(1):
        col = col * 26 + ch - 64
    return int(m.group(2)) - 1, col - 1


def _sheet_xml(names: list[str], read, index: int) -> bytes:
    sheets = [n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")]
    if len(sheets) == 1:
        return read(sheets[0])  # the usual single-sheet report: no need to follow the relations
    rids = _SHEET_ENTRY.findall(read("xl/workbook.xml"))
    rels = {}
    for m in _REL.finditer(read("xl/_rels/workbook.xml.rels")):
        rid, rel = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        rels[rid] = rel.decode()
    target = rels[rids[index]].lstrip("/")
    return read(target if target.startswith("xl/") else "xl/" + target)


_EOCD = struct.Struct("<4s4H2LH")
_CENTRAL = struct.Struct("<4s6H3L5H2L")
_LOCAL = struct.Struct("<4s5H3L2H")


def _plain_zip_members(data: bytes) -> dict[str, tuple[int, int, int, int]] | None:
    """name -> (method, compressed size, data offset, crc) read straight from the central directory
    of an ordinary zip (what spreadsheet programs write); None for anything else, which then goes
    through `zipfile` (zip64, encryption, a comment, prefixed data, an odd header)."""
    if not data.startswith(b"PK\x03\x04") or len(data) < _EOCD.size:
        return None
    sig, disk, cd_disk, n_here, n_total, cd_size, cd_offset, comment = _EOCD.unpack_from(data, len(data) - _EOCD.size)
    if sig != b"PK\x05\x06" or comment or disk or cd_disk or n_here != n_total or cd_offset + cd_size > len(data):
        return None
    members = {}
    pos = cd_offset
    for _ in range(n_total):
        (sig, _v1, _v2, flags, method, _t, _d, crc, comp, _size, n_name, n_extra, n_comment, _disk, _ia, _ea, local) = (
            _CENTRAL.unpack_from(data, pos)
        )
        if sig != b"PK\x01\x02" or flags & 1 or method not in (0, 8) or 0xFFFFFFFF in (comp, _size, local):
            return None
        name = data[pos + _CENTRAL.size : pos + _CENTRAL.size + n_name]
        pos += _CENTRAL.size + n_name + n_extra + n_comment
        lsig, *_, l_name, l_extra = _LOCAL.unpack_from(data, local)
        start = local + _LOCAL.size
        if lsig != b"PK\x03\x04" or data[start : start + l_name] != name:
            return None
        members[name.decode("utf-8" if flags & 0x800 else "cp437")] = (method, comp, start + l_name + l_extra, crc)
    return members if pos == cd_offset + cd_size else None


def _read_member(data: bytes, member: tuple[int, int, int, int]) -> bytes:
    method, comp, start, crc = member
    raw = data[start : start + comp]
    out = zlib.decompress(raw, -15) if method == 8 else raw
    if zlib.crc32(out) != crc:
        raise zipfile.BadZipFile("CRC mismatch")
    return out


def cell_text(value) -> str:
    """A cell as text: strings NFC and trimmed, numbers faithful (`1234`, `12.5`)."""
    kind = type(value)
    if kind is str:
        return nfc(value).strip() if value else ""
    if kind is float or kind is int or kind is bool:
        return number_text(value)
    if isinstance(value, (dt.date, dt.time, dt.timedelta)):
        return value.isoformat() if hasattr(value, "isoformat") else str(value)
    return str(value)


def cell_number(book: Workbook, sheet: Sheet, r: int, c: int) -> tuple[str, float | None]:
    """(value as written, number or None when the cell holds no number)."""
    row = sheet.rows[r]
    value = row[c] if c < len(row) else ""
    kind = type(value)
    if kind is float or kind is int:
        return number_text(value), float(value)
    if kind is bool:
        return cell_text(value), None
    if value == "":
        # empty means 0 only for a truly empty cell: not an error, not a formula never calculated
        error = book.error_at(sheet, r, c) or book.formula_at(sheet, r, c)
        if error:
            return error, None
        return "", 0.0
    text = cell_text(value)
    return text, parse_number(text) if isinstance(value, str) else None


def bad_value_reason(book: Workbook, sheet: Sheet, r: int, c: int) -> str:
    """Why a value cell holds no number: a formula never calculated, or text (`#REF!`, `abc`)."""
    return "formula_without_value" if book.formula_at(sheet, r, c) else "unparseable_number"


class Roles:
    """Column roles of a table header, each a pattern its label's match key starts with.

    Which role a label plays is remembered per label, since the same labels recur in every file.
    """

    def __init__(self, **patterns: re.Pattern):
        self.patterns = patterns
        self._seen: dict[str, tuple[str, ...]] = {}
        self._rows: dict[tuple, dict[str, int]] = {}

    def __getitem__(self, role: str) -> re.Pattern:
        return self.patterns[role]

    def row_roles(self, row: list) -> dict[str, int]:
        """role -> column for the labels of one row (do not modify: rows recur, so it is shared)."""
        key = tuple(row)
        found = self._rows.get(key)
        if found is None:
            if len(self._rows) > _ROW_MEMO_LIMIT:
                self._rows.clear()
            found = self._rows[key] = {}
            for c, value in enumerate(row):
                if type(value) is str and value:
                    role = self.role_of(value, found)
                    if role is not None:
                        found[role] = c
        return found

    def role_of(self, label: str, taken: dict[str, int]) -> str | None:
        roles = self._seen.get(label)
        if roles is None:
            key = match_key(label)
            roles = self._seen[label] = tuple(r for r, p in self.patterns.items() if p.match(key))
        for role in roles:
            if role not in taken:
                return role
        return None


def find_header_row(
    rows: list[list], roles: Roles, required: tuple[str, ...], start: int = 0
) -> tuple[int, dict[str, int]] | None:
    """First row at or after `start` carrying the labels of the required roles:
    (row index, role -> column)."""
    needed = set(required)
    for r in range(start, min(len(rows), start + HEADER_SCAN_ROWS)):
        found = roles.row_roles(rows[r])
        if needed <= found.keys():
            return r, dict(found)
    return None


def header_lines(sheet: Sheet, stop: int) -> list[tuple[int, str]]:
    """(row index, line) for every text line above the table header, merged cells included."""
    cached = sheet.lines.get(stop)
    if cached is not None:
        return cached
    lines = []
    for r in range(min(stop, len(sheet.rows))):
        row = sheet.rows[r]
        if bool in map(type, row):
            texts = _row_lines(row)  # True == 1 as a key, yet a flag is no line while a number is
        else:
            key = tuple(row)
            texts = _LINE_MEMO.get(key)
            if texts is None:
                if len(_LINE_MEMO) > _ROW_MEMO_LIMIT:
                    _LINE_MEMO.clear()
                texts = _LINE_MEMO[key] = _row_lines(row)
        lines.extend([(r, t) for t in texts])
    sheet.lines[stop] = lines
    return lines


_LINE_MEMO: dict[tuple, tuple[str, ...]] = {}


def _row_lines(row: list) -> tuple[str, ...]:
    """The header lines one row holds: its texts line by line, cleaned, and its numbers."""
    texts = []
    for value in row:
        kind = type(value)
        if kind is str:
            if value:
                for part in value.splitlines():
                    part = clean(part)
                    if part:
                        texts.append(part)
        elif kind is float or kind is int:
            texts.append(number_text(value))
    return tuple(texts)


def is_correction(lines: list[tuple[int, str]]) -> bool:
    return any("dieu chinh" in (k := match_key(t)) or "bo sung" in k for _, t in lines)


def find_period(lines: list[tuple[int, str]], kinds: tuple[str, ...]) -> tuple[str, str] | None:
    """(line as written, period code) of the first line naming a period of an accepted granularity."""
    for _, text in lines:
        code = parse_period(text)
        if code and granularity(code) in kinds:
            return text, code
    return None


_NOT_AGENCY = re.compile(r"^(?:bao cao|cong hoa|doc lap|kinh gui|so:|so \d|\(|-|ve viec|tieu de|bieu)")
_AGENCY_LIKE = re.compile(
    r"^(?:ubnd|uy ban nhan dan|phong|van phong|cong an|phuong|xa|thi xa|huyen|"
    r"thanh pho|quan|p\.|x\.|tx\b|trung tam|ban|so |cong ty|truong)"
)
_LABELLED = re.compile(r"^(?:don vi|co quan)[^:]{0,20}:")
_PROVINCE = re.compile(r"^(?:ubnd |uy ban nhan dan )?tinh\b")
_DISTRICT = re.compile(r"^(?:ubnd |uy ban nhan dan )?(?:huyen|thi xa|thanh pho|quan|tx)\b")


@dataclass(frozen=True, slots=True)
class Reporter:
    written: str
    code: str | None
    reason: str | None


def find_reporter(lines: list[tuple[int, str]], registry: AgencyRegistry, period_code: str) -> Reporter:
    """The most specific unit the header names; a parent line (town, province) is not the reporter."""
    specific: Reporter | None = None
    area: Reporter | None = None
    not_valid: Reporter | None = None
    unknown: Reporter | None = None
    other_town: Reporter | None = None
    for _, text in lines:
        key = match_key(text)
        if _LABELLED.match(key):
            # `Đơn vị báo cáo: UBND phường Phổ Ninh` names the unit after the colon
            text = text.split(":", 1)[1].strip()
            key = match_key(text)
        if _NOT_AGENCY.match(key) or parse_period(text) or _PROVINCE.match(key):
            continue
        res = registry.resolve(text, period_code)
        if res.agency_code is not None:
            if registry.specificity(res.agency_code) >= 2:
                specific = Reporter(text, res.agency_code, None)
            elif area is None:
                area = Reporter(text, res.agency_code, None)
        elif res.reason == NOT_VALID_IN_PERIOD:
            not_valid = Reporter(text, None, NOT_VALID_IN_PERIOD)
        elif _AGENCY_LIKE.match(key):
            unknown = Reporter(text, None, UNKNOWN_AGENCY)
            if _DISTRICT.match(key):
                other_town = unknown
    # a generic office name under another town's committee is that town's office, not ours
    return other_town or specific or not_valid or unknown or area or Reporter("", None, UNKNOWN_AGENCY)


def sheet_year_period(name: str) -> str | None:
    code = parse_period(name)
    return code if code and granularity(code) == "year" else None
