"""The yearly review draft (báo cáo sơ kết) opens as an A4 administrative report in LibreOffice: the
title block, tables inside the text width with their last column on the page, withheld shares with
their decimals, and marked places for the office's prose."""

from __future__ import annotations

import duckdb
import pytest
from docx import Document

from dagster_project.reports import vn_format as vf
from dagster_project.reports.review import PLACEHOLDER, SHARE_RULES, UnknownAgency, write_review
from tests.clients import pdf_pages, pdf_text, pdf_to_png, soffice_convert
from tests.conftest import run_dxw


def _year_with_withheld_shares(con) -> int:
    """The year whose withheld figures hold the most shares (the figures `#,##0` used to print as 0)."""
    return con.execute(
        """
        select p.year from dq_flagged_values as f
        inner join dim_period as p on p.period_code = f.period_code
        where f.is_withheld and list_contains(?, f.rule_code) and f.rule_code <> 'percent_as_count'
        group by p.year order by count(*) desc, p.year limit 1
        """,
        [sorted(SHARE_RULES)],
    ).fetchone()[0]


@pytest.fixture(scope="module")
def review(published_sample, tmp_path_factory):
    """`dxw review` of the area and every unit for the year with withheld shares, and its PDF."""
    raw, _, warehouse, refresh = published_sample
    assert refresh.returncode == 0, refresh.stderr[-3000:]
    published = warehouse / "dx.duckdb"
    with duckdb.connect(str(published), read_only=True) as con:
        year = _year_with_withheld_shares(con)
        area = con.execute("select name_vi from dim_agency where agency_type = 'area'").fetchone()[0]
        shares = [
            vf.percent(v)
            for (v,) in con.execute(
                """
                select f.value from dq_flagged_values as f
                inner join dim_period as p on p.period_code = f.period_code
                where f.is_withheld and p.year = ? and list_contains(?, f.rule_code)
                  and f.rule_code <> 'percent_as_count'
                """,
                [year, sorted(SHARE_RULES)],
            ).fetchall()
        ]
    out = tmp_path_factory.mktemp("review")
    docx = out / f"so_ket_{year}.docx"
    run = run_dxw("review", "--year", str(year), "--out", str(docx), raw=raw, warehouse=warehouse)
    assert run.returncode == 0, run.stderr[-3000:]
    pdf = soffice_convert(docx, "pdf", out)
    return {"docx": docx, "pdf": pdf, "year": year, "area": area, "shares": shares, "published": published}


def test_the_review_prints_on_a4_portrait_pages(review):
    pages = pdf_pages(review["pdf"])
    assert pages
    off = [p for p in pages if abs(p.width_pt - 595) > 2 or abs(p.height_pt - 842) > 2]
    assert not off, f"pages not A4 portrait: {off[:3]}"


def test_every_table_fits_the_text_width(review):
    doc = Document(str(review["docx"]))
    section = doc.sections[0]
    text_width = section.page_width - section.left_margin - section.right_margin
    assert doc.tables
    for i, table in enumerate(doc.tables):
        width = sum(column.width for column in table.columns)
        assert width <= text_width, f"table {i} is {width.mm:.1f} mm wide, the text {text_width.mm:.1f} mm"


def test_the_rightmost_column_header_prints_beside_the_first(review):
    lines = [line for line in pdf_text(review["pdf"]).splitlines() if "STT" in line and "Chỉ tiêu" in line]
    assert lines, "no indicator table header in the PDF"
    # year, 2025 and 2030 targets: three 'Mục tiêu' headers, the last the rightmost column
    expected = 2 if review["year"] == 2025 else 3
    assert all(line.count("Mục tiêu") == expected for line in lines), lines[:2]


def test_the_title_block_and_the_area_are_printed(review):
    text = pdf_text(review["pdf"], layout=False)
    for words in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "BÁO CÁO",
        f"Sơ kết năm {review['year']} thực hiện Kế hoạch chuyển đổi số",
        f"địa bàn {review['area']}",
        "TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN",
    ):
        assert words in " ".join(text.split()), words


def test_withheld_shares_print_with_their_decimals(review):
    text = pdf_text(review["pdf"], layout=False)
    assert review["shares"], "the sample holds no withheld share"
    for share in review["shares"]:
        assert share in text, f"withheld share {share} is not printed"
    assert any(not s.startswith(("0 ", "1 ")) and "," in s for s in review["shares"])


def test_the_office_finds_marked_places_for_its_prose(review):
    doc = Document(str(review["docx"]))
    marked = [run for p in doc.paragraphs for run in p.runs if run.text.startswith(PLACEHOLDER.split("{", 1)[0])]
    assert len(marked) >= 4
    assert all(run.font.highlight_color is not None for run in marked)


def test_one_units_review_holds_that_unit_only(review, tmp_path):
    with duckdb.connect(str(review["published"]), read_only=True) as con:
        code, name, other = con.execute(
            """
            select a.agency_code, a.name_vi, b.name_vi from dim_agency as a, dim_agency as b
            where a.agency_type = 'commune' and a.valid_to is null and b.agency_type = 'commune'
              and b.agency_code <> a.agency_code
            order by a.agency_code, b.agency_code limit 1
            """
        ).fetchone()
    path = write_review(review["published"], tmp_path / "unit.docx", year=review["year"], agency=code)
    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert name.upper() in text and other not in text
    with pytest.raises(UnknownAgency):
        write_review(review["published"], tmp_path / "x.docx", year=review["year"], agency="NO_SUCH_UNIT")


def test_a_page_of_the_review_renders_to_png(review, tmp_path):
    pngs = pdf_to_png(review["pdf"], tmp_path / "review", dpi=40)
    assert pngs and pngs[0].stat().st_size > 10_000
