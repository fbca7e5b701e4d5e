"""What the reports show, read once from the published file (read-only) into data frames.

No rule is recomputed here: status, comparators, floors and projections come from the marts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

AREA = "DUCPHO"
PILLARS = {
    "digital_government": ("Chính quyền số", "Digital government"),
    "digital_economy": ("Kinh tế số", "Digital economy"),
    "digital_society": ("Xã hội số", "Digital society"),
}


@dataclass(frozen=True)
class ScorecardData:
    published_at: str
    publish_id: str
    indicators: pd.DataFrame  # the catalogue: code, pillar, names
    area: pd.DataFrame  # mart_scorecard rows for the area, with names and pillar
    units: pd.DataFrame  # mart_scorecard rows for units existing today, with unit names
    budget: pd.DataFrame  # fct_budget_share for the town budget
    withheld: pd.DataFrame  # flagged figures withheld from attainment, waiting for review
    reorganised: pd.DataFrame  # units abolished in the 2025 reorganisation and their successors


def target_text(comparator: str | None, target_pct: float | None) -> str:
    """A target as officials read it, comparator included: '> 80' is not '≥ 80'."""
    if target_pct is None or pd.isna(target_pct):
        return "—"
    sign = {">": ">", ">=": "≥"}.get(comparator or "", comparator or "")
    return f"{sign} {float(target_pct):g}%"


def load_scorecard(published: Path) -> ScorecardData:
    with duckdb.connect(str(published), read_only=True) as con:
        publish_id, published_at = con.execute(
            "select publish_id, cast(published_at as varchar) from publish_log order by published_at desc limit 1"
        ).fetchone()
        indicators = con.execute(
            "select indicator_code, pillar, name_vi, name_en from dim_indicator order by pillar, indicator_code"
        ).df()
        scorecard = con.execute(
            """
            select s.*, i.pillar, i.name_vi as indicator_vi, i.name_en as indicator_en,
                   a.name_vi as agency_vi, a.agency_type
            from mart_scorecard as s
            inner join dim_indicator as i on i.indicator_code = s.indicator_code
            inner join dim_agency as a on a.agency_code = s.agency_code
            order by i.pillar, s.indicator_code, s.agency_code
            """
        ).df()
        budget = con.execute(
            "select fiscal_year, basis, dx_spending_vnd, regular_spending_vnd, share_pct, floor_pct, comparator, "
            "meets_floor, is_withheld from fct_budget_share where scope_code = ? order by fiscal_year, basis",
            [AREA],
        ).df()
        withheld = con.execute(
            "select agency_code, coalesce(indicator_code, item_code) as figure, period_code, value, rule_code, "
            "reason_vi, reason_en, raw_path from dq_flagged_values where is_withheld "
            "order by period_code desc, agency_code, figure"
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
    for frame in (scorecard,):
        frame["target_text"] = [
            target_text(c, t) for c, t in zip(frame["comparator"], frame["target_pct"], strict=True)
        ]
    budget["floor_text"] = [target_text(c, t) for c, t in zip(budget["comparator"], budget["floor_pct"], strict=True)]
    return ScorecardData(
        published_at=published_at,
        publish_id=publish_id,
        indicators=indicators,
        area=scorecard[scorecard["agency_code"] == AREA].reset_index(drop=True),
        units=scorecard[scorecard["agency_code"] != AREA].reset_index(drop=True),
        budget=budget,
        withheld=withheld,
        reorganised=reorganised,
    )
