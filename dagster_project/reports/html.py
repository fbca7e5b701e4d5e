"""The HTML scorecard for leaders: one self-contained file, charts inline as SVG, Vietnamese
headings with English subtitles, every target shown with its comparator."""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from dagster_project.reports import charts
from dagster_project.reports.data import PILLARS, ScorecardData

STYLE = """
body { font-family: "DejaVu Sans", "Noto Sans", Arial, sans-serif; margin: 2em; color: #212121; background: #fff; }
h1 { color: #0d47a1; } h2 { color: #0d47a1; border-bottom: 2px solid #0d47a1; margin-top: 1.6em; }
.en { display: block; font-size: 0.7em; color: #616161; font-weight: normal; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.9em; }
th, td { border: 1px solid #bdbdbd; padding: 4px 8px; text-align: left; }
th { background: #e3f2fd; } td.num { text-align: right; }
.met { background: #c8e6c9; } .missed { background: #ffcdd2; } .none { background: #eeeeee; }
.note { background: #fff8e1; border-left: 4px solid #ffb300; padding: 0.6em 1em; }
"""


def _heading(level: int, vi: str, en: str) -> str:
    return f'<h{level}>{html.escape(vi)}<span class="en">{html.escape(en)}</span></h{level}>'


def _pct(value: object, digits: int = 1) -> str:
    return "—" if value is None or pd.isna(value) else f"{float(value):.{digits}f}%"


def _status(meets: object) -> tuple[str, str]:
    if meets is None or pd.isna(meets):
        return "none", "chưa có mục tiêu / no target"
    return ("met", "đạt / met") if bool(meets) else ("missed", "chưa đạt / behind")


def _table(headers: list[tuple[str, str]], rows: list[str]) -> str:
    head = "".join(f"<th>{html.escape(vi)}<br><small>{html.escape(en)}</small></th>" for vi, en in headers)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _cell(text: object, css: str = "") -> str:
    cls = f' class="{css}"' if css else ""
    return f"<td{cls}>{html.escape('' if text is None or (not isinstance(text, str) and pd.isna(text)) else str(text))}</td>"


def _area_section(data: ScorecardData) -> str:
    parts = [_heading(2, "Toàn thị xã Đức Phổ so với mục tiêu", "Area (DUCPHO) status against targets")]
    for pillar, (vi, en) in PILLARS.items():
        rows = []
        for r in data.area[data.area["pillar"] == pillar].itertuples():
            css, label = _status(r.meets_target)
            rows.append(
                "<tr>"
                + _cell(r.indicator_code)
                + _cell(r.indicator_vi)
                + _cell(r.latest_period_code)
                + _cell(_pct(r.value_pct), "num")
                + _cell(r.target_text, "num")
                + _cell(label, css)
                + _cell(_pct(r.projected_2025_pct), "num")
                + _cell(_pct(r.projected_2030_pct), "num")
                + "</tr>"
            )
        parts.append(_heading(3, vi, en))
        parts.append(
            _table(
                [
                    ("Mã", "Code"),
                    ("Chỉ tiêu", "Indicator"),
                    ("Kỳ", "Period"),
                    ("Giá trị", "Value"),
                    ("Mục tiêu", "Target"),
                    ("Tình trạng", "Status"),
                    ("Dự báo 2025", "Projected 2025"),
                    ("Dự báo 2030", "Projected 2030"),
                ],
                rows,
            )
        )
    return "".join(parts)


def _units_section(data: ScorecardData) -> str:
    rows = []
    for r in data.units.itertuples():
        css, label = _status(r.meets_target)
        rows.append(
            "<tr>"
            + _cell(r.agency_code)
            + _cell(r.agency_vi)
            + _cell(r.indicator_code)
            + _cell(r.latest_period_code)
            + _cell(_pct(r.value_pct), "num")
            + _cell(r.target_text, "num")
            + _cell(label, css)
            + "</tr>"
        )
    return _heading(2, "Các đơn vị so với mục tiêu", "Units against targets (latest period)") + _table(
        [
            ("Mã đơn vị", "Unit code"),
            ("Đơn vị", "Unit"),
            ("Chỉ tiêu", "Indicator"),
            ("Kỳ", "Period"),
            ("Giá trị", "Value"),
            ("Mục tiêu", "Target"),
            ("Tình trạng", "Status"),
        ],
        rows,
    )


