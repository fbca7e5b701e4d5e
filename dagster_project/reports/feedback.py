"""Phiếu phản hồi: for each unit, one page its clerk can act on — what arrived from the unit, what was
refused and why (file, sheet, row), which figures wait for confirmation, which reports are owed, late
or missing — as an HTML page (phones first) and a one-sheet Excel file, read from the published warehouse.

Everything is read in a handful of queries for all units at once and split in Python, so a nation of
units costs one pass; after a publish only the units whose content changed are written again
(`.fingerprints.json` beside the pages).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import xlsxwriter

from dagster_project.ingest.parsing.registry import Agency, AgencyRegistry
from dagster_project.reports import vn_format as vf
from dagster_project.reports.letterhead import MOTTO, NATIONAL_NAME, letterhead
from dagster_project.warehouse.connection import Connection, reading_published

FINGERPRINTS = ".fingerprints.json"
INDEX_NAME = "index.html"
SHEET_NAME = "Phiếu phản hồi"

KINDS = {
    "dx_quarterly": ("Báo cáo chuyển đổi số quý", "Quarterly digital-transformation report"),
    "dvc_monthly": ("Số liệu dịch vụ công trực tuyến tháng", "Monthly online public services export"),
    "society_survey": ("Điều tra xã hội số, kinh tế số", "Digital society and economy survey"),
    "budget": ("Dự toán, thực hiện chi thường xuyên", "Regular spending workbook (estimate, actual)"),
}
FILE_STATES = {
    "loaded": ("Đã nhận", "Loaded"),
    "loaded_with_rejects": ("Đã nhận, có dòng bị loại", "Loaded, some rows refused"),
    "quarantined": ("Bị từ chối cả tệp", "Whole file refused"),
    "duplicate": ("Trùng tệp đã gửi", "Duplicate of a file already sent"),
}


class UnknownAgency(ValueError):
    pass


@dataclass(frozen=True)
class UnitFeedback:
    agency_code: str
    name_vi: str
    name_en: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    successor_vi: str | None
    # rows as named tuples (columns of the queries in load_feedback)
    files: list  # one row per raw file the unit sent (or that its file name names)
    rejects: list  # every refused file or row of those files, with file, sheet and row
    flags: list  # figures withheld until confirmed, with the rule in words
    submissions: list  # every report owed, with due date and status

    def fingerprint(self) -> str:
        """A digest of everything the page shows except the publish stamp: same digest, same page."""
        owed = [(r.report_kind, r.period_code, r.due_date, r.first_arrival_date, submission_status(r.status, r.days_late))
                for r in self.submissions]  # fmt: skip
        text = repr((self.agency_code, self.name_vi, self.valid_to, self.successor_vi, self.files, self.rejects,
                     self.flags, owed))  # fmt: skip
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class FeedbackData:
    published_at: str
    publish_id: str
    as_of: dt.date | None
    period: str | None
    units: list[UnitFeedback]
    unattributed: list = field(default_factory=list)  # files no unit can be told about


@dataclass(frozen=True)
class FeedbackRun:
    out_dir: Path
    units: int
    written: int
    index: Path


# -- what the pages show, read once for every unit ------------------------------------------------


def _by(frame: pd.DataFrame, key: str) -> dict[str, list]:
    """The frame's rows as named tuples, grouped by `key`, in the frame's order."""
    groups: dict[str, list] = {}
    position = list(frame.columns).index(key)
    for row in frame.itertuples(index=False, name="Row"):
        groups.setdefault(row[position], []).append(row)
    return groups


def _day(value: object) -> dt.date | None:
    """A calendar day from what a frame holds (Timestamp, date or NaT)."""
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def _period_bounds(con: Connection, period: str | None) -> tuple[dt.date, dt.date] | None:
    if period is None:
        return None
    found = con.execute("select period_start, period_end from dim_period where period_code = ?", [period]).fetchone()
    if found is None:
        raise ValueError(f"unknown period {period!r}: use a code like 2025, 2025-H1, 2025-Q3 or 2025-07 (dim_period)")
    return found


def _sender_from_file_name(registry: AgencyRegistry, file_name: str, arrival: dt.date) -> str | None:
    """The unit a file name names after its last ' - ' (`BC CDS quy 2 - Pho Quang.xlsx`), by the
    ingestion's own name matching; None when it names none or several."""
    stem = file_name.rsplit(".", 1)[0]
    if " - " not in stem:
        return None
    tail = stem.rsplit(" - ", 1)[1]
    resolution = registry.resolve(tail, f"{arrival:%Y-%m}")
    if resolution.agency_code:
        return resolution.agency_code
    return resolution.candidates[0] if len(resolution.candidates) == 1 else None


