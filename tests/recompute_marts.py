"""Independent recomputation of the marts `fct_indicator_values` and `fct_budget_share`.

Written from `docs/indicator-rules.md` and `docs/ingestion-contract.md` only, computed from the
sample-world manifest (the generator's truth), never from the warehouse's tables or the dbt SQL.
The catalogue seeds (`ref_indicators.csv`, `ref_indicator_targets.csv`, `ref_budget_floors.csv`)
are read as data; `DOC_*` below transcribes the rules page's tables so that the seeds themselves
can be checked against the page.

Arithmetic is exact (`fractions.Fraction`, figures read from their decimal spelling), so the
comparator boundaries (80.0 does not meet `> 80`) are decided exactly.

Readings of the rules page where it leaves room (the lead reconciles these with the dbt side):

R1  Linking values to reports: a value row counts when its file ended `loaded` or
    `loaded_with_rejects` and the manifest report of the same (file, sheet, period) is current.
R2  An indicator observation of a unit for a source period exists only when every item it needs
    (numerator, denominator, and the subtracted item for DG-HSCV) was loaded for that report.
    A value rejected at ingestion (e.g. `#REF!`, a conflicting pair) is unknown, not 0: that
    indicator counts as *not received* for that unit and period (no row from it, and coarser
    periods are incomplete); the report's other indicators are unaffected.
R3  `UNIT_COUNT` (DS-FIBER-COMMUNE) is 1 for each unit with a survey report for the period.
R4  Own rows: a unit gets rows for the periods it existed throughout — old units (communes,
    wards, town offices; valid to 2025-06-30) for periods ending by then, new units (valid from
    2025-07-01) for periods starting then or later. A unit that ceased with no successor (the town
    offices) also gets a row for the period it ceased in (the year 2025, from its first half),
    since no successor row carries that part. The new units get the straddle row of the
    reorganisation rule for the year 2025 instead of an own row.
R5  A survey yields only the period it reports (no coarser rows, also not from a mid-year
    survey). For the straddling year 2025 the stock rule applies to the survey too: a new unit's
    own 2025 survey is "its own latest value from July on"; without one, the sum of its
    predecessors' latest values inside 2025 (their 2025-H1 mid-year survey, when sent).
R6  Straddle rows (year 2025 of a new unit): flow = predecessors' 2025-H1 rows + own 2025-H2
    row; stock = own latest (from July on) when present, else sum of predecessors' 2025-H1 rows.
    `is_successor_rollup` is true when the row's figures come from the predecessors only
    (no own data used), false when any own figure is used.
R7  Successor roll-up rows (periods ending on or before 2025-06-30) and area rows sum the member
    units' rows *of that period* (for a stock, each member's own latest value in the period).
R8  `period_complete` of a derived row (successor roll-up, straddle, area) treats the derived
    series as one series: a finer period counts as received when at least one member unit's
    report for it was received. "Finer periods" are the source's own grain (months for the
    portal export, quarters for the quarterly report); a row for the very period a report
    covers is complete. Survey rows: complete (the survey period itself), except a derived
    2025 row built only from a mid-year survey (2025-H2 not received -> false).
R9  Area (DUCPHO) members: periods ending on or before 2025-06-30 -> the old units (town offices
    and old communes/wards, of the types the indicator applies to) with their own rows; any
    later or straddling period (incl. the year 2025) -> the five new units (own or straddle
    rows), plus, for flows, the units that ceased in the period with no successor (the town
    offices' first half of 2025, which no new unit's row carries).
    For an area-only indicator (DS-FIBER-COMMUNE) the members are the reporting units.
R10 Target of a row: level = town_office / commune_unit / area by the row's agency; the exact
    level is used when the catalogue has it, else level `all` (so DG-HSCV has none for the
    area). Target horizon by the period's calendar year: <= 2029 -> the 2025 target, 2030 -> the
    2030 target (seed `valid_from`/`valid_to` are not used; the page's year rule is).
R11 Budget: one row per (fiscal_year, basis, scope). Town workbook (reporting agency TX_TCKH):
    scope DUCPHO (town_budget): regular = detail + unallocated, DX = detail DX; plus one
    unit_budget row per detail row (its own line, no unallocated). A unit's own workbook
    (2026): scope = that unit (unit_budget), regular = its detail + unallocated, DX = detail.
R12 Floor: the evaluated floors of `ref_budget_floors.csv` whose scope_type matches and whose
    validity overlaps the fiscal year (so unit_budget rows of 2024-2025 have no floor: floor_pct,
    comparator, meets_floor null). The 1 % state-budget floor (evaluated = false) is never joined.
R13 `clerk_total_vnd` = the clerk's TỔNG CỘNG of the basis's regular item (REG_EST / REG_ACT),
    town rows only. `clerk_total_matches` (town rows) = for the basis's two items (REG_x, DX_x),
    every clerk `subtotal` equals the sum of its section's detail rows AND the `total` equals
    detail + unallocated. Unit rows: both null.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

REORG = dt.date(2025, 7, 1)
LOADED = {"loaded", "loaded_with_rejects"}
UNIT_FACTORS = {"đồng": 1, "nghìn đồng": 1_000, "triệu đồng": 1_000_000}
SOURCE_GRAIN = {"dvc_monthly": "month", "dx_quarterly": "quarter", "society_survey": "half"}

# ----------------------------------------------------------------------------------------------
# The rules page's tables, transcribed (used when a seed is absent, and to check the seeds).

DOC_CATALOGUE = {
    # code: (source_kind, numerator, denominator, minus, time_aggregation, applies_to)
    "DG-TTHC": ("dvc_monthly", "TTHC_ONLINE_FULL", "TTHC_ELIGIBLE", None, "stock", "town_office|commune_unit|area"),
    "DG-HSCV": ("dx_quarterly", "WR_ONLINE", "WR_TOTAL", "WR_SECRET", "flow", "town_office|commune_unit"),
    "DG-BC": ("dx_quarterly", "RPT_CONNECTED", "RPT_REGIMES", None, "stock", "town_office|commune_unit|area"),
    "DG-KT": ("dx_quarterly", "INSP_DIGITAL", "INSP_TOTAL", None, "flow", "town_office|commune_unit|area"),
    "DG-DDXT": ("dvc_monthly", "DVC_USERS_EID", "DVC_USERS", None, "flow", "town_office|commune_unit|area"),
    "DE-SME": ("society_survey", "SME_DIGITAL", "SME_TOTAL", None, "stock", "commune_unit|area"),
    "DS-FIBER-HH": ("society_survey", "HH_FIBER", "HH_TOTAL", None, "stock", "commune_unit|area"),
    "DS-FIBER-COMMUNE": ("society_survey", "FIBER_REACHES", "UNIT_COUNT", None, "stock", "area"),
    "DS-MOBILE-4G": ("society_survey", "VILLAGES_4G", "VILLAGES", None, "stock", "commune_unit|area"),
    "DS-MOBILE-5G": ("society_survey", "VILLAGES_5G", "VILLAGES", None, "stock", "commune_unit|area"),
    "DS-SMARTPHONE": ("society_survey", "ADULTS_SMARTPHONE", "ADULTS", None, "stock", "commune_unit|area"),
    "DS-PAYACC": ("society_survey", "ADULTS_PAYACC", "ADULTS", None, "stock", "commune_unit|area"),
    "DS-SKILLS": ("society_survey", "WORKING_AGE_SKILLED", "WORKING_AGE", None, "stock", "commune_unit|area"),
    "DS-ESIGN": ("society_survey", "ADULTS_ESIGN", "ADULTS", None, "stock", "commune_unit|area"),
}

DOC_TARGETS = {
    # (indicator, level, target_year): (target_pct, comparator)
    ("DG-TTHC", "all", 2025): (100, ">="),
    ("DG-TTHC", "all", 2030): (100, ">="),
    ("DG-HSCV", "town_office", 2025): (80, ">="),
    ("DG-HSCV", "town_office", 2030): (100, ">="),
    ("DG-HSCV", "commune_unit", 2025): (70, ">="),
    ("DG-HSCV", "commune_unit", 2030): (90, ">="),
    ("DG-BC", "all", 2025): (100, ">="),
    ("DG-BC", "all", 2030): (100, ">="),
    ("DG-KT", "all", 2025): (50, ">="),
    ("DG-KT", "all", 2030): (70, ">"),
    ("DG-DDXT", "all", 2025): (100, ">="),
    ("DG-DDXT", "all", 2030): (100, ">="),
    ("DE-SME", "all", 2025): (50, ">"),
    ("DE-SME", "all", 2030): (70, ">"),
    ("DS-FIBER-HH", "all", 2025): (80, ">"),
    ("DS-FIBER-HH", "all", 2030): (100, ">="),
    ("DS-FIBER-COMMUNE", "area", 2025): (100, ">="),
    ("DS-FIBER-COMMUNE", "area", 2030): (100, ">="),
    ("DS-MOBILE-4G", "all", 2025): (100, ">="),
    ("DS-MOBILE-4G", "all", 2030): (100, ">="),
    ("DS-MOBILE-5G", "all", 2030): (100, ">="),
    ("DS-SMARTPHONE", "all", 2025): (80, ">"),
    ("DS-SMARTPHONE", "all", 2030): (95, ">"),
    ("DS-PAYACC", "all", 2025): (80, ">"),
    ("DS-PAYACC", "all", 2030): (95, ">"),
    ("DS-SKILLS", "all", 2025): (60, ">"),
    ("DS-SKILLS", "all", 2030): (80, ">"),
    ("DS-ESIGN", "all", 2025): (50, ">"),
    ("DS-ESIGN", "all", 2030): (70, ">"),
}

DOC_FLOORS = [
    # floor_code is the seed's; these are the page's facts
    {
        "scope_type": "town_budget",
        "base": "regular_spending",
        "floor_pct": Fraction(1, 2),
        "comparator": ">=",
        "valid_from": dt.date(2024, 1, 1),
        "valid_to": dt.date(2030, 12, 31),
        "evaluated": True,
    },
    {
        "scope_type": "unit_budget",
        "base": "regular_spending",
        "floor_pct": Fraction(1, 2),
        "comparator": ">=",
        "valid_from": dt.date(2026, 1, 1),
        "valid_to": dt.date(2030, 12, 31),
        "evaluated": True,
    },
]


# ----------------------------------------------------------------------------------------------
# Small helpers


def exact(x) -> Fraction:
    """A manifest figure (float or text) as the exact decimal it spells."""
    if x is None:
        return Fraction(0)
    return Fraction(repr(x)) if isinstance(x, float) else Fraction(str(x))


def _date(s: str | None) -> dt.date | None:
    return dt.date.fromisoformat(s) if s else None


def _bool(s: str) -> bool:
    return str(s).strip().lower() in {"true", "t", "1", "yes"}


@dataclass(frozen=True)
class Period:
    code: str
    type: str  # month | quarter | half | year
    year: int
    index: int  # month 1-12, quarter 1-4, half 1-2, year 1

    @property
    def start(self) -> dt.date:
        m = {"month": self.index, "quarter": 3 * self.index - 2, "half": 6 * self.index - 5, "year": 1}[self.type]
        return dt.date(self.year, m, 1)

    @property
    def end(self) -> dt.date:
        last = {"month": self.index, "quarter": 3 * self.index, "half": 6 * self.index, "year": 12}[self.type]
        nxt = dt.date(self.year + 1, 1, 1) if last == 12 else dt.date(self.year, last + 1, 1)
        return nxt - dt.timedelta(days=1)


def period(code: str) -> Period:
    if len(code) == 4:
        return Period(code, "year", int(code), 1)
    y, rest = code[:4], code[5:]
    if rest.startswith("Q"):
        return Period(code, "quarter", int(y), int(rest[1:]))
    if rest.startswith("H"):
        return Period(code, "half", int(y), int(rest[1:]))
    return Period(code, "month", int(y), int(rest))


def containers(code: str) -> list[str]:
    """The coarser periods a source period rolls up into (month -> Q, H, year; quarter -> H, year)."""
    p = period(code)
    y = str(p.year)
    if p.type == "month":
        return [f"{y}-Q{(p.index - 1) // 3 + 1}", f"{y}-H{(p.index - 1) // 6 + 1}", y]
    if p.type == "quarter":
        return [f"{y}-H{(p.index - 1) // 2 + 1}", y]
    return []


def subperiods(code: str, grain: str) -> list[str]:
    p = period(code)
    out = []
    if grain == "month":
        months = range(p.start.month, p.end.month + 1)
        out = [f"{p.year}-{m:02d}" for m in months]
    elif grain == "quarter":
        out = [
            f"{p.year}-Q{q}"
            for q in range(1, 5)
            if period(f"{p.year}-Q{q}").start >= p.start and period(f"{p.year}-Q{q}").end <= p.end
        ]
    elif grain == "half":
        out = [
            f"{p.year}-H{h}"
            for h in (1, 2)
            if period(f"{p.year}-H{h}").start >= p.start and period(f"{p.year}-H{h}").end <= p.end
        ]
    return [s for s in out if s != code]


def is_complete(code: str, received: set[str], grain: str) -> bool:
    """R8: the period itself was received, or every finer period at the source grain was."""
    if code in received:
        return True
    subs = subperiods(code, grain)
    return bool(subs) and all(s in received for s in subs)


def compare(value: Fraction | None, target: Fraction | None, comparator: str | None) -> bool | None:
    if value is None or target is None or comparator is None:
        return None
    if comparator == ">":
        return value > target
    if comparator == ">=":
        return value >= target
    raise ValueError(f"unknown comparator {comparator!r}")


# ----------------------------------------------------------------------------------------------
# Reference data


@dataclass
class Agency:
    code: str
    type: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    successor: str | None

    @property
    def level(self) -> str | None:
        if self.type == "town_office":
            return "town_office"
        if self.type in ("ward", "commune"):
            return "commune_unit"
        if self.type == "area":
            return "area"
        return None

    def ceased_alone_in(self, p: Period) -> bool:
        """R4: a unit that ceased during `p` with no successor to carry what it sent (a town office)."""
        return (
            self.successor is None
            and self.valid_to is not None
            and p.start <= self.valid_to < p.end
            and (self.valid_from is None or self.valid_from <= p.start)
        )

    def covers(self, p: Period) -> bool:
        """R4: the unit existed during the whole period."""
        return (self.valid_from is None or self.valid_from <= p.start) and (
            self.valid_to is None or p.end <= self.valid_to
        )


@dataclass
class Indicator:
    code: str
    source_kind: str
    numerator: str
    denominator: str
    minus: str | None
    time_aggregation: str
    applies_to: set[str]


@dataclass
class Catalogue:
    agencies: dict[str, Agency]
    indicators: dict[str, Indicator]
    targets: dict[tuple[str, str, int], tuple[Fraction, str]]
    floors: list[dict]
    floor_codes: dict[str, str] = field(default_factory=dict)


def _read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def load_catalogue(seeds: Path, registry: Path | None = None) -> Catalogue:
    """The catalogue seeds in `seeds`; the agencies from the registry folder (default: `seeds` too)."""
    agencies = {
        r["agency_code"]: Agency(
            r["agency_code"],
            r["agency_type"],
            _date(r["valid_from"]),
            _date(r["valid_to"]),
            r["successor_code"] or None,
        )
        for r in _read_csv((registry or seeds) / "ref_agencies.csv")
    }
    if (seeds / "ref_indicators.csv").exists():
        indicators = {
            r["indicator_code"]: Indicator(
                r["indicator_code"],
                r["source_kind"],
                r["numerator_item"],
                r["denominator_item"],
                (r.get("denominator_minus_item") or None),
                r["time_aggregation"],
                set(r["applies_to"].split("|")),
            )
            for r in _read_csv(seeds / "ref_indicators.csv")
        }
    else:
        indicators = {
            c: Indicator(c, k, n, d, m, t, set(a.split("|"))) for c, (k, n, d, m, t, a) in DOC_CATALOGUE.items()
        }
    if (seeds / "ref_indicator_targets.csv").exists():
        targets = {
            (r["indicator_code"], r["level"], int(r["target_year"])): (exact(r["target_pct"]), r["comparator"].strip())
            for r in _read_csv(seeds / "ref_indicator_targets.csv")
            if (r["target_pct"] or "").strip() != ""
        }
    else:
        targets = {k: (Fraction(v), c) for k, (v, c) in DOC_TARGETS.items()}
    floor_codes: dict[str, str] = {}
    if (seeds / "ref_budget_floors.csv").exists():
        floors = []
        for r in _read_csv(seeds / "ref_budget_floors.csv"):
            floors.append(
                {
                    "floor_code": r["floor_code"],
                    "scope_type": r["scope_type"],
                    "base": r["base"],
                    "floor_pct": exact(r["floor_pct"]),
                    "comparator": r["comparator"].strip(),
                    "valid_from": _date(r["valid_from"]),
                    "valid_to": _date(r["valid_to"]),
                    "evaluated": _bool(r["evaluated"]),
                }
            )
    else:
        floors = [dict(f, floor_code=None) for f in DOC_FLOORS]
    return Catalogue(agencies, indicators, targets, floors, floor_codes)


# ----------------------------------------------------------------------------------------------
# Manifest -> current values (R1)


def current_values(manifest: dict) -> list[dict]:
    out = []
    for f in manifest["files"]:
        if f["expected_state"] not in LOADED:
            continue
        current = {(r["sheet"], r["period_code"]): r for r in f["reports"] if r["is_current"]}
        for v in f["values"]:
            rep = current.get((v["sheet"], v["period_code"]))
            if rep is None:
                continue
            out.append({**v, "kind": f["kind"], "path": f["path"], "reporting_agency": rep["agency_code"]})
    return out


# ----------------------------------------------------------------------------------------------
# Indicator values


@dataclass
class Row:
    num: Fraction
    den: Fraction
    complete: bool
    received: frozenset  # source periods behind the row's series (for R8)
    own: bool = True  # figures from the unit's own reports (False: predecessors only)


def _unit_series(obs: dict[str, tuple[Fraction, Fraction]], agg: str, kind: str) -> dict[str, Row]:
    """One unit's rows for every period its observations reach (no validity filter)."""
    grain = SOURCE_GRAIN[kind]
    received = frozenset(obs)
    rows = {p: Row(n, d, True, received) for p, (n, d) in obs.items()}
    if kind == "society_survey":  # R5: nothing coarser
        return rows
    coarse: dict[str, list[str]] = defaultdict(list)
    for p in obs:
        for c in containers(p):
            coarse[c].append(p)
    for c, ps in coarse.items():
        if agg == "flow":
            n, d = sum(obs[p][0] for p in ps), sum(obs[p][1] for p in ps)
        else:
            latest = max(ps, key=lambda p: period(p).end)
            n, d = obs[latest]
        rows[c] = Row(n, d, is_complete(c, received, grain), received)
    return rows


