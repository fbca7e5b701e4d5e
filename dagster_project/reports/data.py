"""What the reports show, read once from the published warehouse (read-only) into data frames.

No rule is recomputed here: status, comparators, floors, completeness and projections come from
the marts. The reports lead with the latest COMPLETE period of each indicator's scorecard period
type; a later period still being received is kept apart as "đang cập nhật / in progress".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dagster_project.reports import vn_format
from dagster_project.warehouse.connection import Connection, reading_published

PILLARS = {
    "digital_government": ("Chính quyền số", "Digital government"),
    "digital_economy": ("Kinh tế số", "Digital economy"),
    "digital_society": ("Xã hội số", "Digital society"),
}

# What `dq_flagged_values.value` measures, by rule (see the column's description in
# dq_flagged_values.yml): a share in percent, a count of things, or the item as the clerk wrote it
# (a count or an amount in the sheet's own unit).
FLAGGED_VALUE_UNITS = {
    "numerator_above_denominator": "percent",
    "peer_outlier": "percent",
    "budget_share_ceiling": "percent",
    "percent_as_count": "count",
    "repeated_figures": "count",
}
VALUE_UNIT_WORDS = {"percent": "%", "count": "số lượng", "as_written": "như trong biểu"}


def flagged_value_unit(rule_code: str) -> str:
    return FLAGGED_VALUE_UNITS.get(rule_code, "as_written")


@dataclass(frozen=True)
class ScorecardData:
    published_at: str  # UTC, as publish_log holds it
    publish_id: str
    as_of: dt.date  # the figures' date: the latest arrival in the raw tree, as the marts use it
    area_code: str  # the reporting area: dim_agency's one agency of type 'area'
    area_name_vi: str
    indicators: pd.DataFrame  # the catalogue: code, pillar, names, scorecard period type
    periods: dict[str, str]  # scorecard period type -> the period the reports lead with
    area: pd.DataFrame  # the area's row per indicator at its reporting period, with names
    units: pd.DataFrame  # the same for every unit existing today
    in_progress: pd.DataFrame  # area and unit rows of later periods not yet complete
    budget: pd.DataFrame  # fct_budget_share for the town budget
    withheld: pd.DataFrame  # flagged figures withheld from attainment, waiting for review
    reorganised: pd.DataFrame  # units abolished in the 2025 reorganisation and their successors

    @property
    def published_local(self) -> str:
        return vn_format.timestamp(self.published_at)


def target_text(comparator: str | None, target_pct: float | None) -> str:
    """A target as officials read it, comparator included: '> 80 %' is not '≥ 80 %'."""
    if target_pct is None or pd.isna(target_pct):
        return vn_format.MISSING
    sign = {">": ">", ">=": "≥"}.get(comparator or "", comparator or "")
    return f"{sign} {vn_format.percent(float(target_pct))}"


# The reporting period per period type: the latest one the area has complete, or the latest one
# at all while nothing is complete yet (a new warehouse still shows its first, partial period).
_REPORTING_PERIODS = """
    select v.period_type,
           coalesce(max(v.period_end) filter (where v.period_complete), max(v.period_end)) as period_end
    from fct_indicator_values as v
    inner join dim_indicator as i
        on i.indicator_code = v.indicator_code and i.scorecard_period_type = v.period_type
    where v.agency_code = ?
    group by v.period_type
"""

# the same as a CTE `reporting` with each period's code: a read-only transaction on the server makes no temp table
_REPORTING_CTE = f"""
    with reporting as (
        select r.period_type, p.period_code, r.period_end
        from ({_REPORTING_PERIODS}) as r
        inner join dim_period as p on p.period_type = r.period_type and p.period_end = r.period_end
    )
"""

_ROW_COLUMNS = """
    s.agency_code, s.indicator_code, i.pillar, i.name_vi as indicator_vi, i.name_en as indicator_en,
    a.name_vi as agency_vi, a.agency_type, i.scorecard_period_type as period_type,
    v.numerator, v.denominator, v.value_pct, v.target_pct, v.comparator, v.meets_target,
    v.period_complete, v.n_withheld,
    s.projected_2025_pct, s.projected_2030_pct, s.on_track_2025, s.on_track_2030
