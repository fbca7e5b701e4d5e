"""The scorecard's charts as matplotlib figures, shared by the HTML report and the analysts' notebook.

Axes carry names, not codes; numbers are written the Vietnamese way (`vn_format`); every legend
sits outside the axes, under the title, so it never covers a bar. Figures are made without pyplot,
so no GUI backend is ever needed (Dagster, cron, headless kernels)."""

from __future__ import annotations

import io
import textwrap

import matplotlib
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from dagster_project.reports import vn_format

MET, MISSED, NO_TARGET = "#2e7d32", "#c62828", "#9e9e9e"
WIDTH_IN = 6.4  # inches: narrow enough that the text stays legible scaled down to a phone
LABEL_CHARS = 28  # an axis label (a unit's name) wraps after this many characters
NAME_CHARS = 80  # an indicator's name above its bar wraps after this many


def _status_colour(meets: object) -> str:
    if meets is None or pd.isna(meets):
        return NO_TARGET
    return MET if bool(meets) else MISSED


def _wrap(text: str, width: int = LABEL_CHARS) -> str:
    return "\n".join(textwrap.wrap(str(text), width)) or str(text)


def _figure(height_in: float) -> Figure:
    return Figure(figsize=(WIDTH_IN, height_in), layout="constrained")


def _legend_below(fig: Figure, ax, ncols: int) -> None:
    """The legend in the figure's margin under the axes (constrained layout makes room for it)."""
    if ax.get_legend_handles_labels()[0]:
        fig.legend(loc="outside lower center", ncols=ncols, fontsize=9, frameon=False)


_PERCENT_AXIS = FuncFormatter(lambda x, _pos: vn_format.percent(x, 0))
_COUNT_AXIS = FuncFormatter(lambda x, _pos: vn_format.number(x))


def area_progress(area: pd.DataFrame) -> Figure:
    """The area's value per indicator at its reporting period against its target, with the mart's
    projections to 2025 and 2030. Each indicator's name is written above its bar, across the whole
    width, so the bars keep the width and the names stay legible on a phone."""
    rows = area.sort_values(["pillar", "indicator_code"], ascending=False).reset_index(drop=True)
    fig = _figure(0.72 * len(rows) + 1.4)
    ax = fig.subplots()
    y = [1.6 * i for i in range(len(rows))]
    ax.barh(y, rows["value_pct"].fillna(0), height=0.8, color=[_status_colour(m) for m in rows["meets_target"]])
    ax.scatter(rows["target_pct"], y, marker="|", s=250, color="black", label="mục tiêu / target", zorder=3)
    ax.scatter(rows["projected_2025_pct"], y, marker="o", color="#1565c0", label="dự báo 2025 / projected", zorder=3)
    ax.scatter(rows["projected_2030_pct"], y, marker="D", color="#6a1b9a", label="dự báo 2030 / projected", zorder=3)
    for yi, r in zip(y, rows.itertuples(), strict=True):
        label = f"{r.indicator_vi}: {vn_format.percent(r.value_pct)} (mục tiêu {r.target_text})"
        ax.text(0, yi + 0.5, _wrap(label, NAME_CHARS), fontsize=9, va="bottom")
    ax.set_yticks([])
    ax.set_ylim(-0.6, y[-1] + 1.5 if y else 1)
    ax.set_xlim(0, 105)
    ax.xaxis.set_major_formatter(_PERCENT_AXIS)
    fig.suptitle("Toàn địa bàn Đức Phổ: tiến độ so với mục tiêu\nArea progress to the 2025 and 2030 targets")
    _legend_below(fig, ax, ncols=3)
    return fig


# The bar chart of units behind target shows at most this many units (those furthest behind); the
# table under it lists every unit. A province or the nation has thousands of units: one bar each
# would be a chart nobody can read, and it took most of the reports' time at nation scale.
UNITS_CHARTED = 40