def _sum_rows(code: str, rows: list[Row], grain: str, own: bool = True) -> Row:
    received = frozenset().union(*(r.received for r in rows))
    return Row(sum(r.num for r in rows), sum(r.den for r in rows), is_complete(code, received, grain), received, own)


def _observations(values: list[dict], ind: Indicator) -> dict[str, dict[str, tuple[Fraction, Fraction]]]:
    """agency -> source period -> (numerator, denominator), R2 and R3."""
    items: dict[tuple[str, str], dict[str, Fraction]] = defaultdict(dict)
    for v in values:
        if v["kind"] == ind.source_kind and v["agency_code"]:
            items[(v["agency_code"], v["period_code"])][v["item_code"]] = exact(v["value"])
    out: dict[str, dict[str, tuple[Fraction, Fraction]]] = defaultdict(dict)
    for (agency, p), it in items.items():
        if ind.numerator not in it:
            continue
        if ind.denominator == "UNIT_COUNT":
            den = Fraction(1)
        elif ind.denominator in it and (ind.minus is None or ind.minus in it):
            den = it[ind.denominator] - (it[ind.minus] if ind.minus else 0)
        else:
            continue
        out[agency][p] = (it[ind.numerator], den)
    return out


def withheld_observations(flags: list[dict], cat: Catalogue) -> set[tuple[str, str, str]]:
    """(agency, indicator, source period) of every observation a withheld flag names (input, not checked):
    an indicator flag names its observation, an item flag every indicator reading that item, a
    whole-report flag every indicator of the unit's report for that period."""
    keys: set[tuple[str, str, str]] = set()
    for f in flags:
        for ind in cat.indicators.values():
            items = {ind.numerator, ind.denominator, ind.minus}
            if (
                f["indicator_code"] == ind.code
                or (f["indicator_code"] is None and f["item_code"] in items)
                or (f["indicator_code"] is None and f["item_code"] is None)
            ):
                keys.add((f["agency_code"], ind.code, f["period_code"]))
    return keys


