"""The rare warts of the real Đức Phổ world, placed deliberately so that each one occurs at least once.

Also the wart vocabulary: every name the manifest may use, with what it means.
"""

from copy import deepcopy
from datetime import date, timedelta

from .text import quarter_spelling

WARTS = {
    # number spellings
    "number_as_text": "a figure stored as text (`523`)",
    "thousands_dot": "Vietnamese thousands dot (`1.234` = 1234)",
    "thousands_comma": "English thousands comma (`1,234` = 1234)",
    "decimal_comma": "decimal comma (`12,5`)",
    "thousands_dot_decimal_comma": "both (`1.234,5`)",
    "english_decimal": "English grouping and decimal point (`1,234.5`)",
    "stray_spaces": "a figure as text with spaces around it",
    "nbsp_in_number": "a figure as text with non-breaking spaces around it",
    "dash_for_zero": "`-` for zero",
    "empty_for_zero": "an empty cell for zero",
    "x_for_zero": "`x` for zero",
    "khong_for_zero": "`không` for zero",
    "formula_cached": "a formula whose cached value is the figure",
    # text
    "nfd_text": "all text in Unicode NFD (decomposed accents)",
    "double_spaces": "double spaces inside names or labels",
    "nbsp_text": "a non-breaking space inside a name or label",
    "case_variant": "unusual letter case (mixed-case office name, upper-case labels)",
    "tcvn3_font": "text typed in the legacy TCVN3 (ABC) font encoding",
    "cp1258_csv": "CSV encoded in Windows-1258 with combining tone marks",
    "header_wording_variant": "table header says `Chỉ tiêu`, `ĐVT`, `Số lượng`",
    "parent_line": "a parent authority line above the reporting unit",
    # names
    "name_variant": "the unit written other than `UBND <TYPE> <NAME>`",
    "uy_spelling": "`Uỷ` instead of `Ủy`",
    "name_abbrev": "`P.` / `X.` abbreviation for the unit type",
    "ascii_name": "the unit's name without diacritics and type word (`PHO NINH`)",
    "old_tone_placement": "old-style tone placement (`Hoà`, `Hoá`)",
    # containers and submissions
    "legacy_xls": "an old binary .xls workbook",
    "csv_semicolon": "CSV separated by `;` (older exports)",
    "csv_comma": "CSV separated by `,` (newer exports)",
    "late_submission": "arrived more than three weeks after the period ended",
    "resubmission": "a later version of a report already sent",
    "correction_title": "title marked `(điều chỉnh)` or `(bổ sung)`",
    "same_day_correction": "a correction arriving the same day as the original",
    "duplicate_submission": "the same bytes sent again under another name",
    "reissued_export": "the portal re-issued a month's export",
    "filename_period_mismatch": "the file name names another quarter than the header",
    "wrong_quarter_header": "the header carries the previous quarter (template not updated)",
    "resent_prior_year_sheet": "a budget workbook re-sends last year's sheet with final actuals",
    # wrong files
    "empty_workbook": "a workbook with no cells",
    "encrypted_workbook": "a password-protected workbook",
    "pdf_renamed": "a PDF saved under a spreadsheet name",
    "truncated_workbook": "an xlsx cut short in transfer",
    "unrelated_workbook": "a readable workbook of none of the four kinds",
    "other_town": "a report from a unit of another town",
    "unit_not_valid_in_period": "an old commune reporting after the July 2025 merger",
    "period_before_2024": "a report for a period before the covered range",
    "missing_period": "a report whose header carries no period",
    "missing_table_header": "a report whose table has no header row",
    # rejected rows
    "ref_error": "`#REF!` in a value cell",
    "text_in_number": "words in a value cell",
    "unknown_item_row": "a row with an STT or label no template knows",
    "conflicting_rows": "an item twice with different values",
    "table_pasted_twice": "the item table pasted a second time below the first",
    "malformed_csv_row": "a CSV row with a field missing",
    "unknown_portal_code": "a portal row for a unit code nobody knows",
    "stale_portal_row": "a portal row for an old unit after the merger",
    # implausible figures (loaded as written)
    "online_gt_total": "more records processed online than records in total",
    "fiber_gt_households": "more fibre households than households",
    "count_1000x": "a count one thousand times too big",
    "percent_as_count": "a percentage typed where a count was asked",
    "household_jump": "a household count jumping by half",
    "budget_share_40pct": "digital-transformation spending at 40% of regular spending",
    "wrong_clerk_sum": "a subtotal the clerk summed wrongly",
    # budget units
    "budget_unit_trieu_dong": "budget in triệu đồng",
    "budget_unit_nghin_dong": "budget in nghìn đồng",
    "budget_unit_dong": "budget in đồng",
}

