"""The HTML scorecard for leaders: one self-contained file, charts inline as SVG, Vietnamese
headings with English subtitles, every target shown with its comparator.

Readable on any screen: a viewport meta, charts that scale to the width, wide tables that scroll
inside their own box. It leads with the latest complete period; a period still being received is
shown apart as "đang cập nhật / in progress". Numbers and times come from `vn_format`."""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from dagster_project.reports import charts, vn_format
from dagster_project.reports.data import PILLARS, ScorecardData, flagged_value_text, status_words

STYLE = """
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { font-family: "DejaVu Sans", "Noto Sans", Arial, sans-serif; font-size: 16px; line-height: 1.45;
       margin: 0 auto; padding: 1em; max-width: 72em; color: #212121; background: #fff; }
h1 { color: #0d47a1; font-size: 1.6em; margin: 0.3em 0; }
h2 { color: #0d47a1; border-bottom: 2px solid #0d47a1; margin-top: 1.6em; font-size: 1.3em; }
h3 { font-size: 1.1em; }
.en { display: block; font-size: 0.8em; color: #616161; font-weight: normal; }
.meta { color: #424242; }
.table-wrap { overflow-x: auto; -webkit-overflow-scrolling: touch; margin: 0.8em 0; max-width: 100%; }
table { border-collapse: collapse; font-size: 0.9375em; }
th, td { border: 1px solid #bdbdbd; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #e3f2fd; } th small { font-size: 0.85em; color: #424242; font-weight: normal; }
td.num { text-align: right; white-space: nowrap; } td.name { min-width: 12em; } .code { color: #616161; font-size: 0.85em; white-space: nowrap; }
.met { background: #c8e6c9; } .missed { background: #ffcdd2; } .none { background: #eeeeee; } .partial { background: #ffe0b2; }
.note { background: #fff8e1; border-left: 4px solid #ffb300; padding: 0.6em 1em; }
.badge { display: inline-block; background: #ffe0b2; color: #8d4b00; border-radius: 4px; padding: 0 0.4em; font-size: 0.9em; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 26em), 1fr)); gap: 0 1.5em; }
.cards table { width: 100%; }
figure { margin: 1em 0; } svg { max-width: 100%; height: auto; display: block; }
@media (max-width: 600px) { body { padding: 0.6em; } h1 { font-size: 1.35em; } }
"""


def _heading(level: int, vi: str, en: str) -> str:
    return f'<h{level}>{html.escape(vi)}<span class="en">{html.escape(en)}</span></h{level}>'


def _table(headers: list[tuple[str, str]], rows: list[str]) -> str:
    head = "".join(f"<th>{html.escape(vi)}<br><small>{html.escape(en)}</small></th>" for vi, en in headers)
    return f'<div class="table-wrap"><table><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>'


def _cell(text: object, css: str = "") -> str:
    cls = f' class="{css}"' if css else ""
    missing = text is None or (not isinstance(text, str) and pd.isna(text))
    return f"<td{cls}>{'' if missing else html.escape(str(text))}</td>"


def _name_cell(name: str, code: str) -> str:
    """A name first, its code after it in grey (the code is what analysts query by)."""
    return f'<td class="name">{html.escape(str(name))} <span class="code">{html.escape(str(code))}</span></td>'


def _status_cell(meets: object, complete: object, value: object) -> str:
    css, vi, en = status_words(meets, complete, not pd.isna(value))
    return _cell(f"{vi.lower()} / {en}", css)


def _chart(fig) -> str:
    return f"<figure>{charts.to_svg(fig)}</figure>"


def _period_words(codes) -> str:
    return ", ".join(vn_format.period_label(c) for c in sorted(set(codes)))


def _period_words_en(codes) -> str:
    return ", ".join(vn_format.period_label(c, lang="en") for c in sorted(set(codes)))