def recompute_indicator_values(
    manifest: dict, cat: Catalogue, withheld: set[tuple[str, str, str]] = frozenset()
) -> dict[tuple[str, str, str], dict]:
    """The indicator facts; an observation in `withheld` is treated as not received."""
    values = current_values(manifest)
    agencies = cat.agencies
    units = [a for a in agencies.values() if a.level in ("town_office", "commune_unit")]
    predecessors: dict[str, list[str]] = defaultdict(list)
    for a in units:
        if a.successor:
            predecessors[a.successor].append(a.code)
    new_units = [agencies[c] for c in sorted(predecessors)]

    facts: dict[tuple[str, str, str], dict] = {}
    for ind in cat.indicators.values():
        grain = SOURCE_GRAIN[ind.source_kind]
        obs = {
            agency: {p: o for p, o in by_period.items() if (agency, ind.code, p) not in withheld}
            for agency, by_period in _observations(values, ind).items()
        }
        raw = {a.code: _unit_series(obs.get(a.code, {}), ind.time_aggregation, ind.source_kind) for a in units}

        # Each unit's rows as published for it: own rows within validity (R4), successor roll-ups
        # and the straddle row for new units (R6, R7).
        series: dict[str, dict[str, Row]] = {}
        for a in units:
            rows = {p: r for p, r in raw[a.code].items() if a.covers(period(p)) or a.ceased_alone_in(period(p))}
            series[a.code] = rows
        for n in new_units:
            preds = predecessors[n.code]
            periods_before = {p for pc in preds for p in raw[pc] if period(p).end < REORG}
            for p in periods_before:
                members = [raw[pc][p] for pc in preds if p in raw[pc]]
                series[n.code][p] = _sum_rows(p, members, grain, own=False)
            # straddling periods (the year 2025): R6
            straddling = {c for c in {str(REORG.year)} if period(c).start < REORG <= period(c).end}
            for c in straddling:
                h1 = f"{REORG.year}-H1"
                pred_rows = [raw[pc][h1] for pc in preds if h1 in raw[pc]]
                own_row = raw[n.code].get(c)
                if ind.time_aggregation == "flow":
                    parts = pred_rows + ([own_row] if own_row else [])
                else:
                    parts = [own_row] if own_row else pred_rows
                if not parts:
                    continue
                received = frozenset().union(*(r.received for r in pred_rows + ([own_row] if own_row else [])))
                series[n.code][c] = Row(
                    sum(r.num for r in parts),
                    sum(r.den for r in parts),
                    is_complete(c, received, grain),
                    received,
                    own=own_row is not None,
                )

        def emit(agency: str, level: str, p: str, row: Row, is_area: bool, ind: Indicator = ind) -> None:
            per = period(p)
            value = None if row.den == 0 else 100 * row.num / row.den
            horizon = 2030 if per.year >= 2030 else 2025  # R10
            target = cat.targets.get((ind.code, level, horizon)) or cat.targets.get((ind.code, "all", horizon))
            target_pct, comparator = target if target else (None, None)
            facts[(agency, ind.code, p)] = {
                "agency_code": agency,
                "indicator_code": ind.code,
                "period_code": p,
                "period_type": per.type,
                "period_start": per.start,
                "period_end": per.end,
                "numerator": row.num,
                "denominator": row.den,
                "value_pct": value,
                "target_year": horizon if target else None,
                "target_pct": target_pct,
                "comparator": comparator,
                "meets_target": compare(value, target_pct, comparator),
                "gap_pct": None if value is None or target_pct is None else value - target_pct,
                "is_area_total": is_area,
                "is_successor_rollup": not row.own,
                "period_complete": row.complete,
            }

        for a in units:
            if a.level in ind.applies_to:
                for p, row in series[a.code].items():
                    emit(a.code, a.level, p, row, False)

        if "area" in ind.applies_to:
            member_levels = ind.applies_to & {"town_office", "commune_unit"} or {"town_office", "commune_unit"}
            members = [a for a in units if a.level in member_levels]
            all_periods = {p for a in members for p in series[a.code]}
            for p in sorted(all_periods):
                per = period(p)
                if per.end < REORG:  # R9
                    rows = [
                        series[a.code][p]
                        for a in members
                        if a.valid_to and a.valid_to < REORG and p in series[a.code] and series[a.code][p].own
                    ]
                else:
                    rows = [
                        series[a.code][p]
                        for a in members
                        if p in series[a.code]
                        and (
                            (a.valid_from and a.valid_from >= REORG)
                            or (ind.time_aggregation == "flow" and a.ceased_alone_in(per))
                        )
                    ]
                if rows:
                    emit("DUCPHO", "area", p, _sum_rows(p, rows, grain), True)
    return facts


