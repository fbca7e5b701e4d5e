"""Survey, budget and portal CSV files with their warts, and the files that must be quarantined.

Each test checks the value loaded or the exact reason code.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dagster_project.ingest.parsing import ParsedFile, parse_file

from . import fixtures as F

JAN_2025 = dt.date(2025, 1, 20)


def parse(data: bytes, registry, arrival=JAN_2025, name="file.xlsx"):
    return parse_file(name, data, registry, arrival)


# -- society survey -----------------------------------------------------------------------------


def test_survey_loads_all_fourteen_items_by_label_with_units(registry):
    pf = parse(F.survey_xlsx(), registry)
    assert pf.kind == "society_survey" and pf.rejects == []
    assert [v.item_code for v in pf.values][:3] == ["HH_TOTAL", "HH_FIBER", "FIBER_REACHES"]
    assert len(pf.values) == 14 and pf.reports[0].period_code == "2024"
    assert (pf.values[0].unit, pf.values[-1].unit) == ("hộ", "doanh nghiệp")


@pytest.mark.parametrize("written,expected", [("có", 1), ("Có", 1), ("không", 0), ("Không", 0)])
def test_survey_yes_no_reads_one_or_zero(registry, written, expected):
    items = [row if row[0] != "3" else (*row[:3], written) for row in F.SURVEY_ITEMS]
    pf = parse(F.survey_xlsx(items=items), registry)
    assert [v.value for v in pf.values if v.item_code == "FIBER_REACHES"] == [expected]


def test_survey_items_match_by_label_even_when_rows_move(registry):
    pf = parse(F.survey_xlsx(items=list(reversed(F.SURVEY_ITEMS))), registry)
    assert {v.item_code: v.value for v in pf.values}["HH_TOTAL"] == 4321


def test_mid_year_survey_reads_as_first_half(registry):
    pf = parse(
        F.survey_xlsx(period_title="BÁO CÁO SỐ LIỆU XÃ HỘI SỐ, KINH TẾ SỐ", period="6 tháng đầu năm 2025"),
        registry,
        arrival=dt.date(2025, 7, 15),
    )
    assert pf.reports[0].period_code == "2025-H1"


def test_survey_unknown_label_is_unknown_item(registry):
    pf = parse(F.survey_xlsx(items=F.SURVEY_ITEMS + [("15", "Số máy tính bảng", "cái", 3)]), registry)
    assert [(r.reason_code, r.found) for r in pf.rejects] == [("unknown_item", "15 Số máy tính bảng")]


# -- budget -------------------------------------------------------------------------------------


def test_budget_rows_carry_roles_sections_agencies_and_the_units_line(registry):
    pf = parse(F.budget_xlsx(), registry)
    assert pf.kind == "budget" and pf.rejects == []
    assert (pf.reports[0].agency_code, pf.reports[0].period_code) == ("TX_TCKH", "2024")
    rows = {(v.row, v.row_role, v.section, v.agency_code) for v in pf.values}
    assert rows == {
        (10, "detail", "I", "TX_VHTT"),
        (11, "detail", "I", "TX_VP"),
        (12, "unallocated", "I", None),
        (13, "subtotal", "I", None),
        (15, "detail", "II", "PHUONG_PHO_NINH"),
        (16, "detail", "II", "XA_PHO_AN"),
        (17, "subtotal", "II", None),
        (18, "total", None, None),
    }
    assert {v.unit for v in pf.values} == {"triệu đồng"}
    by = {(v.row, v.item_code): v.value for v in pf.values}
    assert by[(10, "REG_EST")] == 1500 and by[(11, "DX_ACT")] == 1234.5 and by[(15, "DX_ACT")] == 0
    assert by[(13, "REG_EST")] == 5000  # the clerk's formula, cached


def test_budget_sheet_per_year_with_units_as_written(registry):
    pf = parse(
        F.budget_xlsx(sheets=(("Năm 2024", "đồng", F.BUDGET_ROWS), ("2025", "nghìn đồng", F.BUDGET_ROWS))),
        registry,
        arrival=dt.date(2025, 12, 20),
    )
    assert [(r.sheet, r.period_code) for r in pf.reports] == [("Năm 2024", "2024"), ("2025", "2025")]
    assert {(v.sheet, v.unit) for v in pf.values} == {("Năm 2024", "đồng"), ("2025", "nghìn đồng")}
    assert {v.report_index for v in pf.values} == {0, 1}


def test_budget_row_of_an_unknown_unit_is_rejected_and_the_rest_loads(registry):
    rows = F.BUDGET_ROWS[:7] + [("3", "Xã Đức Lân", 10, 10, 1, 1)] + F.BUDGET_ROWS[7:]
    pf = parse(F.budget_xlsx(sheets=(("Năm 2024", "triệu đồng", rows),)), registry)
    (rej,) = pf.rejects
    assert (rej.row, rej.reason_code, rej.found) == (16, "unknown_agency", "Xã Đức Lân")
    assert {v.row_role for v in pf.values} == {"detail", "unallocated", "subtotal", "total"}


def test_budget_police_row_is_a_detail_not_a_subtotal(registry):
    rows = F.BUDGET_ROWS[:3] + [("3", "Công an thị xã", 700, 650, 30, 20)] + F.BUDGET_ROWS[3:]
    pf = parse(F.budget_xlsx(sheets=(("Năm 2024", "triệu đồng", rows),)), registry)
    assert {(v.row_role, v.section) for v in pf.values if v.agency_code == "TX_CA"} == {("detail", "I")}
    assert [v.row for v in pf.values if v.row_role == "subtotal"][:1] == [14]


def test_budget_row_with_a_text_figure_is_rejected(registry):
    rows = [r if r[1] != "Phường Phổ Ninh" else (*r[:5], "#VALUE!") for r in F.BUDGET_ROWS]
    pf = parse(F.budget_xlsx(sheets=(("Năm 2024", "triệu đồng", rows),)), registry)
    assert [(r.row, r.reason_code) for r in pf.rejects] == [(15, "unparseable_number")]
    assert 15 not in {v.row for v in pf.values}


# -- portal CSV ---------------------------------------------------------------------------------

ROW_NINH = ["H55.35.02", "Phường Phổ Ninh", "07/2024", "120", "100", "90", "1.234", "1.100", "800", "650"]
ROW_AN = ["H55.35.09", "Xã Phổ An", "07/2024", "110", "95", "85", "900", "850", "400", "300"]


@pytest.mark.parametrize("sep", [";", ","])
def test_portal_csv_with_either_separator_loads_per_unit_by_portal_code(registry, sep):
    pf = parse(F.portal_csv([ROW_NINH, ROW_AN], sep=sep), registry, arrival=dt.date(2024, 8, 3), name="dvc.csv")
    assert pf.kind == "dvc_monthly" and pf.encoding == "utf-8-sig" and pf.rejects == []
    assert (pf.reports[0].agency_code, pf.reports[0].period_code, pf.reports[0].sheet) == ("PORTAL", "2024-07", None)
    assert len(pf.values) == 14 and {v.unit for v in pf.values} == {None}
    first = pf.values[0]
    assert (first.row, first.agency_code, first.item_code, first.value) == (2, "PHUONG_PHO_NINH", "TTHC_TOTAL", 120)
    assert [v.value for v in pf.values if v.item_code == "DVC_USERS_EID"] == [650, 300]


def test_windows_1258_csv_is_decoded(registry):
    pf = parse(F.portal_csv([ROW_NINH], encoding="cp1258"), registry, arrival=dt.date(2024, 8, 3))
    assert pf.encoding == "cp1258" and pf.values[0].agency_written == "Phường Phổ Ninh"
    assert pf.values[0].agency_code == "PHUONG_PHO_NINH"


def test_csv_row_with_the_wrong_number_of_fields_is_malformed(registry):
    pf = parse(F.portal_csv([ROW_NINH, ROW_AN[:-1]]), registry, arrival=dt.date(2024, 8, 3))
    assert [(r.row, r.reason_code) for r in pf.rejects] == [(3, "malformed_row")]
    assert len(pf.values) == 7


def test_csv_old_unit_code_after_the_merger_is_not_valid_in_period(registry):
    new = ["H55.104", "Xã Nguyễn Nghiêm", "08/2025", "1", "1", "1", "1", "1", "1", "1"]
    old = ["H55.35.12", "Xã Phổ Nhơn", "08/2025", "1", "1", "1", "1", "1", "1", "1"]
    pf = parse(F.portal_csv([new, old]), registry, arrival=dt.date(2025, 9, 2))
    assert {v.agency_code for v in pf.values} == {"XA_NGUYEN_NGHIEM"}
    assert [(r.row, r.reason_code) for r in pf.rejects] == [(3, "agency_not_valid_in_period")]


def test_csv_unit_resolves_by_name_when_the_code_is_unknown(registry):
    row = ["H55.99.99", "UBND phường Phổ Ninh", "07/2024", "1", "1", "1", "1", "1", "1", "1"]
    pf = parse(F.portal_csv([row]), registry, arrival=dt.date(2024, 8, 3))
    assert pf.values[0].agency_code == "PHUONG_PHO_NINH"


def test_csv_row_repeated_is_a_duplicate(registry):
    pf = parse(F.portal_csv([ROW_NINH, ROW_AN, ROW_NINH]), registry, arrival=dt.date(2024, 8, 3))
    assert [(r.row, r.reason_code) for r in pf.rejects] == [(4, "duplicate_item")]


# -- files that cannot load ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "data,reason",
    [
        (b"", "empty_file"),
        (F.empty_workbook(), "empty_file"),
        (F.PDF_BYTES, "not_a_spreadsheet"),
        (b"\x89PNG\r\n\x1a\n" + bytes(100), "not_a_spreadsheet"),
        (b"\xff\xd8\xff\xe0" + bytes(100), "not_a_spreadsheet"),
        (F.quarterly_xlsx()[:300], "corrupt_workbook"),
        (b"PK\x03\x04" + bytes(200), "corrupt_workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "corrupt_workbook"),
    ],
)
def test_unreadable_files_are_quarantined_with_the_exact_reason(registry, data, reason):
    pf = parse(data, registry)
    assert pf.quarantine.reason_code == reason and pf.reports == [] and pf.values == []


def test_password_protected_workbook_is_encrypted_workbook(registry):
    pf = parse(F.encrypted(F.quarterly_xlsx()), registry)
    assert pf.quarantine.reason_code == "encrypted_workbook"


def test_readable_workbook_of_no_known_kind_is_unknown_kind(registry):
    pf = parse(F.quarterly_xlsx(title="DANH SÁCH CÁN BỘ", period=None), registry)
    assert pf.quarantine.reason_code == "unknown_kind"


def test_csv_of_another_layout_is_unknown_kind(registry):
    pf = parse("Họ tên;Năm sinh\nNguyễn Văn A;1980\n".encode(), registry)
    assert pf.quarantine.reason_code == "unknown_kind"


@settings(max_examples=60, deadline=None)
@given(
    head=st.sampled_from([b"", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\xef\xbb\xbf"]),
    body=st.binary(max_size=400),
)
def test_parser_never_raises_on_arbitrary_bytes(registry, head, body):
    pf = parse(head + body, registry)
    assert isinstance(pf, ParsedFile)
    assert pf.quarantine is not None or pf.reports


def test_xlsx_without_a_readable_sheet_is_corrupt(registry):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
    assert parse(out.getvalue(), registry).quarantine.reason_code == "corrupt_workbook"


def test_error_cell_on_a_later_sheet_is_found_through_the_workbook_relations(registry):
    rows = [r if r[1] != "UBND xã Phổ An" else (*r[:5], ("=#REF!*2", "#REF!")) for r in F.BUDGET_ROWS]
    pf = parse(
        F.budget_xlsx(sheets=(("Năm 2024", "triệu đồng", F.BUDGET_ROWS), ("2025", "triệu đồng", rows))),
        registry,
        arrival=dt.date(2025, 12, 1),
    )
    assert [(r.sheet, r.row, r.reason_code, r.found) for r in pf.rejects] == [
        ("2025", 16, "unparseable_number", "#REF!")
    ]


def test_same_bytes_under_two_names_parse_to_the_same_rows(registry):
    data = F.quarterly_xlsx()
    first = parse(data, registry, name="BC CDS quy 3 - Pho Ninh.xlsx")
    second = parse(data, registry, name="BC CDS quy 3 - Pho Ninh (1).xlsx")
    assert first.reports == second.reports and first.values == second.values
