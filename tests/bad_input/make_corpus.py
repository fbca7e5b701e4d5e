"""Generate the bad-input corpus: broken and hostile agency files, each with the end it must meet.

Nothing binary is committed: every file is built here, from code. Each `Case` names one file (its
path inside the raw tree), what it is, its expected end state and file-level reason code, the
row-level reject codes it must produce, and how many value rows must load. "Rows read" of a file is
`n_values + row rejects`; the test checks that both equal the case's expectation, so no row can
vanish silently.

    python tests/bad_input/make_corpus.py OUT_DIR      # writes the corpus under OUT_DIR, prints the cases
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import sys
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl

# The corpus lands on one arrival day (2025-10-15, so 2025-Q3 is the latest period it may carry),
# plus the versions cases on the days around it.
DAY = "2025-10-15"
ROOT = "corpus"

STD_ITEMS = [
    ("1", "Hồ sơ công việc", None, None),
    ("1.1", "Tổng số hồ sơ công việc phát sinh trong kỳ", "hồ sơ", 779),
    ("1.2", "Trong đó: hồ sơ công việc thuộc phạm vi bí mật nhà nước", "hồ sơ", 0),
    ("1.3", "Số hồ sơ công việc được xử lý trên môi trường mạng", "hồ sơ", 518),
    ("2", "Hoạt động kiểm tra", None, None),
    ("2.1", "Số cuộc kiểm tra đã thực hiện", "cuộc", 8),
    ("2.2", "Trong đó: số cuộc kiểm tra thực hiện thông qua môi trường số", "cuộc", 8),
    ("3", "Chế độ báo cáo", None, None),
    ("3.1", "Số chế độ báo cáo định kỳ", "chế độ", 18),
    ("3.2", "Trong đó: số chế độ báo cáo được kết nối với Hệ thống thông tin báo cáo", "chế độ", 17),
    ("4", "Kinh phí chi cho chuyển đổi số trong kỳ", "triệu đồng", 73.3),
]
N_ITEMS = 8  # value rows of a complete quarterly table
UNIT_NOW = "UBND PHƯỜNG SA HUỲNH"  # exists from 2025-07-01
PERIOD_NOW = "Quý III năm 2025"
TITLE = "BÁO CÁO KẾT QUẢ THỰC HIỆN CHUYỂN ĐỔI SỐ"

CSV_HEADER = [
    "Mã đơn vị",
    "Tên đơn vị",
    "Kỳ báo cáo",
    "Tổng số TTHC",
    "TTHC đủ điều kiện DVCTT toàn trình",
    "TTHC đã cung cấp DVCTT toàn trình",
    "Tổng số hồ sơ tiếp nhận",
    "Hồ sơ tiếp nhận trực tuyến",
    "Số người dùng DVCTT",
    "Số người dùng được định danh, xác thực điện tử",
]
CSV_UNITS = [
    ("H55.101", "UBND phường Đức Phổ"),
    ("H55.102", "UBND phường Sa Huỳnh"),
    ("H55.103", "UBND phường Trà Câu"),
    ("H55.104", "UBND xã Nguyễn Nghiêm"),
    ("H55.105", "UBND xã Khánh Cường"),
]
N_CSV_ITEMS = 7


@dataclass
class Case:
    name: str  # a short id
    path: str  # inside the raw tree
    what: str
    state: str  # loaded | loaded_with_rejects | quarantined | duplicate
    reason: str | None = None  # file-level reason code
    row_rejects: dict[str, int] = field(default_factory=dict)  # row-level reason code -> count
    n_values: int = 0
    duplicate_of: str | None = None
    is_current: bool | None = None  # for the versions cases: is its report the current one
    data: bytes | None = field(default=None, repr=False)
    link_to: str | None = field(default=None, repr=False)  # a symlink's target (absolute)

    @property
    def rows_read(self) -> int:
        return self.n_values + sum(self.row_rejects.values())

    def summary(self) -> dict:
        return {
            "name": self.name,
            "path": self.path,
            "what": self.what,
            "state": self.state,
            "reason": self.reason,
            "row_rejects": self.row_rejects,
            "n_values": self.n_values,
            "duplicate_of": self.duplicate_of,
        }


# -- building blocks ---------------------------------------------------------------------------


def quarterly(
    unit: str = UNIT_NOW,
    period: str | None = PERIOD_NOW,
    items=None,
    *,
    title: str = TITLE,
    header: bool = True,
    merges: tuple[str, ...] = (),
    sheet: str = "Sheet1",
    encode=str,
) -> bytes:
    """A quarterly report laid out as the agencies' template: header block, STT table, signatures."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws["A1"] = unit
    ws["C1"] = encode("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" if encode is str else "Cộng hòa xã hội chủ nghĩa Việt Nam")
    ws["C2"] = encode("Độc lập - Tự do - Hạnh phúc")
    ws["A4"] = title
    if period is not None:
        ws["A5"] = period
    row = 8
    if header:
        for col, text in zip("ABCDE", ("STT", "Nội dung", "Đơn vị tính", "Kết quả", "Ghi chú"), strict=True):
            ws[f"{col}{row}"] = encode(text)
    for stt, label, unit_text, value in STD_ITEMS if items is None else items:
        row += 1
        ws[f"A{row}"] = stt
        ws[f"B{row}"] = label
        if unit_text is not None:
            ws[f"C{row}"] = unit_text
        if value is not None:
            ws[f"D{row}"] = value
    ws[f"D{row + 2}"] = encode("Sa Huỳnh, ngày 10 tháng 10 năm 2025")
    ws[f"D{row + 3}"] = encode("CHỦ TỊCH" if encode is str else "Chủ tịch")
    for rng in merges:
        ws.merge_cells(rng)
    buf = io.BytesIO()
    wb.save(buf)
    return _fixed_zip_times(buf.getvalue())


