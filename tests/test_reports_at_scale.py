"""The reports stay readable and keep working beyond one town: thousands of units, no area budget,
units that have not reported yet (each of these broke the nation-scale benchmark once)."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from openpyxl import load_workbook

from dagster_project.reports import charts
from dagster_project.reports.data import load_scorecard
from dagster_project.reports.excel import HEADER_ROW, write_workbook


def _units(n: int) -> pd.DataFrame:
    # unit i meets all but (i % 7) of its 7 indicators
    rows = [
        {"agency_code": f"XA_{i:04d}", "agency_vi": f"xã Số {i:04d}", "meets_target": k >= i % 7}
        for i in range(n)
        for k in range(7)
    ]
    return pd.DataFrame(rows)


def _bar_labels(fig) -> list[str]:
    return [label.get_text() for label in fig.axes[0].get_yticklabels()]


def test_the_units_chart_shows_the_units_furthest_behind_and_says_how_many_it_leaves_out():
    fig = charts.units_behind(_units(3300))
    labels = _bar_labels(fig)
    assert len(labels) == charts.UNITS_CHARTED
    # 6 of 7 behind: units 6, 13, 20, ... — the lowest codes first among equals, furthest behind on
    # top, each bar named by the unit's name
    assert labels[-1] == "xã Số 0006" and labels[-2] == "xã Số 0013"
    assert "of 3300" in fig.get_suptitle()


def test_a_town_sized_chart_shows_every_unit():
    fig = charts.units_behind(_units(25))
    assert sorted(_bar_labels(fig)) == [f"xã Số {i:04d}" for i in range(25)]
    assert "of 25" not in fig.get_suptitle() and "Units" in fig.get_suptitle()


def test_no_area_budget_yet_draws_an_empty_budget_chart():
    empty = pd.DataFrame(columns=["fiscal_year", "basis", "share_pct", "floor_pct"])
    fig = charts.budget_share(empty)
    assert "no budget reported" in " ".join(t.get_text() for t in fig.axes[0].texts)


def test_a_unit_without_a_report_yet_is_an_empty_cell_in_the_workbook(published_sample, tmp_path):
    _, _, warehouse, refresh = published_sample
    assert refresh.returncode == 0
    data = load_scorecard(warehouse / "dx.duckdb")
    units = data.units.copy()
    first = units.index[units["pillar"] == "digital_government"][0]
    units.loc[first, ["numerator", "denominator", "value_pct", "meets_target"]] = None
    path = write_workbook(replace(data, units=units), tmp_path / "book.xlsx")
    sheet = load_workbook(path)["Chính quyền số"]
    row = next(r for r in sheet.iter_rows(min_row=HEADER_ROW + 2) if r[1].value == units.loc[first, "agency_vi"]
               and r[3].value == units.loc[first, "indicator_code"])  # fmt: skip
    assert row[7].value is None and row[9].value == "Chưa có số liệu"


def test_chart_legends_sit_outside_the_axes_so_they_never_cover_a_bar(published_sample):
    _, _, warehouse, refresh = published_sample
    assert refresh.returncode == 0
    data = load_scorecard(warehouse / "dx.duckdb")
    figures = [
        charts.area_progress(data.area),
        charts.units_behind(data.units),
        charts.budget_share(data.budget),
        charts.open_flags(data.withheld),
    ]
    for fig in figures:
        canvas = FigureCanvasAgg(fig)
        canvas.draw()  # constrained layout places the legend when the figure is drawn
        renderer = canvas.get_renderer()
        legends = fig.legends + [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
        for legend in legends:
            box = legend.get_window_extent(renderer)
            for ax in fig.axes:
                assert not box.overlaps(ax.get_window_extent(renderer)), fig.get_suptitle()
    assert all(fig.legends for fig in figures[:3]), "progress, units and budget charts have a legend"
