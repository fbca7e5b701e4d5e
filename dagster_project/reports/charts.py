"""The scorecard's charts as matplotlib figures, shared by the HTML report and the analysts' notebook.

Figures are made without pyplot, so no GUI backend is ever needed (Dagster, cron, headless kernels)."""

from __future__ import annotations

import io

import matplotlib
import pandas as pd
from matplotlib.figure import Figure

MET, MISSED, NO_TARGET = "#2e7d32", "#c62828", "#9e9e9e"


def _status_colour(meets: object) -> str:
    if meets is None or pd.isna(meets):
        return NO_TARGET
    return MET if bool(meets) else MISSED


def area_progress(area: pd.DataFrame) -> Figure:
    """Latest area value per indicator against its current target, with the projections to 2025 and 2030."""
    rows = area.sort_values("indicator_code", ascending=False).reset_index(drop=True)
    fig = Figure(figsize=(9, 0.45 * len(rows) + 1.5))
    ax = fig.subplots()
    y = range(len(rows))
    ax.barh(y, rows["value_pct"].fillna(0), color=[_status_colour(m) for m in rows["meets_target"]], alpha=0.85)
    ax.scatter(rows["target_pct"], y, marker="|", s=300, color="black", label="mục tiêu / target", zorder=3)
    ax.scatter(
        rows["projected_2025_pct"], y, marker="o", color="#1565c0", label="dự báo 2025 / projected 2025", zorder=3
    )
    ax.scatter(
        rows["projected_2030_pct"], y, marker="D", color="#6a1b9a", label="dự báo 2030 / projected 2030", zorder=3
    )
    ax.set_yticks(list(y), [f"{c} ({t})" for c, t in zip(rows["indicator_code"], rows["target_text"], strict=True)])
    ax.set_xlim(0, 105)
    ax.set_xlabel("%")
    ax.set_title("Tiến độ so với mục tiêu 2025 và 2030 (DUCPHO)\nProgress to the 2025 and 2030 targets")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3, fontsize=8)
    fig.tight_layout()
    return fig


# The bar chart of units behind target shows at most this many units (those furthest behind); the
# table under it lists every unit. A province or the nation has thousands of units: one bar each
# would be a chart nobody can read, and it took most of the reports' time at nation scale.
UNITS_CHARTED = 40


def units_behind(units: pd.DataFrame, limit: int = UNITS_CHARTED) -> Figure:
    """Per unit: how many indicators are behind their target, and how many meet it — for the
    `limit` units with most indicators behind (then by code), all of them in a town."""
    judged = units[units["meets_target"].notna()]
    counts = (
        judged.assign(behind=~judged["meets_target"].astype(bool))
        .groupby("agency_code")["behind"]
        .agg(behind="sum", total="count")
        .reset_index()
        .sort_values(["behind", "agency_code"], ascending=[False, True])
    )
    shown = counts.head(limit).iloc[::-1].set_index("agency_code")  # furthest behind at the top
    fig = Figure(figsize=(9, 0.4 * max(len(shown), 1) + 1.5))
    ax = fig.subplots()
    ax.barh(shown.index, shown["total"] - shown["behind"], color=MET, label="đạt / meets")
    ax.barh(
        shown.index, shown["behind"], left=shown["total"] - shown["behind"], color=MISSED, label="chưa đạt / behind"
    )
    ax.set_xlabel("số chỉ tiêu / indicators")
    title = "Đơn vị chưa đạt mục tiêu\nUnits behind target (latest period)"
    if len(counts) > len(shown):
        title += (
            f"\n{len(shown)} đơn vị chậm nhất trong {len(counts)} / "
            f"the {len(shown)} units furthest behind of {len(counts)} (all in the table)"
        )
    ax.set_title(title)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    return fig


def budget_share(budget: pd.DataFrame) -> Figure:
    """The digital-transformation share of regular spending by year and basis, against its floor."""
    pivot = budget.pivot_table(index="fiscal_year", columns="basis", values="share_pct")
    fig = Figure(figsize=(7, 3.5))
    ax = fig.subplots()
    if pivot.empty:  # no budget workbook for the area yet: say so rather than fail the reports
        ax.text(0.5, 0.5, "chưa có số liệu ngân sách / no budget reported", ha="center", va="center")
    else:
        pivot.plot.bar(ax=ax, color={"estimate": "#90caf9", "actual": "#1565c0"}, rot=0)
    for floor in budget["floor_pct"].dropna().astype(float).unique():
        ax.axhline(floor, color=MISSED, linestyle="--", label=f"mức sàn / floor ≥ {floor:g}%")
    ax.set_ylabel("% chi thường xuyên / of regular spending")
    ax.set_xlabel("năm / fiscal year")
    ax.set_title("Tỷ lệ chi cho chuyển đổi số\nBudget share against its floor")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def open_flags(withheld: pd.DataFrame) -> Figure:
    """Figures withheld for review, by the rule that flagged them."""
    counts = withheld.groupby("rule_code").size().sort_values()
    fig = Figure(figsize=(7, 0.4 * max(len(counts), 1) + 1.5))
    ax = fig.subplots()
    if counts.empty:
        ax.text(0.5, 0.5, "không có / none", ha="center", va="center")
    else:
        ax.barh(counts.index, counts.values, color="#ef6c00")
    ax.set_xlabel("số liệu / figures")
    ax.set_title("Số liệu bị giữ lại chờ xem xét\nFigures withheld for review")
    fig.tight_layout()
    return fig


def to_svg(fig: Figure) -> str:
    """The figure as inline SVG (text kept as text, so the browser renders Vietnamese)."""
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        fig.savefig(buffer, format="svg")
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]
