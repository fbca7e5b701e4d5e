"""The three losses of issue 10, each on a file of its own, and the rules that replaced them:
a numbered line that carries figures is never a section header, a formula without a result is a
reject and not a 0, and sheets that are not reports are recorded with their role at no cost."""

from __future__ import annotations

import datetime as dt
import io

import duckdb
import pytest
import xlsxwriter

from dagster_project.ingest.parsing import accounting, parse_file
from dagster_project.ingest.run import ingest_raw_tree

from . import fixtures as F
from .conftest import REGISTRY

BUDGET_ARRIVAL = dt.date(2025, 1, 15)


def _share(pf, basis: str) -> float:
    """DX spending over regular spending (detail rows, plus the unallocated line for regular)."""
    reg = sum(v.value for v in pf.values if v.item_code == f"REG_{basis}" and v.row_role in ("detail", "unallocated"))
    dx = sum(v.value for v in pf.values if v.item_code == f"DX_{basis}" and v.row_role == "detail")
    return 100 * dx / reg


def test_an_unallocated_line_numbered_III_is_a_value_row_and_the_share_counts_it(registry):
    pf = parse_file(
        "b.xlsx", F.budget_xlsx(sheets=(("Năm 2024", "triệu đồng", F.BUDGET_ROWS_ROMAN_III),)), registry, BUDGET_ARRIVAL
    )
    assert pf.quarantine is None and pf.rejects == []
    line = [v for v in pf.values if v.row_role == "unallocated"]
    written = next(r for r in F.BUDGET_ROWS_ROMAN_III if r[0] == "III")
    assert [v.value for v in line] == list(written[2:]) and {v.section for v in line} == {"III"}
    total = next(v.value for v in pf.values if v.row_role == "total" and v.item_code == "REG_EST")
    regular = sum(v.value for v in pf.values if v.item_code == "REG_EST" and v.row_role in ("detail", "unallocated"))
    assert regular == total  # the clerk's TỔNG CỘNG is right once the line counts
    assert _share(pf, "EST") < 0.5  # 0.42 %: the floor is not met


def test_a_block_number_on_a_row_with_figures_but_no_known_role_is_a_reject_naming_the_row(registry):
    rows = [*F.BUDGET_ROWS_ROMAN_III[:8], ("III", "Chi sự nghiệp khác", 700, 600, 0, 0), F.BUDGET_ROWS_ROMAN_III[-1]]
    pf = parse_file("b.xlsx", F.budget_xlsx(sheets=(("Năm 2024", "triệu đồng", rows),)), registry, BUDGET_ARRIVAL)
    (rej,) = pf.rejects
    assert (rej.reason_code, rej.row) == ("unknown_row_role", 8 + 8 + 1)
    assert "Chi sự nghiệp khác" in rej.found and "row 17" in rej.message_en and "dòng 17" in rej.message_vi


def _uncalculated(value="") -> bytes:
    items = [(s, label, unit, ("=1000+100", value) if s == "1.3" else v) for s, label, unit, v in F.QUARTERLY_ITEMS]
    return F.quarterly_xlsx(items=items)


def test_a_formula_without_a_cached_value_is_a_reject_not_a_zero(registry, arrival):
    pf = parse_file("q.xlsx", _uncalculated(), registry, arrival)
    (rej,) = pf.rejects
    assert rej.reason_code == "formula_without_value" and rej.found == "=1000+100"
    assert "LibreOffice" in rej.message_vi and "LibreOffice" in rej.message_en and "gửi lại" in rej.message_vi
    assert "WR_ONLINE" not in {v.item_code for v in pf.values}
    # with its cached value the formula is the figure, as before
    cached = parse_file("q.xlsx", _uncalculated(1100), registry, arrival)
    assert cached.rejects == [] and {v.item_code: v.value for v in cached.values}["WR_ONLINE"] == 1100


def test_an_instructions_sheet_before_the_report_costs_the_file_nothing(registry, arrival):
    data = F.quarterly_xlsx(sheet="Báo cáo", before=(F.INSTRUCTIONS_SHEET,), after=(("Sheet2", []),))
    pf = parse_file("q.xlsx", data, registry, arrival)
    assert pf.quarantine is None and pf.rejects == [] and len(pf.values) == 8
    assert [(s.name, s.role) for s in pf.sheets] == [
        ("Hướng dẫn", "instructions"),
        ("Báo cáo", "report"),
        ("Sheet2", "empty"),
    ]


def test_a_workbook_with_no_report_sheet_is_still_quarantined(registry, arrival):
    data = F.quarterly_xlsx(
        headers=("Số", "Nội dung", "Đơn vị tính", "Kết quả", "Ghi chú"), before=(F.INSTRUCTIONS_SHEET,)
    )
    pf = parse_file("q.xlsx", data, registry, arrival)
    assert pf.quarantine is not None and pf.quarantine.reason_code == "no_header_row"
    assert [s.role for s in pf.sheets] == ["instructions", "other"]


def _book(sheets) -> bytes:
    """(name, quarterly bytes' first sheet written again, hidden?) — a report sheet per entry."""
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"in_memory": True})
    for name, period, wr_total, hidden in sheets:
        ws = wb.add_worksheet(name)
        ws.write_string(0, 0, "UBND PHƯỜNG PHỔ NINH")
        ws.write_string(2, 0, "BÁO CÁO KẾT QUẢ THỰC HIỆN CHUYỂN ĐỔI SỐ")
        ws.write_string(3, 0, period)
        for c, h in enumerate(("STT", "Nội dung", "Đơn vị tính", "Kết quả")):
            ws.write_string(5, c, h)
        ws.write_string(6, 0, "1.1")
        ws.write_string(6, 1, "Tổng số hồ sơ")
        ws.write_number(6, 3, wr_total)
        if hidden:
            ws.hide()
    wb.worksheets()[0].activate()
    wb.close()
    return out.getvalue()


