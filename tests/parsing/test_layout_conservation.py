"""Nothing is lost, whatever the layout: a property test over the layouts offices make.

Each example starts from a correct report of one kind (quarterly, survey, budget) with random
figures, and lays it out the way offices do: STT styles (Arabic, `1.`, Roman, letters, `-`,
empty), section blocks added, removed or renumbered, columns reordered or added, merged cells,
blank and note rows, column numbering, footers, other sheets before and after (instructions, a
list of names, an empty sheet, a hidden copy, a chart), formulas with and without a cached
value, numbers as text in every spelling the contract lists. The workbook is written in memory
with xlsxwriter; the layouts are this file's own, not the sample world's.

Asserted, for every example:
- every figure written is accounted for exactly once: it is a loaded value with its truth, or it
  lies in a reject with the reason the layout calls for (Σ written = Σ loaded + Σ rejected);
- nothing else is loaded or rejected, and the file is `loaded` exactly when no reject is due;
- the parser's own tally of the report sheet adds up and counts the loaded cells;
- the facts computed from what loaded equal the facts of the truth (items; for the budget the
  regular and digital-transformation spending and their share, the unallocated line included)
  whenever every figure of the truth was laid out readably.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from dataclasses import dataclass, field

import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dagster_project.ingest.parsing import parse_file, quarterly, survey

from .fixtures import MOTTO, MOTTO2, QUARTERLY_ITEMS, SURVEY_ITEMS

EXAMPLES = 200  # per kind: 600 layouts a run
SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


# -- how a figure is written -------------------------------------------------------------------

ZERO_WORDS = ("-", "x", "không")


def _group(whole: int, sep: str) -> str:
    return f"{whole:,}".replace(",", sep)


def spellings(value: float, numbered: bool) -> list:
    """Every way the contract lets a clerk write `value` so that it reads back as `value`."""
    out: list = [value]
    whole, frac = int(value), round(value - int(value), 6)
    tenth = str(frac)[2:] if frac else ""
    if value == 0:
        out += list(ZERO_WORDS) + ["0"] + ([""] if numbered else [])
        return out
    if not frac:
        out += [str(whole), f" {whole}  ", f"\u00a0{whole}\u00a0"]
        if whole >= 1000:
            out += [_group(whole, "."), _group(whole, ","), f"\u00a0{_group(whole, '.')}\u00a0"]
    elif len(tenth) != 3:
        out += [f"{whole},{tenth}"]
        if whole >= 1000:
            out += [f"{_group(whole, '.')},{tenth}", f"{_group(whole, ',')}.{tenth}"]
    return out


@dataclass(frozen=True)
class Formula:
    text: str
    cached: float | None  # None: never calculated


@dataclass
class SheetPlan:
    name: str
    cells: dict = field(default_factory=dict)  # (row, col) -> number, text or Formula
    merges: list = field(default_factory=list)  # (r1, c1, r2, c2)
    hidden: bool = False
    chart: bool = False


@dataclass
class Layout:
    """A workbook to write, the figures it holds and what must become of each."""

    sheets: list[SheetPlan]
    report_sheet: str
    # (row, col) -> (key, value) of each figure cell that must load
    figures: dict = field(default_factory=dict)
    # key -> value of every figure of the unmutated report (an empty cell of an item row is a 0)
    truth: dict = field(default_factory=dict)
    # keys of the truth the layout makes unreadable: they must end in a reject, not load
    lost: set = field(default_factory=set)
    # (row, reason) -> number of rejects the layout calls for
    rejects: Counter = field(default_factory=Counter)

    def sheet(self) -> SheetPlan:
        return next(s for s in self.sheets if s.name == self.report_sheet)

    def expected_values(self) -> dict:
        return {k: v for k, v in self.truth.items() if k not in self.lost}


def put_figure(draw, layout: Layout, r: int, c: int, key, value: float, numbered: bool) -> bool:
    """Write one truth figure at (r, c) in a drawn spelling; False for a formula without its result."""
    sheet = layout.sheet()
    how = draw(st.sampled_from(("plain", "plain", "spelled", "formula", "uncalculated")))
    layout.truth[key] = value
    if how in ("formula", "uncalculated") and value == int(value) and value >= 2:
        sheet.cells[(r, c)] = Formula(f"={int(value) - 1}+1", value if how == "formula" else None)
        if how == "uncalculated":
            return False
    else:
        cell = draw(st.sampled_from(spellings(value, numbered))) if how == "spelled" else value
        if cell == "":
            return True  # a truly empty cell: no figure written, read as 0
        sheet.cells[(r, c)] = cell
    layout.figures[(r, c)] = (key, value)
    return True


def stray_figure(layout: Layout, r: int) -> None:
    """A number outside the columns read is its own reject, unless its row is rejected whole."""
    if not layout.rejects[(r, "formula_without_value")]:
        layout.rejects[(r, "unaccounted_cell")] += 1


def reject_row(layout: Layout, r: int, reason: str, keys: list) -> None:
    """The whole row is one reject: its figures go with it."""
    layout.rejects[(r, reason)] += 1
    layout.lost.update(keys)
    for cell in [cell for cell, (key, _) in layout.figures.items() if cell[0] == r]:
        del layout.figures[cell]


# -- sheets around the report --------------------------------------------------------------------


def other_sheets(draw, report_plan: SheetPlan) -> tuple[list[SheetPlan], list[SheetPlan]]:
    choices = draw(st.lists(st.sampled_from(("instructions", "names", "empty", "hidden", "chart")), max_size=3))
    before, after = [], []
    for i, what in enumerate(choices):
        plan = SheetPlan(f"{what[:4]}{i}")
        if what == "instructions":
            plan.name = f"Hướng dẫn {i}"
            for r, text in enumerate(
                ("HƯỚNG DẪN ĐIỀN BIỂU", "1. Điền số liệu vào cột số liệu; không sửa cột STT.", "2. Gửi trước ngày 05.")
            ):
                plan.cells[(r, 0)] = text
        elif what == "names":
            plan.cells[(0, 0)] = "DANH SÁCH CÁN BỘ THAM GIA TẬP HUẤN KỸ NĂNG SỐ"
            for c, h in enumerate(("TT", "Họ và tên", "Chức vụ", "Năm sinh")):
                plan.cells[(2, c)] = h
            for n, name in enumerate(("Nguyễn Văn An", "Trần Thị Bích", "Lê Minh Cường"), 1):
                plan.cells[(2 + n, 0)], plan.cells[(2 + n, 1)] = n, name
                plan.cells[(2 + n, 2)], plan.cells[(2 + n, 3)] = "Chuyên viên", 1980 + n
        elif what == "hidden":
            # last period's copy, hidden: never read, whatever it holds
            plan.cells = {k: (v * 2 if isinstance(v, (int, float)) else v) for k, v in report_plan.cells.items()}
            plan.cells = {k: v for k, v in plan.cells.items() if not isinstance(v, Formula)}
            plan.hidden = True
        elif what == "chart":
            plan.chart = True
        (before if draw(st.booleans()) else after).append(plan)
    return before, after


def write_xlsx(layout: Layout) -> bytes:
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False})
    report_ws = None
    for plan in layout.sheets:
        if plan.chart:
            chart = wb.add_chart({"type": "column"})
            chart.add_series({"values": f"='{layout.report_sheet}'!$A$1:$A$3"})
            wb.add_chartsheet(plan.name).set_chart(chart)
            continue
        ws = wb.add_worksheet(plan.name)
        if plan.name == layout.report_sheet:
            report_ws = ws
        merged = set()
        for r1, c1, r2, c2 in plan.merges:
            ws.merge_range(r1, c1, r2, c2, plan.cells.get((r1, c1), ""))
            merged.add((r1, c1))
        for (r, c), v in sorted(plan.cells.items()):
            if (r, c) in merged:
                continue
            if isinstance(v, Formula):
                ws.write_formula(r, c, v.text, None, "" if v.cached is None else v.cached)
            elif isinstance(v, str):
                ws.write_string(r, c, v)
            else:
                ws.write_number(r, c, v)
        if plan.hidden:
            ws.hide()
    report_ws.activate()
    wb.close()
    return out.getvalue()


# -- the report table of the quarterly report and the survey ------------------------------------

NOTE_ROWS = ("Ghi chú: số liệu tính đến ngày cuối quý.", "(Số liệu do bộ phận một cửa tổng hợp)")
FOOTER = ("Đức Phổ, ngày 05 tháng 10 năm 2024", "Người lập biểu", "CHỦ TỊCH", "Nguyễn Văn A")


@st.composite
def item_table_layout(draw, kind: str) -> tuple[Layout, dict]:
    """A quarterly report or a survey: header block, a table of items, footer, other sheets."""
    plan = SheetPlan(draw(st.sampled_from(("Sheet1", "Báo cáo", "BC", "Q3"))))
    layout = Layout([plan], plan.name)
    cells = plan.cells
    cells[(0, 0)] = "UBND PHƯỜNG PHỔ NINH" if kind == "dx_quarterly" else "UBND XÃ PHỔ AN"
    cells[(0, 3)], cells[(1, 3)] = MOTTO, MOTTO2
    if kind == "dx_quarterly":
        cells[(3, 0)] = "BÁO CÁO KẾT QUẢ THỰC HIỆN CHUYỂN ĐỔI SỐ"
        cells[(4, 0)] = draw(st.sampled_from(("Quý III năm 2024", "Quý 3/2024", "QUÝ III - 2024", "Q3-2024")))
    else:
        cells[(3, 0)] = "BÁO CÁO SỐ LIỆU XÃ HỘI SỐ, KINH TẾ SỐ NĂM 2024"
    if draw(st.booleans()):
        plan.merges.append((3, 0, 3, 4))
    # columns: STT first, then label, unit, value, note in an office's order, maybe an extra one
    roles = ["label", "unit", "value"] + (["note"] if draw(st.booleans()) else [])
    roles = draw(st.permutations(roles))
    extra = draw(st.sampled_from((None, "text", "numbers")))
    if extra:
        roles.insert(draw(st.integers(0, len(roles))), "extra")
    lead = draw(st.integers(0, 1))  # the table may start in column B
    col = {"stt": lead} | {role: lead + 1 + i for i, role in enumerate(roles)}
    value_word = draw(st.sampled_from(("Kết quả", "Số lượng", "Số liệu", "Kết quả thực hiện")))
    heads = {
        "stt": "STT",
        "label": draw(st.sampled_from(("Nội dung", "Chỉ tiêu", "Tên chỉ tiêu"))),
        "unit": draw(st.sampled_from(("Đơn vị tính", "ĐVT"))),
        "value": value_word,
        "note": "Ghi chú",
        "extra": "Kế hoạch năm" if extra == "numbers" else "Cơ quan thực hiện",
    }
    r = 6 + draw(st.integers(0, 2))
    for role, c in col.items():
        cells[(r, c)] = heads[role]
    r += 1
    numbering = draw(st.sampled_from((None, "(1)", "1")))
    if numbering:  # column numbering under the header, as text or as numbers
        for i, c in enumerate(sorted(col.values())):
            cells[(r, c)] = f"({i + 1})" if numbering == "(1)" else float(i + 1)
        r += 1

    if kind == "dx_quarterly":
        rows = QUARTERLY_ITEMS
        section_style = draw(st.sampled_from(("arabic", "roman", "letters", "empty", "removed")))
        item_dot = draw(st.booleans())
    else:
        rows = [(stt, label, unit, value) for stt, label, unit, value in SURVEY_ITEMS]
        stt_style = draw(st.sampled_from(("arabic", "dotted", "letters", "dash", "empty")))
        if draw(st.booleans()):  # sections the template does not have
            rows = (
                rows[:6]
                + [("", "HẠ TẦNG SỐ, NHÂN LỰC SỐ", "", "")]
                + rows[6:12]
                + [("", "KINH TẾ SỐ", "", "")]
                + rows[12:]
            )
    n = 0
    for stt, label, unit, value in rows:
        is_section = value == "" or (kind == "society_survey" and stt == "")
        if draw(st.integers(0, 9)) == 0:
            r += 1  # a blank row
        if draw(st.integers(0, 14)) == 0:
            cells[(r, col["label"])] = draw(st.sampled_from(NOTE_ROWS))
            r += 1
        if is_section:
            if kind == "dx_quarterly":
                if section_style == "removed":
                    continue
                num = {"arabic": stt, "roman": "I" * int(stt), "letters": "ABC"[int(stt) - 1], "empty": ""}
                written_stt = num[section_style]
            else:
                written_stt = draw(st.sampled_from(("I", "A", "")))
            if written_stt:
                cells[(r, col["stt"])] = written_stt
            cells[(r, col["label"])] = label
            if draw(st.booleans()):
                plan.merges.append((r, col["label"], r, col["label"] + 1))
                cells.pop((r, col["label"] + 1), None)
            r += 1
            continue
        n += 1
        if kind == "dx_quarterly":
            code = quarterly.ITEMS[stt].code
            written_stt = stt + "." if item_dot else stt
            numbered = True
        else:
            code = survey.item_of_label(label).code
            written_stt = {"arabic": stt, "dotted": f"{stt}.", "letters": "abcdefghijklmn"[n - 1], "dash": "-"}.get(
                stt_style, ""
            )
            numbered = stt_style in ("arabic", "dotted")
        if written_stt:
            cells[(r, col["stt"])] = written_stt
        cells[(r, col["label"])] = label
        if unit:
            cells[(r, col["unit"])] = unit
        if code == "FIBER_REACHES":
            truth = draw(st.sampled_from((0.0, 1.0)))
            cells[(r, col["value"])] = "có" if truth else draw(st.sampled_from(("không", 0.0)))
            layout.figures[(r, col["value"])] = (code, truth)
            layout.truth[code] = truth
        else:
            if code == "DX_SPEND":
                truth = draw(st.integers(0, 4000)) / 2
            else:
                truth = float(draw(st.integers(0, 30000)))
            if not put_figure(draw, layout, r, col["value"], code, truth, numbered):
                reject_row(layout, r, "formula_without_value", [code])
        if "note" in col and draw(st.integers(0, 5)) == 0:
            if draw(st.booleans()):
                cells[(r, col["note"])] = "ước tính"
            else:  # a figure in the note column is no figure of the report: its own reject
                cells[(r, col["note"])] = float(draw(st.integers(1, 99)))
                stray_figure(layout, r)
        if extra == "text":
            cells[(r, col["extra"])] = draw(st.sampled_from(("Văn phòng", "Bộ phận một cửa")))
        elif extra == "numbers":
            cells[(r, col["extra"])] = float(draw(st.integers(0, 500)))
            stray_figure(layout, r)
        r += 1
    r += 1 + draw(st.integers(0, 1))
    date_col = col["value"]
    cells[(r, date_col)] = FOOTER[0]
    cells[(r + 1, col["label"])], cells[(r + 1, date_col)] = FOOTER[1], FOOTER[2]
    cells[(r + 5, date_col)] = FOOTER[3]
    before, after = other_sheets(draw, plan)
    layout.sheets = before + [plan] + after
    return layout, {"arrival": dt.date(2024, 10, 5) if kind == "dx_quarterly" else dt.date(2025, 1, 20)}


# -- the budget workbook -------------------------------------------------------------------------

OFFICES = (
    ("Phòng Văn hóa và Thông tin", "TX_VHTT"),
    ("Văn phòng HĐND và UBND thị xã", "TX_VP"),
    ("Phòng Nội vụ", "TX_NV"),
    ("Phòng Kinh tế", "TX_KT"),
    ("Phòng Y tế", "TX_YT"),
)
COMMUNES = (
    ("Phường Phổ Ninh", "PHUONG_PHO_NINH"),
    ("UBND xã Phổ An", "XA_PHO_AN"),
    ("Phường Nguyễn Nghiêm", "PHUONG_NGUYEN_NGHIEM"),
    ("Xã Phổ Phong", "XA_PHO_PHONG"),
)
BUDGET_ITEMS = ("REG_EST", "REG_ACT", "DX_EST", "DX_ACT")


@st.composite
def budget_layout(draw) -> tuple[Layout, dict]:
    """The town budget: blocks of units with their subtotals, the unallocated line, the total."""
    plan = SheetPlan(draw(st.sampled_from(("Năm 2024", "2024", "NĂM 2024"))))
    layout = Layout([plan], plan.name)
    cells = plan.cells
    cells[(0, 0)], cells[(1, 0)] = "UBND THỊ XÃ ĐỨC PHỔ", "PHÒNG TÀI CHÍNH - KẾ HOẠCH"
    cells[(0, 3)], cells[(1, 3)] = MOTTO, MOTTO2
    cells[(3, 0)] = "DỰ TOÁN VÀ THỰC HIỆN CHI THƯỜNG XUYÊN NĂM 2024"
    cells[(4, 4)] = "Đơn vị tính: triệu đồng"
    lead = draw(st.integers(0, 1))
    stt_c, name_c = lead, lead + 1
    vcols = [name_c + 1 + j for j in range(4)]
    note_c = name_c + 5 if draw(st.booleans()) else None
    r = 6
    cells[(r, stt_c)], cells[(r, name_c)] = "STT", draw(st.sampled_from(("Tên đơn vị", "Đơn vị", "Nội dung")))
    cells[(r, vcols[0])], cells[(r, vcols[2])] = "Tổng chi thường xuyên", "Trong đó: chi chuyển đổi số"
    if note_c is not None:
        cells[(r, note_c)] = "Ghi chú"
    for j, h in enumerate(("Dự toán", "Thực hiện", "Dự toán", "Thực hiện")):
        cells[(r + 1, vcols[j])] = h
    r += 2
    if draw(st.booleans()):
        cells[(r, stt_c)], cells[(r, name_c)] = "A", "B"
        for j, c in enumerate(vcols):
            cells[(r, c)] = j + 1
        r += 1

    numbering = draw(st.sampled_from(("roman", "letters")))
    header_style = draw(st.sampled_from(("stt", "label", "both")))
    detail_stt = draw(st.sampled_from(("arabic", "dotted", "letters", "dash", "empty")))
    blocks = [("KHỐI THỊ XÃ", draw(st.lists(st.sampled_from(OFFICES), min_size=1, max_size=4, unique=True)))]
    if draw(st.integers(0, 4)):  # the communes' block may be missing
        blocks.append(
            ("KHỐI XÃ, PHƯỜNG", draw(st.lists(st.sampled_from(COMMUNES), min_size=1, max_size=4, unique=True)))
        )
    unallocated_as = draw(st.sampled_from(("block", "line", "numbered", "none")))
    total_first = draw(st.integers(0, 4)) == 0
    with_subtotals = draw(st.integers(0, 5)) > 0

    def money() -> list[float]:
        return [float(draw(st.integers(0, 9000))), float(draw(st.integers(0, 9000))), draw(st.integers(0, 200)) / 2]

    def figures_row(r: int, key_of: tuple, values: list[float]) -> None:
        keys = [(*key_of, item) for item in BUDGET_ITEMS]
        readable = [put_figure(draw, layout, r, c, key, v, True) for c, key, v in zip(vcols, keys, values, strict=True)]
        if not all(readable):
            reject_row(layout, r, "formula_without_value", keys)
        if note_c is not None and draw(st.integers(0, 6)) == 0:
            if draw(st.booleans()):
                cells[(r, note_c)] = "ước thực hiện"
            else:
                cells[(r, note_c)] = float(draw(st.integers(1, 99)))
                stray_figure(layout, r)

    rows: list[tuple] = []  # (role, section, stt, label, agency, values) in sheet order
    total = [0.0] * 4
    for b, (title, units) in enumerate(blocks):
        num = ("I", "II", "III")[b] if numbering == "roman" else "ABC"[b]
        rows.append(("section", num, num if header_style != "label" else "", title, None, None))
        sub = [0.0] * 4
        for i, (name, code) in enumerate(units, 1):
            est, act, dx = money()
            est += 1  # every unit has a regular estimate: a unit row of zeros only is no real layout
            vals = [est, act, dx, min(dx, draw(st.integers(0, 200)) / 2)]
            stt = {"arabic": str(i), "dotted": f"{i}.", "letters": "abcd"[i - 1], "dash": "-", "empty": ""}[detail_stt]
            rows.append(("detail", num, stt, name, code, vals))
            sub = [a + v for a, v in zip(sub, vals, strict=True)]
        if with_subtotals:
            rows.append(("subtotal", num, "", f"Cộng {num}", None, sub))
        total = [a + v for a, v in zip(total, sub, strict=True)]
    if unallocated_as != "none":
        un = [float(draw(st.integers(1, 9000))), float(draw(st.integers(0, 9000))), 0.0, 0.0]
        b = len(blocks)
        num = ("I", "II", "III")[b] if numbering == "roman" else "ABC"[b]
        stt = {"block": num, "line": "", "numbered": str(b + 1)}[unallocated_as]
        # numbered as a block it is a block of its own; else it belongs to a block left open
        section = num if unallocated_as == "block" else None if with_subtotals else rows[-1][1]
        rows.append(("unallocated", section, stt, "Chi thường xuyên khác chưa phân bổ", None, un))
        total = [a + v for a, v in zip(total, un, strict=True)]
    total_row = ("total", None, "", "TỔNG CỘNG", None, total)
    rows = [total_row, *rows] if total_first else [*rows, total_row]

    for role, section, stt, label, code, vals in rows:
        if draw(st.integers(0, 12)) == 0:
            r += 1  # a blank row
        if stt:
            cells[(r, stt_c)] = stt
        if role == "section":
            cells[(r, name_c)] = f"{section}. {label}" if header_style != "stt" else label
            if draw(st.booleans()):
                plan.merges.append((r, name_c, r, vcols[-1]))
            r += 1
            continue
        cells[(r, name_c)] = label
        key_section = section if role != "total" else None
        figures_row(r, (role, key_section, code), vals)
        r += 1
    r += 1
    cells[(r, vcols[2])] = "Đức Phổ, ngày 15 tháng 01 năm 2025"
    cells[(r + 1, name_c)], cells[(r + 1, vcols[2])] = "Người lập biểu", "TRƯỞNG PHÒNG"
    cells[(r + 5, vcols[2])] = "Nguyễn Thị B"
    before, after = other_sheets(draw, plan)
    layout.sheets = before + [plan] + after
    return layout, {"arrival": dt.date(2025, 1, 15)}


# -- the assertions ------------------------------------------------------------------------------


def read(layout: Layout, arrival: dt.date, registry):
    data = write_xlsx(layout)
    return parse_file("layout.xlsx", data, registry, arrival)


def key_of(kind: str, v):
    if kind == "budget":
        return (v.row_role, v.section, v.agency_code, v.item_code)
    return v.item_code


def assert_conserved(kind: str, layout: Layout, pf) -> None:
    assert pf.quarantine is None, pf.quarantine
    sheet = layout.report_sheet
    assert {v.sheet for v in pf.values} <= {sheet} and all(r.sheet == sheet for r in pf.rejects)
    # each figure cell written is loaded once, at its row, with its truth ...
    loaded = Counter((v.row - 1, key_of(kind, v)) for v in pf.values if v.value_text != "")
    written = Counter((r, key) for (r, _c), (key, _value) in layout.figures.items())
    assert loaded == written, (loaded - written, written - loaded)
    by_key = {key_of(kind, v): v.value for v in pf.values}
    assert len(by_key) == len(pf.values), "a figure loaded twice"
    assert by_key == layout.expected_values()
    # ... or lies in the reject its layout calls for, and nothing else is rejected
    got = Counter((r.row - 1, r.reason_code) for r in pf.rejects)
    assert got == layout.rejects, (got - layout.rejects, layout.rejects - got)
    assert not (layout.lost & set(by_key)), "a rejected figure loaded"
    # Σ written = Σ loaded + Σ rejected, in the parser's own tally of the report sheet
    info = next(s for s in pf.sheets if s.name == sheet)
    assert info.role == "report"
    assert info.value_cells == sum(loaded.values())
    assert info.cells == info.value_cells + info.part_cells + info.rejected_cells
    assert all(s.role != "report" for s in pf.sheets if s.name != sheet)
    assert {s.name for s in pf.sheets} == {s.name for s in layout.sheets}


def budget_facts(values: dict) -> tuple:
    """(regular spending, DX spending) per basis: detail rows plus the unallocated line for regular
    spending, detail rows only for DX — the rule of `int_budget_spending`."""
    reg = {"EST": 0.0, "ACT": 0.0}
    dx = {"EST": 0.0, "ACT": 0.0}
    for (role, _section, _agency, item), v in values.items():
        measure, basis = item.split("_")
        if measure == "REG" and role in ("detail", "unallocated"):
            reg[basis] += v
        if measure == "DX" and role == "detail":
            dx[basis] += v
    share = {b: (100 * dx[b] / reg[b] if reg[b] else None) for b in reg}
    return {b: round(reg[b], 6) for b in reg}, {b: round(dx[b], 6) for b in dx}, share


@SETTINGS
@given(item_table_layout("dx_quarterly"))
def test_quarterly_layouts_lose_no_figure(registry, drawn):
    layout, ctx = drawn
    pf = read(layout, ctx["arrival"], registry)
    assert pf.kind == "dx_quarterly"
    assert_conserved("dx_quarterly", layout, pf)
    assert [(r.agency_code, r.period_code) for r in pf.reports] == [("PHUONG_PHO_NINH", "2024-Q3")]
    if not layout.lost:
        assert {v.item_code: v.value for v in pf.values} == layout.truth


@SETTINGS
@given(item_table_layout("society_survey"))
def test_survey_layouts_lose_no_figure(registry, drawn):
    layout, ctx = drawn
    pf = read(layout, ctx["arrival"], registry)
    assert pf.kind == "society_survey"
    assert_conserved("society_survey", layout, pf)
    assert [(r.agency_code, r.period_code) for r in pf.reports] == [("XA_PHO_AN", "2024")]
    if not layout.lost:
        assert {v.item_code: v.value for v in pf.values} == layout.truth


@SETTINGS
@given(budget_layout())
def test_budget_layouts_lose_no_figure_and_keep_the_share(registry, drawn):
    layout, ctx = drawn
    pf = read(layout, ctx["arrival"], registry)
    assert pf.kind == "budget"
    assert_conserved("budget", layout, pf)
    assert [(r.agency_code, r.period_code) for r in pf.reports] == [("TX_TCKH", "2024")]
    if not layout.lost:
        # every figure of the truth was readable: the facts are the truth's, unallocated line included
        loaded = {key_of("budget", v): v.value for v in pf.values}
        assert budget_facts(loaded) == budget_facts(layout.truth)
