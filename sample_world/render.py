"""Turns one file spec into the bytes an agency would send, and the manifest rows those bytes imply.

Row numbers, spellings and rejects are decided here, where the layout is known.
"""

import csv
import hashlib
import io
import os
import random
from datetime import datetime

import xlsxwriter
import xlwt

from . import text as T
from .plan import BUDGET_ITEMS

FIXED_TIME = datetime(2024, 1, 1, 8, 0, 0)
ZERO_STYLES = ("dash_for_zero", "x_for_zero", "khong_for_zero", "empty_for_zero")
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")

DX_ROWS = {  # STT, item (None = section row), unit, label 2024, label 2025
    2024: [
        ("1", None, "", "Hồ sơ công việc"),
        ("1.1", "WR_TOTAL", "hồ sơ", "Tổng số hồ sơ công việc phát sinh trong kỳ"),
        ("1.2", "WR_SECRET", "hồ sơ", "Trong đó: hồ sơ công việc thuộc phạm vi bí mật nhà nước"),
        ("1.3", "WR_ONLINE", "hồ sơ", "Số hồ sơ công việc được xử lý trên môi trường mạng"),
        ("2", None, "", "Hoạt động kiểm tra"),
        ("2.1", "INSP_TOTAL", "cuộc", "Số cuộc kiểm tra đã thực hiện"),
        ("2.2", "INSP_DIGITAL", "cuộc", "Trong đó: số cuộc kiểm tra thực hiện thông qua môi trường số"),
        ("3", None, "", "Chế độ báo cáo"),
        ("3.1", "RPT_REGIMES", "chế độ", "Số chế độ báo cáo định kỳ"),
        ("3.2", "RPT_CONNECTED", "chế độ", "Trong đó: số chế độ báo cáo được kết nối với Hệ thống thông tin báo cáo"),
        ("4", "DX_SPEND", "triệu đồng", "Kinh phí chi cho chuyển đổi số trong kỳ"),
    ],
    2025: [
        ("1", None, "", "Xử lý hồ sơ công việc"),
        ("1.1", "WR_TOTAL", "hồ sơ", "Tổng số hồ sơ công việc phát sinh"),
        ("1.2", "WR_SECRET", "hồ sơ", "Số hồ sơ công việc mật"),
        ("1.3", "WR_ONLINE", "hồ sơ", "Số hồ sơ công việc xử lý trên môi trường mạng (không tính hồ sơ mật)"),
        ("2", None, "", "Kiểm tra, thanh tra"),
        ("2.1", "INSP_TOTAL", "cuộc", "Tổng số cuộc kiểm tra, thanh tra"),
        ("2.2", "INSP_DIGITAL", "cuộc", "Số cuộc thực hiện qua môi trường số"),
        ("3", None, "", "Báo cáo định kỳ"),
        ("3.1", "RPT_REGIMES", "chế độ", "Tổng số chế độ báo cáo định kỳ"),
        ("3.2", "RPT_CONNECTED", "chế độ", "Số chế độ báo cáo kết nối Hệ thống thông tin báo cáo của tỉnh, Chính phủ"),
        ("4", "DX_SPEND", "triệu đồng", "Chi cho chuyển đổi số (chi thường xuyên)"),
    ],
}

SURVEY_ROWS = [
    ("HH_TOTAL", "hộ", "Tổng số hộ gia đình"),
    ("HH_FIBER", "hộ", "Số hộ gia đình có kết nối Internet cáp quang băng rộng"),
    ("FIBER_REACHES", "", "Cáp quang băng rộng đã đến xã, phường (có/không)"),
    ("VILLAGES", "thôn, tổ", "Tổng số thôn, tổ dân phố"),
    ("VILLAGES_4G", "thôn, tổ", "Số thôn, tổ dân phố được phủ sóng di động 4G"),
    ("VILLAGES_5G", "thôn, tổ", "Số thôn, tổ dân phố được phủ sóng di động 5G"),
    ("ADULTS", "người", "Dân số trưởng thành (từ 18 tuổi trở lên)"),
    ("ADULTS_SMARTPHONE", "người", "Số người trưởng thành có điện thoại thông minh"),
    ("ADULTS_PAYACC", "người", "Số người trưởng thành có tài khoản thanh toán tại ngân hàng hoặc tổ chức được phép"),
    ("ADULTS_ESIGN", "người", "Số người trưởng thành có chữ ký số hoặc chữ ký điện tử cá nhân"),
    ("WORKING_AGE", "người", "Dân số trong độ tuổi lao động"),
    (
        "WORKING_AGE_SKILLED",
        "người",
        "Số người trong độ tuổi lao động được tập huấn kỹ năng số, an toàn thông tin cơ bản",
    ),
    ("SME_TOTAL", "doanh nghiệp", "Tổng số doanh nghiệp nhỏ và vừa"),
    ("SME_DIGITAL", "doanh nghiệp", "Số doanh nghiệp nhỏ và vừa sử dụng nền tảng số"),
]