"""


def reporting_area(con: Connection) -> tuple[str, str]:
    """(agency_code, name_vi) of the reporting area: the registry marks it with agency_type 'area'."""
    areas = con.execute("select agency_code, name_vi from dim_agency where agency_type = 'area'").fetchall()
    if len(areas) != 1:
        raise ValueError(f"the registry must hold exactly one agency of type 'area', found {len(areas)}")
    return areas[0]


def load_scorecard(source: Connection | Path | None = None) -> ScorecardData:
    """Everything the scorecard and the workbook show, from the published warehouse (a connection to it, the
    DuckDB file `source`, or the configured one)."""
    with reading_published(source) as con:
        area_code, area_name_vi = reporting_area(con)
        publish_id, published_at = con.execute(
            "select publish_id, cast(published_at as varchar) from publish_log order by published_at desc limit 1"
        ).fetchone()
        # no report yet (a warehouse of quarantined files only): the figures are as of the publish
        as_of = con.execute("select max(arrival_date) from ingest_reports").fetchone()[0] or (
            vn_format.to_vietnam_time(published_at).date()
        )
        indicators = con.execute(
            "select indicator_code, pillar, name_vi, name_en, scorecard_period_type from dim_indicator "
            "order by pillar, indicator_code"
        ).df()
        periods = dict(
            con.execute(f"{_REPORTING_CTE} select period_type, period_code from reporting", [area_code]).fetchall()
        )
        # the rows every report lists: the area and each unit existing today, per indicator
        joins = """
            from mart_scorecard as s
            inner join dim_indicator as i on i.indicator_code = s.indicator_code
            inner join dim_agency as a on a.agency_code = s.agency_code
            inner join reporting as r on r.period_type = i.scorecard_period_type
        """
        scorecard = con.execute(
            f"""
            {_REPORTING_CTE}
            select {_ROW_COLUMNS}, r.period_code
            {joins}
            left join fct_indicator_values as v
                on v.agency_code = s.agency_code and v.indicator_code = s.indicator_code
                and v.period_code = r.period_code
            order by i.pillar, s.indicator_code, s.agency_code
            """,
            [area_code],
        ).df()
        in_progress = con.execute(
            f"""
            {_REPORTING_CTE}
            select {_ROW_COLUMNS}, v.period_code
            {joins}
            inner join fct_indicator_values as v
                on v.agency_code = s.agency_code and v.indicator_code = s.indicator_code
                and v.period_type = r.period_type and v.period_end > r.period_end
            order by v.period_code, i.pillar, s.indicator_code, s.agency_code <> ?, s.agency_code
            """,
            [area_code, area_code],
        ).df()
        budget = con.execute(
            "select fiscal_year, basis, dx_spending_vnd, regular_spending_vnd, share_pct, floor_pct, comparator, "
            "meets_floor, is_withheld from fct_budget_share where scope_code = ? order by fiscal_year, basis",
            [area_code],
        ).df()
        withheld = con.execute(
            """
            select agency_code, agency_name_vi as agency_vi, figure, figure_name_vi as figure_vi, period_code,
                   value, rule_code, reason_vi, reason_en, raw_path, sheet_name, source_row
            from mart_withheld_figures
            order by period_code desc, agency_code, figure, rule_code, flag_id
            """
        ).df()
        reorganised = con.execute(
            """
            select old.agency_code, old.name_vi, old.valid_to, new.agency_code as successor_code,
                   new.name_vi as successor_vi
            from dim_agency as old
            inner join dim_agency as new on new.agency_code = old.successor_code
            order by new.agency_code, old.agency_code
            """
        ).df()
    for frame in (scorecard, in_progress):
        is_area = frame["agency_code"] == area_code
        frame.loc[is_area, "agency_vi"] = "Toàn địa bàn " + frame.loc[is_area, "agency_vi"]
        frame["target_text"] = [
            target_text(c, t) for c, t in zip(frame["comparator"], frame["target_pct"], strict=True)
        ]
    budget["floor_text"] = [target_text(c, t) for c, t in zip(budget["comparator"], budget["floor_pct"], strict=True)]
    withheld["value_unit"] = [flagged_value_unit(r) for r in withheld["rule_code"]]
    return ScorecardData(
        published_at=published_at,
        publish_id=publish_id,
        as_of=as_of,
        area_code=area_code,
        area_name_vi=area_name_vi,
        indicators=indicators,
        periods=periods,
        area=scorecard[scorecard["agency_code"] == area_code].reset_index(drop=True),
        units=scorecard[scorecard["agency_code"] != area_code].reset_index(drop=True),
        in_progress=in_progress,
        budget=budget,
        withheld=withheld,
        reorganised=reorganised,
    )


def status_words(meets: object, complete: object = True, has_value: bool = True) -> tuple[str, str, str]:
    """(css class, Vietnamese, English) for a row's status, as every report words it."""
    if not has_value:
        return "none", "Chưa có số liệu", "no figure yet"
    if complete is not None and not pd.isna(complete) and not bool(complete):
        return "partial", "Đang cập nhật", "in progress"
    if meets is None or pd.isna(meets):
        return "none", "Chưa có mục tiêu", "no target"
    return ("met", "Đạt", "met") if bool(meets) else ("missed", "Chưa đạt", "behind")


def flagged_value_text(value: object, rule_code: str) -> str:
    """A withheld figure in its own unit: a share with the decimals it needs, a count, an item as written."""
    if flagged_value_unit(rule_code) == "percent":
        return vn_format.percent(value)
    return vn_format.number(value, vn_format.percent_decimals(value))
