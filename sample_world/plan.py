"""Decides which files a sample world receives: who sends what, when, under which name, with which warts.

Produces plain-dict file specs; rendering them into bytes is `render.py`'s job.
"""

import calendar
import random
from datetime import date, timedelta

from .text import QUARTER_VARIANTS, ROMAN, ascii_fold, month_spelling, quarter_spelling

DX_ITEMS = [
    "WR_TOTAL",
    "WR_SECRET",
    "WR_ONLINE",
    "INSP_TOTAL",
    "INSP_DIGITAL",
    "RPT_REGIMES",
    "RPT_CONNECTED",
    "DX_SPEND",
]
SURVEY_ITEMS = [
    "HH_TOTAL",
    "HH_FIBER",
    "FIBER_REACHES",
    "VILLAGES",
    "VILLAGES_4G",
    "VILLAGES_5G",
    "ADULTS",
    "ADULTS_SMARTPHONE",
    "ADULTS_PAYACC",
    "ADULTS_ESIGN",
    "WORKING_AGE",
    "WORKING_AGE_SKILLED",
    "SME_TOTAL",
    "SME_DIGITAL",
]
DVC_ITEMS = [
    "TTHC_TOTAL",
    "TTHC_ELIGIBLE",
    "TTHC_ONLINE_FULL",
    "DOSSIERS_TOTAL",
    "DOSSIERS_ONLINE",
    "DVC_USERS",
    "DVC_USERS_EID",
]
BUDGET_ITEMS = ["REG_EST", "REG_ACT", "DX_EST", "DX_ACT"]

# Per-file chance of each common wart; the real town world also gets every rare one forced in.
NUMBER_RATES = {
    "number_as_text": 0.08,
    "thousands_dot": 0.12,
    "thousands_comma": 0.05,
    "decimal_comma": 0.10,
    "stray_spaces": 0.04,
    "nbsp_in_number": 0.03,
    "dash_for_zero": 0.18,
    "empty_for_zero": 0.10,
    "x_for_zero": 0.02,
    "khong_for_zero": 0.02,
    "formula_cached": 0.05,
}
TEXT_RATES = {
    "nfd_text": 0.06,
    "double_spaces": 0.05,
    "nbsp_text": 0.03,
    "case_variant": 0.05,
    "header_wording_variant": 0.35,
}


def _end_of_month(y, m):
    return date(y, m, calendar.monthrange(y, m)[1])


def quarter_bounds(y, q):
    return date(y, 3 * q - 2, 1), _end_of_month(y, 3 * q)


def period_bounds(code):
    if "-Q" in code:
        y, q = code.split("-Q")
        return quarter_bounds(int(y), int(q))
    if "-H" in code:
        y, h = code.split("-H")
        return (date(int(y), 1, 1), date(int(y), 6, 30)) if h == "1" else (date(int(y), 7, 1), date(int(y), 12, 31))
    if "-" in code:
        y, m = code.split("-")
        return date(int(y), int(m), 1), _end_of_month(int(y), int(m))
    return date(int(code), 1, 1), date(int(code), 12, 31)


