"""Quarterly reports with every wart the agencies put in them: each loads its values or says why not.

Fixtures come from `fixtures.py`; every test names the promise it checks.
"""

from __future__ import annotations

import datetime as dt

import pytest

from dagster_project.ingest.parsing import parse_file

from . import fixtures as F


def items_with(**values) -> list[tuple]:
    """The default item table with some values replaced, keyed by STT written with `_` for `.`."""
    return [
        (stt, label, unit, values.get(stt.replace(".", "_"), value)) for stt, label, unit, value in F.QUARTERLY_ITEMS
    ]


def value_of(pf, item: str) -> float:
    (v,) = [v for v in pf.values if v.item_code == item]
    return v.value


def parse(data: bytes, registry, arrival=dt.date(2024, 10, 5), name="BC CDS quy 3 - Pho Ninh (final).xlsx"):
    return parse_file(name, data, registry, arrival)


def test_clean_report_loads_every_item_with_row_unit_agency_and_period(registry):
    pf = parse(F.quarterly_xlsx(), registry)
    assert pf.kind == "dx_quarterly" and pf.quarantine is None and pf.rejects == []
    (report,) = pf.reports
    assert (report.sheet, report.agency_code, report.period_code, report.is_correction) == (
        "Sheet1",
        "PHUONG_PHO_NINH",
        "2024-Q3",
        False,
    )
    assert [v.item_code for v in pf.values] == [
        "WR_TOTAL",
        "WR_SECRET",
        "WR_ONLINE",
        "INSP_TOTAL",
        "INSP_DIGITAL",
        "RPT_REGIMES",
        "RPT_CONNECTED",
        "DX_SPEND",
    ]
    first = pf.values[0]
    assert (first.row, first.value, first.unit, first.row_role, first.section) == (9, 1234.0, "hồ sơ", "detail", None)
    assert value_of(pf, "DX_SPEND") == 12.5 and pf.values[-1].value_text == "12.5"


@pytest.mark.parametrize(
    "written,expected",
    [
        ("1.234", 1234),
        ("1,234", 1234),
        ("12,5", 12.5),
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),
        (" 1 234 ", 1234),
        ("1\u00a0234", 1234),
        ("\u00a012,5 ", 12.5),
    ],
)
def test_numbers_written_as_text_the_vietnamese_or_english_way_load_as_figures(registry, written, expected):
    pf = parse(F.quarterly_xlsx(items=items_with(**{"1_1": written})), registry)
    assert value_of(pf, "WR_TOTAL") == expected
    assert pf.values[0].value_text == written.strip()


@pytest.mark.parametrize("written", ["-", "", "x", "không", "0"])
def test_inspections_left_empty_dash_x_or_khong_load_as_zero(registry, written):
    pf = parse(F.quarterly_xlsx(items=items_with(**{"2_1": written, "2_2": written})), registry)
    assert value_of(pf, "INSP_TOTAL") == 0 and value_of(pf, "INSP_DIGITAL") == 0 and pf.rejects == []


def test_formula_cells_load_their_cached_value(registry):
    pf = parse(F.quarterly_xlsx(items=items_with(**{"1_3": ("=D9-134", 1100)})), registry)
    assert value_of(pf, "WR_ONLINE") == 1100


@pytest.mark.parametrize("cell", ["#REF!", ("=#REF!+1", "#REF!"), "#VALUE!", "abc"])
def test_error_or_text_in_a_value_cell_rejects_that_row_only(registry, cell):
    pf = parse(F.quarterly_xlsx(items=items_with(**{"1_2": cell})), registry)
    (rej,) = pf.rejects
    assert (rej.sheet, rej.row, rej.reason_code) == ("Sheet1", 10, "unparseable_number")
    assert rej.found == (cell if isinstance(cell, str) else cell[1])
    assert "WR_SECRET" not in {v.item_code for v in pf.values} and len(pf.values) == 7


def test_nfd_header_text_reads_like_nfc_and_is_stored_nfc(registry):
    import unicodedata

    pf = parse(
        F.quarterly_xlsx(
            agency=(unicodedata.normalize("NFD", "UBND PHƯỜNG PHỔ NINH"),),
            period=unicodedata.normalize("NFD", "Quý III năm 2024"),
        ),
        registry,
    )
    assert pf.reports[0].agency_code == "PHUONG_PHO_NINH"
    assert pf.reports[0].agency_written == "UBND PHƯỜNG PHỔ NINH"  # NFC again


