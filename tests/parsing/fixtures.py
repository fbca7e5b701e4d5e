"""Builders of small agency files (xlsx, xls, csv, encrypted, renamed PDF) for the parser tests.

Each builder writes what an agency would send, warts as asked; nothing binary is kept in the repo.
"""

from __future__ import annotations

import io
import unicodedata

import xlsxwriter
import xlwt
from msoffcrypto.format.ooxml import OOXMLFile

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO2 = "Độc lập - Tự do - Hạnh phúc"

# (STT, label, unit, value); a value may be a number, a text, or ("=formula", cached value)
QUARTERLY_ITEMS = [
    ("1", "Hồ sơ công việc", "", ""),
    ("1.1", "Tổng số hồ sơ công việc phát sinh trong kỳ", "hồ sơ", 1234),
    ("1.2", "Trong đó: hồ sơ mật", "hồ sơ", 5),
    ("1.3", "Số hồ sơ xử lý trên môi trường mạng", "hồ sơ", 1100),
    ("2", "Thanh tra, kiểm tra", "", ""),
    ("2.1", "Số cuộc thanh tra, kiểm tra", "cuộc", 3),
    ("2.2", "Trong đó: thực hiện qua môi trường số", "cuộc", 1),
    ("3", "Chế độ báo cáo", "", ""),
    ("3.1", "Số chế độ báo cáo định kỳ", "chế độ", 12),
    ("3.2", "Trong đó: kết nối Hệ thống thông tin báo cáo", "chế độ", 10),
    ("4", "Kinh phí chi cho chuyển đổi số trong kỳ", "triệu đồng", 12.5),
]

SURVEY_ITEMS = [
    ("1", "Tổng số hộ gia đình", "hộ", 4321),
    ("2", "Số hộ gia đình có kết nối Internet cáp quang băng rộng", "hộ", 3000),
    ("3", "Cáp quang đã đến xã/phường (có/không)", "có/không", "có"),
    ("4", "Số thôn, tổ dân phố", "thôn, tổ dân phố", 12),
    ("5", "Trong đó: có phủ sóng 4G", "thôn, tổ dân phố", 12),
    ("6", "Trong đó: có phủ sóng 5G", "thôn, tổ dân phố", 2),
    ("7", "Dân số trưởng thành (từ 18 tuổi trở lên)", "người", 9000),
    ("8", "Số người trưởng thành có điện thoại thông minh", "người", 7000),
    ("9", "Số người trưởng thành có tài khoản thanh toán", "người", 6000),
    ("10", "Số người trưởng thành có chữ ký số hoặc chữ ký điện tử", "người", 800),
    ("11", "Dân số trong độ tuổi lao động", "người", 8000),
    ("12", "Số người trong độ tuổi lao động được đào tạo kỹ năng số cơ bản", "người", 2500),
    ("13", "Tổng số doanh nghiệp nhỏ và vừa", "doanh nghiệp", 40),
    ("14", "Số doanh nghiệp nhỏ và vừa sử dụng nền tảng số", "doanh nghiệp", 15),
]


def _write(ws, r: int, c: int, value) -> None:
    if isinstance(value, tuple):
        ws.write_formula(r, c, value[0], None, value[1])
    elif isinstance(value, str):
        ws.write_string(r, c, value)
    else:
        ws.write_number(r, c, value)


def _header_block(ws, lines_left: list[str], title: str, period: str | None, merged: bool) -> int:
    """Agency lines left, motto right, title and period merged across; returns the next free row."""
    for r, text in enumerate(lines_left):
        if merged:
            ws.merge_range(r, 0, r, 1, text)
        else:
            ws.write_string(r, 0, text)
    ws.write_string(0, 3, MOTTO)
    ws.write_string(1, 3, MOTTO2)
    r = max(len(lines_left), 2) + 1
    for text in (title, period):
        if text is None:
            continue
        if merged:
            ws.merge_range(r, 0, r, 4, text)
        else:
            ws.write_string(r, 0, text)
        r += 1
    return r + 1


def _table(ws, r: int, headers: list[str], items: list[tuple], times: int = 1) -> int:
    for _ in range(times):
        for c, h in enumerate(headers):
            ws.write_string(r, c, h)
        r += 1
        for stt, label, unit, value in items:
            ws.write_string(r, 0, stt)
            ws.write_string(r, 1, label)
            ws.write_string(r, 2, unit)
            _write(ws, r, 3, value)
            r += 1
        r += 1
    return r


def _footer(ws, r: int) -> None:
    ws.write_string(r, 3, "Đức Phổ, ngày 05 tháng 10 năm 2024")
    ws.write_string(r + 1, 0, "Người lập biểu")
    ws.write_string(r + 1, 3, "CHỦ TỊCH")
    ws.write_string(r + 5, 3, "Nguyễn Văn A")