def _area_table(rows: pd.DataFrame) -> str:
    body = [
        "<tr>"
        + _name_cell(r.indicator_vi, r.indicator_code)
        + _cell(vn_format.percent(r.value_pct), "num")
        + _cell(r.target_text, "num")
        + _status_cell(r.meets_target, r.period_complete, r.value_pct)
        + _cell(vn_format.percent(r.projected_2025_pct, 1), "num")
        + _cell(vn_format.percent(r.projected_2030_pct, 1), "num")
        + "</tr>"
        for r in rows.itertuples()
    ]
    return _table(
        [
            ("Chỉ tiêu", "Indicator"),
            ("Giá trị", "Value"),
            ("Mục tiêu", "Target"),
            ("Tình trạng", "Status"),
            ("Dự báo 2025", "Projected 2025"),
            ("Dự báo 2030", "Projected 2030"),
        ],
        body,
    )


def _area_section(data: ScorecardData) -> str:
    parts = [
        _heading(2, "Toàn địa bàn Đức Phổ so với mục tiêu", "The Đức Phổ area against its targets"),
        (
            f'<p class="meta">Kỳ đủ số liệu mới nhất: {html.escape(_period_words(data.area["period_code"].dropna()))}. '
            "Dự báo 2025, 2030 theo tốc độ tăng của chuỗi số liệu. / Latest complete periods; projections follow "
            "the series' growth.</p>"
        ),
        _chart(charts.area_progress(data.area)),
    ]
    for pillar, (vi, en) in PILLARS.items():
        rows = data.area[data.area["pillar"] == pillar]
        periods = rows["period_code"].dropna()
        parts.append(_heading(3, f"{vi} — {_period_words(periods)}", f"{en} — {_period_words_en(periods)}"))
        parts.append(_area_table(rows))
    return "".join(parts)


def _in_progress_section(data: ScorecardData) -> str:
    rows = data.in_progress
    if rows.empty:
        return ""
    periods = html.escape(_period_words(rows["period_code"]))
    return (
        _heading(2, f"Kỳ đang cập nhật: {periods}", f"In progress: {_period_words_en(rows['period_code'])}")
        + f'<p><span class="badge">đang cập nhật / in progress</span> Kỳ {periods} chưa nhận đủ báo cáo: số liệu '
        "tạm tính, chưa dùng để đánh giá. / Not every report of the period has arrived yet: provisional figures, "
        "not judged against targets.</p>" + _per_indicator_tables(rows)
    )


def _per_indicator_tables(rows: pd.DataFrame) -> str:
    """One small table per indicator and period (unit, value, target, status), so a phone shows a
    whole row."""
    parts = []
    for (code, name, period), group in rows.groupby(
        ["indicator_code", "indicator_vi", "period_code"], sort=False, dropna=False
    ):
        body = [
            "<tr>"
            + _cell(r.agency_vi)
            + _cell(vn_format.percent(r.value_pct), "num")
            + _cell(r.target_text, "num")
            + _status_cell(r.meets_target, r.period_complete, r.value_pct)
            + "</tr>"
            for r in group.itertuples()
        ]
        parts.append(
            f'<section><h3>{html.escape(name)} <span class="code">{html.escape(code)}</span>'
            f'<span class="en">{html.escape(vn_format.period_label(period))}</span></h3>'
            + _table([("Đơn vị", "Unit"), ("Giá trị", "Value"), ("Mục tiêu", "Target"), ("Tình trạng", "Status")], body)
            + "</section>"
        )
    return f'<div class="cards">{"".join(parts)}</div>'


def _units_section(data: ScorecardData) -> str:
    return (
        _heading(2, "Các đơn vị so với mục tiêu", "Units against their targets (latest complete period)")
        + _chart(charts.units_behind(data.units))
        + _per_indicator_tables(data.units)
    )