def load_feedback(
    source: Connection | Path | None = None, agency: str | None = None, period: str | None = None
) -> FeedbackData:
    """Every unit's feedback (or `agency`'s), for every period or the reports and files of `period`, from the
    published warehouse (a connection to it, the DuckDB file `source`, or the configured one)."""
    with reading_published(source) as con:
        publish_id, published_at = con.execute(
            "select publish_id, cast(published_at as varchar) from publish_log order by published_at desc limit 1"
        ).fetchone()
        bounds = _period_bounds(con, period)
        agencies = con.execute(
            "select agency_code, name_vi, name_en, agency_type, valid_from, valid_to, successor_code "
            "from dim_agency order by agency_code"
        ).df()
        if agency is not None and agency not in set(agencies["agency_code"]):
            raise UnknownAgency(f"unknown agency {agency!r}: see `select agency_code, name_vi from dim_agency`")
        if agency in set(agencies.loc[agencies["agency_type"] == "area", "agency_code"]):
            raise UnknownAgency(f"{agency} is the reporting area, not a unit that sends files: name a unit")
        # a file belongs to the units its reports are for; a duplicate to those of the file it repeats
        # (`duplicate_of` names that file's path)
        files = con.execute(
            """
            with owners as (
                select distinct path, agency_code, period_code, kind from ingest_reports
            )
            select f.file_id, f.path, f.file_name, f.arrival_date, coalesce(f.kind, o.kind) as kind, f.state,
                   f.reason_code,
                   f.n_values, f.n_rejects, o.agency_code, o.period_code, p.period_start, p.period_end
            from ingest_files as f
            left join owners as o on o.path = coalesce(f.duplicate_of, f.path)
            left join dim_period as p on p.period_code = o.period_code
            """
        ).df()
        rejects = con.execute(
            "select file_id, path, sheet, row_number, reason_code, message_vi, message_en, found "
            "from ingest_rejects order by path, sheet nulls first, row_number nulls first, reason_code, message_en"
        ).df()
        flags = con.execute(
            """
            select f.flag_id, f.agency_code, coalesce(f.indicator_code, f.item_code) as figure,
                   i.name_vi as indicator_vi, i.name_en as indicator_en, f.period_code, f.value, f.rule_code,
                   f.reason_vi, f.reason_en, f.raw_path, f.sheet_name, f.source_row, p.period_start, p.period_end
            from dq_flagged_values as f
            left join dim_indicator as i on i.indicator_code = f.indicator_code
            left join dim_period as p on p.period_code = f.period_code
            where f.is_withheld
            order by f.period_code desc, figure, f.rule_code, f.flag_id
            """
        ).df()
        submissions = con.execute(
            """
            select s.agency_code, s.report_kind, s.period_code, p.period_start, s.period_end, s.due_date,
                   s.first_arrival_date, s.latest_arrival_date, s.n_versions, s.status, s.days_late
            from fct_submissions as s
            inner join dim_period as p on p.period_code = s.period_code
            -- what the clerk must act on first: overdue, then late, then not yet due, then on time
            order by case when s.status = 'missing' and s.days_late > 0 then 0 when s.status = 'late' then 1
                          when s.status = 'missing' then 2 else 3 end,
                     s.period_end desc, s.report_kind
            """
        ).df()
        as_of = con.execute("select max(arrival_date) from ingest_files").fetchone()[0]

    # files whose reports could not be read carry no unit: their name may still say who sent them
    registry = AgencyRegistry(
        [
            Agency(r.agency_code, r.name_vi, r.agency_type, _day(r.valid_from), _day(r.valid_to))
            for r in agencies.itertuples()
        ],
        [],
    )
    unowned = files["agency_code"].isna()
    files["named_by_file_name"] = unowned
    files.loc[unowned, "agency_code"] = [
        _sender_from_file_name(registry, name, arrival)
        for name, arrival in zip(files.loc[unowned, "file_name"], files.loc[unowned, "arrival_date"], strict=True)
    ]
    if bounds is not None:
        start, end = pd.Timestamp(bounds[0]), pd.Timestamp(bounds[1])
        # a file with no readable report has no period: it is shown whatever the period asked
        files = files[files["period_code"].isna() | ((files["period_start"] >= start) & (files["period_end"] <= end))]
        flags = flags[(flags["period_start"] >= start) & (flags["period_end"] <= end)]
        submissions = submissions[(submissions["period_start"] >= start) & (submissions["period_end"] <= end)]
    files = (
        files.drop(columns=["period_code", "period_start", "period_end"])
        .drop_duplicates()
        .sort_values(["arrival_date", "file_name", "path"], ascending=[False, True, True])
    )

    names = agencies.set_index("agency_code")["name_vi"]
    senders = agencies[agencies["agency_type"] != "area"]
    if agency is not None:
        senders = senders[senders["agency_code"] == agency]
    if bounds is not None:
        # units that existed on some day of the period
        senders = senders[
            (senders["valid_from"] <= end) & (senders["valid_to"].isna() | (senders["valid_to"] >= start))
        ]

    # plain rows grouped in one pass: per-unit DataFrames cost more than the pages at nation scale
    files_by = _by(files, "agency_code")
    flags_by = _by(flags, "agency_code")
    subs_by = _by(submissions, "agency_code")
    rejects_by_file = _by(rejects, "file_id")
    units = []
    for r in senders.itertuples():
        unit_files = files_by.get(r.agency_code, [])
        units.append(
            UnitFeedback(
                agency_code=r.agency_code,
                name_vi=r.name_vi,
                name_en=r.name_en,
                valid_from=_day(r.valid_from),
                valid_to=_day(r.valid_to),
                successor_vi=None if pd.isna(r.successor_code) else names.get(r.successor_code),
                files=unit_files,
                rejects=[j for f in unit_files for j in rejects_by_file.get(f.file_id, [])],
                flags=flags_by.get(r.agency_code, []),
                submissions=subs_by.get(r.agency_code, []),
            )
        )
    return FeedbackData(
        published_at=published_at,
        publish_id=publish_id,
        as_of=as_of,
        period=period,
        units=units,
        unattributed=list(files[files["agency_code"].isna()].itertuples(index=False, name="File")),
    )