def test_two_quarters_in_one_file_are_two_reports_and_a_hidden_sheet_is_never_read(registry, arrival):
    data = _book([("Q2", "Quý II/2024", 10, False), ("Q3", "Quý III/2024", 20, False), ("cũ", "Quý I/2024", 5, True)])
    pf = parse_file("q.xlsx", data, registry, arrival)
    assert [(r.period_code, r.sheet) for r in pf.reports] == [("2024-Q2", "Q2"), ("2024-Q3", "Q3")]
    assert [v.value for v in pf.values] == [10, 20] and pf.rejects == []
    assert [s.role for s in pf.sheets] == ["report", "report", "hidden"]


def test_the_same_report_on_two_sheets_counts_once(registry, arrival):
    same = parse_file(
        "q.xlsx", _book([("A", "Quý III/2024", 20, False), ("B", "Quý III/2024", 20, False)]), registry, arrival
    )
    assert (
        len(same.reports) == 1 and same.rejects == [] and [s.role for s in same.sheets] == ["report", "repeated_report"]
    )
    other = parse_file(
        "q.xlsx", _book([("A", "Quý III/2024", 20, False), ("B", "Quý III/2024", 25, False)]), registry, arrival
    )
    assert [v.value for v in other.values] == [20]
    assert [(r.reason_code, r.sheet, r.found) for r in other.rejects] == [("repeated_report", "B", "A")]


def test_a_tally_that_does_not_add_up_is_our_bug_and_never_a_short_load(registry, arrival, monkeypatch):
    monkeypatch.setattr(
        accounting.CellAccount, "check", lambda self, sheet, n: (_ for _ in ()).throw(accounting.AccountingError(sheet))
    )
    with pytest.raises(accounting.AccountingError):
        parse_file("q.xlsx", F.quarterly_xlsx(), registry, arrival)


def test_ingest_sheets_records_every_sheet_in_the_run_and_its_tally(tmp_path):
    raw = tmp_path / "raw" / "2024-10-05"
    raw.mkdir(parents=True)
    (raw / "hd.xlsx").write_bytes(
        F.quarterly_xlsx(agency=("UBND XÃ PHỔ AN",), sheet="Báo cáo", before=(F.INSTRUCTIONS_SHEET,))
    )
    (raw / "formula.xlsx").write_bytes(_uncalculated())
    with duckdb.connect(str(tmp_path / "build.duckdb")) as con:
        ingest_raw_tree(con, tmp_path / "raw", REGISTRY, workers=1)
        states = dict(con.execute("select file_name, state from ingest_files").fetchall())
        sheets = con.execute(
            "select file_name, sheet_index, role, n_cells, n_value_cells, n_part_cells, n_rejected_cells, report_id "
            "from ingest_sheets join ingest_files using (file_id) order by 1, 2"
        ).fetchall()
        n_values = dict(con.execute("select file_name, n_values from ingest_files").fetchall())
    assert states == {"hd.xlsx": "loaded", "formula.xlsx": "loaded_with_rejects"}
    assert [(name, i, role) for name, i, role, *_ in sheets] == [
        ("formula.xlsx", 1, "report"),
        ("hd.xlsx", 1, "instructions"),
        ("hd.xlsx", 2, "report"),
    ]
    for name, _, role, cells, values, parts, rejected, report_id in sheets:
        assert cells == values + parts + rejected
        assert (report_id is not None) == (role == "report")
        if role == "report":
            assert values == n_values[name]  # no empty value cell in these tables
    assert next(s for s in sheets if s[0] == "formula.xlsx")[6] > 0  # the rejected row's cells


def test_rows_written_by_other_parsers_are_parsed_again(tmp_path):
    """A fixed parser must reach files ingested before the fix: their bytes did not change."""
    raw = tmp_path / "raw" / "2025-01-15"
    raw.mkdir(parents=True)
    (raw / "budget.xlsx").write_bytes(F.budget_xlsx(sheets=(("Năm 2024", "triệu đồng", F.BUDGET_ROWS_ROMAN_III),)))
    (raw / "q.xlsx").write_bytes(F.quarterly_xlsx())
    with duckdb.connect(str(tmp_path / "build.duckdb")) as con:
        first = ingest_raw_tree(con, tmp_path / "raw", REGISTRY, workers=1)
        good = con.execute("select count(*), sum(value) from ingest_values").fetchone()
        # as an older parser left it: another version, a line lost, no sheets recorded
        con.execute("update ingest_parser set version = version - 1")
        con.execute("delete from ingest_values where row_role = 'unallocated'")
        con.execute("delete from ingest_sheets")
        again = ingest_raw_tree(con, tmp_path / "raw", REGISTRY, workers=1)
        assert con.execute("select count(*), sum(value) from ingest_values").fetchone() == good
        assert con.execute("select count(*) from ingest_sheets").fetchone()[0] == 2
        assert con.execute("select count(*) from ingest_files").fetchone()[0] == 2
        quiet = ingest_raw_tree(con, tmp_path / "raw", REGISTRY, workers=1)
    assert first.parsed == again.parsed == 2 and quiet.parsed == 0