_NAME_WARTS = {"name_variant", "uy_spelling", "name_abbrev", "ascii_name", "old_tone_placement", "case_variant"}


def _resum(sheet):
    """Recomputes the clerk's subtotals and total after a figure was changed."""
    total = [0.0] * 4
    sub = [0.0] * 4
    for row in sheet["rows"]:
        if row["role"] == "section_header":
            sub = [0.0] * 4
        elif row["role"] == "detail":
            sub = [a + b for a, b in zip(sub, row["values"])]
        elif row["role"] == "subtotal":
            row["values"] = [round(v, 1) for v in sub]
            total = [a + b for a, b in zip(total, sub)]
        elif row["role"] == "unallocated":
            total = [a + b for a, b in zip(total, row["values"])]
        elif row["role"] == "total":
            row["values"] = [round(v, 1) for v in total]


def add_oddities(p):
    specs = p.specs
    r = p.rng("oddities")
    claimed = set()

    def pick(pred):
        pool = [s for s in specs if s["id"] not in claimed and not s["expect"] and pred(s)]
        s = pool[r.randrange(len(pool))]
        claimed.add(s["id"])
        return s

    def q_xlsx(s):
        return s["kind"] == "dx_quarterly" and s["fmt"] == "xlsx" and "resubmission" not in s["warts"]

    def survey(s):
        return s["kind"] == "society_survey"

    def has_zero(s):
        return q_xlsx(s) and 0 in s["figures"].values()

    def set_name(s, name, warts):
        s["head_name"] = name
        s["warts"] = [w for w in s["warts"] if w not in _NAME_WARTS] + warts

    # Number spellings on files where they can apply.
    pick(survey)["warts"] += ["thousands_dot", "thousands_comma", "nbsp_in_number"]
    pick(survey)["warts"] += ["number_as_text", "stray_spaces"]
    for w in ("dash_for_zero", "x_for_zero", "khong_for_zero", "empty_for_zero"):
        pick(has_zero)["warts"].append(w)
    pick(q_xlsx)["warts"] += ["decimal_comma", "formula_cached"]
    # Text.
    for w in ("nfd_text", "double_spaces", "nbsp_text", "header_wording_variant"):
        pick(q_xlsx)["warts"].append(w)
    s = pick(lambda s: q_xlsx(s) and s["office"])
    set_name(s, p.u[s["agency"]].name, ["case_variant"])
    s = pick(lambda s: q_xlsx(s) and s["agency"] == "PHUONG_PHO_NINH")
    set_name(s, "Uỷ ban nhân dân phường Phổ Ninh", ["name_variant", "uy_spelling"])
    s = pick(lambda s: q_xlsx(s) and s["agency"] == "PHUONG_PHO_NINH")
    set_name(s, "P. Phổ Ninh", ["name_variant", "name_abbrev"])
    s = pick(lambda s: q_xlsx(s) and s["agency"] == "PHUONG_PHO_NINH")
    set_name(s, "PHO NINH", ["name_variant", "ascii_name"])
    s = pick(lambda s: q_xlsx(s) and s["agency"] == "PHUONG_PHO_HOA")
    set_name(s, "UBND PHƯỜNG PHỔ HOÀ", ["old_tone_placement"])
    # Two workbooks typed in TCVN3: an old .xls quarterly report and a 2024 survey.
    s = pick(
        lambda s: (
            s["kind"] == "dx_quarterly"
            and s["period"].startswith("2024")
            and not s["office"]
            and "resubmission" not in s["warts"]
        )
    )
    s["fmt"] = "xls"
    s["file_name"] = s["file_name"].rsplit(".", 1)[0] + ".xls"
    s["warts"] = [w for w in s["warts"] if w not in ("nfd_text", "formula_cached")] + ["tcvn3_font", "legacy_xls"]
    s = pick(lambda s: survey(s) and s["period"] == "2024")
    s["warts"] = [w for w in s["warts"] if w != "nfd_text"] + ["tcvn3_font"]

    # Rejected rows.
    s = pick(q_xlsx)
    s["quirks"].update(bad_cell_item="WR_ONLINE", bad_cell="#REF!")
    s["warts"].append("ref_error")
    s = pick(q_xlsx)
    s["quirks"].update(bad_cell_item="INSP_DIGITAL", bad_cell="đang tổng hợp")
    s["warts"].append("text_in_number")
    s = pick(lambda s: q_xlsx(s) and s["period"] >= "2026")
    s["quirks"]["extra_item"] = ("5", "Số nền tảng số dùng chung được triển khai", "nền tảng", 3)
    s["warts"].append("unknown_item_row")
    s = pick(survey)
    s["quirks"]["extra_item"] = ("15", "Số hộ sử dụng truyền hình số", "hộ", 1200)
    s["warts"].append("unknown_item_row")
    s = pick(q_xlsx)
    s["quirks"]["conflict_item"] = "INSP_TOTAL"
    s["warts"].append("conflicting_rows")
    s = pick(q_xlsx)
    s["quirks"]["pasted_twice"] = True
    s["warts"].append("table_pasted_twice")

    def portal(s):
        return s["kind"] == "dvc_monthly" and "reissued_export" not in s["warts"]

    s = pick(lambda s: portal(s) and s["sep"] == ";")
    s["rows"][4]["malformed"] = True
    s["warts"].append("malformed_csv_row")
    s = pick(portal)
    fig = dict(s["rows"][0]["figures"])
    s["quirks"]["extra_rows"] = [
        {
            "code": "H55.35.99",
            "name": "Ban Quản lý dự án đầu tư xây dựng",
            "agency": None,
            "figures": fig,
            "reject": "unknown_agency",
        }
    ]
    s["warts"].append("unknown_portal_code")
    s = pick(lambda s: portal(s) and s["period"] == "2025-07")
    old = p.u["PHUONG_PHO_MINH"]
    s["quirks"]["extra_rows"] = [
        {
            "code": old.portal,
            "name": "UBND " + old.name,
            "agency": old.code,
            "figures": {k: 0 for k in fig},
            "reject": "agency_not_valid_in_period",
        }
    ]
    s["warts"].append("stale_portal_row")
    if not any("reissued_export" in x["warts"] for x in specs):
        base = pick(portal)
        again = deepcopy(base)
        again["date"] = base["date"] + timedelta(days=9)
        again["file_name"] = base["file_name"].replace(".csv", "_cap_nhat.csv")
        again["rows"][0]["figures"]["DOSSIERS_TOTAL"] += 17
        again["warts"] += ["reissued_export", "resubmission"]
        p.add(again)
    s = pick(portal)
    s["copies"].append((s["date"] + timedelta(days=1), s["file_name"].replace(".csv", " (1).csv")))

    # Implausible figures, loaded as written.
    s = pick(q_xlsx)
    s["figures"]["WR_ONLINE"] = s["figures"]["WR_TOTAL"] + 37
    s["warts"].append("online_gt_total")
    s = pick(survey)
    s["figures"]["HH_FIBER"] = s["figures"]["HH_TOTAL"] + 212
    s["warts"].append("fiber_gt_households")
    s = pick(survey)
    s["figures"]["ADULTS"] *= 1000
    s["warts"].append("count_1000x")
    s = pick(survey)
    s["figures"]["ADULTS_SMARTPHONE"] = 86
    s["warts"].append("percent_as_count")
    s = (
        pick(lambda s: survey(s) and s["period"] == "2025-H1")
        if any(x["period"] == "2025-H1" for x in specs if survey(x))
        else pick(survey)
    )
    s["figures"]["HH_TOTAL"] = round(s["figures"]["HH_TOTAL"] * 1.5)
    s["warts"].append("household_jump")

    budgets = [s for s in specs if s["kind"] == "budget" and s["agency"] == p.w.finance]
    if budgets:
        b24 = budgets[0]["sheets"][0]
        row = next(x for x in b24["rows"] if x["role"] == "detail")
        row["values"][2] = round(row["values"][0] * 0.4, 1)
        _resum(b24)
        for x in b24["rows"]:
            if x["role"] == "subtotal":
                x["formula"] = True
        budgets[0]["warts"] += ["budget_share_40pct", "thousands_dot_decimal_comma", "english_decimal"]
        b25 = budgets[1]["sheets"][0]
        sub = [x for x in b25["rows"] if x["role"] == "subtotal"][1]
        sub["values"][1] += 1000
        budgets[1]["warts"].append("wrong_clerk_sum")

    # Submission oddities.
    if not any(x["copies"] for x in specs if x["kind"] == "dx_quarterly"):
        p.add_duplicate(pick(q_xlsx), r)
    base = pick(lambda s: q_xlsx(s) and s["period"] < "2026")
    y, q = int(base["period"][:4]), int(base["period"][-1])
    again = p.quarterly_spec(base["agency"], y, q, r, base["date"], version=2)
    again.update(
        fmt="xlsx",
        title_mark=" (điều chỉnh)",
        file_name="BC " + base["file_name"].rsplit(".", 1)[0] + " (điều chỉnh).xlsx",
    )
    again["warts"] += ["resubmission", "correction_title", "same_day_correction"]
    claimed.add(p.add(again)["id"])
    s = pick(lambda s: q_xlsx(s) and s["period"][-1] in "234")
    y, q = int(s["period"][:4]), int(s["period"][-1])
    s["file_name"] = p.quarterly_name(s["agency"], y, q - 1, r, "xlsx")
    s["warts"].append("filename_period_mismatch")
    s = pick(lambda s: q_xlsx(s) and s["period"][-1] in "234" and s["period"][:4] == "2024")
    y, q = int(s["period"][:4]), int(s["period"][-1])
    s["file_name"] = p.quarterly_name(s["agency"], y, q, r, "xlsx")
    s["period"] = f"{y}-Q{q - 1}"
    s["period_text"] = quarter_spelling(y, q - 1, r.randrange(6))
    s["warts"].append("wrong_quarter_header")

    _wrong_files(p, r)