def units_behind(units: pd.DataFrame, limit: int = UNITS_CHARTED) -> Figure:
    """Per unit (by name): how many indicators are behind their target, and how many meet it — for
    the `limit` units with most indicators behind (then by code), all of them in a town."""
    judged = units[units["meets_target"].notna()]
    counts = (
        judged.assign(behind=~judged["meets_target"].astype(bool))
        .groupby(["agency_code", "agency_vi"])["behind"]
        .agg(behind="sum", total="count")
        .reset_index()
        .sort_values(["behind", "agency_code"], ascending=[False, True])
    )
    shown = counts.head(limit).iloc[::-1]  # furthest behind at the top
    fig = _figure(0.32 * max(len(shown), 1) + 1.8)
    ax = fig.subplots()
    y = range(len(shown))
    ax.barh(y, shown["total"] - shown["behind"], color=MET, label="đạt / meets")
    ax.barh(y, shown["behind"], left=shown["total"] - shown["behind"], color=MISSED, label="chưa đạt / behind")
    ax.set_yticks(list(y), [_wrap(n) for n in shown["agency_vi"]])
    ax.xaxis.set_major_formatter(_COUNT_AXIS)
    ax.set_xlabel("số chỉ tiêu / indicators")
    title = "Các đơn vị: số chỉ tiêu đạt và chưa đạt\nUnits: indicators met and behind"
    if len(counts) > len(shown):
        title += (
            f"\n{vn_format.number(len(shown))} đơn vị chậm nhất trong {vn_format.number(len(counts))} / "
            f"the {len(shown)} units furthest behind of {len(counts)} (all in the table)"
        )
    fig.suptitle(title)
    _legend_below(fig, ax, ncols=2)
    return fig


def budget_share(budget: pd.DataFrame) -> Figure:
    """The digital-transformation share of regular spending by year and basis, against its floor."""
    pivot = budget.pivot_table(index="fiscal_year", columns="basis", values="share_pct")
    fig = _figure(3.8)
    ax = fig.subplots()
    if pivot.empty:  # no budget workbook for the area yet: say so rather than fail the reports
        ax.text(0.5, 0.5, "chưa có số liệu ngân sách / no budget reported", ha="center", va="center")
    else:
        names = {"estimate": "dự toán / estimate", "actual": "thực hiện / actual"}
        colours = {"estimate": "#90caf9", "actual": "#1565c0"}
        width = 0.8 / len(pivot.columns)
        for k, basis in enumerate(pivot.columns):
            x = [i + (k - (len(pivot.columns) - 1) / 2) * width for i in range(len(pivot))]
            ax.bar(x, pivot[basis], width, color=colours.get(basis), label=names.get(basis, basis))
        ax.set_xticks(range(len(pivot)), [str(int(y)) for y in pivot.index])
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: vn_format.percent(v, 1)))
    for floor in budget["floor_pct"].dropna().astype(float).unique():
        ax.axhline(floor, color=MISSED, linestyle="--", label=f"mức sàn / floor ≥ {vn_format.percent(floor)}")
    ax.set_ylabel("tỷ lệ trên chi thường xuyên\nshare of regular spending")
    ax.set_xlabel("năm ngân sách / fiscal year")
    fig.suptitle("Tỷ lệ chi cho chuyển đổi số\nBudget share against its floor")
    _legend_below(fig, ax, ncols=3)
    return fig


def open_flags(withheld: pd.DataFrame) -> Figure:
    """Figures withheld for review, by the unit that must confirm them."""
    counts = withheld.groupby(withheld["agency_vi"].fillna(withheld["agency_code"])).size().sort_values()
    fig = _figure(0.35 * max(len(counts), 1) + 1.5)
    ax = fig.subplots()
    if counts.empty:
        ax.text(0.5, 0.5, "không có / none", ha="center", va="center")
    else:
        ax.barh([_wrap(n) for n in counts.index], counts.values, color="#ef6c00")
        ax.xaxis.set_major_formatter(_COUNT_AXIS)
        ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel("số liệu chờ xác nhận / figures awaiting confirmation")
    fig.suptitle("Số liệu bị giữ lại, theo đơn vị\nFigures withheld for review, by unit")
    return fig


def to_svg(fig: Figure) -> str:
    """The figure as inline SVG (text kept as text, so the browser renders Vietnamese); its viewBox
    lets the page's CSS scale it to the screen."""
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        fig.savefig(buffer, format="svg")
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]
