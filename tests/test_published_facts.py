"""Each fact about a figure is computed once, in SQL, and published: `mart_source_freshness` (stale
sources) and `mart_withheld_figures` (figures withheld until reviewed) hold exactly what the Python
readers used to compute themselves, `dxw status` / `dxw accept` / the reports read them, and the
reports find the area in `dim_agency` instead of naming it."""

from __future__ import annotations

import csv
import json

import duckdb
import pytest
from openpyxl import load_workbook

from dagster_project import settings
from dagster_project.reports import XLSX_NAME
from dagster_project.reports.data import reporting_area
from dagster_project.reports.excel import BUDGET_SHEET
from tests.conftest import run_dxw

# What warehouse_status.source_freshness computed in Python before the mart existed.
OLD_FRESHNESS = """
    select
        agency_code,
        report_kind,
        arg_max(period_code, period_end) filter (where status <> 'missing') as latest_received,
        arg_max(period_code, period_end) as latest_expected,
        count(*) filter (where status = 'missing') as periods_missing
    from fct_submissions
    group by agency_code, report_kind
    order by report_kind, agency_code
"""
# What cli.py, warehouse_status.py and reports/data.py each selected from dq_flagged_values.
OLD_WITHHELD = """
    select f.flag_id, f.agency_code, a.name_vi, coalesce(f.indicator_code, f.item_code),
           coalesce(i.name_vi, f.item_code), f.period_code, f.value, f.rule_code, f.reason_vi, f.reason_en,
           f.raw_path, f.sheet_name, f.source_row
    from dq_flagged_values as f
    left join dim_agency as a on a.agency_code = f.agency_code
    left join dim_indicator as i on i.indicator_code = f.indicator_code
    where f.is_withheld
    order by f.flag_id
"""


def _published(warehouse):
    return duckdb.connect(str(warehouse / "dx.duckdb"), read_only=True)


def test_the_published_freshness_is_what_the_python_status_computed(published_sample):
    _, _, warehouse, first = published_sample
    assert first.returncode == 0
    with _published(warehouse) as con:
        old = [(*row, row[2] != row[3]) for row in con.execute(OLD_FRESHNESS).fetchall()]
        new = con.execute(
            "select agency_code, report_kind, latest_received, latest_expected, periods_missing, is_stale "
            "from mart_source_freshness order by report_kind, agency_code"
        ).fetchall()
    assert new == old
    assert 0 < sum(row[-1] for row in new) < len(new), "the sample world has stale and up-to-date sources"
    assert any(row[2] is None and row[-1] for row in new), "a source that never sent anything is stale"

    status = json.loads(run_dxw("status", "--json", raw=published_sample[0], warehouse=warehouse).stdout)
    assert [tuple(s.values()) for s in status["source_freshness"]] == new
    assert [tuple(s.values()) for s in status["stale_sources"]] == [row for row in new if row[-1]]


def test_the_published_withheld_figures_are_the_withheld_flags_with_the_figure_they_name(published_sample):
    _, _, warehouse, first = published_sample
    assert first.returncode == 0
    with _published(warehouse) as con:
        old = con.execute(OLD_WITHHELD).fetchall()
        new = con.execute(
            "select flag_id, agency_code, agency_name_vi, figure, figure_name_vi, period_code, value, rule_code, "
            "reason_vi, reason_en, raw_path, sheet_name, source_row from mart_withheld_figures order by flag_id"
        ).fetchall()
        flagged, withheld = con.execute(
            "select count(*), count(*) filter (where is_withheld) from dq_flagged_values"
        ).fetchone()
    assert new == old
    assert 0 < len(new) == withheld < flagged, "the sample world has withheld and accepted flags"
    with _published(warehouse) as con:
        named_by = con.execute(
            "select count(*) filter (where figure = indicator_code), "
            "count(*) filter (where indicator_code is null and figure = item_code) from mart_withheld_figures"
        ).fetchone()
    assert all(named_by), "indicator flags name the indicator, item flags the item"

    status = json.loads(run_dxw("status", "--json", raw=published_sample[0], warehouse=warehouse).stdout)
    assert status["withheld_figures"]["flagged"] == flagged
    assert status["withheld_figures"]["withheld"] == withheld


def test_accept_names_a_withheld_figure_and_reviews_an_accepted_flag_again(published_sample, tmp_path):
    raw, _, warehouse, first = published_sample
    assert first.returncode == 0
    with _published(warehouse) as con:
        held = con.execute(
            "select flag_id, agency_code, figure, period_code from mart_withheld_figures where flag_id in "
            "(select flag_id from dq_flagged_values where may_be_accepted) order by flag_id limit 1"
        ).fetchone()
        accepted = con.execute("select min(flag_id) from dq_flagged_values where not is_withheld").fetchone()[0]
    assert accepted is not None
    reviews = tmp_path / "reviewed_values.csv"
    for flag_id, said in ((held[0], "accepting {} {} {} = ".format(*held[1:])), (accepted, "it is not withheld now")):
        done = run_dxw(
            "accept", flag_id, "--by", "Nguyễn Văn A", "--note", "đã xác minh", raw=raw, warehouse=warehouse,
            DX_REVIEWS_FILE=str(reviews),
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert said in done.stdout
    with reviews.open(encoding="utf-8", newline="") as f:
        assert sorted(r["flag_id"] for r in csv.DictReader(f)) == sorted([held[0], accepted])


def test_the_reports_find_the_area_in_the_registry_and_the_budget_sheet_names_it(published_sample):
    _, _, warehouse, first = published_sample
    assert first.returncode == 0
    with (settings.DEFAULT_REGISTRY_DIR / "ref_agencies.csv").open(encoding="utf-8", newline="") as f:
        areas = [(r["agency_code"], r["name_vi"]) for r in csv.DictReader(f) if r["agency_type"] == "area"]
    with _published(warehouse) as con:
        assert [reporting_area(con)] == areas
    name = areas[0][1]
    sheet = load_workbook(warehouse / "reports" / XLSX_NAME, read_only=True)[BUDGET_SHEET]
    cells = [str(c) for row in sheet.iter_rows(max_row=12, values_only=True) for c in row if c]
    assert f"Các năm ngân sách — ngân sách thị xã {name}" in cells


def test_the_area_is_the_one_agency_of_type_area_whatever_its_code():
    con = duckdb.connect()
    con.execute("create table dim_agency (agency_code varchar, name_vi varchar, agency_type varchar)")
    con.execute("insert into dim_agency values ('TOWN_X', 'Thị xã X', 'town_office'), ('ZONE_9', 'Vùng 9', 'area')")
    assert reporting_area(con) == ("ZONE_9", "Vùng 9")
    con.execute("insert into dim_agency values ('ZONE_10', 'Vùng 10', 'area')")
    with pytest.raises(ValueError, match="exactly one agency of type 'area', found 2"):
        reporting_area(con)
    con.execute("delete from dim_agency where agency_type = 'area'")
    with pytest.raises(ValueError, match="found 0"):
        reporting_area(con)