DVC_HEADER = [
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


class Formula:
    def __init__(self, text, cached):
        self.text, self.cached = text, cached


class Sheet:
    def __init__(self, name):
        self.name = name
        self.cells = {}
        self.merges = []
        self.row = 0

    def put(self, r, c, value, style="normal"):
        self.cells[(r, c)] = (value, style)

    def merge(self, r, c1, c2, value, style="normal"):
        self.put(r, c1, value, style)
        if c2 > c1:
            self.merges.append((r, c1, r, c2))


class Out:
    """What rendering one spec yields for the manifest."""

    def __init__(self):
        self.values = []  # (sheet, row, role, section, agency, period, item, value, unit)
        self.rejected = []  # (sheet, row, reason)
        self.reports = []  # (sheet, agency, period)
        self.warts = []


def _col(c):
    return "ABCDEFGHIJ"[c]


# ---- text transforms ---------------------------------------------------------------------


def text_transform(warts):
    def tx(s):
        if "tcvn3_font" in warts:
            s = T.tcvn3(s)
        if "nfd_text" in warts:
            s = T.nfd(s)
        return s

    return tx


def spaced(s, warts, r):
    if "double_spaces" in warts and " " in s and r.random() < 0.5:
        s = s.replace(" ", "  ", 1)
    if "nbsp_text" in warts and " " in s and r.random() < 0.5:
        i = s.rfind(" ")
        s = s[:i] + "\u00a0" + s[i + 1 :]
    return s


# ---- number cells ------------------------------------------------------------------------


def style_numbers(cells, warts, r, allow_formula=True):
    """Chooses a spelling for each (key, value) number cell; returns {key: cell value} and applied warts."""
    chosen, applied = {}, []
    keys = [k for k, _ in cells]
    values = dict(cells)
    for w in [w for w in T.NUMBER_STYLES if w in warts]:
        fits = [k for k in keys if k not in chosen and T.spelling_fits(values[k], w)]
        if fits:
            k = r.choice(fits)
            chosen[k] = T.spell(values[k], w)
            applied.append(w)
    if "formula_cached" in warts and allow_formula:
        fits = [k for k in keys if k not in chosen and values[k] >= 2 and values[k] == int(values[k])]
        if fits:
            k = r.choice(fits)
            v = int(values[k])
            a = r.randint(1, v - 1)
            chosen[k] = Formula(f"={a}+{v - a}", v)
            applied.append("formula_cached")
    for k in keys:
        if k not in chosen:
            v = values[k]
            chosen[k] = int(v) if v == int(v) else v
    return chosen, applied


# ---- report forms (quarterly, survey) ----------------------------------------------------


def header_block(sh, spec, tx, r, title, width=5):
    row = 0
    left_end = 1 if width == 5 else 2
    if spec.get("parent"):
        sh.merge(row, 0, left_end, tx(spec["parent"]), "bold_c")
        sh.merge(row, left_end + 1, width - 1, tx(MOTTO[0]), "bold_c")
        row += 1
        sh.merge(row, 0, left_end, tx(spaced(spec["head_name"], spec["warts"], r)), "bold_c")
        sh.merge(row, left_end + 1, width - 1, tx(MOTTO[1]), "bold_c")
        row += 1
    else:
        sh.merge(row, 0, left_end, tx(spaced(spec["head_name"], spec["warts"], r)), "bold_c")
        sh.merge(row, left_end + 1, width - 1, tx(MOTTO[0]), "bold_c")
        row += 1
        sh.merge(row, left_end + 1, width - 1, tx(MOTTO[1]), "bold_c")
        row += 1
    row += r.randint(1, 2)
    sh.merge(row, 0, width - 1, tx(title + spec.get("title_mark", "")), "title")
    row += 1
    if spec.get("period_text") and not spec["quirks"].get("no_period"):
        line = spec["period_text"]
        if r.random() < 0.2:
            line = f"(Kỳ báo cáo: {line})"
        sh.merge(row, 0, width - 1, tx(line), "italic_c")
        row += 1
    return row + r.randint(1, 2)


def footer(sh, row, spec, tx, r, signer):
    d = spec["date"]
    row += 1
    sh.merge(row, 3, 4, tx(f"{spec['place']}, ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"), "italic_c")
    row += 1
    sh.put(row, 1, tx("Người lập biểu"), "bold_c")
    sh.merge(row, 3, 4, tx(signer), "bold_c")
    row += 4
    names = [
        "Nguyễn Văn An",
        "Trần Thị Bích",
        "Lê Minh Cường",
        "Phạm Thị Dung",
        "Võ Văn Hùng",
        "Huỳnh Thị Lan",
        "Đặng Quốc Bảo",
    ]
    sh.put(row, 1, tx(r.choice(names)), "bold_c")
    sh.merge(row, 3, 4, tx(r.choice(names)), "bold_c")


def table_header(sh, row, spec, tx):
    if spec["quirks"].get("no_header"):
        return row
    if "header_wording_variant" in spec["warts"]:
        cols = ["STT", "Chỉ tiêu", "ĐVT", "Số lượng", "Ghi chú"]
    else:
        cols = ["STT", "Nội dung", "Đơn vị tính", "Kết quả", "Ghi chú"]
    for c, h in enumerate(cols):
        sh.put(row, c, tx(h), "head")
    return row + 1


def item_table(sh, row, spec, tx, r, rows, out, allow_formula):
    """rows: (stt, item, unit, label, value); value None marks a section row."""
    q = spec["quirks"]
    warts = spec["warts"]
    cells = [
        (i, v)
        for i, (_, item, _, _, v) in enumerate(rows)
        if item and not isinstance(v, str) and item != q.get("bad_cell_item")
    ]
    spelled, applied = style_numbers(cells, warts, r, allow_formula)
    out.warts += applied
    first = {}
    upper = "case_variant" in warts
    for i, (stt, item, unit, label, value) in enumerate(rows):
        lab = label.upper() if upper else label
        sh.put(row, 0, stt, "cell_c")
        sh.put(row, 1, tx(spaced(lab, warts, r)), "bold" if item is None else "cell")
        if item is None:
            row += 1
            continue
        sh.put(row, 2, tx(unit), "cell_c")
        cell = tx(value) if isinstance(value, str) else spelled.get(i, value)
        num = 1.0 if value == "có" else 0.0 if value == "không" else value
        if item == q.get("bad_cell_item"):
            cell = q["bad_cell"]
        sh.put(row, 3, cell, "num")
        if item == q.get("bad_cell_item"):
            out.rejected.append((sh.name, row + 1, "unparseable_number"))
        elif item == q.get("conflict_item"):
            out.rejected.append((sh.name, row + 1, "conflicting_item"))
        else:
            out.values.append(
                (
                    sh.name,
                    row + 1,
                    "detail",
                    None,
                    spec["agency"],
                    spec["period"],
                    item,
                    float(num),
                    T.canon(unit) or None,
                )
            )
        first[item] = cell
        row += 1
        if item == q.get("conflict_item"):
            sh.put(row, 0, stt, "cell_c")
            sh.put(row, 1, tx(lab), "cell")
            sh.put(row, 2, tx(unit), "cell_c")
            sh.put(row, 3, int(num) + 3, "num")
            out.rejected.append((sh.name, row + 1, "conflicting_item"))
            row += 1
    if q.get("extra_item"):
        stt, label, unit, value = q["extra_item"]
        for c, v in enumerate((stt, tx(label), tx(unit), value)):
            sh.put(row, c, v, "num" if c == 3 else "cell")
        out.rejected.append((sh.name, row + 1, "unknown_item"))
        row += 1
    if q.get("pasted_twice"):
        row += 1
        for stt, item, unit, label, value in rows:
            sh.put(row, 0, stt, "cell_c")
            sh.put(row, 1, tx(label.upper() if upper else label), "bold" if item is None else "cell")
            if item is not None:
                sh.put(row, 2, tx(unit), "cell_c")
                sh.put(row, 3, first[item], "num")
                out.rejected.append((sh.name, row + 1, "duplicate_item"))
            row += 1
    return row


def quarterly_sheet(spec, r, out, allow_formula):
    tx = text_transform(spec["warts"])
    sh = Sheet(r.choice(["Sheet1", "Sheet1", "BC", "Báo cáo", f"Q{spec['period'][-1]}"]))
    title = "BÁO CÁO KẾT QUẢ THỰC HIỆN CHUYỂN ĐỔI SỐ"
    row = header_block(sh, spec, tx, r, title)
    row = table_header(sh, row, spec, tx)
    fig = spec["figures"]
    rows = [
        (stt, item, unit, label, fig[item] if item else None) for stt, item, unit, label in DX_ROWS[spec["template"]]
    ]
    row = item_table(sh, row, spec, tx, r, rows, out, allow_formula)
    footer(sh, row, spec, tx, r, "TRƯỞNG PHÒNG" if spec.get("office") else "CHỦ TỊCH")
    out.reports.append((sh.name, spec["agency"], spec["period"]))
    return [sh]


def survey_sheet(spec, r, out):
    tx = text_transform(spec["warts"])
    sh = Sheet(r.choice(["Sheet1", "XHS-KTS", "Biểu 01"]))
    year = spec["period"][:4]
    title = (
        "BÁO CÁO SỐ LIỆU XÃ HỘI SỐ, KINH TẾ SỐ"
        if spec["period_text"]
        else f"BÁO CÁO SỐ LIỆU XÃ HỘI SỐ, KINH TẾ SỐ NĂM {year}"
    )
    row = header_block(sh, spec, tx, r, title)
    row = table_header(sh, row, spec, tx)
    fig = spec["figures"]
    rows = []
    for i, (item, unit, label) in enumerate(SURVEY_ROWS, 1):
        v = fig[item]
        if item == "FIBER_REACHES":
            v = "có" if v else "không"
        rows.append((str(i), item, unit, label, v))
    row = item_table(sh, row, spec, tx, r, rows, out, True)
    footer(sh, row, spec, tx, r, "CHỦ TỊCH")
    out.reports.append((sh.name, spec["agency"], spec["period"]))
    return [sh]


def budget_sheets(spec, r, out):
    tx = text_transform(spec["warts"])
    sheets = []
    for bs in spec["sheets"]:
        sh = Sheet(bs["name"])
        period = str(bs["year"])
        row = header_block(
            sh, dict(spec, period_text=None), tx, r, f"DỰ TOÁN VÀ THỰC HIỆN CHI THƯỜNG XUYÊN NĂM {bs['year']}", width=6
        )
        sh.merge(row - 1, 3, 5, tx(f"Đơn vị tính: {bs['unit_word']}"), "italic_c")
        for c, h in enumerate(["STT", "Đơn vị", "Tổng chi thường xuyên", "", "Trong đó: chi chuyển đổi số", ""]):
            if h:
                sh.put(row, c, tx(h), "head")
        sh.merges += [(row, 2, row, 3), (row, 4, row, 5)]
        row += 1
        for c, h in enumerate(["Dự toán", "Thực hiện", "Dự toán", "Thực hiện"], 2):
            sh.put(row, c, tx(h), "head")
        row += 1
        cells = [
            ((i, j), v)
            for i, br in enumerate(bs["rows"])
            if br["role"] != "section_header"
            for j, v in enumerate(br["values"])
        ]
        spelled, applied = style_numbers(cells, spec["warts"], r, allow_formula=False)
        out.warts += applied
        first_detail = {}
        for i, br in enumerate(bs["rows"]):
            if br["role"] == "section_header":
                sh.put(row, 1, tx(br["label"]), "bold")
                row += 1
                first_detail[br["label"][: br["label"].index(".")]] = row
                continue
            sh.put(row, 0, br["stt"], "cell_c")
            sh.put(row, 1, tx(spaced(br["label"], spec["warts"], r)), "bold" if br["role"] != "detail" else "cell")
            for j, v in enumerate(br["values"]):
                cell = spelled[(i, j)]
                if br["role"] == "subtotal" and br.get("formula"):
                    a, b = _col(2 + j), first_detail[br["section"]] + 1
                    cell = Formula(f"=SUM({a}{b}:{a}{row})", v)
                sh.put(row, 2 + j, cell, "num")
                section = br["section"] if br["role"] in ("detail", "subtotal") else None
                agency = br.get("agency") if br["role"] == "detail" else None
                out.values.append(
                    (sh.name, row + 1, br["role"], section, agency, period, BUDGET_ITEMS[j], float(v), bs["unit_word"])
                )
            row += 1
        footer(sh, row, spec, tx, r, "TRƯỞNG PHÒNG" if spec.get("office") else "CHỦ TỊCH")
        out.reports.append((sh.name, spec["agency"], period))
        sheets.append(sh)
    if any(br.get("formula") for bs in spec["sheets"] for br in bs["rows"]):
        out.warts.append("formula_cached")
    return sheets


def unrelated_sheet(r):
    sh = Sheet("DS")
    sh.merge(0, 0, 3, "DANH SÁCH CÁN BỘ THAM GIA TẬP HUẤN KỸ NĂNG SỐ", "title")
    for c, h in enumerate(["TT", "Họ và tên", "Chức vụ", "Ký tên"]):
        sh.put(2, c, h, "head")
    for i, name in enumerate(["Nguyễn Văn An", "Trần Thị Bích", "Lê Minh Cường", "Phạm Thị Dung"], 1):
        sh.put(2 + i, 0, i)
        sh.put(2 + i, 1, name)
        sh.put(2 + i, 2, r.choice(["Công chức", "Chuyên viên", "Phó Chủ tịch"]))
    return [sh]


# ---- containers --------------------------------------------------------------------------


def xlsx_bytes(sheets, font=None):
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buf, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
    )
    wb.set_properties({"created": FIXED_TIME, "author": "", "company": ""})
    base = {"font_name": font or "Times New Roman", "font_size": 12}
    fmts = {
        "normal": wb.add_format(base),
        "cell": wb.add_format(dict(base, border=1, text_wrap=True)),
        "cell_c": wb.add_format(dict(base, border=1, align="center")),
        "num": wb.add_format(dict(base, border=1, align="right")),
        "bold": wb.add_format(dict(base, border=1, bold=True)),
        "bold_c": wb.add_format(dict(base, bold=True, align="center")),
        "head": wb.add_format(dict(base, bold=True, border=1, align="center", valign="vcenter", text_wrap=True)),
        "title": wb.add_format(dict(base, bold=True, font_size=14, align="center")),
        "italic_c": wb.add_format(dict(base, italic=True, align="center")),
    }
    for sh in sheets:
        ws = wb.add_worksheet(sh.name)
        ws.set_column(0, 0, 6)
        ws.set_column(1, 1, 55)
        ws.set_column(2, 5, 14)
        merged = set()
        for r1, c1, r2, c2 in sh.merges:
            v, st = sh.cells.get((r1, c1), ("", "normal"))
            if isinstance(v, Formula) or not isinstance(v, str):
                continue
            ws.merge_range(r1, c1, r2, c2, v, fmts[st])
            merged.add((r1, c1))
        for r, c in sorted(sh.cells):
            if (r, c) in merged:
                continue
            v, st = sh.cells[(r, c)]
            if isinstance(v, Formula):
                ws.write_formula(r, c, v.text, fmts[st], v.cached)
            elif isinstance(v, str):
                ws.write_string(r, c, v, fmts[st]) if v else ws.write_blank(r, c, None, fmts[st])
            else:
                ws.write_number(r, c, v, fmts[st])
    wb.close()
    return buf.getvalue()