def _fixed_zip_times(data: bytes) -> bytes:
    """Rewrite the zip with fixed member times and document dates, so a build is reproducible."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2025-10-10T08:00:00Z", body)
            dst.writestr(zipfile.ZipInfo(info.filename, (2025, 10, 10, 8, 0, 0)), body, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def with_items(**changes) -> list:
    """The standard table with some STT rows' values replaced (value None leaves the cell empty)."""
    return [(stt, label, unit, changes.get(stt.replace(".", "_"), value)) for stt, label, unit, value in STD_ITEMS]


def rewrite_sheet_xml(data: bytes, edit) -> bytes:
    """Apply `edit(xml_bytes) -> xml_bytes` to the first worksheet of an xlsx."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = edit(body)
            dst.writestr(info, body)
    return out.getvalue()


def empty_workbook() -> bytes:
    buf = io.BytesIO()
    openpyxl.Workbook().save(buf)
    return _fixed_zip_times(buf.getvalue())


def encrypted_workbook() -> bytes:
    import msoffcrypto.format.ooxml

    plain = io.BytesIO(quarterly())
    out = io.BytesIO()
    msoffcrypto.format.ooxml.OOXMLFile(plain).encrypt("matkhau123", out)
    return out.getvalue()


def portal_csv(rows, *, sep=";", period="09/2025", header=CSV_HEADER, encoding="utf-8", eol="\r\n") -> bytes:
    lines = [sep.join(header)]
    for r in rows:
        lines.append(r if isinstance(r, str) else sep.join(str(x) for x in r))
    text = eol.join(lines) + eol
    return _cp1258(text) if encoding == "cp1258" else text.encode(encoding)


_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def _cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows writes it: base letters precomposed, tone marks combining."""
    out: list[str] = []
    base = -1  # index of the last base letter
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch) and ch not in _TONES and base >= 0:
            out[base] = unicodedata.normalize("NFC", out[base] + ch)
        else:
            if not unicodedata.combining(ch):
                base = len(out)
            out.append(ch)
    return "".join(out).encode("cp1258")


