"""Agency names written any way the agencies write them resolve to the right unit for the period.

Written forms (case, NFD, Ủy/Uỷ, prefixes, abbreviations, spaces) are generated here.
"""

from __future__ import annotations

import csv
import datetime as dt
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from .conftest import REGISTRY

with open(REGISTRY / "ref_agencies.csv", encoding="utf-8") as f:
    AGENCIES = list(csv.DictReader(f))
UNITS = [a for a in AGENCIES if a["agency_type"] in ("ward", "commune")]
OFFICE_WRITINGS = {
    "TX_VHTT": [
        "Phòng Văn hóa và Thông tin",
        "PHÒNG VĂN HOÁ VÀ THÔNG TIN",
        "Phòng Văn hóa - Thông tin",
        "PVHTT",
        "Phòng VH-TT",
        "Phòng VHTT",
        "Phòng Văn hóa và Thông tin thị xã Đức Phổ",
    ],
    "TX_TCKH": ["Phòng Tài chính – Kế hoạch", "PHÒNG TÀI CHÍNH - KẾ HOẠCH", "Phòng TC-KH", "Phòng Tài chính Kế hoạch"],
    "TX_VP": ["Văn phòng HĐND và UBND thị xã", "Văn phòng HĐND và UBND", "VĂN PHÒNG HĐND - UBND THỊ XÃ"],
    "TX_GDDT": ["Phòng Giáo dục và Đào tạo", "Phòng GD&ĐT", "Phòng GD-ĐT"],
    "TX_CA": ["Công an thị xã", "CÔNG AN THỊ XÃ ĐỨC PHỔ"],
}
PREFIXES = ["", "UBND ", "Ủy ban nhân dân ", "Uỷ ban nhân dân ", "ỦY BAN NHÂN DÂN ", "UỶ BAN NHÂN DÂN "]
TYPE_WORDS = {"ward": ["phường ", "Phường ", "P. ", "P.", "p. "], "commune": ["xã ", "Xã ", "X. ", "X."]}


def period_inside(agency: dict, draw_index: int) -> str:
    start = dt.date.fromisoformat(agency["valid_from"])
    end = dt.date.fromisoformat(agency["valid_to"]) if agency["valid_to"] else dt.date(2027, 12, 31)
    start = max(start, dt.date(2024, 1, 1))
    quarters = [
        (y, q)
        for y in range(start.year, end.year + 1)
        for q in range(1, 5)
        if dt.date(y, 3 * q - 2, 1) >= start and dt.date(y, 3 * q, 28) <= end
    ]
    y, q = quarters[draw_index % len(quarters)]
    return f"{y}-Q{q}"


def disguise(text: str, case: str, form: str, spaces: str) -> str:
    text = {"keep": text, "upper": text.upper(), "lower": text.lower(), "title": text.title()}[case]
    return spaces + unicodedata.normalize(form, text.replace(" ", spaces or " ")) + spaces


DISGUISES = {
    "case": st.sampled_from(["keep", "upper", "lower", "title"]),
    "form": st.sampled_from(["NFC", "NFD"]),
    "spaces": st.sampled_from(["", " ", "  ", "\u00a0"]),
}


@given(
    agency=st.sampled_from(UNITS),
    prefix=st.sampled_from(PREFIXES),
    typed=st.booleans(),
    type_index=st.integers(0, 4),
    period_index=st.integers(0, 50),
    **DISGUISES,
)
def test_unit_names_resolve_to_the_unit(registry, agency, prefix, typed, type_index, period_index, case, form, spaces):
    _, bare = agency["name_vi"].split(" ", 1)
    words = TYPE_WORDS[agency["agency_type"]]
    written = prefix + (words[type_index % len(words)] if typed else "") + bare
    period = period_inside(agency, period_index)
    assert registry.resolve(disguise(written, case, form, spaces), period).agency_code == agency["agency_code"]


@given(code=st.sampled_from(sorted(OFFICE_WRITINGS)), index=st.integers(0, 10), **DISGUISES)
def test_office_names_and_abbreviations_resolve(registry, code, index, case, form, spaces):
    writings = OFFICE_WRITINGS[code]
    written = disguise(writings[index % len(writings)], case, form, spaces)
    assert registry.resolve(written, "2024-Q3").agency_code == code


def test_nguyen_nghiem_is_the_old_ward_before_july_2025_and_the_new_commune_after(registry):
    assert registry.resolve("Nguyễn Nghiêm", "2025-Q2").agency_code == "PHUONG_NGUYEN_NGHIEM"
    assert registry.resolve("Nguyễn Nghiêm", "2025-Q3").agency_code == "XA_NGUYEN_NGHIEM"
    assert registry.resolve("UBND xã Nguyễn Nghiêm", "2025-Q3").agency_code == "XA_NGUYEN_NGHIEM"


def test_type_words_decide_thi_xa_duc_pho_is_the_area_not_the_ward(registry):
    assert registry.resolve("UBND thị xã Đức Phổ", "2025-Q3").agency_code == "DUCPHO"
    assert registry.resolve("UBND phường Đức Phổ", "2025-Q3").agency_code == "PHUONG_DUC_PHO"
    assert registry.resolve("TX Đức Phổ", "2024-Q1").agency_code == "DUCPHO"


def test_a_unit_outside_its_validity_is_not_valid_in_period(registry):
    res = registry.resolve("UBND xã Phổ An", "2025-Q4")
    assert (res.agency_code, res.reason, res.candidates) == (None, "agency_not_valid_in_period", ("XA_PHO_AN",))
    assert registry.resolve("phường Nguyễn Nghiêm", "2025-Q4").reason == "agency_not_valid_in_period"


def test_another_towns_unit_is_unknown(registry):
    res = registry.resolve("UBND xã Đức Lân", "2024-Q3")
    assert (res.agency_code, res.reason, res.candidates) == (None, "unknown_agency", ())


def test_portal_codes_resolve_only_in_their_period(registry):
    assert registry.resolve("H55.35.01", "2024-07").agency_code == "PHUONG_NGUYEN_NGHIEM"
    assert registry.resolve("H55.35.15", "2024-07").agency_code == "XA_PHO_CHAU"
    assert registry.resolve("H55.35", "2024-07").agency_code == "TX_VP"
    assert registry.resolve("H55.104", "2025-08").agency_code == "XA_NGUYEN_NGHIEM"
    assert registry.resolve("H55.35.01", "2025-08").reason == "agency_not_valid_in_period"


def test_every_contract_agency_and_portal_code_is_in_the_registry():
    codes = {a["agency_code"] for a in AGENCIES}
    assert len(codes) == 32 and {"DUCPHO", "PORTAL", "XA_KHANH_CUONG"} <= codes
    with open(REGISTRY / "ref_agency_aliases.csv", encoding="utf-8") as f:
        portal = [r for r in csv.DictReader(f) if r["alias_type"] == "portal_code"]
    assert len(portal) == 1 + 15 + 5