# -- words ----------------------------------------------------------------------------------------


def submission_status(status: str, days_late: int) -> tuple[str, str, str]:
    """(css class, Vietnamese, English) for a report owed."""
    if status == "on_time":
        return "ok", "Đúng hạn", "On time"
    if status == "late":
        return "late", f"Nộp trễ {vf.number(days_late)} ngày", f"Late by {days_late} days"
    # no day count while missing: it would change every page every day; the due date says it
    if days_late > 0:
        return "missing", "Chưa nộp, đã quá hạn", "Missing, overdue"
    return "pending", "Chưa nộp, chưa đến hạn", "Not received, not yet due"


def _kind(code: object) -> tuple[str, str]:
    if code is None or pd.isna(code):
        return "Không nhận ra loại báo cáo", "Kind not recognised"
    return KINDS.get(str(code), (str(code), str(code)))


def _where(sheet: object, row: object) -> str:
    parts = []
    if sheet is not None and not pd.isna(sheet):
        parts.append(f"Trang tính “{sheet}”")
    if row is not None and not pd.isna(row):
        parts.append(f"dòng {int(row)}")
    return ", ".join(parts) or "Cả tệp"


def _flag_value(value: float, rule_code: str) -> str:
    # shares are in percent units for these rules (dq_flagged_values.value); the rest are figures as written
    if rule_code in {"numerator_above_denominator", "peer_outlier", "budget_share_ceiling"}:
        return vf.percent(value)
    return vf.number(value, 0 if float(value).is_integer() else 2)


def _figure_html(flag) -> str:
    code = f"<code>{_esc(flag.figure)}</code>"
    if flag.indicator_vi is None or pd.isna(flag.indicator_vi):
        return code
    return f"{_bilingual(flag.indicator_vi, flag.indicator_en)}{code}"


def _counts(unit: UnitFeedback) -> dict[str, int]:
    return {
        "files": len(unit.files),
        "refused_files": sum(f.state == "quarantined" for f in unit.files),
        "rejects": len(unit.rejects),
        "flags": len(unit.flags),
        "late": sum(s.status == "late" for s in unit.submissions),
        "missing": sum(s.status == "missing" and s.days_late > 0 for s in unit.submissions),
    }


