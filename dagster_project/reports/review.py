"""The yearly review draft (báo cáo sơ kết): an editable .docx in the layout of a Vietnamese
administrative report, with the year's figures in tables and marked places for the office's prose.

Figures come from the published warehouse only: indicator values against the year's, the 2025 and the 2030
targets (`fct_indicator_values`, `dim_indicator_target`), the budget share against its floor
(`fct_budget_share`), the submissions record (`fct_submissions`) and the withheld figures
(`dq_flagged_values`). Page and type follow Decree 30/2020/NĐ-CP: A4, Times New Roman 13, margins
top/bottom 20 mm, left 30 mm, right 15 mm.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from dagster_project.reports import vn_format as vf
from dagster_project.reports.feedback import KINDS
from dagster_project.reports.letterhead import MOTTO, NATIONAL_NAME, TOWN_ISSUER, letterhead
from dagster_project.warehouse.connection import Connection, reading_published

FONT = "Times New Roman"
BODY_PT = 13
TABLE_PT = 11
PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGINS_MM["left"] - MARGINS_MM["right"]
PLACEHOLDER = "[Phần nhận xét, đánh giá do cơ quan soạn thảo: {what}]"
# dq_flagged_values.value is a share in percent for these rules, a figure as written for the others
SHARE_RULES = {"numerator_above_denominator", "peer_outlier", "budget_share_ceiling", "percent_as_count"}


class UnknownAgency(ValueError):
    pass


@dataclass(frozen=True)
class Unit:
    agency_code: str
    name_vi: str
    agency_type: str
    level: str
    indicator_level: str | None
    valid_from: dt.date | None
    valid_to: dt.date | None


@dataclass(frozen=True)
class ReviewData:
    year: int
    published_at: str
    area: Unit
    units: list[Unit]  # the area first when it is reviewed, then each unit that existed in the year
    indicators: pd.DataFrame  # agency × applicable indicator: the year's value, its target, 2025 and 2030 targets
    budget: pd.DataFrame  # fct_budget_share of the fiscal year, every scope
    submissions: pd.DataFrame  # fct_submissions for periods inside the year
    withheld: pd.DataFrame  # dq_flagged_values withheld, periods inside the year


def _unit(row) -> Unit:
    def day(v):
        return None if v is None or pd.isna(v) else pd.Timestamp(v).date()

    return Unit(
        row.agency_code,
        row.name_vi,
        row.agency_type,
        row.level,
        None if pd.isna(row.indicator_level) else row.indicator_level,
        day(row.valid_from),
        day(row.valid_to),
    )


def load_review(source: Connection | Path | None, year: int, agency: str | None = None) -> ReviewData:
    """The year's figures of the area and its units (or `agency`'s), from the published warehouse (a connection
    to it, the DuckDB file `source`, or the configured one)."""
    with reading_published(source) as con:
        bounds = con.execute(
            "select period_start, period_end from dim_period where period_code = ?", [str(year)]
        ).fetchone()
        if bounds is None:
            raise ValueError(f"no year {year} in dim_period: the plan's calendar runs 2024–2030")
        published_at = con.execute("select cast(max(published_at) as varchar) from publish_log").fetchone()[0]
        agencies = con.execute(
            "select agency_code, name_vi, agency_type, level, indicator_level, valid_from, valid_to "
            "from dim_agency order by agency_type = 'area' desc, agency_type = 'town_office' desc, agency_code"
        ).df()
        areas = agencies[agencies["agency_type"] == "area"]
        if len(areas) != 1:
            raise ValueError(f"the registry must hold exactly one agency of type 'area', found {len(areas)}")
        if agency is not None and agency not in set(agencies["agency_code"]):
            raise UnknownAgency(f"unknown agency {agency!r}: see `select agency_code, name_vi from dim_agency`")
        start, end = (pd.Timestamp(b) for b in bounds)
        existed = agencies[
            (agencies["agency_type"] != "system")
            & (agencies["valid_from"] <= end)
            & (agencies["valid_to"].isna() | (agencies["valid_to"] >= start))
        ]
        chosen = existed if agency is None else agencies[agencies["agency_code"] == agency]
        codes = list(chosen["agency_code"])
        # the chosen units as one placeholder each: `in (…)` reads the same on DuckDB and Postgres
        unit_placeholders = ", ".join("?" for _ in codes) or "null"
        indicators = con.execute(
            f"""
            with chosen as (
                select agency_code, indicator_level from dim_agency where agency_code in ({unit_placeholders})
            ),
            applicable as (
                select c.agency_code, c.indicator_level, i.indicator_code, i.pillar, i.name_vi
                from chosen as c
                inner join dim_indicator as i
                    on ('|' || i.applies_to || '|') like ('%|' || c.indicator_level || '|%')
            )
            select a.agency_code, a.indicator_code, a.pillar, a.name_vi, v.value_pct, v.period_complete,
                   v.n_withheld, y.target_pct, y.comparator, t25.target_pct as target_2025_pct,
                   t25.comparator as comparator_2025, t30.target_pct as target_2030_pct,
                   t30.comparator as comparator_2030, v.meets_target
            from applicable as a
            left join fct_indicator_values as v
                on v.agency_code = a.agency_code and v.indicator_code = a.indicator_code and v.period_code = ?
            left join dim_indicator_target as y
                on y.indicator_code = a.indicator_code and y.indicator_level = a.indicator_level and y.year = ?
            left join dim_indicator_target as t25
                on t25.indicator_code = a.indicator_code and t25.indicator_level = a.indicator_level
                and t25.year = 2025
            left join dim_indicator_target as t30
                on t30.indicator_code = a.indicator_code and t30.indicator_level = a.indicator_level
                and t30.year = 2030
            order by a.agency_code, a.pillar, a.indicator_code
            """,
            [*codes, str(year), year],
        ).df()
        budget = con.execute(
            "select * from fct_budget_share where fiscal_year = ? order by scope_code, basis desc", [year]
        ).df()
        submissions = con.execute(
            """
            select s.* from fct_submissions as s
            inner join dim_period as p on p.period_code = s.period_code
            where p.period_start >= ? and p.period_end <= ?
            order by s.agency_code, s.report_kind, s.period_end
            """,
            list(bounds),
        ).df()
        withheld = con.execute(
            """
            select f.agency_code, coalesce(i.name_vi, f.item_code) as figure, f.indicator_code, f.item_code,
                   f.period_code, f.value, f.rule_code, f.reason_vi, f.raw_path, f.sheet_name, f.source_row
            from dq_flagged_values as f
            inner join dim_period as p on p.period_code = f.period_code
            left join dim_indicator as i on i.indicator_code = f.indicator_code
            where f.is_withheld and p.period_start >= ? and p.period_end <= ?
            order by f.agency_code, f.period_code, figure, f.rule_code, f.flag_id
            """,
            list(bounds),
        ).df()
    area = _unit(next(areas.itertuples()))
    return ReviewData(
        year=year,
        published_at=published_at,
        area=area,
        units=[_unit(r) for r in chosen.itertuples()],
        indicators=indicators,
        budget=budget,
        submissions=submissions,
        withheld=withheld,
    )


# -- the document's building blocks ------------------------------------------------------------------


def _style_run(run, size: float = BODY_PT, bold: bool = False, italic: bool = False):
    run.font.name = FONT
    run.font.size = Pt(size)
    run.bold = bold
    run.italic = italic
    # East Asian and complex-script slots too, or Word substitutes another face for Vietnamese letters
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:eastAsia", "w:cs", "w:hAnsi"):
        fonts.set(qn(slot), FONT)
    return run


def _paragraph(container, text: str = "", size: float = BODY_PT, bold=False, italic=False, align=None, after=6):
    p = container.add_paragraph()
    if text:
        _style_run(p.add_run(text), size, bold, italic)
    if align is not None:
        p.alignment = align
    p.paragraph_format.space_after = Pt(after)
    p.paragraph_format.space_before = Pt(0)
    return p


def _placeholder(doc, what: str) -> None:
    p = _paragraph(doc, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    run = _style_run(p.add_run(PLACEHOLDER.format(what=what)), italic=True)
    run.font.highlight_color = WD_COLOR_INDEX.YELLOW


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _fixed_widths(table, widths_mm: list[float]) -> None:
    """Every column its width, the table the sum, fixed layout: Word and LibreOffice both keep it."""
    assert sum(widths_mm) <= TEXT_WIDTH_MM + 0.01, "a table wider than the text"
    table.autofit = False
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), str(int(Mm(sum(widths_mm)).twips)))
    width.set(qn("w:type"), "dxa")
    for old in table._tbl.tblPr.findall(qn("w:tblW")):
        table._tbl.tblPr.remove(old)
    table._tbl.tblPr.append(width)
    for column, w in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(w)
        for cell in column.cells:
            cell.width = Mm(w)


def _repeat_header(row) -> None:
    props = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    props.append(header)


def _table(doc, headers: list[str], rows: list[list[str]], widths_mm: list[float], right: set[int]) -> None:
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
        p = cell.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _style_run(p.add_run(text), TABLE_PT, bold=True)
    _repeat_header(table.rows[0])
    for values in rows:
        cells = table.add_row().cells
        for i, (cell, text) in enumerate(zip(cells, values, strict=True)):
            p = cell.paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT if i in right else WD_ALIGN_PARAGRAPH.LEFT
            _style_run(p.add_run(text), TABLE_PT)
    _fixed_widths(table, widths_mm)
    _paragraph(doc, after=4)


def _target(pct: object, comparator: object) -> str:
    if pct is None or pd.isna(pct):
        return vf.MISSING
    sign = {">": ">", ">=": "≥"}.get(str(comparator), str(comparator))
    return f"{sign} {vf.percent(float(pct))}"


def _verdict(meets: object) -> str:
    if meets is None or pd.isna(meets):
        return vf.MISSING
    return "Đạt" if bool(meets) else "Chưa đạt"


def _figure_value(value: float, rule_code: str) -> str:
    if rule_code in SHARE_RULES and rule_code != "percent_as_count":
        return vf.percent(value)
    return vf.number(value, 0 if float(value).is_integer() else 2)


# -- sections -----------------------------------------------------------------------------------------


def _issuer_lines(data: ReviewData, issuer: Unit | None) -> tuple[str, str, str]:
    """(parent body, issuing body, place): the plan's reporting office for the area (letterhead.py,
    by the year's last day), the unit itself for one unit's review."""
    head = letterhead(dt.date(data.year, 12, 31))
    if issuer is None:
        return head.issuer_parent, head.issuer, head.place
    parent = TOWN_ISSUER[0] if issuer.agency_type == "town_office" else "ỦY BAN NHÂN DÂN"
    return parent, issuer.name_vi.upper(), head.place


def _header_block(doc, data: ReviewData, issuer: Unit | None) -> None:
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    left, right = table.rows[0].cells
    parent, body, place = _issuer_lines(data, issuer)
    today = vf.to_vietnam_time(dt.datetime.now(dt.UTC)).date()
    dated = f"{place}, ngày {today.day:02d} tháng {today.month:02d} năm {today.year}"
    for cell, lines in (
        (left, [(parent, False), (body, True), ("Số:      /BC", False)]),
        (right, [(NATIONAL_NAME, True), (MOTTO, True), (dated, False)]),
    ):
        cell.paragraphs[0].text = ""
        for i, (text, bold) in enumerate(lines):
            p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.space_after = Pt(2)
            run = _style_run(p.add_run(text), 12 if cell is left or i < 2 else BODY_PT, bold=bold)
            run.italic = cell is right and i == 2
    _fixed_widths(table, [70, TEXT_WIDTH_MM - 70])
    _paragraph(doc, after=6)


def _title(doc, data: ReviewData, subject: str) -> None:
    _paragraph(doc, "BÁO CÁO", size=14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    _paragraph(
        doc,
        f"Sơ kết năm {data.year} thực hiện Kế hoạch chuyển đổi số — {subject}",
        size=14,
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        after=12,
    )


def _indicator_table(doc, data: ReviewData, code: str) -> None:
    rows = data.indicators[data.indicators["agency_code"] == code]
    if rows.empty:
        _paragraph(doc, "Không có chỉ tiêu áp dụng cho đơn vị.", italic=True)
        return
    show_2025 = data.year != 2025  # in 2025 the year's target is the 2025 target
    headers = ["STT", "Chỉ tiêu", f"Kết quả năm {data.year}", f"Mục tiêu năm {data.year}", "Đánh giá"]
    widths = [12.0, 63.0, 22.0, 22.0, 22.0]
    if show_2025:
        headers.append("Mục tiêu 2025")
        widths = [12.0, 53.0, 20.0, 20.0, 20.0, 20.0]
    headers.append("Mục tiêu 2030")
    widths.append(TEXT_WIDTH_MM - sum(widths))
    lines = []
    for i, r in enumerate(rows.itertuples(), start=1):
        value = vf.percent(r.value_pct)
        if not pd.isna(r.value_pct) and r.period_complete is False:
            value += " (chưa đủ kỳ)"
        line = [str(i), r.name_vi, value, _target(r.target_pct, r.comparator), _verdict(r.meets_target)]
        if show_2025:
            line.append(_target(r.target_2025_pct, r.comparator_2025))
        line.append(_target(r.target_2030_pct, r.comparator_2030))
        lines.append(line)
    _table(doc, headers, lines, widths, right=set(range(2, len(headers))) - {4})


def _budget_table(doc, data: ReviewData, code: str) -> None:
    rows = data.budget[data.budget["scope_code"] == code]
    if rows.empty:
        _paragraph(doc, f"Không có số liệu ngân sách năm {data.year}.", italic=True)
        return
    lines = [
        [
            "Dự toán" if r.basis == "estimate" else "Thực hiện",
            vf.money_vnd(r.dx_spending_vnd),
            vf.money_vnd(r.regular_spending_vnd),
            vf.percent(r.share_pct),
            _target(r.floor_pct, r.comparator) if not pd.isna(r.floor_pct) else "Không áp dụng",
            "Giữ lại" if r.is_withheld else _verdict(r.meets_floor),
        ]
        for r in rows.itertuples()
    ]
    _table(
        doc,
        ["Cơ sở", "Chi chuyển đổi số", "Chi thường xuyên", "Tỷ lệ", "Mức sàn", "Đánh giá"],
        lines,
        [24.0, 35.0, 38.0, 20.0, 26.0, 22.0],
        right={1, 2, 3},
    )


def _submissions_table(doc, data: ReviewData, codes: list[str]) -> None:
    rows = data.submissions[data.submissions["agency_code"].isin(codes)]
    if rows.empty:
        _paragraph(doc, "Không có báo cáo phải nộp trong năm.", italic=True)
        return
    lines = []
    for kind, group in rows.groupby("report_kind", sort=True):
        status = group["status"]
        lines.append(
            [
                KINDS.get(kind, (kind,))[0],
                vf.number(len(group)),
                vf.number((status == "on_time").sum()),
                vf.number((status == "late").sum()),
                vf.number((status == "missing").sum()),
            ]
        )
    _table(
        doc,
        ["Loại báo cáo", "Phải nộp", "Đúng hạn", "Nộp trễ", "Chưa nộp"],
        lines,
        [65.0, 25.0, 25.0, 25.0, 25.0],
        right={1, 2, 3, 4},
    )
    problems = rows[rows["status"] != "on_time"]
    if len(codes) == 1 and not problems.empty:
        _table(
            doc,
            ["Loại báo cáo", "Kỳ", "Hạn nộp", "Ngày nhận", "Tình trạng"],
            [
                [
                    KINDS.get(r.report_kind, (r.report_kind,))[0],
                    vf.period_label(r.period_code),
                    vf.date(r.due_date),
                    vf.date(None if pd.isna(r.first_arrival_date) else r.first_arrival_date),
                    f"Trễ {vf.number(r.days_late)} ngày" if r.status == "late" else "Chưa nộp",
                ]
                for r in problems.itertuples()
            ],
            [55.0, 30.0, 25.0, 25.0, 30.0],
            right={2, 3},
        )


def _withheld_table(doc, data: ReviewData, codes: list[str], names: dict[str, str]) -> None:
    rows = data.withheld[data.withheld["agency_code"].isin(codes)]
    if rows.empty:
        _paragraph(doc, "Không có số liệu bị giữ lại.", italic=True)
        return
    many = len(codes) > 1
    headers = ["STT", *(["Đơn vị"] if many else []), "Số liệu", "Kỳ", "Giá trị", "Lý do"]
    widths = [12.0, *([28.0] if many else []), 32.0, 22.0, 28.0]
    widths.append(TEXT_WIDTH_MM - sum(widths))
    lines = [
        [
            str(i),
            *([names.get(r.agency_code, r.agency_code)] if many else []),
            r.figure,
            vf.period_label(r.period_code),
            _figure_value(r.value, r.rule_code),
            r.reason_vi,
        ]
        for i, r in enumerate(rows.itertuples(), start=1)
    ]
    _table(doc, headers, lines, widths, right={len(headers) - 2})


def _heading(doc, text: str, level: int) -> None:
    _paragraph(doc, text, size=BODY_PT, bold=True, italic=level > 1, after=4)


def _unit_sections(doc, data: ReviewData, unit: Unit, number: str, names: dict[str, str]) -> None:
    codes = [unit.agency_code]
    _heading(doc, f"{number}.1. Các chỉ tiêu", 2)
    _indicator_table(doc, data, unit.agency_code)
    _heading(doc, f"{number}.2. Ngân sách cho chuyển đổi số", 2)
    _budget_table(doc, data, unit.agency_code)
    _heading(doc, f"{number}.3. Chế độ báo cáo", 2)
    _submissions_table(doc, data, codes)
    _heading(doc, f"{number}.4. Số liệu bị giữ lại chờ xác nhận", 2)
    _withheld_table(doc, data, codes, names)
    _placeholder(doc, f"đánh giá kết quả của {unit.name_vi}")


def render_review(data: ReviewData) -> Document:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(BODY_PT)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)

    names = {u.agency_code: u.name_vi for u in data.units}
    names[data.area.agency_code] = data.area.name_vi
    single = len(data.units) == 1 and data.units[0].agency_code != data.area.agency_code
    issuer = data.units[0] if single else data.area
    _header_block(doc, data, issuer if single else None)
    _title(doc, data, issuer.name_vi if single else f"địa bàn {data.area.name_vi}")
    _placeholder(doc, "căn cứ, mục đích, tình hình triển khai chung")
    _paragraph(
        doc,
        f"Số liệu trong báo cáo lấy từ kho dữ liệu chuyển đổi số, công bố lúc {vf.timestamp(data.published_at)}. "
        "Tỷ lệ tính theo phần trăm (%); số tiền tính bằng đồng.",
        italic=True,
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
    )
    if single:
        _heading(doc, f"I. KẾT QUẢ CỦA {issuer.name_vi.upper()}", 1)
        _unit_sections(doc, data, issuer, "1", names)
    else:
        area = data.area
        others = [u for u in data.units if u.agency_code != area.agency_code]
        _heading(doc, f"I. KẾT QUẢ CHUNG TRÊN ĐỊA BÀN {area.name_vi.upper()}", 1)
        _heading(doc, "1. Các chỉ tiêu của Kế hoạch", 2)
        _indicator_table(doc, data, area.agency_code)
        _placeholder(doc, "nhận xét kết quả các chỉ tiêu")
        _heading(doc, "2. Tỷ lệ chi cho chuyển đổi số so với mức sàn", 2)
        _budget_table(doc, data, area.agency_code)
        _heading(doc, "3. Chế độ báo cáo của các đơn vị", 2)
        _submissions_table(doc, data, [u.agency_code for u in others])
        _heading(doc, "4. Số liệu bị giữ lại chờ xác nhận", 2)
        _withheld_table(doc, data, [u.agency_code for u in data.units], names)
        _placeholder(doc, "nhận xét chung về ngân sách, chế độ báo cáo và chất lượng số liệu")
        _heading(doc, "II. KẾT QUẢ THEO ĐƠN VỊ", 1)
        for i, unit in enumerate(others, start=1):
            existed = ""
            if unit.valid_to is not None and unit.valid_to.year == data.year:
                existed = f" (hoạt động đến {vf.date(unit.valid_to)})"
            elif unit.valid_from is not None and unit.valid_from.year == data.year:
                existed = f" (thành lập từ {vf.date(unit.valid_from)})"
            _heading(doc, f"{i}. {unit.name_vi}{existed}", 1)
            _unit_sections(doc, data, unit, str(i), names)
    last = "II" if single else "III"
    _heading(doc, f"{last}. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN", 1)
    _placeholder(doc, "tồn tại, hạn chế và nguyên nhân")
    _heading(doc, f"{'III' if single else 'IV'}. NHIỆM VỤ, GIẢI PHÁP NĂM {data.year + 1}", 1)
    _placeholder(doc, "nhiệm vụ, giải pháp và kiến nghị")
    _signature(doc)
    return doc


def _signature(doc) -> None:
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    left, right = table.rows[0].cells
    left.paragraphs[0].text = ""
    _style_run(left.paragraphs[0].add_run("Nơi nhận:"), 12, bold=True, italic=True)
    _style_run(left.add_paragraph().add_run("- [Nơi nhận];\n- Lưu: VT."), 11)
    right.paragraphs[0].text = ""
    for i, (text, bold) in enumerate(
        [("TM. ỦY BAN NHÂN DÂN", True), ("CHỦ TỊCH", True), ("", False), ("[Ký, ghi rõ họ tên]", False)]
    ):
        p = right.paragraphs[0] if i == 0 else right.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _style_run(p.add_run(text), BODY_PT, bold=bold, italic=not bold)
    _fixed_widths(table, [75, TEXT_WIDTH_MM - 75])


def write_review(published: Path | None, path: Path, year: int, agency: str | None = None) -> Path:
    """Read the published warehouse (or the DuckDB file `published`) read-only and write the review draft to
    `path`."""
    document = render_review(load_review(published, year, agency))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp.docx")
    document.save(str(tmp))
    tmp.replace(path)
    return path