def _book(build) -> bytes:
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"in_memory": True})
    build(wb)
    wb.close()
    return out.getvalue()


def quarterly_xlsx(
    agency=("UBND PHƯỜNG PHỔ NINH",),
    period="Quý III năm 2024",
    items=QUARTERLY_ITEMS,
    title="BÁO CÁO KẾT QUẢ THỰC HIỆN CHUYỂN ĐỔI SỐ",
    headers=("STT", "Nội dung", "Đơn vị tính", "Kết quả", "Ghi chú"),
    merged=True,
    times=1,
    sheet="Sheet1",
    before=(),
    after=(),
) -> bytes:
    """`before` / `after`: other sheets around the report, each (name, rows of cell values)."""

    def build(wb):
        _plain_sheets(wb, before)
        ws = wb.add_worksheet(sheet)
        r = _header_block(ws, list(agency), title, period, merged)
        r = _table(ws, r, list(headers), items, times)
        _footer(ws, r + 1)
        _plain_sheets(wb, after)

    return _book(build)


INSTRUCTIONS_SHEET = (
    "Hướng dẫn",
    [
        ["HƯỚNG DẪN ĐIỀN BIỂU BÁO CÁO CHUYỂN ĐỔI SỐ"],
        ["1. Điền số liệu vào cột Kết quả của trang tính Báo cáo; không sửa cột STT."],
        ["2. Số liệu tính đến ngày cuối cùng của quý báo cáo."],
        ["3. Gửi tệp về Phòng Văn hóa và Thông tin trước ngày 05 của tháng đầu quý sau."],
    ],
)


def _plain_sheets(wb, sheets) -> None:
    for name, rows in sheets:
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value != "":
                    _write(ws, r, c, value)