def _budget_section(data: ScorecardData) -> str:
    rows = []
    for r in data.budget.itertuples():
        if r.is_withheld:
            css, label = "none", "giữ lại / withheld"
        else:
            css, vi, en = status_words(r.meets_floor)
            label = f"{vi.lower()} / {en}"
        rows.append(
            "<tr>"
            + _cell(r.fiscal_year)
            + _cell({"estimate": "dự toán / estimate", "actual": "thực hiện / actual"}.get(r.basis, r.basis))
            + _cell(vn_format.money_vnd(r.dx_spending_vnd), "num")
            + _cell(vn_format.money_vnd(r.regular_spending_vnd), "num")
            + _cell(vn_format.percent(r.share_pct, 3), "num")
            + _cell(r.floor_text, "num")
            + _cell(label, css)
            + "</tr>"
        )
    floors = sorted(set(data.budget["floor_text"])) or ["–"]
    return (
        _heading(2, f"Ngân sách cho chuyển đổi số (mức sàn {', '.join(floors)})", "Budget share against its floor")
        + _chart(charts.budget_share(data.budget))
        + _table(
            [
                ("Năm", "Fiscal year"),
                ("Cơ sở", "Basis"),
                ("Chi chuyển đổi số", "DX spending"),
                ("Chi thường xuyên", "Regular spending"),
                ("Tỷ lệ", "Share"),
                ("Mức sàn", "Floor"),
                ("Tình trạng", "Status"),
            ],
            rows,
        )
    )


def _reorganisation_note(data: ScorecardData) -> str:
    by_successor = data.reorganised.groupby(["successor_code", "successor_vi"])["name_vi"].apply(", ".join)
    items = "".join(f"<li>{html.escape(vi)} ← {html.escape(olds)}</li>" for (_code, vi), olds in by_successor.items())
    return (
        _heading(2, "Ghi chú về sắp xếp đơn vị hành chính năm 2025", "Note on the 2025 reorganisation")
        + '<div class="note"><p>Từ ngày 01/07/2025 thị xã Đức Phổ không còn; các xã, phường được sắp xếp lại thành '
        "5 đơn vị mới. Số liệu trước tháng 7/2025 của đơn vị mới là tổng của các đơn vị cũ (cộng tử số và mẫu số).</p>"
        "<p><em>From 1 July 2025 the town level was abolished and its communes and wards were merged into five "
        "new units. Before July 2025 a new unit's series is the sum of its predecessors' numerators and "
        f"denominators, so the series stay comparable.</em></p><ul>{items}</ul></div>"
    )


def _withheld_section(data: ScorecardData) -> str:
    rows = [
        "<tr>"
        + _cell(r.agency_vi or r.agency_code)
        + _cell(r.figure_vi)
        + _cell(vn_format.period_label(r.period_code))
        + _cell(flagged_value_text(r.value, r.rule_code), "num")
        + _cell(r.reason_vi)
        + "</tr>"
        for r in data.withheld.itertuples()
    ]
    n = vn_format.number(len(data.withheld))
    return (
        _heading(2, "Số liệu bị gắn cờ và giữ lại", "Flagged figures withheld until reviewed")
        + f"<p>{n} số liệu chưa được tính vào kết quả cho đến khi được xem xét "
        f"(<code>dxw accept</code>). / {len(data.withheld)} figures are left out of attainment until a reviewer "
        "accepts them.</p>"
        + _chart(charts.open_flags(data.withheld))
        + _table(
            [
                ("Đơn vị", "Unit"),
                ("Số liệu", "Figure"),
                ("Kỳ", "Period"),
                ("Giá trị", "Value"),
                ("Lý do", "Reason"),
            ],
            rows,
        )
    )


def render_html(data: ScorecardData) -> str:
    meta = (
        f'<p class="meta">Số liệu tính đến ngày {vn_format.date(data.as_of)}, công bố lúc '
        f"{html.escape(data.published_local)} (lần công bố <code>{html.escape(data.publish_id)}</code>). / "
        f"Figures as of {data.as_of.isoformat()}, published {html.escape(vn_format.timestamp(data.published_at, False))} "
        "Vietnam time.</p>"
    )
    body = "".join(
        [
            _heading(1, "Báo cáo chuyển đổi số địa bàn Đức Phổ", "Đức Phổ digital-transformation scorecard"),
            meta,
            _area_section(data),
            _in_progress_section(data),
            _units_section(data),
            _budget_section(data),
            _reorganisation_note(data),
            _withheld_section(data),
        ]
    )
    return (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Báo cáo chuyển đổi số — Đức Phổ</title>"
        f"<style>{STYLE}</style></head><body>{body}</body></html>"
    )


def write_html(data: ScorecardData, path: Path) -> Path:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(render_html(data), encoding="utf-8")
    tmp.replace(path)
    return path