def xls_bytes(sheets, font=None):
    wb = xlwt.Workbook(encoding="utf-8")
    font_name = font or "Times New Roman"
    styles = {}
    for key, spec in {
        "normal": "",
        "cell": "borders: left thin, right thin, top thin, bottom thin",
        "bold": "font: bold on; borders: left thin, right thin, top thin, bottom thin",
        "bold_c": "font: bold on; align: horiz center",
        "head": "font: bold on; align: horiz center",
        "title": "font: bold on, height 280; align: horiz center",
        "italic_c": "font: italic on; align: horiz center",
        "cell_c": "align: horiz center",
        "num": "align: horiz right",
    }.items():
        st = xlwt.easyxf(spec)
        st.font.name = font_name
        styles[key] = st
    for sh in sheets:
        ws = wb.add_sheet(sh.name)
        ws.col(1).width = 256 * 55
        merged = {}
        for r1, c1, r2, c2 in sh.merges:
            merged[(r1, c1)] = (r2, c2)
        for r, c in sorted(sh.cells):
            v, st = sh.cells[(r, c)]
            if isinstance(v, Formula):
                v = v.cached
            if (r, c) in merged:
                r2, c2 = merged[(r, c)]
                ws.write_merge(r, r2, c, c2, v, styles[st])
            else:
                ws.write(r, c, v, styles[st])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def dvc_csv(spec, out):
    q = spec["quirks"]
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=spec["sep"], lineterminator="\r\n")
    w.writerow(DVC_HEADER)
    line = 1
    rows = list(spec["rows"]) + q.get("extra_rows", [])
    for row in rows:
        line += 1
        vals = [
            row["figures"][k]
            for k in (
                "TTHC_TOTAL",
                "TTHC_ELIGIBLE",
                "TTHC_ONLINE_FULL",
                "DOSSIERS_TOTAL",
                "DOSSIERS_ONLINE",
                "DVC_USERS",
                "DVC_USERS_EID",
            )
        ]
        fields = [row["code"], row["name"], spec["period_text"]] + [str(v) for v in vals]
        if row.get("malformed"):
            fields = fields[:-1]
        w.writerow(fields)
        if row.get("reject"):
            out.rejected.append((None, line, row["reject"]))
        elif row.get("malformed"):
            out.rejected.append((None, line, "malformed_row"))
        else:
            for item, v in zip(
                (
                    "TTHC_TOTAL",
                    "TTHC_ELIGIBLE",
                    "TTHC_ONLINE_FULL",
                    "DOSSIERS_TOTAL",
                    "DOSSIERS_ONLINE",
                    "DVC_USERS",
                    "DVC_USERS_EID",
                ),
                vals,
            ):
                out.values.append((None, line, "detail", None, row["agency"], spec["period"], item, float(v), None))
    out.reports.append((None, "PORTAL", spec["period"]))
    data = buf.getvalue()
    if spec["encoding"] == "cp1258":
        return T.cp1258_bytes(data)
    return b"\xef\xbb\xbf" + data.encode("utf-8")


PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def encrypt(data, seed):
    """Password-protects an xlsx; the cipher's salts and the container's timestamps are pinned so bytes repeat."""
    from msoffcrypto.format.ooxml import OOXMLFile
    from msoffcrypto.method import ecma376_agile
    from msoffcrypto.method.container import ecma376_encrypted

    class PinnedClock(datetime):
        @classmethod
        def now(cls, tz=None):
            return FIXED_TIME

    rnd = random.Random(f"{seed}:encrypt")
    saved = ecma376_agile._random_buffer, ecma376_encrypted.datetime
    ecma376_agile._random_buffer = lambda n: bytes(rnd.getrandbits(8) for _ in range(n))
    ecma376_encrypted.datetime = PinnedClock
    try:
        outbuf = io.BytesIO()
        OOXMLFile(io.BytesIO(data)).encrypt("123456", outbuf)
    finally:
        ecma376_agile._random_buffer, ecma376_encrypted.datetime = saved
    return outbuf.getvalue()


def render_bytes(spec, seed):
    r = random.Random(f"{seed}:render:{spec['id']}")
    out = Out()
    special = spec.get("special")
    font = ".VnTime" if "tcvn3_font" in spec["warts"] else None
    if special == "empty":
        data = xlsx_bytes([Sheet("Sheet1")])
    elif special == "pdf":
        data = PDF
    elif special == "unrelated":
        data = xlsx_bytes(unrelated_sheet(r))
    elif spec["kind"] == "dvc_monthly":
        data = dvc_csv(spec, out)
    elif spec["kind"] == "budget":
        data = xlsx_bytes(budget_sheets(spec, r, out))
    elif spec["kind"] == "society_survey":
        data = xlsx_bytes(survey_sheet(spec, r, out), font)
    elif spec["fmt"] == "xls":
        data = xls_bytes(quarterly_sheet(spec, r, out, False), font)
    else:
        data = xlsx_bytes(quarterly_sheet(spec, r, out, True), font)
    if special == "encrypted":
        data = encrypt(data, seed)
    elif special == "corrupt":
        data = data[: len(data) // 2]
    return data, out


def render_to_disk(args):
    """Worker entry: writes a spec's file (and its duplicate copies); returns manifest material."""
    spec, seed, out_dir = args
    data, out = render_bytes(spec, seed)
    digest = hashlib.sha256(data).hexdigest()
    paths = []
    for when, name in [(spec["date"], spec["file_name"])] + list(spec["copies"]):
        rel = f"{when.isoformat()}/{name}"
        os.makedirs(os.path.join(out_dir, when.isoformat()), exist_ok=True)
        with open(os.path.join(out_dir, rel), "wb") as f:
            f.write(data)
        paths.append(rel)
    keep = [w for w in spec["warts"] if w not in T.NUMBER_STYLES and w != "formula_cached"]
    warts = sorted(set(keep + out.warts))
    return spec["id"], paths, digest, warts, out.values, out.rejected, out.reports