# ----------------------------------------------------------------------------------------------
# Budget share


def recompute_budget_share(manifest: dict, cat: Catalogue) -> dict[tuple[int, str, str], dict]:
    values = [v for v in current_values(manifest) if v["kind"] == "budget"]
    sheets: dict[tuple[str, str, int], list[dict]] = defaultdict(list)
    for v in values:
        sheets[(v["path"], v["sheet"], int(v["period_code"]))].append(v)

    def vnd(v) -> Fraction:
        return exact(v["value"]) * UNIT_FACTORS[v["unit"]]

    facts: dict[tuple[int, str, str], dict] = {}
    for (path, _sheet, fy), rows in sorted(sheets.items()):
        reporter = rows[0]["reporting_agency"]
        town = cat.agencies[reporter].level == "town_office"  # the town workbook comes from TX_TCKH
        for basis, reg_item, dx_item in (("estimate", "REG_EST", "DX_EST"), ("actual", "REG_ACT", "DX_ACT")):

            def total(role, item, pred=lambda v: True, rows=rows):
                return sum(
                    (vnd(v) for v in rows if v["row_role"] == role and v["item_code"] == item and pred(v)), Fraction(0)
                )

            reg = total("detail", reg_item) + total("unallocated", reg_item)
            dx = total("detail", dx_item)
            detail_agencies = sorted({v["agency_code"] for v in rows if v["row_role"] == "detail"})
            if town:
                # R13: every clerk sum of this basis's two items against the rows it sums
                matches = True
                clerk_total = None
                for item in (reg_item, dx_item):
                    for sub in (v for v in rows if v["row_role"] == "subtotal" and v["item_code"] == item):
                        want = total("detail", item, lambda v, s=sub["section"]: v["section"] == s)
                        matches &= vnd(sub) == want
                    for tot in (v for v in rows if v["row_role"] == "total" and v["item_code"] == item):
                        matches &= vnd(tot) == total("detail", item) + total("unallocated", item)
                        if item == reg_item:
                            clerk_total = vnd(tot)
                scopes = [("DUCPHO", "town_budget", reg, dx, clerk_total, matches)]
                for ag in detail_agencies:
                    own = lambda v, ag=ag: v["agency_code"] == ag
                    scopes.append(
                        (ag, "unit_budget", total("detail", reg_item, own), total("detail", dx_item, own), None, None)
                    )
            else:
                scopes = [(reporter, "unit_budget", reg, dx, None, None)]
            for scope, scope_type, r, d, clerk, match in scopes:
                share = None if r == 0 else 100 * d / r
                year_start, year_end = dt.date(fy, 1, 1), dt.date(fy, 12, 31)
                floors = [
                    f
                    for f in cat.floors
                    if f["evaluated"]
                    and f["scope_type"] == scope_type
                    and f["base"] == "regular_spending"
                    and (f["valid_from"] is None or f["valid_from"] <= year_end)
                    and (f["valid_to"] is None or f["valid_to"] >= year_start)
                ]
                floor = floors[0] if floors else None
                key = (fy, basis, scope)
                assert key not in facts, f"two current sources for budget share {key}"
                facts[key] = {
                    "fiscal_year": fy,
                    "basis": basis,
                    "scope_code": scope,
                    "scope_type": scope_type,
                    "reporting_agency_code": reporter,
                    "dx_spending_vnd": d,
                    "regular_spending_vnd": r,
                    "share_pct": share,
                    "floor_code": floor["floor_code"] if floor else None,
                    "floor_pct": floor["floor_pct"] if floor else None,
                    "comparator": floor["comparator"] if floor else None,
                    "meets_floor": compare(share, floor["floor_pct"], floor["comparator"]) if floor else None,
                    "clerk_total_vnd": clerk,
                    "clerk_total_matches": match,
                }
    return facts