@pytest.mark.parametrize(
    "written",
    [
        "UBND phường Phổ Ninh",
        "Ủy ban nhân dân phường Phổ Ninh",
        "P. Phổ Ninh",
        "PHO NINH",
        "Phường Phổ Ninh",
        "UỶ BAN NHÂN DÂN  PHƯỜNG\u00a0PHỔ NINH",
    ],
)
def test_agency_name_variants_in_the_header_resolve(registry, written):
    assert parse(F.quarterly_xlsx(agency=(written,)), registry).reports[0].agency_code == "PHUONG_PHO_NINH"


@pytest.mark.parametrize("written", ["Quý III năm 2024", "Quý 3/2024", "QUÝ III - 2024", "Q3-2024", "quý III/2024"])
def test_period_spellings_in_the_header_read(registry, written):
    assert parse(F.quarterly_xlsx(period=written), registry).reports[0].period_code == "2024-Q3"


def test_header_period_decides_when_the_file_name_disagrees(registry):
    pf = parse(F.quarterly_xlsx(period="Quý II năm 2024"), registry, name="bao_cao_Q3_2024_PVHTT.xlsx")
    assert pf.reports[0].period_code == "2024-Q2"  # a report of the wrong quarter loads as its header says


@pytest.mark.parametrize("mark", ["(điều chỉnh)", "(bổ sung)", "(ĐIỀU CHỈNH)"])
def test_correction_mark_in_the_title_flags_a_correction(registry, mark):
    pf = parse(F.quarterly_xlsx(title=f"BÁO CÁO KẾT QUẢ THỰC HIỆN CHUYỂN ĐỔI SỐ {mark}"), registry)
    assert pf.reports[0].is_correction is True


def test_merged_and_unmerged_header_cells_read_the_same(registry):
    merged, plain = parse(F.quarterly_xlsx(merged=True), registry), parse(F.quarterly_xlsx(merged=False), registry)
    assert merged.reports == plain.reports and merged.values == plain.values


def test_parent_line_above_the_office_is_not_the_reporter(registry):
    pf = parse(F.quarterly_xlsx(agency=("UBND THỊ XÃ ĐỨC PHỔ", "PHÒNG VĂN HÓA VÀ THÔNG TIN")), registry)
    assert (pf.reports[0].agency_code, pf.reports[0].agency_written) == ("TX_VHTT", "PHÒNG VĂN HÓA VÀ THÔNG TIN")


def test_province_above_the_new_ward_reports_as_the_new_ward(registry):
    pf = parse(
        F.quarterly_xlsx(agency=("UBND TỈNH QUẢNG NGÃI", "UBND PHƯỜNG ĐỨC PHỔ"), period="Quý III năm 2025"),
        registry,
        arrival=dt.date(2025, 10, 6),
    )
    assert pf.reports[0].agency_code == "PHUONG_DUC_PHO"


def test_thi_xa_duc_pho_alone_reports_as_the_area(registry):
    pf = parse(F.quarterly_xlsx(agency=("UBND THỊ XÃ ĐỨC PHỔ",)), registry)
    assert pf.reports[0].agency_code == "DUCPHO"


def test_nguyen_nghiem_before_and_after_july_2025_are_two_units(registry):
    before = parse(
        F.quarterly_xlsx(agency=("UBND NGUYỄN NGHIÊM",), period="Quý II năm 2025"),
        registry,
        arrival=dt.date(2025, 7, 10),
    )
    after = parse(
        F.quarterly_xlsx(agency=("UBND NGUYỄN NGHIÊM",), period="Quý III năm 2025"),
        registry,
        arrival=dt.date(2025, 10, 10),
    )
    assert before.reports[0].agency_code == "PHUONG_NGUYEN_NGHIEM"
    assert after.reports[0].agency_code == "XA_NGUYEN_NGHIEM"


def test_old_commune_reporting_for_2025_q4_is_quarantined_not_valid_in_period(registry):
    pf = parse(
        F.quarterly_xlsx(agency=("UBND XÃ PHỔ AN",), period="Quý IV năm 2025"), registry, arrival=dt.date(2026, 1, 8)
    )
    assert pf.quarantine.reason_code == "agency_not_valid_in_period" and pf.values == [] and pf.reports == []
    assert "UBND XÃ PHỔ AN" in pf.quarantine.message_vi and "2025-Q4" in pf.quarantine.message_en


def test_another_towns_workbook_is_unknown_agency_naming_the_text(registry):
    pf = parse(F.quarterly_xlsx(agency=("UBND HUYỆN MỘ ĐỨC", "PHÒNG VĂN HÓA VÀ THÔNG TIN")), registry)
    assert pf.quarantine.reason_code == "unknown_agency" and pf.quarantine.found == "UBND HUYỆN MỘ ĐỨC"
    pf = parse(F.quarterly_xlsx(agency=("UBND XÃ ĐỨC LÂN",)), registry)
    assert pf.quarantine.reason_code == "unknown_agency"
    assert "UBND XÃ ĐỨC LÂN" in pf.quarantine.message_vi and "UBND XÃ ĐỨC LÂN" in pf.quarantine.message_en