def _budget_section(data: ScorecardData) -> str:
    rows = []
    for r in data.budget.itertuples():
        css, label = _status(r.meets_floor)
        rows.append(
            "<tr>"
            + _cell(r.fiscal_year)
            + _cell({"estimate": "dự toán / estimate", "actual": "thực hiện / actual"}.get(r.basis, r.basis))
            + _cell(f"{float(r.dx_spending_vnd):,.0f}", "num")
            + _cell(f"{float(r.regular_spending_vnd):,.0f}", "num")
            + _cell(_pct(r.share_pct, 3), "num")
            + _cell(r.floor_text, "num")
            + _cell("giữ lại / withheld" if r.is_withheld else label, "none" if r.is_withheld else css)
            + "</tr>"
        )
    return (
        _heading(2, "Ngân sách cho chuyển đổi số", "Budget share against the 0.5% floor")
        + charts.to_svg(charts.budget_share(data.budget))
        + _table(
            [
                ("Năm", "Fiscal year"),
                ("Cơ sở", "Basis"),
                ("Chi CĐS (đồng)", "DX spending (VND)"),
                ("Chi thường xuyên (đồng)", "Regular spending (VND)"),
                ("Tỷ lệ", "Share"),
                ("Mức sàn", "Floor"),
                ("Tình trạng", "Status"),
            ],
            rows,
        )
    )


def _reorganisation_note(data: ScorecardData) -> str:
    by_successor = data.reorganised.groupby(["successor_code", "successor_vi"])["name_vi"].apply(", ".join)
    items = "".join(
        f"<li>{html.escape(vi)} ({html.escape(code)}) ← {html.escape(olds)}</li>"
        for (code, vi), olds in by_successor.items()
    )
    return (
        _heading(2, "Ghi chú về sắp xếp đơn vị hành chính năm 2025", "Note on the 2025 reorganisation")
        + '<div class="note"><p>Từ ngày 1/7/2025 thị xã Đức Phổ không còn; các xã, phường được sắp xếp lại thành '
        "5 đơn vị mới. Số liệu trước tháng 7/2025 của đơn vị mới là tổng của các đơn vị cũ (cộng tử số và mẫu số).</p>"
        "<p><em>From 1 July 2025 the town level was abolished and its communes and wards were merged into five "
        "new units. Before July 2025 a new unit's series is the sum of its predecessors' numerators and "
        f"denominators, so the series stay comparable.</em></p><ul>{items}</ul></div>"
    )


def _withheld_section(data: ScorecardData) -> str:
    rows = [
        "<tr>"
        + _cell(r.agency_code)
        + _cell(r.figure)
        + _cell(r.period_code)
        + _cell(f"{float(r.value):,.2f}", "num")
        + _cell(r.rule_code)
        + _cell(r.reason_vi)
        + "</tr>"
        for r in data.withheld.itertuples()
    ]
    return (
        _heading(2, "Số liệu bị gắn cờ và giữ lại", "Flagged figures withheld until reviewed")
        + f"<p>{len(data.withheld)} số liệu chưa được tính vào kết quả cho đến khi được xem xét "
        f"(<code>dxw accept</code>). / {len(data.withheld)} figures are left out of attainment until a reviewer "
        "accepts them.</p>"
        + charts.to_svg(charts.open_flags(data.withheld))
        + _table(
            [
                ("Đơn vị", "Unit"),
                ("Số liệu", "Figure"),
                ("Kỳ", "Period"),
                ("Giá trị", "Value"),
                ("Quy tắc", "Rule"),
                ("Lý do", "Reason"),
            ],
            rows,
        )
    )


def render_html(data: ScorecardData) -> str:
    body = "".join(
        [
            _heading(1, "Báo cáo chuyển đổi số thị xã Đức Phổ", "Đức Phổ digital-transformation scorecard"),
            (
                f"<p>Số liệu công bố lúc {html.escape(data.published_at)} UTC (lần công bố "
                f"<code>{html.escape(data.publish_id)}</code>). / Published {html.escape(data.published_at)} UTC.</p>"
            ),
            charts.to_svg(charts.area_progress(data.area)),
            _area_section(data),
            charts.to_svg(charts.units_behind(data.units)),
            _units_section(data),
            _budget_section(data),
            _reorganisation_note(data),
            _withheld_section(data),
        ]
    )
    return (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
        "<title>Báo cáo chuyển đổi số — Đức Phổ</title>"
        f"<style>{STYLE}</style></head><body>{body}</body></html>"
    )


def write_html(data: ScorecardData, path: Path) -> Path:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(render_html(data), encoding="utf-8")
    tmp.replace(path)
    return path
