"""Every period spelling of the contract reads to its code; the covered range is enforced."""

from __future__ import annotations

import datetime as dt
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from dagster_project.ingest.parsing.periods import bounds, in_range, parse_period

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
QUARTER_SPELLINGS = [
    "Quý {r} năm {y}",
    "Quý {q}/{y}",
    "QUÝ {r} - {y}",
    "Q{q}-{y}",
    "quý {r}/{y}",
    "Quý {r}/{y}",
    "Quý {q} năm {y}",
    "BÁO CÁO QUÝ {r} NĂM {y}",
    "(Quý {r} năm {y})",
]
MONTH_SPELLINGS = ["{mm}/{y}", "{m}/{y}", "Tháng {m}/{y}", "Tháng {m} năm {y}", "tháng {mm}/{y}"]
YEAR_SPELLINGS = ["NĂM {y}", "Năm {y}", "{y}", "BÁO CÁO SỐ LIỆU XÃ HỘI SỐ, KINH TẾ SỐ NĂM {y}"]


def disguise(text: str, case: str, form: str) -> str:
    text = {"keep": text, "upper": text.upper(), "lower": text.lower()}[case]
    return unicodedata.normalize(form, text)


CASES = st.sampled_from(["keep", "upper", "lower"])
FORMS = st.sampled_from(["NFC", "NFD"])


@given(
    y=st.integers(2000, 2099), q=st.integers(1, 4), spelling=st.sampled_from(QUARTER_SPELLINGS), case=CASES, form=FORMS
)
def test_quarters_roman_or_arabic_read_back(y, q, spelling, case, form):
    written = disguise(spelling.format(r=ROMAN[q], q=q, y=y), case, form)
    assert parse_period(written) == f"{y}-Q{q}"


@given(
    y=st.integers(2000, 2099), m=st.integers(1, 12), spelling=st.sampled_from(MONTH_SPELLINGS), case=CASES, form=FORMS
)
def test_months_read_back(y, m, spelling, case, form):
    written = disguise(spelling.format(m=m, mm=f"{m:02d}", y=y), case, form)
    assert parse_period(written) == f"{y}-{m:02d}"


@given(y=st.integers(2000, 2099), spelling=st.sampled_from(YEAR_SPELLINGS), case=CASES, form=FORMS)
def test_years_read_back(y, spelling, case, form):
    assert parse_period(disguise(spelling.format(y=y), case, form)) == str(y)


@given(y=st.integers(2000, 2099), half=st.sampled_from([("đầu", 1), ("cuối", 2)]), case=CASES, form=FORMS)
def test_half_years_read_back(y, half, case, form):
    written = disguise(f"6 tháng {half[0]} năm {y}", case, form)
    assert parse_period(written) == f"{y}-H{half[1]}"


def test_date_line_is_no_period():
    assert parse_period("Đức Phổ, ngày 05 tháng 10 năm 2024") is None


def test_period_bounds_and_range():
    assert bounds("2024-Q3") == (dt.date(2024, 7, 1), dt.date(2024, 9, 30))
    assert bounds("2025-H2") == (dt.date(2025, 7, 1), dt.date(2025, 12, 31))
    assert in_range("2024-Q3", dt.date(2024, 10, 5))
    assert in_range("2024-Q4", dt.date(2024, 10, 5))  # sent early, within its own quarter
    assert not in_range("2025-Q1", dt.date(2024, 10, 5))
    assert not in_range("2023-Q4", dt.date(2024, 10, 5))