def _title(unit: UnitFeedback) -> tuple[str, str]:
    return f"Phiếu phản hồi số liệu — {unit.name_vi}", f"Data feedback — {unit.name_en}"


def _existed(unit: UnitFeedback) -> str | None:
    if unit.valid_to is None:
        return None
    after = f"; kế thừa: {unit.successor_vi}" if unit.successor_vi else ""
    return f"Đơn vị hoạt động đến {vf.date(unit.valid_to)}{after}. / Unit existed until {vf.date(unit.valid_to)}."


# -- HTML -----------------------------------------------------------------------------------------

STYLE = """
*{box-sizing:border-box}
body{font-family:"DejaVu Sans","Noto Sans",Arial,sans-serif;margin:0 auto;padding:12px;max-width:1100px;
color:#212121;background:#fff;font-size:16px;line-height:1.45}
h1{font-size:1.35em;color:#0d47a1;margin:.2em 0}h2{font-size:1.1em;color:#0d47a1;border-bottom:2px solid #0d47a1;
margin-top:1.4em}.en{display:block;font-size:.78em;color:#616161;font-weight:normal}
.meta{color:#424242;font-size:.92em;overflow-wrap:break-word}
.summary{display:flex;flex-wrap:wrap;gap:8px;padding:0;list-style:none}
.summary li{border:1px solid #bdbdbd;border-radius:6px;padding:6px 10px;flex:1 1 9em}
.summary b{display:block;font-size:1.3em}
table{border-collapse:collapse;width:100%;font-size:.92em}th,td{border:1px solid #bdbdbd;padding:5px 7px;
text-align:left;vertical-align:top}td{overflow-wrap:break-word}th{background:#e3f2fd}
td.num{text-align:right;white-space:nowrap}code{font-size:.85em;color:#424242}
.ok{background:#c8e6c9}.late{background:#fff3c4}.missing{background:#ffcdd2}.pending{background:#eeeeee}
.refused{background:#ffcdd2}.none{color:#616161;font-style:italic}
@media (min-width:641px){th,td{min-width:6.5em}}
@media (max-width:640px){
 table,thead,tbody,tr,th,td{display:block;width:100%}thead{display:none}
 tr{border:1px solid #9e9e9e;border-radius:6px;margin:0 0 10px;overflow:hidden}
 td{display:grid;grid-template-columns:6.8em minmax(0,1fr);gap:8px;border:0;border-bottom:1px solid #eeeeee;
 padding:4px 8px}td.num{text-align:left;white-space:normal}
 td::before{content:attr(data-label);font-size:.74em;color:#616161;padding-top:.2em}
}
"""


def _esc(value: object) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else html.escape(str(value))


def _heading(level: int, vi: str, en: str) -> str:
    return f'<h{level}>{html.escape(vi)}<span class="en">{html.escape(en)}</span></h{level}>'


