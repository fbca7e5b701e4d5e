"""The period calendar has one home, `parsing/periods.py`: the committed dbt seed `ref_periods.csv` is
exactly what its generator writes, and the parsers accept exactly the periods the seed holds."""

from __future__ import annotations

import csv
import datetime as dt

from dagster_project.ingest import period_seed
from dagster_project.ingest.parsing.periods import FIRST_YEAR, LAST_YEAR, bounds, calendar, in_range


def _seed_rows() -> list[dict[str, str]]:
    with period_seed.SEED_PATH.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_the_committed_seed_is_the_generators_output_byte_for_byte():
    assert period_seed.SEED_PATH.read_text(encoding="utf-8") == period_seed.seed_text(), (
        "ref_periods.csv is stale: run `python -m dagster_project.ingest.period_seed`"
    )
    assert period_seed.main(["--check"]) == 0


def test_check_reports_a_stale_seed_and_the_writer_repairs_it(tmp_path):
    stale = tmp_path / "ref_periods.csv"
    stale.write_text(period_seed.seed_text().replace("2026-Q3,quarter", "2026-Q3,month"), encoding="utf-8")
    assert period_seed.main(["--check", "--out", str(stale)]) == 1
    assert period_seed.main(["--out", str(stale)]) == 0
    assert period_seed.main(["--check", "--out", str(stale)]) == 0


def test_the_calendar_holds_every_month_quarter_half_and_year_of_the_plan_with_its_dates():
    rows = _seed_rows()
    assert len(rows) == 19 * (LAST_YEAR - FIRST_YEAR + 1) == len(calendar())
    by_code = {r["period_code"]: r for r in rows}
    assert by_code["2024-02"] == {
        "period_code": "2024-02",
        "period_type": "month",
        "year": "2024",
        "period_start": "2024-02-01",
        "period_end": "2024-02-29",
        "quarter_code": "2024-Q1",
        "half_code": "2024-H1",
        "year_code": "2024",
    }
    assert (by_code["2030-Q4"]["half_code"], by_code["2030-Q4"]["period_end"]) == ("2030-H2", "2030-12-31")
    assert (by_code["2027-H1"]["quarter_code"], by_code["2027-H1"]["half_code"]) == ("", "2027-H1")
    assert (by_code["2025"]["quarter_code"], by_code["2025"]["half_code"], by_code["2025"]["year_code"]) == (
        "",
        "",
        "2025",
    )
    for r in rows:  # each coarser period named is in the calendar and contains the period
        start, end = dt.date.fromisoformat(r["period_start"]), dt.date.fromisoformat(r["period_end"])
        assert bounds(r["period_code"]) == (start, end)
        for coarser in (r["quarter_code"], r["half_code"], r["year_code"]):
            if coarser:
                c_start, c_end = bounds(by_code[coarser]["period_code"])
                assert c_start <= start and end <= c_end


def test_the_parsers_accept_exactly_the_seeds_periods():
    after_the_plan = dt.date(LAST_YEAR + 5, 1, 1)
    seed_codes = {r["period_code"] for r in _seed_rows()}
    assert all(in_range(code, after_the_plan) for code in seed_codes)
    for outside in (f"{FIRST_YEAR - 1}-12", f"{FIRST_YEAR - 1}", f"{LAST_YEAR + 1}-01", f"{LAST_YEAR + 1}-Q1"):
        assert outside not in seed_codes
        assert not in_range(outside, after_the_plan)