def test_table_pasted_twice_keeps_the_first_and_rejects_repeats_as_duplicates(registry):
    pf = parse(F.quarterly_xlsx(times=2), registry)
    assert len(pf.values) == 8 and max(v.row for v in pf.values) == 18
    assert {r.reason_code for r in pf.rejects} == {"duplicate_item"} and len(pf.rejects) == 8
    assert min(r.row for r in pf.rejects) > 18


def test_item_with_two_different_values_rejects_every_occurrence(registry):
    items = F.QUARTERLY_ITEMS + [("1.1", "Tổng số hồ sơ (nhập lại)", "hồ sơ", 999)]
    pf = parse(F.quarterly_xlsx(items=items), registry)
    conflicts = [r for r in pf.rejects if r.reason_code == "conflicting_item"]
    assert [r.row for r in conflicts] == [9, 19]
    assert "WR_TOTAL" not in {v.item_code for v in pf.values}


def test_unknown_stt_is_an_unknown_item_row(registry):
    pf = parse(F.quarterly_xlsx(items=F.QUARTERLY_ITEMS + [("5", "Chỉ tiêu mới", "cái", 7)]), registry)
    (rej,) = pf.rejects
    assert (rej.row, rej.reason_code, rej.found) == (19, "unknown_item", "5 Chỉ tiêu mới")


def test_implausible_figures_load_as_written(registry):
    pf = parse(F.quarterly_xlsx(items=items_with(**{"1_1": 100, "1_3": 100000})), registry)
    assert value_of(pf, "WR_TOTAL") == 100 and value_of(pf, "WR_ONLINE") == 100000 and pf.rejects == []


def test_2025_template_wording_matches_items_by_stt(registry):
    pf = parse(
        F.quarterly_xlsx(
            headers=("TT", "Chỉ tiêu", "ĐVT", "Số lượng", "Ghi chú"),
            items=[(s, f"Nội dung mới {s}", u, v) for s, _, u, v in F.QUARTERLY_ITEMS],
        ),
        registry,
    )
    assert len(pf.values) == 8 and pf.rejects == []


def test_legacy_xls_report_loads(registry):
    pf = parse(F.quarterly_xls(), registry, name="bc.xls")
    assert pf.kind == "dx_quarterly" and pf.reports[0].agency_code == "XA_PHO_AN" and len(pf.values) == 8


def test_tcvn3_workbook_is_converted_to_unicode(registry):
    pf = parse(F.tcvn3_xlsx(), registry)
    assert pf.encoding == "tcvn3"
    assert pf.reports[0].agency_written == "UBND phường Phổ Ninh"
    assert pf.reports[0].agency_code == "PHUONG_PHO_NINH" and pf.reports[0].period_code == "2024-Q3"
    assert [(v.item_code, v.value, v.unit) for v in pf.values] == [("WR_TOTAL", 1234.0, "hồ sơ")]


@pytest.mark.parametrize(
    "period,arrival", [("Quý IV năm 2023", dt.date(2024, 1, 10)), ("Quý I năm 2025", dt.date(2024, 10, 5))]
)
def test_period_before_2024_or_after_arrival_is_out_of_range(registry, period, arrival):
    pf = parse(F.quarterly_xlsx(period=period), registry, arrival=arrival)
    assert pf.quarantine.reason_code == "period_out_of_range" and pf.quarantine.found == period


def test_missing_period_is_unknown_period(registry):
    assert parse(F.quarterly_xlsx(period=None), registry).quarantine.reason_code == "unknown_period"


def test_missing_table_header_is_no_header_row(registry):
    pf = parse(F.quarterly_xlsx(headers=("A", "B", "C", "D", "E")), registry)
    assert pf.quarantine.reason_code == "no_header_row"


def test_footer_lines_are_not_rows(registry):
    pf = parse(F.quarterly_xlsx(), registry)
    assert pf.rejects == [] and max(v.row for v in pf.values) == 18


def test_reject_messages_name_file_sheet_row_and_what_was_found(registry):
    pf = parse(F.quarterly_xlsx(items=items_with(**{"1_2": "#REF!"})), registry, name="bc.xlsx")
    (rej,) = pf.rejects
    for message in (rej.message_vi, rej.message_en):
        assert "bc.xlsx" in message and "Sheet1" in message and "10" in message and "#REF!" in message