class Planner:
    def __init__(self, world, seed):
        self.w = world
        self.u = world.units
        self.seed = seed
        self.last_year = 2024 + world.years - 1
        # The world is observed in late November of its last year.
        self.world_end = date(self.last_year, 11, 25)
        self.quarters = [
            (y, q) for y in range(2024, self.last_year + 1) for q in range(1, 5) if (y, q) <= (self.last_year, 3)
        ]
        self.months = [
            (y, m) for y in range(2024, self.last_year + 1) for m in range(1, 13) if (y, m) <= (self.last_year, 10)
        ]
        self.specs = []
        self.exotic = world.real

    def rng(self, *key):
        return random.Random(":".join(str(k) for k in (self.seed,) + key))

    # ---- figures -------------------------------------------------------------------------

    def _base(self, code):
        r = self.rng("base", code)
        hh = r.randint(2000, 6000)
        return {
            "hh": hh,
            "villages": r.randint(5, 14),
            "sme": r.randint(8, 70),
            "fibre": r.uniform(0.72, 0.93),
            "phone": r.uniform(0.70, 0.88),
            "pay": r.uniform(0.62, 0.85),
            "esign": r.uniform(0.25, 0.55),
            "skill": r.uniform(0.35, 0.65),
            "smed": r.uniform(0.35, 0.65),
            "g5": r.uniform(0.0, 0.5),
            "dossiers": r.randint(80, 500),
        }

    def survey_figures(self, code, year, half):
        unit = self.u[code]
        if unit.members:
            parts = [self.survey_figures(m, year, half) for m in unit.members]
            fig = {k: sum(p[k] for p in parts) for k in SURVEY_ITEMS}
            fig["FIBER_REACHES"] = 1
            return fig
        b = self._base(code)
        t = (year - 2024) + (0.5 if half == 1 else 1.0)
        hh = round(b["hh"] * (1 + 0.012 * t))
        villages = b["villages"]
        adults = round(hh * 2.55)
        working = round(adults * 0.8)
        sme = b["sme"] + int(2 * t)
        lift = 0.04 * t
        return {
            "HH_TOTAL": hh,
            "HH_FIBER": round(hh * min(b["fibre"] + lift, 0.99)),
            "FIBER_REACHES": 1,
            "VILLAGES": villages,
            "VILLAGES_4G": villages,
            "VILLAGES_5G": min(villages, round(villages * (b["g5"] + lift))),
            "ADULTS": adults,
            "ADULTS_SMARTPHONE": round(adults * min(b["phone"] + lift, 0.98)),
            "ADULTS_PAYACC": round(adults * min(b["pay"] + lift, 0.97)),
            "ADULTS_ESIGN": round(adults * min(b["esign"] + lift, 0.9)),
            "WORKING_AGE": working,
            "WORKING_AGE_SKILLED": round(working * min(b["skill"] + lift, 0.95)),
            "SME_TOTAL": sme,
            "SME_DIGITAL": round(sme * min(b["smed"] + lift, 0.95)),
        }

    def quarterly_figures(self, code, y, q, version=1):
        unit = self.u[code]
        r = self.rng("qfig", code, y, q)
        scale = max(1, len(unit.members))
        office = unit.type == "town_office"
        total = r.randint(150, 1200) if office else r.randint(250, 800) * scale
        secret = r.randint(0, 20) if office else (0 if r.random() < 0.6 else r.randint(1, 8))
        step = (y - 2024) * 4 + q
        online = round((total - secret) * min(0.98, r.uniform(0.55, 0.85) + 0.02 * step))
        insp = 0 if r.random() < 0.35 else r.randint(1, 9)
        regimes = r.randint(18, 45)
        spend = round(r.uniform(3, 140), 1)
        if spend == int(spend):
            spend += 0.5  # a spend with a fraction lets decimal spellings occur
        fig = {
            "WR_TOTAL": total,
            "WR_SECRET": secret,
            "WR_ONLINE": online,
            "INSP_TOTAL": insp,
            "INSP_DIGITAL": r.randint(0, insp),
            "RPT_REGIMES": regimes,
            "RPT_CONNECTED": r.randint(regimes // 2, regimes),
            "DX_SPEND": spend,
        }
        if version > 1:
            r2 = self.rng("qfix", code, y, q, version)
            fig["WR_TOTAL"] += r2.randint(5, 80)
            fig["WR_ONLINE"] += r2.randint(1, 40)
            fig["DX_SPEND"] = round(fig["DX_SPEND"] + r2.randint(1, 20) + 0.5, 1)
        return fig

    def portal_figures(self, code, y, m, reissue=0):
        unit = self.u[code]
        r = self.rng("dvc", code, y, m, reissue)
        if unit.members:
            parts = [self.portal_figures(x, y, m, reissue) for x in unit.members]
            fig = {k: sum(p[k] for p in parts) for k in DVC_ITEMS[3:]}
        else:
            b = self._base(code)
            big = 4 if unit.type == "town_office" else 1
            dossiers = int(b["dossiers"] * big * r.uniform(0.7, 1.3))
            users = int(dossiers * r.uniform(0.3, 0.7))
            step = (y - 2024) * 12 + m
            fig = {
                "DOSSIERS_TOTAL": dossiers,
                "DOSSIERS_ONLINE": int(dossiers * min(0.97, r.uniform(0.45, 0.8) + 0.008 * step)),
                "DVC_USERS": users,
                "DVC_USERS_EID": int(users * min(1.0, r.uniform(0.6, 0.9) + 0.01 * step)),
            }
        tthc = 420 if unit.type == "town_office" else (310 if y < 2025 or m < 7 or y > 2025 else 330)
        eligible = int(tthc * 0.45)
        full = min(eligible, int(eligible * (0.7 + 0.01 * ((y - 2024) * 12 + m))))
        return {"TTHC_TOTAL": tthc, "TTHC_ELIGIBLE": eligible, "TTHC_ONLINE_FULL": full, **fig}

    # ---- names ---------------------------------------------------------------------------

    def header_name(self, code, r):
        """The unit's name as its clerk types it in the header, and the warts that spelling shows."""
        u = self.u[code]
        if u.type == "town_office":
            name, warts = u.name.upper(), []
            if r.random() < 0.08:
                name, warts = u.name, ["case_variant"]
        else:
            tw, bare = u.type_word, u.bare
            options = [
                (f"UBND {tw} {bare}".upper(), [], 10),
                (f"ỦY BAN NHÂN DÂN {tw} {bare}".upper(), ["name_variant"], 2),
                (f"UỶ BAN NHÂN DÂN {tw} {bare}".upper(), ["name_variant", "uy_spelling"], 1),
                (f"UBND {tw} {bare}", ["name_variant"], 2),
                (f"Ủy ban nhân dân {tw} {bare}", ["name_variant"], 1),
                (f"Uỷ ban nhân dân {tw} {bare}", ["name_variant", "uy_spelling"], 1),
                (f"{tw.capitalize()} {bare}", ["name_variant"], 1),
            ]
            if not u.needs_type_word:
                options += [
                    (f"{tw[0].upper()}. {bare}", ["name_variant", "name_abbrev"], 1),
                    (ascii_fold(bare).upper(), ["name_variant", "ascii_name"], 1),
                ]
            weights = [o[2] for o in options]
            name, warts, _ = r.choices(options, weights)[0]
            warts = list(warts)
        if r.random() < 0.5 and ("Hòa" in name or "HÒA" in name or "Hóa" in name or "HÓA" in name):
            name = name.replace("Hòa", "Hoà").replace("HÒA", "HOÀ").replace("Hóa", "Hoá").replace("HÓA", "HOÁ")
            warts.append("old_tone_placement")
        return name, warts

    def parent_line(self, code, r):
        u = self.u[code]
        if u.type == "town_office":
            return self.w.town_upper if r.random() < 0.85 else None
        if u.valid_from >= date(2025, 7, 1):
            return self.w.province_upper if r.random() < 0.5 else None
        return self.w.town_upper if r.random() < 0.4 else None

    def budget_row_name(self, code, r):
        u = self.u[code]
        if u.type == "town_office":
            return u.name
        opts = [f"UBND {u.type_word} {u.bare}", f"{u.type_word.capitalize()} {u.bare}"]
        if not u.needs_type_word:
            opts.append(f"{u.type_word[0].upper()}. {u.bare}")
        return r.choice(opts)

    # ---- arrivals and file names ---------------------------------------------------------

    def arrival(self, period_end, r, late_rate=0.08):
        late = r.random() < late_rate
        days = r.randint(25, 60) if late else r.randint(2, 14)
        return period_end + timedelta(days=days), late

    def quarterly_name(self, code, y, q, r, ext):
        u = self.u[code]
        bare = ascii_fold(u.bare if u.type != "town_office" else u.abbr)
        options = [
            f"BC CDS quy {q} - {bare} (final).{ext}",
            f"bao_cao_Q{q}_{y}_{u.abbr}.{ext}",
            f"Báo cáo CĐS Quý {ROMAN[q]} năm {y} - {u.bare if u.type != 'town_office' else u.abbr}.{ext}",
            f"{u.abbr}_BC_chuyen_doi_so_Q{q}_{y}.{ext}",
            f"BC CĐS Q{q}.{y} {bare}.{ext}",
            f"bao cao chuyen doi so quy {ROMAN[q]}-{y} {bare}.{ext}",
        ]
        return r.choice(options)

    # ---- the plan ------------------------------------------------------------------------

    def add(self, spec):
        spec["id"] = len(self.specs)
        self.specs.append(spec)
        return spec

    def common_warts(self, r, rates):
        return [w for w, p in rates.items() if r.random() < p]

    def quarterly_spec(self, code, y, q, r, arrival, version=1, **extra):
        u = self.u[code]
        legacy = r.random() < (0.12 if self.exotic else 0.05) and u.type != "town_office" and y == 2024
        ext = "xls" if legacy else "xlsx"
        name, nwarts = self.header_name(code, r)
        parent = self.parent_line(code, r)
        warts = nwarts + self.common_warts(r, NUMBER_RATES) + self.common_warts(r, TEXT_RATES)
        if legacy:
            warts.append("legacy_xls")
        if parent:
            warts.append("parent_line")
        spec = {
            "kind": "dx_quarterly",
            "fmt": ext,
            "date": arrival,
            "agency": code,
            "period": f"{y}-Q{q}",
            "period_text": quarter_spelling(y, q, r.randrange(QUARTER_VARIANTS)),
            "head_name": name,
            "parent": parent,
            "title_mark": "",
            "template": 2025 if y >= 2025 else 2024,
            "figures": self.quarterly_figures(code, y, q, version),
            "warts": warts,
            "file_name": self.quarterly_name(code, y, q, r, ext),
            "copies": [],
            "expect": None,
            "quirks": {},
            "place": self.w.place if u.type == "town_office" or r.random() < 0.5 else u.bare,
            "office": u.type == "town_office",
        }
        spec.update(extra)
        return spec

    def plan_quarterly(self):
        reporters = self.w.offices + self.w.old + self.w.new
        for code in reporters:
            u = self.u[code]
            for y, q in self.quarters:
                start, end = quarter_bounds(y, q)
                if not u.valid_during(start, end):
                    continue
                r = self.rng("q", code, y, q)
                if r.random() < 0.03:
                    continue  # never sent
                arrival, late = self.arrival(end, r)
                if arrival > self.world_end:
                    continue
                spec = self.quarterly_spec(code, y, q, r, arrival)
                if late:
                    spec["warts"].append("late_submission")
                self.add(spec)
                roll = r.random()
                if roll < 0.03 and spec["fmt"] != "xls":
                    self.add_duplicate(spec, r)
                elif roll < 0.09:
                    self.add_resubmission(spec, r, y, q)

    def add_duplicate(self, spec, r):
        base, _, ext = spec["file_name"].rpartition(".")
        name = r.choice([f"{base} (1).{ext}", f"Copy of {base}.{ext}", f"{base}_gui lai.{ext}"])
        when = spec["date"] + timedelta(days=r.choice((0, 0, 1, 3)))
        spec["copies"].append((when, name))

    def add_resubmission(self, spec, r, y, q):
        same_day = r.random() < 0.15
        when = spec["date"] + timedelta(days=0 if same_day else r.randint(2, 30))
        if when > self.world_end:
            return
        mark = r.choice([" (điều chỉnh)", " (bổ sung)", "", ""])
        if same_day:
            mark = " (điều chỉnh)"  # a same-day resend is told apart by its title
        again = self.quarterly_spec(spec["agency"], y, q, r, when, version=2)
        again["title_mark"] = mark
        again["fmt"] = "xlsx"
        base = spec["file_name"].rsplit(".", 1)[0]
        suffix = {" (điều chỉnh)": " (điều chỉnh)", " (bổ sung)": "_bo sung", "": " v2"}[mark]
        again["file_name"] = f"{base}{suffix}.xlsx"
        again["warts"] = [w for w in again["warts"] if w != "legacy_xls"] + ["resubmission"]
        if mark:
            again["warts"].append("correction_title")
        if same_day:
            again["warts"].append("same_day_correction")
        self.add(again)

    def plan_survey(self):
        jobs = []
        for code in self.w.old:
            jobs.append((code, 2024, 0))
            jobs.append((code, 2025, 1))
        for code in self.w.new:
            jobs.append((code, 2025, 0))
            jobs.append((code, 2026, 1))
        for code, year, half in jobs:
            r = self.rng("s", code, year, half)
            if half and r.random() < 0.6:
                continue  # the mid-year survey is sent by some units only
            if not half and r.random() < 0.03:
                continue
            end = date(year, 6, 30) if half else date(year, 12, 31)
            arrival, late = self.arrival(end, r, 0.1)
            arrival += timedelta(days=10)
            if arrival > self.world_end:
                continue
            name, nwarts = self.header_name(code, r)
            parent = self.parent_line(code, r)
            warts = nwarts + self.common_warts(r, NUMBER_RATES) + self.common_warts(r, TEXT_RATES)
            if parent:
                warts.append("parent_line")
            if late:
                warts.append("late_submission")
            u = self.u[code]
            period = f"{year}-H1" if half else f"{year}"
            ptext = f"6 tháng đầu năm {year}" if half else None
            bare = ascii_fold(u.bare)
            fname = r.choice(
                [
                    f"XHS KTS {'6 thang ' if half else ''}{year} - {bare}.xlsx",
                    f"bao cao so lieu xa hoi so {year} {bare}.xlsx",
                    f"Biểu số liệu XHS-KTS {u.bare} {year}.xlsx",
                ]
            )
            self.add(
                {
                    "kind": "society_survey",
                    "fmt": "xlsx",
                    "date": arrival,
                    "agency": code,
                    "period": period,
                    "period_text": ptext,
                    "head_name": name,
                    "parent": parent,
                    "title_mark": "",
                    "template": year,
                    "figures": self.survey_figures(code, year, half),
                    "warts": warts,
                    "file_name": fname,
                    "copies": [],
                    "expect": None,
                    "quirks": {},
                    "place": u.bare,
                }
            )

    def plan_portal(self):
        for y, m in self.months:
            start, end = period_bounds(f"{y}-{m:02d}")
            r = self.rng("p", y, m)
            units = [
                c
                for c in ([self.w.desk] if self.w.desk else []) + self.w.old + self.w.new
                if self.u[c].valid_during(start, end)
            ]
            arrival = end + timedelta(days=r.randint(1, 6))
            if arrival > self.world_end:
                continue
            fname = r.choice(
                [f"thong_ke_dvc_{y}_{m:02d}.csv", f"ThongKe_DVCTT_T{m:02d}_{y}.csv", f"bao_cao_dvc_thang_{m}_{y}.csv"]
            )
            spec = self.portal_spec(y, m, units, r, arrival, fname, 0)
            self.add(spec)
            if r.random() < 0.08:
                when = arrival + timedelta(days=r.randint(3, 20))
                if when <= self.world_end:
                    again = self.portal_spec(
                        y, m, units, r, when, fname.replace(".csv", r.choice(["_cap_nhat.csv", " (2).csv", ".csv"])), 1
                    )
                    again["warts"] += ["reissued_export", "resubmission"]
                    self.add(again)

    def portal_spec(self, y, m, units, r, arrival, fname, reissue):
        old_format = (y, m) < (2025, 7)
        encoding = "cp1258" if (y, m) < (2024, 7) else "utf-8-sig"
        variant = 0 if r.random() < 0.8 else r.randrange(1, 4)
        rows = []
        for code in units:
            u = self.u[code]
            rows.append(
                {
                    "code": u.portal,
                    "name": ("UBND " + u.name) if u.type_word else u.name,
                    "agency": code,
                    "figures": self.portal_figures(code, y, m, reissue),
                }
            )
        warts = ["csv_semicolon"] if old_format else ["csv_comma"]
        if encoding == "cp1258":
            warts.append("cp1258_csv")
        return {
            "kind": "dvc_monthly",
            "fmt": "csv",
            "date": arrival,
            "agency": "PORTAL",
            "period": f"{y}-{m:02d}",
            "period_text": month_spelling(y, m, variant),
            "rows": rows,
            "sep": ";" if old_format else ",",
            "encoding": encoding,
            "warts": warts,
            "file_name": fname,
            "copies": [],
            "expect": None,
            "quirks": {},
            "title_mark": "",
        }

    def plan_budget(self):
        fin = self.w.finance
        if fin and self.last_year >= 2025:
            r = self.rng("b", 2024)
            s24 = self.budget_sheet(2024, "Năm 2024", "triệu đồng", r, actual_share=1.0)
            self.add(
                self.budget_spec(
                    fin,
                    date(2025, 1, 16),
                    "Du toan - thuc hien chi TX nam 2024.xlsx",
                    [s24],
                    ["budget_unit_trieu_dong"],
                )
            )
            r = self.rng("b", 2025)
            s25 = self.budget_sheet(2025, "2025", "nghìn đồng", r, actual_share=0.45)
            s24b = self.budget_sheet(2024, "Năm 2024", "nghìn đồng", self.rng("b", 2024), actual_share=1.03)
            self.add(
                self.budget_spec(
                    fin,
                    date(2025, 6, 20),
                    "DT chi thuong xuyen 2025 (kem QT 2024).xlsx",
                    [s25, s24b],
                    ["budget_unit_nghin_dong", "resent_prior_year_sheet", "resubmission"],
                )
            )
        if self.last_year >= 2026:
            for code in self.w.new:
                r = self.rng("b", code, 2026)
                if r.random() < 0.5:
                    continue
                sheet = self.unit_budget_sheet(code, r)
                name = f"Du toan chi {ascii_fold(self.u[code].bare)} 2026.xlsx"
                self.add(self.budget_spec(code, date(2026, 3, r.randint(2, 27)), name, [sheet], ["budget_unit_dong"]))

    def budget_spec(self, code, arrival, fname, sheets, warts):
        r = self.rng("bs", code, arrival)
        name, nwarts = self.header_name(code, r)
        parent = self.parent_line(code, r)
        return {
            "kind": "budget",
            "fmt": "xlsx",
            "date": arrival,
            "agency": code,
            "sheets": sheets,
            "head_name": name,
            "parent": parent,
            "warts": warts + nwarts + (["parent_line"] if parent else []),
            "file_name": fname,
            "copies": [],
            "expect": None,
            "quirks": {},
            "title_mark": "",
            "place": self.w.place,
            "office": self.u[code].type == "town_office",
        }

    def budget_sheet(self, year, sheet_name, unit_word, r, actual_share):
        factor = {"triệu đồng": 1, "nghìn đồng": 1000, "đồng": 1000000}[unit_word]
        sections = [("I", "I. KHỐI THỊ XÃ", self.w.offices), ("II", "II. KHỐI XÃ, PHƯỜNG", self.w.old)]
        rows = []
        totals = [0.0] * 4
        for sec, label, codes in sections:
            rows.append({"role": "section_header", "label": label})
            sub = [0.0] * 4
            for i, code in enumerate(codes, 1):
                rr = self.rng("bud", code, year)
                est = round(rr.uniform(1800, 9500), 1)
                dx = round(est * rr.uniform(0.003, 0.012), 1)
                vals = [
                    est,
                    round(est * actual_share * rr.uniform(0.93, 1.02), 1),
                    dx,
                    round(dx * actual_share * rr.uniform(0.7, 1.1), 1),
                ]
                vals = [self._in_unit(v, factor) for v in vals]
                rows.append(
                    {
                        "role": "detail",
                        "section": sec,
                        "stt": str(i),
                        "agency": code,
                        "label": self.budget_row_name(code, rr),
                        "values": vals,
                    }
                )
                sub = [a + b for a, b in zip(sub, vals)]
            sub = [round(v, 1) for v in sub]
            rows.append({"role": "subtotal", "section": sec, "stt": "", "label": f"Cộng {sec}", "values": sub})
            totals = [a + b for a, b in zip(totals, sub)]
        un = [self._in_unit(round(r.uniform(2000, 6000), 1), factor), 0, 0, 0]
        un[1] = self._in_unit(round(un[0] / factor * actual_share * 0.9, 1), factor)
        rows.append(
            {
                "role": "unallocated",
                "section": None,
                "stt": "",
                "label": "Chi thường xuyên khác chưa phân bổ",
                "values": un,
            }
        )
        totals = [round(a + b, 1) for a, b in zip(totals, un)]
        rows.append({"role": "total", "section": None, "stt": "", "label": "TỔNG CỘNG", "values": totals})
        return {"name": sheet_name, "year": year, "unit_word": unit_word, "rows": rows}

    @staticmethod
    def _in_unit(v, factor):
        return v if factor == 1 else round(v * factor)

    def unit_budget_sheet(self, code, r):
        est = r.randint(9000, 30000) * 1000000
        dx = int(est * r.uniform(0.004, 0.01)) // 1000 * 1000
        act = int(est * 0.4) // 1000 * 1000
        detail = [est, act, dx, dx // 3 // 1000 * 1000]
        un = [r.randint(500, 2000) * 1000000, 0, 0, 0]
        rows = [
            {
                "role": "detail",
                "section": None,
                "stt": "1",
                "agency": code,
                "label": self.budget_row_name(code, r),
                "values": detail,
            },
            {
                "role": "unallocated",
                "section": None,
                "stt": "2",
                "label": "Chi thường xuyên khác chưa phân bổ",
                "values": un,
            },
            {
                "role": "total",
                "section": None,
                "stt": "",
                "label": "TỔNG CỘNG",
                "values": [a + b for a, b in zip(detail, un)],
            },
        ]
        return {"name": "2026", "year": 2026, "unit_word": "đồng", "rows": rows}

    def plan(self):
        self.plan_quarterly()
        self.plan_survey()
        self.plan_portal()
        self.plan_budget()
        if self.exotic:
            from .oddities import add_oddities

            add_oddities(self)
        return self.specs
