"""The one home for how a figure looks: Vietnamese separators, shares with the decimals they need,
times in Asia/Ho_Chi_Minh, periods in words."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pandas as pd
import pytest
import xlsxwriter

from dagster_project.reports import vn_format as f
from tests.clients import pdf_text, soffice_convert


def test_numbers_use_dots_for_thousands_and_commas_for_decimals():
    assert f.number(1141800000) == "1.141.800.000"
    assert f.number(10389.0) == "10.389"
    assert f.number(102.0831, 2) == "102,08"
    assert f.number(-1234.5, 1) == "-1.234,5"
    assert f.number(-0.0001, 2) == "0,00"


def test_missing_figures_are_a_dash():
    for fn in (f.number, f.percent, f.money_vnd, f.money_million, f.date, f.timestamp, f.period_label):
        assert fn(None) == f.MISSING
    assert f.number(math.nan) == f.percent(float("nan")) == f.MISSING
    # a date column read through pandas holds NaT where a report never arrived
    assert f.date(pd.NaT) == f.timestamp(pd.NaT) == f.MISSING


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (99.3, "99,3 %"),
        (100.0, "100 %"),
        (1.16, "1,16 %"),
        (0.04, "0,04 %"),
        (0.004, "0,004 %"),
        (102.0831, "102,08 %"),
        (0, "0 %"),
    ],
)
def test_a_share_keeps_the_decimals_it_needs(value, text):
    assert f.percent(value) == text


def test_a_share_with_fixed_decimals():
    assert f.percent(99.3, 2) == "99,30 %"


def test_money():
    assert f.money_vnd(1141800000) == "1.141.800.000 đ"
    assert f.money_million(1141800000) == "1.141,8 triệu đ"


def test_times_are_in_vietnam_to_the_minute():
    naive_utc = dt.datetime(2026, 12, 1, 7, 29, 38, 282315)
    assert f.timestamp(naive_utc) == "01/12/2026 14:29 (giờ Việt Nam)"
    assert f.timestamp(naive_utc.replace(tzinfo=dt.UTC), suffix=False) == "01/12/2026 14:29"
    assert f.timestamp("2026-12-01 07:29:38.282315 UTC", suffix=False) == "01/12/2026 14:29"
    assert f.timestamp(dt.datetime(2026, 12, 1, 23, 0, tzinfo=dt.UTC), suffix=False) == "02/12/2026 06:00"


def test_dates():
    assert f.date(dt.date(2026, 10, 5)) == "05/10/2026"
    assert f.date("2026-10-05") == "05/10/2026"


@pytest.mark.parametrize(
    ("code", "vi", "en"),
    [
        ("2024-Q3", "Quý III/2024", "Q3 2024"),
        ("2024-H1", "6 tháng đầu năm 2024", "H1 2024"),
        ("2024-H2", "6 tháng cuối năm 2024", "H2 2024"),
        ("2024", "Năm 2024", "2024"),
        ("2024-07", "Tháng 7/2024", "July 2024"),
    ],
)
def test_period_codes_in_words(code, vi, en):
    assert f.period_label(code) == vi
    assert f.period_label(code, lang="en") == en


def test_every_period_of_the_calendar_seed_has_words():
    seed = Path(__file__).parents[1] / "dbt" / "seeds" / "ref_periods.csv"
    codes = [line.split(",")[0] for line in seed.read_text(encoding="utf-8").splitlines()[1:] if line]
    assert codes and all(f.period_label(c) != c for c in codes)


def test_an_unknown_period_code_is_refused_by_name():
    with pytest.raises(ValueError, match="2024-Q5"):
        f.period_label("2024-Q5")


def test_excel_formats_print_vietnamese_separators_in_libreoffice(tmp_path):
    """The format codes, rendered by LibreOffice as a reader's machine does, show the same text as
    the Python functions (so the workbook and the HTML agree)."""
    cases = [
        (1141800000, f.EXCEL_FORMATS["vnd"], f.money_vnd(1141800000)),
        (10389, f.EXCEL_FORMATS["count"], f.number(10389)),
        (0.0004, f.excel_percent_format(f.percent_decimals(0.04)), f.percent(0.04)),
        (0.993, f.EXCEL_FORMATS["percent"], f.percent(99.3)),
        (1.0, f.excel_percent_format(f.percent_decimals(100)), f.percent(100)),
    ]
    book = xlsxwriter.Workbook(str(tmp_path / "formats.xlsx"))
    sheet = book.add_worksheet()
    sheet.set_column(0, 0, 30)
    for i, (value, fmt, _) in enumerate(cases):
        sheet.write(i, 0, value, book.add_format({"num_format": fmt}))
    book.close()
    lines = [
        line.strip() for line in pdf_text(soffice_convert(tmp_path / "formats.xlsx", "pdf", tmp_path)).splitlines()
    ]
    assert [line for line in lines if line] == [text for _, _, text in cases]