def _wrong_files(p, r):
    def special(kind, when, name, wart, reason):
        return p.add(
            {
                "kind": "dx_quarterly",
                "special": kind,
                "fmt": "xlsx",
                "date": when,
                "file_name": name,
                "copies": [],
                "warts": [wart],
                "expect": reason,
                "quirks": {},
                "title_mark": "",
            }
        )

    special("empty", date(2024, 7, 8), "BC CDS quy 2 - Pho Quang.xlsx", "empty_workbook", "empty_file")
    special("pdf", date(2025, 4, 9), "Bao cao CDS quy 1 2025 - Pho Khanh.xlsx", "pdf_renamed", "not_a_spreadsheet")
    special("unrelated", date(2024, 11, 4), "Danh sach tap huan ky nang so.xlsx", "unrelated_workbook", "unknown_kind")

    def report(code, y, q, when, wart, reason, **changes):
        s = p.quarterly_spec(code, y, q, p.rng("wrong", wart), when)
        s["warts"].append(wart)
        s["expect"] = reason
        if "head_name" in changes:
            s["warts"] = [w for w in s["warts"] if w not in _NAME_WARTS]
        s.update(changes)
        return p.add(s)

    report(
        "TX_NV",
        2024,
        4,
        date(2025, 1, 10),
        "encrypted_workbook",
        "encrypted_workbook",
        special="encrypted",
        file_name="BC CDS Q4 2024 - Phong Noi vu (mat khau).xlsx",
    )
    report(
        "XA_PHO_THUAN",
        2025,
        1,
        date(2025, 4, 7),
        "truncated_workbook",
        "corrupt_workbook",
        special="corrupt",
        file_name="bao_cao_Q1_2025_PhoThuan.xlsx",
    )
    report(
        "XA_PHO_AN",
        2024,
        3,
        date(2024, 10, 7),
        "other_town",
        "unknown_agency",
        head_name="UBND XÃ BÌNH CHÂU",
        parent="UBND HUYỆN BÌNH SƠN",
        place="Bình Châu",
        file_name="BC CDS quy 3 - Binh Chau.xlsx",
    )
    s = report(
        "XA_PHO_CHAU",
        2025,
        4,
        date(2026, 1, 12),
        "unit_not_valid_in_period",
        "agency_not_valid_in_period",
        head_name="UBND XÃ PHỔ CHÂU",
        template=2025,
        file_name="BC CDS quy 4 2025 - Pho Chau.xlsx",
    )
    s["period_text"] = quarter_spelling(2025, 4, 0)
    report(
        "XA_PHO_AN",
        2023,
        4,
        date(2024, 1, 22),
        "period_before_2024",
        "period_out_of_range",
        head_name="UBND XÃ PHỔ AN",
        period_text=quarter_spelling(2023, 4, 0),
        file_name="BC CDS quy 4 2023 - Pho An.xlsx",
    )
    s = report(
        "PHUONG_PHO_VAN",
        2024,
        2,
        date(2024, 7, 9),
        "missing_period",
        "unknown_period",
        file_name="BC CDS quy 2 - Pho Van.xlsx",
    )
    s["quirks"]["no_period"] = True
    s = report(
        "XA_PHO_CUONG",
        2025,
        2,
        date(2025, 7, 8),
        "missing_table_header",
        "no_header_row",
        file_name="BC CDS quy 2 2025 - Pho Cuong.xlsx",
    )
    s["quirks"]["no_header"] = True
