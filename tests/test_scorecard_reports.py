"""After each publish the leaders get an HTML scorecard that renders in a browser and an Excel
workbook in the officials' shape, both made from the published file."""

from __future__ import annotations

import shutil
import subprocess

import duckdb
import numpy as np
import pytest
from matplotlib import image as mpimg
from openpyxl import load_workbook

from tests.conftest import run_dxw

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def reports(published_sample):
    raw, _, warehouse, first = published_sample
    assert first.returncode == 0, first.stderr[-3000:]
    regenerated = run_dxw("report", "--json", raw=raw, warehouse=warehouse)
    assert regenerated.returncode == 0, regenerated.stderr
    return warehouse


def test_the_html_scorecard_renders_in_headless_chromium_with_its_headings(reports, tmp_path):
    html_path = reports / "reports" / "scorecard.html"
    text = html_path.read_text(encoding="utf-8")
    for heading in (
        "Báo cáo chuyển đổi số thị xã Đức Phổ",
        "Đức Phổ digital-transformation scorecard",
        "Toàn thị xã Đức Phổ so với mục tiêu",
        "Các đơn vị so với mục tiêu",
        "Ngân sách cho chuyển đổi số",
        "Budget share against the 0.5% floor",
        "Note on the 2025 reorganisation",
        "Flagged figures withheld until reviewed",
    ):
        assert heading in text, heading
    assert "&gt; 80%" in text and "≥ 100%" in text, "targets show their comparator"
    assert "≥ 0.5%" in text, "the budget floor is shown"
    assert text.count("<svg") >= 4, "charts are inline"

    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail("chromium is not installed: run `make browser` (Debian package `chromium`)")
    png = tmp_path / "scorecard.png"
    subprocess.run(
        [
            chromium,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={png}",
            "--window-size=1280,2000",
            html_path.resolve().as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert png.exists(), "chromium wrote no screenshot"
    pixels = mpimg.imread(str(png))[..., :3]
    assert pixels.shape[:2] == (2000, 1280)
    not_white = (pixels < 0.95).any(axis=2).mean()
    assert not_white > 0.05, f"the page looks blank ({not_white:.1%} of pixels drawn)"
    assert np.unique(pixels.reshape(-1, 3), axis=0).shape[0] > 50, "a real page has many colours (charts, cells)"


def test_the_excel_workbook_has_one_sheet_per_pillar_vietnamese_headers_and_the_published_figures(reports):
    workbook = load_workbook(reports / "reports" / "bao_cao_chuyen_doi_so.xlsx")
    assert workbook.sheetnames == [
        "digital_government",
        "digital_economy",
        "digital_society",
        "Ngân sách",
        "Số liệu giữ lại",
    ]
    sheet = workbook["digital_government"]
    headers = [c.value for c in sheet[2]]
    assert headers[:8] == [
        "Mã đơn vị",
        "Đơn vị",
        "Mã chỉ tiêu",
        "Tên chỉ tiêu",
        "Kỳ báo cáo",
        "Giá trị",
        "Mục tiêu",
        "Đạt mục tiêu",
    ]

    with duckdb.connect(str(reports / "dx.duckdb"), read_only=True) as con:
        value_pct, comparator, target = con.execute(
            "select value_pct, comparator, target_pct from mart_scorecard "
            "where agency_code = 'DUCPHO' and indicator_code = 'DG-KT'"
        ).fetchone()
        regular_2024 = con.execute(
            "select regular_spending_vnd from fct_budget_share "
            "where scope_code = 'DUCPHO' and fiscal_year = 2024 and basis = 'estimate'"
        ).fetchone()[0]
    row = next(r for r in sheet.iter_rows(min_row=3) if r[0].value == "DUCPHO" and r[2].value == "DG-KT")
    assert row[5].value == pytest.approx(value_pct / 100)
    assert row[5].number_format == "0.0%"
    assert row[6].value == f"{'≥' if comparator == '>=' else '>'} {float(target):g}%"

    budget = workbook["Ngân sách"]
    assert [c.value for c in budget[2]][:4] == ["Năm", "Cơ sở", "Chi chuyển đổi số (đồng)", "Chi thường xuyên (đồng)"]
    line = next(r for r in budget.iter_rows(min_row=3) if r[0].value == 2024 and r[1].value == "Dự toán")
    assert line[3].value == pytest.approx(float(regular_2024))
    assert line[3].number_format == "#,##0"
