"""Every implausible figure planted in the sample world is flagged by the rule meant for it, the flags are
few and each is justified, a flagged figure is withheld from target attainment, and a reviewer's
acceptance (`accept_flag`, then a refresh) lets it flow back into the marts, marked as reviewed."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from dagster_project.quality.reviews import ReviewFileError, accept_flag, load_reviews, read_reviews

DXW = str(Path(sys.executable).parent / "dxw")

# wart -> the rule(s) that must flag the figure planted with it
PLANTED = {
    "online_gt_total": {"numerator_above_denominator"},
    "fiber_gt_households": {"numerator_above_denominator"},
    "count_1000x": {"peer_outlier"},
    "percent_as_count": {"percent_as_count"},
    "household_jump": {"stock_jump"},
    "budget_share_40pct": {"budget_share_ceiling"},
    "wrong_clerk_sum": {"clerk_total_mismatch"},
}
# every flag the sample raises, by rule: the planted figures and what they drag along, nothing else
EXPECTED_FLAGS_BY_RULE = {
    "numerator_above_denominator": 2,  # Phổ Châu 2024-Q4 records online > total; Sa Huỳnh 2026-H1 fibre > households
    "peer_outlier": 4,  # Phổ Khánh 2024 adults ×1000: smartphone, payment account, e-signature shares; Phổ Cường's 86
    "percent_as_count": 1,  # Phổ Cường 2024: 86 adults with a smartphone of 7,382
    "stock_jump": 1,  # Phổ Khánh 2025-H1 households +51% (its adults after the ×1000 year are not re-flagged)
    "budget_share_ceiling": 1,  # January 2024 sheet: one line at 40% (superseded by the June re-send)
    "clerk_total_mismatch": 1,  # June workbook, 2025 sheet: subtotal II off by 1,000 units
}


def _refresh(raw: Path, warehouse: Path, reviews: Path) -> None:
    env = {
        **os.environ,
        "DX_RAW_DIR": str(raw),
        "DX_WAREHOUSE_DIR": str(warehouse),
        "DX_REVIEWS_FILE": str(reviews),
    }
    env.pop("DAGSTER_HOME", None)
    env.pop("DX_REGISTRY_DIR", None)
    run = subprocess.run([DXW, "refresh", "--json"], env=env, capture_output=True, text=True, timeout=900, check=False)
    assert run.returncode == 0, "dxw refresh failed:\n" + run.stdout[-4000:] + "\n" + run.stderr[-4000:]


def _rows(db: Path, sql: str, params: list | None = None) -> list[dict]:
    with duckdb.connect(str(db), read_only=True) as con:
        cur = con.execute(sql, params or [])
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]


@pytest.fixture(scope="module")
def flagged(sample_world, tmp_path_factory):
    """`dxw refresh` over the sample world with no reviews; the warehouse directory, the raw tree, the manifest."""
    raw, manifest = sample_world
    warehouse = tmp_path_factory.mktemp("dq_warehouse")
    reviews = warehouse / "no_reviews.csv"
    _refresh(raw, warehouse, reviews)
    return warehouse, raw, manifest


def test_every_planted_implausible_figure_is_flagged_by_its_rule(flagged):
    warehouse, _, manifest = flagged
    flags = _rows(warehouse / "dx.duckdb", "select rule_code, raw_path, agency_code from dq_flagged_values")
    missing = []
    for f in manifest["files"]:
        for wart in set(f["warts"]) & set(PLANTED):
            rules = {x["rule_code"] for x in flags if x["raw_path"] == f["path"]}
            if not PLANTED[wart] <= rules:
                missing.append(f"{f['path']} ({wart}): flagged by {sorted(rules)}, expected {sorted(PLANTED[wart])}")
    assert not missing, "planted figures not flagged:\n" + "\n".join(missing)


def test_the_flags_are_few_and_each_is_expected(flagged):
    warehouse, _, _ = flagged
    counts = {
        r["rule_code"]: r["n"]
        for r in _rows(warehouse / "dx.duckdb", "select rule_code, count(*) as n from dq_flagged_values group by 1")
    }
    assert counts == EXPECTED_FLAGS_BY_RULE
    planted_paths = {
        "2025-01-14/Báo cáo CĐS Quý IV năm 2024 - Phổ Châu.xlsx",
        "2026-07-23/XHS KTS 6 thang 2026 - Sa Huynh.xlsx",
        "2025-01-20/XHS KTS 2024 - Pho Khanh.xlsx",
        "2025-03-09/bao cao so lieu xa hoi so 2024 Pho Cuong.xlsx",
        "2025-07-14/XHS KTS 6 thang 2025 - Pho Khanh.xlsx",
        "2025-01-16/Du toan - thuc hien chi TX nam 2024.xlsx",
        "2025-06-20/DT chi thuong xuyen 2025 (kem QT 2024).xlsx",
    }
    stray = _rows(warehouse / "dx.duckdb", "select rule_code, raw_path from dq_flagged_values")
    assert {r["raw_path"] for r in stray} <= planted_paths, "a flag on a file with no planted figure"


def test_every_flag_carries_a_reason_in_both_languages_and_its_source_row(flagged):
    warehouse, _, _ = flagged
    bad = _rows(
        warehouse / "dx.duckdb",
        "select * from dq_flagged_values where coalesce(reason_vi, '') = '' or coalesce(reason_en, '') = '' "
        "or source_row is null or raw_path is null or is_reviewed or not (is_withheld = is_current_version)",
    )
    assert not bad, bad


def test_a_flagged_figure_is_withheld_from_target_attainment(flagged):
    warehouse, _, _ = flagged
    db = warehouse / "dx.duckdb"
    withheld = _rows(
        db,
        "select agency_code, indicator_code, period_code from dq_flagged_values "
        "where is_withheld and indicator_code is not null",
    )
    assert withheld
    for w in withheld:
        own_row = _rows(
            db,
            "select meets_target from fct_indicator_values where agency_code = ? and indicator_code = ? and period_code = ?",
            [w["agency_code"], w["indicator_code"], w["period_code"]],
        )
        assert not own_row, f"the withheld observation {w} is still judged against its target"
    # Phổ Châu's 2024-Q4 records: the year 2024 counts Q1–Q3 only, is incomplete and says one is withheld
    year = _rows(
        db,
        "select n_withheld, period_complete from fct_indicator_values "
        "where agency_code = 'XA_PHO_CHAU' and indicator_code = 'DG-HSCV' and period_code = '2024'",
    )
    assert year == [{"n_withheld": 1, "period_complete": False}]
    # the area's 2024 smartphone share leaves out Phổ Khánh (adults ×1000) and Phổ Cường (86 typed as a count)
    area = _rows(
        db,
        "select n_withheld from fct_indicator_values "
        "where agency_code = 'DUCPHO' and indicator_code = 'DS-SMARTPHONE' and period_code = '2024'",
    )
    assert area == [{"n_withheld": 2}]


def test_an_accepted_flag_flows_back_into_the_marts_as_reviewed(flagged, tmp_path):
    warehouse, raw, _ = flagged
    copy = tmp_path / "warehouse"
    shutil.copytree(warehouse, copy, ignore=shutil.ignore_patterns("dagster_home*", "*.tmp"))
    reviews = tmp_path / "reviewed_values.csv"
    flag = _rows(
        copy / "dx.duckdb",
        "select flag_id from dq_flagged_values where rule_code = 'stock_jump' and agency_code = 'XA_PHO_KHANH'",
    )[0]["flag_id"]
    key = ["XA_PHO_KHANH", "DS-FIBER-HH", "2025-H1"]
    fact = "select meets_target, n_withheld from fct_indicator_values where agency_code = ? and indicator_code = ? and period_code = ?"
    assert not _rows(copy / "dx.duckdb", fact, key)

    when = dt.datetime(2026, 9, 1, 8, 30)
    accept_flag(flag, "Trần Thị B (TX_VHTT)", "Thôn mới sáp nhập: số hộ tăng thật.", path=reviews, when=when)
    # the review asset loads the file before dbt; loading it here too keeps this test independent of the wiring
    with duckdb.connect(str(copy / "build.duckdb")) as con:
        load_reviews(con, reviews)
    _refresh(raw, copy, reviews)

    reviewed = _rows(copy / "dx.duckdb", "select * from dq_flagged_values where flag_id = ?", [flag])
    assert len(reviewed) == 1
    assert reviewed[0]["is_reviewed"] and not reviewed[0]["is_withheld"]
    assert reviewed[0]["reviewed_by"] == "Trần Thị B (TX_VHTT)" and reviewed[0]["reviewed_at"] == when
    back = _rows(copy / "dx.duckdb", fact, key)
    assert len(back) == 1 and back[0]["n_withheld"] == 0 and back[0]["meets_target"] is not None


def test_accepting_again_replaces_the_earlier_review_and_bad_input_is_refused(tmp_path):
    path = tmp_path / "reviews.csv"
    accept_flag("abc", "A", "first", path=path, when=dt.datetime(2026, 1, 1))
    accept_flag("abc", "B", "second", path=path, when=dt.datetime(2026, 1, 2))
    reviews = read_reviews(path)
    assert [(r.flag_id, r.reviewed_by, r.note) for r in reviews] == [("abc", "B", "second")]
    for bad in ({"reviewed_by": " "}, {"note": ""}, {"decision": "reject"}):
        args = {"reviewed_by": "A", "note": "n", **bad}
        decision = args.pop("decision", "accept")
        with pytest.raises(ValueError):
            accept_flag("abc", args["reviewed_by"], args["note"], path=path, decision=decision)


def test_a_missing_reviews_file_loads_as_no_reviews_and_a_malformed_one_names_file_and_line(tmp_path):
    with duckdb.connect(":memory:") as con:
        assert load_reviews(con, tmp_path / "absent.csv") == 0
        assert con.execute("select count(*) from dq_reviews").fetchone()[0] == 0
        broken = tmp_path / "broken.csv"
        broken.write_text(
            "flag_id,reviewed_by,reviewed_at,decision,note\nabc,A,2026-01-01T08:00:00,accept,ok\n"
            "def,A,yesterday,accept,ok\n",
            encoding="utf-8",
        )
        with pytest.raises(ReviewFileError, match=r"broken\.csv, line 3"):
            load_reviews(con, broken)