def quarterly_xls(agency=("UBND XÃ PHỔ AN",), period="Quý 3/2024", items=QUARTERLY_ITEMS) -> bytes:
    """The legacy .xls a few communes still send (BIFF8 via xlwt)."""
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("Sheet1")
    r = 0
    for text in agency:
        ws.write(r, 0, text)
        r += 1
    ws.write(0, 3, MOTTO)
    ws.write(r + 1, 0, "BÁO CÁO KẾT QUẢ THỰC HIỆN CHUYỂN ĐỔI SỐ")
    ws.write(r + 2, 0, period)
    r += 4
    for c, h in enumerate(("STT", "Chỉ tiêu", "ĐVT", "Số lượng", "Ghi chú")):
        ws.write(r, c, h)
    for stt, label, unit, value in items:
        r += 1
        ws.write(r, 0, stt)
        ws.write(r, 1, label)
        ws.write(r, 2, unit)
        ws.write(r, 3, value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# TCVN3 (ABC font) text as old workbooks hold it, typed from the well-known byte strings
TCVN3_AGENCY = "UBND ph\u00adêng Phæ Ninh"  # UBND phường Phổ Ninh
TCVN3_TITLE = "B¸o c¸o kÕt qu¶ thùc hiÖn chuyÓn ®æi sè"  # Báo cáo kết quả thực hiện chuyển đổi số
TCVN3_PERIOD = "Quý III n¨m 2024"  # Quý III năm 2024
TCVN3_MOTTO = "Céng hoµ x· héi chñ nghÜa ViÖt Nam"  # Cộng hoà xã hội chủ nghĩa Việt Nam
TCVN3_HEADERS = ("STT", "Néi dung", "§¬n vÞ tÝnh", "KÕt qu¶", "Ghi chó")
TCVN3_ITEMS = [("1", "Hå s¬ c«ng viÖc", "", ""), ("1.1", "Tæng sè hå s¬", "hå s¬", 1234)]


def tcvn3_xlsx() -> bytes:
    def build(wb):
        ws = wb.add_worksheet("Sheet1")
        ws.write_string(0, 0, TCVN3_AGENCY)
        ws.write_string(0, 3, TCVN3_MOTTO)
        ws.write_string(2, 0, TCVN3_TITLE)
        ws.write_string(3, 0, TCVN3_PERIOD)
        _table(ws, 5, list(TCVN3_HEADERS), TCVN3_ITEMS)

    return _book(build)


def survey_xlsx(
    agency=("UBND XÃ PHỔ AN",),
    period_title="BÁO CÁO SỐ LIỆU XÃ HỘI SỐ, KINH TẾ SỐ NĂM 2024",
    period=None,
    items=SURVEY_ITEMS,
) -> bytes:
    def build(wb):
        ws = wb.add_worksheet("Sheet1")
        r = _header_block(ws, list(agency), period_title, period, True)
        r = _table(ws, r, ["STT", "Chỉ tiêu", "ĐVT", "Số liệu", "Ghi chú"], items)
        _footer(ws, r + 1)

    return _book(build)


# (STT, name, reg. estimate, reg. actual, DX estimate, DX actual)
BUDGET_ROWS = [
    ("I", "KHỐI THỊ XÃ", "", "", "", ""),
    ("1", "Phòng Văn hóa và Thông tin", 1500, 1450, 120, 110),
    ("2", "Văn phòng HĐND và UBND thị xã", 3000, 2900, 200, "1.234,5"),
    ("3", "Chi thường xuyên khác chưa phân bổ", 500, 0, 0, 0),
    ("", "Cộng I", ("=SUM(C10:C12)", 5000), 4350, 320, 1344.5),
    ("II", "KHỐI XÃ, PHƯỜNG", "", "", "", ""),
    ("1", "Phường Phổ Ninh", 2000, 1900, 60, "-"),
    ("2", "UBND xã Phổ An", 1800, 1700, 50, 45),
    ("", "Cộng II", 3800, 3600, 110, 45),
    ("", "TỔNG CỘNG", 8800, 7950, 430, 1389.5),
]


# the town budget with its unallocated line numbered as a third block, `III`, after I and II: the
# share of DX spending in regular spending is 53.6 / 12,800 = 0.42 % (0.67 % without the line)
BUDGET_ROWS_ROMAN_III = [
    ("I", "KHỐI THỊ XÃ", "", "", "", ""),
    ("1", "Phòng Văn hóa và Thông tin", 3000, 2900, 20, 19),
    ("2", "Văn phòng HĐND và UBND thị xã", 1000, 950, 13.6, 13),
    ("", "Cộng I", 4000, 3850, 33.6, 32),
    ("II", "KHỐI XÃ, PHƯỜNG", "", "", "", ""),
    ("1", "Phường Phổ Ninh", 2500, 2400, 12, 11),
    ("2", "UBND xã Phổ An", 1500, 1450, 8, 7),
    ("", "Cộng II", 4000, 3850, 20, 18),
    ("III", "Chi thường xuyên khác chưa phân bổ", 4800, 4600, 0, 0),
    ("", "TỔNG CỘNG", 12800, 12300, 53.6, 50),
]


def budget_xlsx(
    sheets=(("Năm 2024", "triệu đồng", BUDGET_ROWS),), sender=("UBND THỊ XÃ ĐỨC PHỔ", "PHÒNG TÀI CHÍNH - KẾ HOẠCH")
) -> bytes:
    def build(wb):
        for name, unit, rows in sheets:
            ws = wb.add_worksheet(name)
            for r, text in enumerate(sender):
                ws.write_string(r, 0, text)
            ws.write_string(3, 0, "DỰ TOÁN VÀ THỰC HIỆN CHI THƯỜNG XUYÊN, CHI CHUYỂN ĐỔI SỐ")
            ws.write_string(4, 4, f"Đơn vị tính: {unit}")
            ws.merge_range(5, 0, 6, 0, "STT")
            ws.merge_range(5, 1, 6, 1, "Tên đơn vị")
            ws.merge_range(5, 2, 5, 3, "Tổng chi thường xuyên")
            ws.merge_range(5, 4, 5, 5, "Trong đó: chi chuyển đổi số")
            for c, h in enumerate(("Dự toán", "Thực hiện", "Dự toán", "Thực hiện"), start=2):
                ws.write_string(6, c, h)
            for r, row in enumerate(rows, start=8):
                for c, value in enumerate(row):
                    if value != "":
                        _write(ws, r, c, value)
            ws.write_string(8 + len(rows) + 1, 0, "Người lập biểu")

    return _book(build)


PORTAL_HEADER = [
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


TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def cp1258(text: str) -> bytes:
    """Windows-1258 as old exports wrote it: letters with the vowel mark precomposed, tone combining."""
    out = b""
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            tone = "".join(c for c in parts if c in TONE_MARKS)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONE_MARKS))
            out += base.encode("cp1258") + tone.encode("cp1258")
    return out


def portal_csv(rows: list[list[str]], sep: str = ";", encoding: str = "utf-8-sig") -> bytes:
    """The portal export: header line then rows; fields holding the separator are quoted."""

    def field(text: str) -> str:
        return f'"{text}"' if sep in text else text

    lines = [sep.join(field(f) for f in PORTAL_HEADER)] + [sep.join(field(f) for f in row) for row in rows]
    text = "\r\n".join(lines) + "\r\n"
    return cp1258(text) if encoding == "cp1258" else text.encode(encoding)


def encrypted(data: bytes, password: str = "123456") -> bytes:
    source, out = io.BytesIO(data), io.BytesIO()
    OOXMLFile(source).encrypt(password, out)
    return out.getvalue()


def empty_workbook() -> bytes:
    return _book(lambda wb: wb.add_worksheet("Sheet1"))


PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