def _html_table(headers: list[tuple[str, str]], rows: list[list[tuple[str, str]]], empty: tuple[str, str]) -> str:
    """rows: cells as (html text, css class); each cell carries its header for the phone layout."""
    if not rows:
        return f'<p class="none">{html.escape(empty[0])} / {html.escape(empty[1])}</p>'
    head = "".join(f"<th>{html.escape(vi)}<br><small>{html.escape(en)}</small></th>" for vi, en in headers)
    labels = [html.escape(f"{vi} / {en}") for vi, en in headers]
    body = "".join(
        "<tr>"
        + "".join(
            f'<td data-label="{label}"' + (f' class="{css}"' if css else "") + f"><div>{text}</div></td>"
            for label, (text, css) in zip(labels, row, strict=True)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _bilingual(vi: str, en: str) -> str:
    return f'{html.escape(vi)}<span class="en">{html.escape(en)}</span>'


def render_unit_html(unit: UnitFeedback, data: FeedbackData) -> str:
    vi, en = _title(unit)
    c = _counts(unit)
    scope = (
        f"Kỳ {vf.period_label(data.period)} / {vf.period_label(data.period, 'en')}"
        if data.period
        else "Mọi kỳ từ 2024 / Every period since 2024"
    )
    existed = _existed(unit)
    summary = [
        (c["files"], "tệp đã nhận", "files received"),
        (c["refused_files"] + c["rejects"], "tệp, dòng bị từ chối", "files and rows refused"),
        (c["flags"], "số liệu chờ xác nhận", "figures awaiting confirmation"),
        (c["late"], "báo cáo nộp trễ", "reports late"),
        (c["missing"], "báo cáo chưa nộp, quá hạn", "reports missing, overdue"),
    ]
    parts = [
        _heading(1, vi, en),
        (
            f'<p class="meta">Mã đơn vị <code>{_esc(unit.agency_code)}</code> · {html.escape(scope)}<br>'
            f"Lập từ số liệu công bố lúc {html.escape(vf.timestamp(data.published_at))}; tệp đến sau cùng ngày "
            f"{html.escape(vf.date(_day(data.as_of)))}. / Made from the figures published at "
            f"{html.escape(vf.timestamp(data.published_at, suffix=False))} (Vietnam time).</p>"
        ),
        f'<p class="meta">{html.escape(existed)}</p>' if existed else "",
        '<ul class="summary">'
        + "".join(
            f"<li><b>{vf.number(n)}</b>{html.escape(v)}<span class='en'>{html.escape(e)}</span></li>"
            for n, v, e in summary
        )
        + "</ul>",
    ]

    parts.append(_heading(2, "1. Báo cáo phải nộp", "1. Reports owed"))
    rows = []
    for s in unit.submissions:
        css, svi, sen = submission_status(s.status, int(s.days_late))
        kvi, ken = _kind(s.report_kind)
        rows.append(
            [
                (_bilingual(kvi, ken), ""),
                (_bilingual(vf.period_label(s.period_code), vf.period_label(s.period_code, "en")), ""),
                (html.escape(vf.date(_day(s.due_date))), "num"),
                (html.escape(vf.date(_day(s.first_arrival_date))), "num"),
                (_bilingual(svi, sen), css),
            ]
        )
    parts.append(
        _html_table(
            [
                ("Loại báo cáo", "Report"),
                ("Kỳ", "Period"),
                ("Hạn nộp", "Due"),
                ("Ngày nhận", "Received"),
                ("Tình trạng", "Status"),
            ],
            rows,
            ("Không có báo cáo nào phải nộp trong kỳ.", "No report was owed."),
        )
    )

    parts.append(_heading(2, "2. Tệp bị từ chối và dòng bị loại", "2. Files and rows refused, and why"))
    rows = [
        [
            (_esc(r.path), ""),
            (html.escape(_where(r.sheet, r.row_number)), ""),
            (_bilingual(r.message_vi, r.message_en), ""),
        ]
        for r in unit.rejects
    ]
    parts.append(
        _html_table(
            [("Tệp", "File"), ("Vị trí", "Where"), ("Lý do", "Reason")],
            rows,
            ("Không có tệp hay dòng nào bị từ chối.", "Nothing was refused."),
        )
    )

    parts.append(_heading(2, "3. Số liệu bị gắn cờ, chờ xác nhận", "3. Flagged figures awaiting confirmation"))
    rows = [
        [
            (_bilingual(vf.period_label(f.period_code), vf.period_label(f.period_code, "en")), ""),
            (_figure_html(f), ""),
            (html.escape(_flag_value(f.value, f.rule_code)), "num"),
            (_bilingual(f.reason_vi, f.reason_en), ""),
            (f"{_esc(f.raw_path)}<br>{html.escape(_where(f.sheet_name, f.source_row))}", ""),
        ]
        for f in unit.flags
    ]
    parts.append(
        '<p class="meta">Các số liệu này chưa được tính vào kết quả cho đến khi đơn vị xác nhận đúng hoặc gửi bản '
        "sửa. / These figures do not count until the unit confirms them or sends a correction.</p>"
        if rows
        else ""
    )
    parts.append(
        _html_table(
            [
                ("Kỳ", "Period"),
                ("Số liệu", "Figure"),
                ("Giá trị", "Value"),
                ("Quy tắc, lý do", "Rule, why"),
                ("Vị trí", "Where"),
            ],
            rows,
            ("Không có số liệu nào chờ xác nhận.", "No figure awaits confirmation."),
        )
    )

    parts.append(_heading(2, "4. Tệp đã nhận", "4. Files received"))
    rows = []
    for f in unit.files:
        svi, sen = FILE_STATES.get(f.state, (f.state, f.state))
        kvi, ken = _kind(f.kind)
        note = " (nhận ra đơn vị theo tên tệp / sender read from the file name)" if f.named_by_file_name else ""
        rows.append(
            [
                (html.escape(vf.date(_day(f.arrival_date))), "num"),
                (_esc(f.path) + html.escape(note), ""),
                (_bilingual(kvi, ken), ""),
                (_bilingual(svi, sen), "refused" if f.state == "quarantined" else ""),
                (html.escape(vf.number(f.n_values)), "num"),
            ]
        )
    parts.append(
        _html_table(
            [
                ("Ngày nhận", "Arrived"),
                ("Tệp", "File"),
                ("Loại", "Kind"),
                ("Trạng thái", "State"),
                ("Số liệu đọc được", "Figures read"),
            ],
            rows,
            ("Chưa nhận tệp nào.", "No file received."),
        )
    )
    return (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(vi)}</title><style>{STYLE}</style></head><body>{''.join(parts)}</body></html>"
    )


def render_index_html(data: FeedbackData) -> str:
    rows = []
    for unit in data.units:
        c = _counts(unit)
        rows.append(
            [
                (
                    (
                        f'<a href="{html.escape(unit.agency_code)}.html">{html.escape(unit.name_vi)}</a>'
                        f' · <a href="{html.escape(unit.agency_code)}.xlsx">xlsx</a>'
                    ),
                    "",
                ),
                (html.escape(vf.number(c["refused_files"] + c["rejects"])), "num"),
                (html.escape(vf.number(c["flags"])), "num"),
                (html.escape(vf.number(c["late"])), "num"),
                (html.escape(vf.number(c["missing"])), "num"),
            ]
        )
    unattributed = [
        [
            (html.escape(vf.date(_day(f.arrival_date))), "num"),
            (_esc(f.path), ""),
            (_bilingual(*FILE_STATES[f.state]), ""),
        ]
        for f in data.unattributed
    ]
    body = (
        _heading(1, "Phiếu phản hồi số liệu theo đơn vị", "Data feedback by unit")
        + f'<p class="meta">Số liệu công bố lúc {html.escape(vf.timestamp(data.published_at))}. Mỗi trang chỉ được '
        "lập lại khi số liệu của đơn vị thay đổi. / A unit's page is written again only when its figures change.</p>"
        + _html_table(
            [
                ("Đơn vị", "Unit"),
                ("Bị từ chối", "Refused"),
                ("Chờ xác nhận", "Awaiting"),
                ("Nộp trễ", "Late"),
                ("Chưa nộp", "Missing"),
            ],
            rows,
            ("Không có đơn vị nào.", "No unit."),
        )
        + _heading(2, "Tệp chưa xác định được đơn vị gửi", "Files whose sender could not be identified")
        + _html_table(
            [("Ngày nhận", "Arrived"), ("Tệp", "File"), ("Trạng thái", "State")],
            unattributed,
            ("Không có.", "None."),
        )
    )
    return (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Phiếu phản hồi số liệu</title><style>{STYLE}</style></head><body>{body}</body></html>"
    )


# -- Excel ----------------------------------------------------------------------------------------


class _Formats:
    def __init__(self, book: xlsxwriter.Workbook):
        base = {"font_name": "Times New Roman", "font_size": 11, "valign": "top", "text_wrap": True}
        self.text = book.add_format({**base, "border": 1})
        self.plain = book.add_format(base)
        self.count = book.add_format({**base, "border": 1, "num_format": vf.EXCEL_FORMATS["count"]})
        self.date = book.add_format({**base, "border": 1, "num_format": "dd/mm/yyyy", "align": "right"})
        self.header = book.add_format({**base, "bold": True, "border": 1, "bg_color": "#DDEBF7", "align": "center"})
        self.title = book.add_format({**base, "bold": True, "font_size": 14, "align": "center", "text_wrap": False})
        self.section = book.add_format({**base, "bold": True, "font_size": 12, "text_wrap": False})
        self.body_left = book.add_format({**base, "bold": True, "align": "center"})
        self.parent = book.add_format({**base, "align": "center"})
        self.dated = book.add_format({**base, "italic": True, "align": "center"})
        self.addressee = book.add_format({**base, "align": "center", "font_size": 12})
        self.status = {
            css: book.add_format({**base, "border": 1, "bg_color": color})
            for css, color in {"ok": "#C8E6C9", "late": "#FFF3C4", "missing": "#FFCDD2", "pending": "#EEEEEE"}.items()
        }


# column widths (characters) of the one sheet: STT, then six columns each table spans as it needs
_WIDTHS = [5, 36, 14, 14, 14, 14, 46]
_LINE_PT = 15


def _lines_needed(value: object, width_chars: float) -> int:
    text = "" if value is None else str(value)
    return max(1, -(-len(text) // max(1, int(width_chars * 1.15))))


def write_unit_workbook(unit: UnitFeedback, data: FeedbackData, path: Path) -> Path:
    tmp = path.with_name(path.name + ".tmp.xlsx")
    book = xlsxwriter.Workbook(str(tmp))
    fmt = _Formats(book)
    sheet = book.add_worksheet(SHEET_NAME)
    for col, width in enumerate(_WIDTHS):
        sheet.set_column(col, col, width)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.6, right=0.4, top=0.6, bottom=0.6)
    sheet.set_footer("&CTrang &P/&N")
    last = len(_WIDTHS) - 1
    vi, en = _title(unit)
    # the data team writes to the unit: its office heads the sheet (letterhead.py), the unit is addressed
    published_on = vf.to_vietnam_time(data.published_at).date()
    head = letterhead(published_on)
    sheet.merge_range(0, 0, 0, 2, head.issuer_parent, fmt.parent)
    sheet.merge_range(1, 0, 1, 2, head.issuer, fmt.body_left)
    sheet.merge_range(0, 3, 0, last, NATIONAL_NAME, fmt.body_left)
    sheet.merge_range(1, 3, 1, last, MOTTO, fmt.body_left)
    sheet.merge_range(2, 3, 2, last, head.dated(published_on), fmt.dated)
    sheet.merge_range(3, 0, 3, last, f"{vi.upper()} ({en})", fmt.title)
    sheet.merge_range(4, 0, 4, last, f"Kính gửi: {unit.name_vi}", fmt.addressee)
    scope = f"Kỳ {vf.period_label(data.period)}" if data.period else "Mọi kỳ từ năm 2024"
    sheet.merge_range(
        5,
        0,
        5,
        last,
        f"{scope}. Lập từ số liệu công bố lúc {vf.timestamp(data.published_at)}; tệp đến sau cùng ngày "
        f"{vf.date(_day(data.as_of))}. Mã đơn vị: {unit.agency_code}.",
        fmt.plain,
    )
    row = 6
    if existed := _existed(unit):
        sheet.merge_range(row, 0, row, last, existed, fmt.plain)
        row += 1

    def put(row: int, first: int, span: int, value: object, cell_format) -> None:
        if isinstance(value, float) and math.isnan(value):  # a NULL read into a float column: no figure
            value = None
        if isinstance(value, dt.date):
            value = dt.datetime.combine(value, dt.time())
        if span > 1:
            sheet.merge_range(row, first, row, first + span - 1, value, cell_format)
        elif isinstance(value, dt.datetime):
            sheet.write_datetime(row, first, value, cell_format)
        elif value is None:
            sheet.write_blank(row, first, None, cell_format)
        else:
            sheet.write(row, first, value, cell_format)

    def table(row: int, title: str, headers: list[tuple[str, int]], lines: list[list], empty: str) -> int:
        """headers: (text, columns spanned), six columns in all; lines: (value, format) per header."""
        row += 1
        sheet.write(row, 0, title, fmt.section)
        row += 1
        if not lines:
            sheet.merge_range(row, 0, row, last, empty, fmt.plain)
            return row + 1
        starts = [1 + sum(span for _, span in headers[:k]) for k in range(len(headers))]
        widths = [sum(_WIDTHS[c : c + span]) for c, (_, span) in zip(starts, headers, strict=True)]
        sheet.write(row, 0, "STT", fmt.header)
        for first, (text, span) in zip(starts, headers, strict=True):
            put(row, first, span, text, fmt.header)
        sheet.set_row(row, _LINE_PT * max(_lines_needed(t, w) for (t, _), w in zip(headers, widths, strict=True)))
        for i, cells in enumerate(lines, start=1):
            row += 1
            sheet.write_number(row, 0, i, fmt.count)
            for first, (_, span), (value, cell_format) in zip(starts, headers, cells, strict=True):
                put(row, first, span, value, cell_format)
            # xlsxwriter cannot measure text: each row gets the height its longest cell needs
            sheet.set_row(row, _LINE_PT * max(_lines_needed(v, w) for (v, _), w in zip(cells, widths, strict=True)))
        return row + 1

    lines = []
    for s in unit.submissions:
        css, svi, _ = submission_status(s.status, int(s.days_late))
        lines.append(
            [
                (_kind(s.report_kind)[0], fmt.text),
                (vf.period_label(s.period_code), fmt.text),
                (_day(s.due_date), fmt.date),
                (_day(s.first_arrival_date), fmt.date),
                (svi, fmt.status[css]),
            ]
        )
    row = table(
        row,
        "1. Báo cáo phải nộp (Reports owed)",
        [("Loại báo cáo", 1), ("Kỳ", 1), ("Hạn nộp", 1), ("Ngày nhận", 1), ("Tình trạng", 2)],
        lines,
        "Không có báo cáo nào phải nộp.",
    )
    lines = [
        [(r.path, fmt.text), (_where(r.sheet, r.row_number), fmt.text), (r.message_vi, fmt.text)] for r in unit.rejects
    ]
    row = table(
        row,
        "2. Tệp bị từ chối và dòng bị loại (Refused files and rows)",
        [("Tệp", 1), ("Vị trí", 2), ("Lý do", 3)],
        lines,
        "Không có tệp hay dòng nào bị từ chối.",
    )
    lines = [
        [
            (f.figure if pd.isna(f.indicator_vi) else f"{f.indicator_vi} ({f.figure})", fmt.text),
            (vf.period_label(f.period_code), fmt.text),
            (_flag_value(f.value, f.rule_code), fmt.text),
            (f"{f.raw_path} — {_where(f.sheet_name, f.source_row)}", fmt.text),
            (f.reason_vi, fmt.text),
        ]
        for f in unit.flags
    ]
    row = table(
        row,
        "3. Số liệu bị gắn cờ, chờ xác nhận (Flagged figures awaiting confirmation)",
        [("Số liệu", 1), ("Kỳ", 1), ("Giá trị", 1), ("Vị trí", 2), ("Quy tắc, lý do", 1)],
        lines,
        "Không có số liệu nào chờ xác nhận.",
    )
    lines = [
        [
            (f.path, fmt.text),
            (_day(f.arrival_date), fmt.date),
            (int(f.n_values), fmt.count),
            (FILE_STATES.get(f.state, (f.state,))[0], fmt.text),
            (_kind(f.kind)[0], fmt.text),
        ]
        for f in unit.files
    ]
    table(
        row,
        "4. Tệp đã nhận (Files received)",
        [("Tệp", 1), ("Ngày nhận", 1), ("Số liệu đọc được", 1), ("Trạng thái", 2), ("Loại", 1)],
        lines,
        "Chưa nhận tệp nào.",
    )
    book.close()
    tmp.replace(path)
    return path


# -- writing --------------------------------------------------------------------------------------


def _write_text(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def write_feedback(data: FeedbackData, out_dir: Path, only_changed: bool = False, index: bool = True) -> FeedbackRun:
    """Write each unit's `<code>.html` and `<code>.xlsx` (and, with `index`, the list of units) into
    `out_dir`; with `only_changed`, skip units whose content is what their pages already show."""
    out_dir.mkdir(parents=True, exist_ok=True)
    store = out_dir / FINGERPRINTS
    previous = json.loads(store.read_text(encoding="utf-8")) if store.exists() else {}
    fingerprints = dict(previous)
    written = 0
    for unit in data.units:
        digest = unit.fingerprint()
        html_path, xlsx_path = out_dir / f"{unit.agency_code}.html", out_dir / f"{unit.agency_code}.xlsx"
        if only_changed and previous.get(unit.agency_code) == digest and html_path.exists() and xlsx_path.exists():
            continue
        _write_text(html_path, render_unit_html(unit, data))
        write_unit_workbook(unit, data, xlsx_path)
        fingerprints[unit.agency_code] = digest
        written += 1
    _write_text(store, json.dumps(fingerprints, indent=0, sort_keys=True))
    index_path = out_dir / INDEX_NAME
    if index:
        _write_text(index_path, render_index_html(data))
    return FeedbackRun(out_dir=out_dir, units=len(data.units), written=written, index=index_path)


def build_feedback(
    published: Path | None,
    out_dir: Path,
    agency: str | None = None,
    period: str | None = None,
    only_changed: bool = False,
) -> FeedbackRun:
    """Read the published warehouse (or the DuckDB file `published`) read-only and write the feedback pages
    (a period's into `out_dir/<period>/`)."""
    data = load_feedback(published, agency=agency, period=period)
    target = out_dir / period if period else out_dir
    return write_feedback(data, target, only_changed=only_changed, index=agency is None)