def csv_row(code, name, period="09/2025", base=100):
    return [code, name, period, base, base // 2, base // 3, base * 5, base * 3, base * 2, base]


def standard_csv_rows(period="09/2025"):
    return [csv_row(code, name, period, 100 + 10 * i) for i, (code, name) in enumerate(CSV_UNITS)]


def tcvn3(text: str) -> str:
    """Unicode Vietnamese as a TCVN3 (ABC, .VnTime) typist's workbook stores it: one Latin-1 char per letter.

    The byte table is the published TCVN 5712 one; the parser's copy is borrowed (inverted) here.
    """
    from dagster_project.ingest.parsing.text import _TCVN3_BYTES

    table = {u: chr(b) for b, u in _TCVN3_BYTES.items()}
    return "".join(table.get(ch, ch) for ch in text)


# -- the cases ---------------------------------------------------------------------------------


def cases(outside_target: Path) -> list[Case]:
    d = f"{ROOT}/{DAY}"
    q = lambda **kw: quarterly(**kw)
    ok8 = {"state": "loaded", "n_values": N_ITEMS}
    out: list[Case] = []

    def add(name, file, what, data=None, **kw):
        out.append(Case(name, f"{d}/{file}", what, data=data, **kw))

    # file-level: what is not a readable spreadsheet
    add("zero_bytes", "bao cao rong.xlsx", "0 bytes", b"", state="quarantined", reason="empty_file")
    add("whitespace", "trang.csv", "only blanks and newlines", b" \r\n\t\r\n", state="quarantined", reason="empty_file")
    add(
        "empty_workbook",
        "so lieu trong.xlsx",
        "a workbook with no cells",
        empty_workbook(),
        state="quarantined",
        reason="empty_file",
    )
    add(
        "encrypted",
        "BC CDS co mat khau.xlsx",
        "password-protected workbook",
        encrypted_workbook(),
        state="quarantined",
        reason="encrypted_workbook",
    )
    add(
        "pdf_as_xlsx",
        "BC CDS quy 3.xlsx",
        "a PDF renamed .xlsx",
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
        state="quarantined",
        reason="not_a_spreadsheet",
    )
    add(
        "png_as_xlsx",
        "anh chup bao cao.xlsx",
        "a PNG screenshot renamed .xlsx",
        b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(256)),
        state="quarantined",
        reason="not_a_spreadsheet",
    )
    add(
        "html_as_xls",
        "tai ve tu cong.xls",
        "an HTML error page saved as .xls",
        b"<!DOCTYPE html><html><body>Phi\xc3\xaan \xc4\x91\xc4\x83ng nh\xe1\xba\xadp h\xe1\xba\xbft h\xe1\xba\xa1n</body></html>",
        state="quarantined",
        reason="not_a_spreadsheet",
    )
    add(
        "gzip_as_csv",
        "dvc.csv",
        "a gzip archive named .csv",
        b"\x1f\x8b\x08\x00" + bytes(64),
        state="quarantined",
        reason="not_a_spreadsheet",
    )
    add(
        "random_binary",
        "du lieu.xlsx",
        "random bytes with NULs",
        bytes((i * 37 + 11) % 256 for i in range(4096)),
        state="quarantined",
        reason="not_a_spreadsheet",
    )
    zbuf = io.BytesIO()
    with zipfile.ZipFile(zbuf, "w") as z:
        z.writestr(zipfile.ZipInfo("ghi chu.txt", (2025, 10, 1, 0, 0, 0)), "không phải bảng tính")
    add(
        "zip_not_workbook",
        "nen lai.xlsx",
        "a zip archive that is not a workbook",
        zbuf.getvalue(),
        state="quarantined",
        reason="corrupt_workbook",
    )
    good = quarterly(items=with_items(**{"1_1": 901}))
    add(
        "truncated_xlsx",
        "BC bi cat.xlsx",
        "an xlsx cut off half-way (interrupted download)",
        good[: len(good) // 2],
        state="quarantined",
        reason="corrupt_workbook",
    )
    add(
        "ole_garbage",
        "bao cao cu.xls",
        "OLE magic, then garbage",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2048),
        state="quarantined",
        reason="corrupt_workbook",
    )
    add(
        "unknown_kind",
        "danh sach can bo.xlsx",
        "a readable workbook of none of the four kinds",
        q(title="DANH SÁCH CÁN BỘ, CÔNG CHỨC", items=[("1", "Nguyễn Văn A", "người", 1)]),
        state="quarantined",
        reason="unknown_kind",
    )
    add(
        "plain_text",
        "ghi chu.txt",
        "a plain note",
        "Em gửi báo cáo quý 3 ạ\n".encode(),
        state="quarantined",
        reason="not_a_spreadsheet",
    )

    # file-level: readable, but the header block cannot be trusted
    add(
        "no_period",
        "BC CDS khong ky.xlsx",
        "no period anywhere in the header",
        q(period=None, items=with_items(**{"1_1": 902})),
        state="quarantined",
        reason="unknown_period",
    )
    add(
        "future_period",
        "BC CDS quy 1 2026.xlsx",
        "a period after the arrival (2026-Q1 sent in 2025-10)",
        q(period="Quý I năm 2026"),
        state="quarantined",
        reason="period_out_of_range",
    )
    add(
        "before_2024",
        "BC CDS quy 4 2023.xlsx",
        "a period before 2024",
        q(period="Quý IV năm 2023"),
        state="quarantined",
        reason="period_out_of_range",
    )
    add(
        "other_town",
        "BC CDS Tinh Khe.xlsx",
        "another town's commune",
        q(unit="UBND XÃ TỊNH KHÊ"),
        state="quarantined",
        reason="unknown_agency",
    )
    add(
        "unit_gone",
        "BC CDS Pho Khanh quy 3 2025.xlsx",
        "a unit merged away on 2025-07-01, reporting 2025-Q3",
        q(unit="UBND XÃ PHỔ KHÁNH"),
        state="quarantined",
        reason="agency_not_valid_in_period",
    )
    add(
        "no_header_row",
        "BC CDS khong tieu de.xlsx",
        "the table without its STT header row",
        q(header=False, items=with_items(**{"1_1": 903})),
        state="quarantined",
        reason="no_header_row",
    )

    # row level: the file loads, the bad rows are listed
    add(
        "ref_value_errors",
        "BC CDS loi cong thuc.xlsx",
        "#REF! and #VALUE! in value cells",
        q(items=with_items(**{"1_1": "#REF!", "1_3": "#VALUE!"})),
        state="loaded_with_rejects",
        row_rejects={"unparseable_number": 2},
        n_values=N_ITEMS - 2,
    )
    add(
        "text_in_numbers",
        "BC CDS chu trong so.xlsx",
        "text in number cells",
        q(items=with_items(**{"2_1": "khoảng 8 cuộc", "3_1": "đang tổng hợp"})),
        state="loaded_with_rejects",
        row_rejects={"unparseable_number": 2},
        n_values=N_ITEMS - 2,
    )
    twice = STD_ITEMS + [("", "", None, None)] + STD_ITEMS
    add(
        "pasted_twice",
        "BC CDS dan hai lan.xlsx",
        "the whole table pasted twice",
        q(items=twice),
        state="loaded_with_rejects",
        row_rejects={"duplicate_item": N_ITEMS},
        n_values=N_ITEMS,
    )
    conflicting = [*with_items(**{"1_1": 905}), ("1.1", "Tổng số hồ sơ (bổ sung)", "hồ sơ", 950)]
    add(
        "conflicting_codes",
        "BC CDS trung ma.xlsx",
        "item 1.1 twice with different values",
        q(items=conflicting),
        state="loaded_with_rejects",
        row_rejects={"conflicting_item": 2},
        n_values=N_ITEMS - 1,
    )
    unknown = [*with_items(**{"1_1": 906}), ("9.9", "Chỉ tiêu tự đặt thêm", "cái", 3)]
    add(
        "unknown_item",
        "BC CDS them dong.xlsx",
        "an STT the template does not have",
        q(items=unknown),
        state="loaded_with_rejects",
        row_rejects={"unknown_item": 1},
        n_values=N_ITEMS,
    )
    add(
        "negative",
        "BC CDS so am.xlsx",
        "negative figures: loaded as written, flagged later",
        q(items=with_items(**{"1_3": -518, "4": -73.3})),
        **ok8,
    )
    add(
        "merged_chaos",
        "BC CDS gop o.xlsx",
        "merged cells across header, labels and values",
        q(
            items=with_items(**{"1_1": 907}),
            merges=("A1:B2", "A4:E4", "A5:E5", "B9:E9", "B10:C11", "D15:E16", "A19:A20"),
        ),
        **ok8,
    )
    emoji = [(stt, f"🚀 {label} ✅\u200b\u202e", unit, value) for stt, label, unit, value in with_items(**{"1_1": 908})]
    add(
        "emoji_labels",
        "BC CDS 🚀 emoji.xlsx",
        "emoji, zero-width and right-to-left marks in labels and name",
        q(items=emoji),
        **ok8,
    )

    def _huge_dimension(xml: bytes) -> bytes:
        return re.sub(rb"<dimension ref=\"[^\"]*\"", b'<dimension ref="A1:XFD1048576"', xml)

    add(
        "huge_dimension",
        "BC CDS kich thuoc lon.xlsx",
        "a declared sheet dimension of A1:XFD1048576",
        rewrite_sheet_xml(q(items=with_items(**{"1_1": 909})), _huge_dimension),
        **ok8,
    )

    def _million_rows(xml: bytes) -> bytes:
        # an empty styled row at the very bottom, as a careless Ctrl+Down and format leaves behind
        far = b'<row r="1048576" spans="1:5"><c r="E1048576" s="0"/></row>'
        return xml.replace(b"</sheetData>", far + b"</sheetData>")

    add(
        "million_rows",
        "BC CDS trieu dong trong.xlsx",
        "a styled empty cell at row 1,048,576 (sparse XML, small file)",
        rewrite_sheet_xml(q(items=with_items(**{"1_1": 910})), _million_rows),
        **ok8,
    )
    tc_items = [(s, tcvn3(lbl), tcvn3(u) if u else u, v) for s, lbl, u, v in with_items(**{"1_1": 911})]
    add(
        "tcvn3",
        "BC CDS font VnTime.xlsx",
        "a workbook typed in TCVN3 (.VnTime) fonts",
        q(
            unit=tcvn3("UBND phường Sa Huỳnh"),
            period=tcvn3("Quý III năm 2025"),
            title=tcvn3("Báo cáo kết quả thực hiện chuyển đổi số"),
            items=tc_items,
            encode=tcvn3,
        ),
        **ok8,
    )

    # hostile names: data, never paths (contents differ so none is a duplicate)
    hostile = [
        ("dots_name", "..bao cao..quy 3...xlsx"),
        ("traversal_name", "..%2F..%2Fetc%2Fpasswd .. ..xlsx"),
        ("sql_name", "x'; drop table ingest_files; --.xlsx"),
        ("quotes_name", "bao cao \"quy 3\" 'final'.xlsx"),
        ("semicolon_name", "a;b;c;$(reboot);`id`.xlsx"),
        ("long_name", "B" * 245 + ".xlsx"),
        ("control_name", "bao\tcao\x1b[31m\x07quy3.xlsx"),
    ]
    for i, (name, file) in enumerate(hostile):
        add(name, file, f"hostile file name {file[:40]!r}", q(items=with_items(**{"1_1": 1000 + i})), **ok8)

    # CSV exports from the portal
    add(
        "csv_ok_cp1258_named_utf8",
        "thong ke DVC 09-2025 UTF-8.csv",
        "Windows-1258 bytes under a name (and habit) that says UTF-8",
        portal_csv(standard_csv_rows(), encoding="cp1258"),
        state="loaded",
        n_values=5 * N_CSV_ITEMS,
    )
    mixed = standard_csv_rows("09/2025")
    mixed_rows = [mixed[0], mixed[1], ",".join(map(str, mixed[2])), mixed[3], ",".join(map(str, mixed[4]))]
    add(
        "csv_mixed_separators",
        "dvc 08-2025 tron dau.csv",
        "rows with ',' in a ';' file",
        portal_csv(mixed_rows),
        state="loaded_with_rejects",
        row_rejects={"malformed_row": 2},
        n_values=3 * N_CSV_ITEMS,
    )
    trunc = portal_csv(standard_csv_rows("09/2025"))
    add(
        "csv_truncated",
        "dvc 07-2025 bi cat.csv",
        "an export cut off in its last row",
        trunc[: trunc.rfind(b";", 0, len(trunc) - 12)],
        state="loaded_with_rejects",
        row_rejects={"malformed_row": 1},
        n_values=4 * N_CSV_ITEMS,
    )
    bom_rows = standard_csv_rows("08/2025")
    bom_mid = (
        portal_csv(bom_rows[:3], period="08/2025") + "\ufeff".encode() + portal_csv(bom_rows[3:], period="08/2025")
    )
    add(
        "csv_bom_in_middle",
        "dvc 06-2025 noi hai file.csv",
        "two UTF-8 exports concatenated: a BOM and a second header line in the middle",
        bom_mid,
        state="loaded_with_rejects",
        row_rejects={"unknown_agency": 1},
        n_values=5 * N_CSV_ITEMS,
    )
    ctrl_rows = [csv_row(code, f"{name}\x07\x1b[0m🙂", "09/2025", 200 + i) for i, (code, name) in enumerate(CSV_UNITS)]
    add(
        "csv_control_chars",
        "dvc 05-2025 ky tu la.csv",
        "control characters and emoji in unit names",
        portal_csv(ctrl_rows),
        state="loaded",
        n_values=5 * N_CSV_ITEMS,
    )
    other = [*standard_csv_rows("07/2025"), csv_row("H99.01", "UBND xã Tịnh Khê", "07/2025")]
    add(
        "csv_other_town_row",
        "dvc 04-2025 co don vi la.csv",
        "a row for another town's unit",
        portal_csv(other),
        state="loaded_with_rejects",
        row_rejects={"unknown_agency": 1},
        n_values=5 * N_CSV_ITEMS,
    )
    add(
        "csv_text_numbers",
        "dvc 03-2025 loi so.csv",
        "#VALUE! and text in number fields",
        portal_csv(
            [
                [*csv_row("H55.35", "Văn phòng HĐND và UBND thị xã", "03/2025")[:3], "#VALUE!", 10, 5, 50, 30, 20, 10],
                csv_row("H55.35.01", "UBND phường Nguyễn Nghiêm", "03/2025"),
            ]
        ),
        state="loaded_with_rejects",
        row_rejects={"unparseable_number": 1},
        n_values=N_CSV_ITEMS,
    )

    # versions: the same content under two names; a correction that arrives before its original
    same = q(items=with_items(**{"1_1": 1100}))
    add("same_bytes_first", "BC CDS Sa Huynh - ban goc.xlsx", "a report ...", same, **ok8)
    add(
        "same_bytes_second",
        "BC CDS Sa Huynh - ban sao.xlsx",
        "... and the same bytes under another name",
        same,
        state="duplicate",
        duplicate_of=f"{d}/BC CDS Sa Huynh - ban goc.xlsx",
    )
    # Trà Câu 2025-Q3: the correction lands on 10-12, the original it corrects only on 10-14
    out.append(
        Case(
            "correction_first",
            f"{ROOT}/2025-10-12/BC CDS Tra Cau quy 3 (dieu chinh).xlsx",
            "a (điều chỉnh) correction arriving two days before its original",
            data=q(unit="UBND PHƯỜNG TRÀ CÂU", title=TITLE + " (điều chỉnh)", items=with_items(**{"1_1": 1201})),
            is_current=True,
            **ok8,
        )
    )
    out.append(
        Case(
            "original_after",
            f"{ROOT}/2025-10-14/BC CDS Tra Cau quy 3.xlsx",
            "the original, arriving after its correction",
            data=q(unit="UBND PHƯỜNG TRÀ CÂU", items=with_items(**{"1_1": 1200})),
            is_current=False,
            **ok8,
        )
    )

    # a link out of the tree is never read
    out.append(
        Case(
            "symlink_outside",
            f"{d}/BC CDS lien ket.xlsx",
            "a symlink to a file outside the raw tree",
            state="quarantined",
            reason="outside_raw_tree",
            link_to=str(outside_target),
        )
    )
    out.append(
        Case(
            "symlink_dir_outside",
            f"{d}/etc-passwd.csv",
            "a symlink to /etc/passwd",
            state="quarantined",
            reason="outside_raw_tree",
            link_to="/etc/passwd",
        )
    )
    return out


def build_corpus(raw_root: Path, outside_dir: Path | None = None) -> list[Case]:
    """Write every case under `raw_root` (a raw tree); symlink targets go to `outside_dir`."""
    raw_root = Path(raw_root)
    outside_dir = Path(outside_dir) if outside_dir is not None else raw_root.parent / "outside"
    outside_dir.mkdir(parents=True, exist_ok=True)
    secret = outside_dir / "bi mat.xlsx"
    secret.write_bytes(quarterly(items=with_items(**{"1_1": 4242})))
    all_cases = cases(secret)
    names = Counter(c.name for c in all_cases)
    paths = Counter(c.path for c in all_cases)
    assert max(names.values()) == 1 and max(paths.values()) == 1, "case names and paths must be unique"
    for c in all_cases:
        target = raw_root / c.path
        target.parent.mkdir(parents=True, exist_ok=True)
        if c.link_to is not None:
            os.symlink(c.link_to, target)
        else:
            target.write_bytes(c.data)
    return all_cases


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path, help="raw tree to write the corpus into")
    args = parser.parse_args(argv)
    built = build_corpus(args.out)
    json.dump([c.summary() for c in built], sys.stdout, ensure_ascii=False, indent=1)
    print(f"\n{len(built)} cases written under {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
