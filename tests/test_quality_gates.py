"""The quality gates keep their promises: a broken mart fails its blocking expectation and says
which rows, the flagging suite never blocks, Data Docs are written, nothing draws progress bars,
and every blocking expectation holds on a real build of the sample world."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from dagster import AssetCheckSeverity

from dagster_project import settings
from dagster_project.orchestration.checks import blocking_failures, check_result
from dagster_project.quality.gx_runner import BLOCKING, FLAGGING, load_suites, run_suites
from dagster_project.quality.resource import GreatExpectationsRunner

DXW = str(Path(sys.executable).parent / "dxw")

DIMENSIONS_SQL = """
create table dim_agency as select * from (values
    ('DUCPHO', 'Thị xã Đức Phổ', 'area', 'area', date '2020-01-01', null),
    ('XA_A', 'Xã A', 'commune', 'commune_unit', date '2020-01-01', null)
) as t(agency_code, name_vi, agency_type, indicator_level, valid_from, successor_code);
create table dim_indicator as select * from (values
    ('DG-KT', 'digital_government', 'dx_quarterly', 'flow')
) as t(indicator_code, pillar, source_kind, time_aggregation);
create table dim_period as select * from (values
    ('2024-Q1', 'quarter', date '2024-01-01', date '2024-03-31'),
    ('2024-Q2', 'quarter', date '2024-04-01', date '2024-06-30')
) as t(period_code, period_type, period_start, period_end);
create table int_indicator_targets_by_year as select * from (values
    ('DG-KT', 'commune_unit', 2024, 50.0),
    ('DG-KT', 'area', 2024, 50.0)
) as t(indicator_code, indicator_level, year, target_pct);
"""

INDICATOR_COLUMNS = "agency_code, indicator_code, period_code, period_start, numerator, denominator, value_pct, target_pct, comparator, n_withheld"
GOOD_ROWS = [
    ("XA_A", "DG-KT", "2024-Q1", "2024-01-01", 3, 4, 75.0, 50.0, ">=", 0),
    ("XA_A", "DG-KT", "2024-Q2", "2024-04-01", 1, 4, 25.0, 50.0, ">=", 0),
    ("DUCPHO", "DG-KT", "2024-Q1", "2024-01-01", 3, 4, 75.0, 50.0, ">=", 0),
]


def _warehouse(path: Path, indicator_rows=GOOD_ROWS, extra_sql: str = "") -> Path:
    db = path / "build.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute(DIMENSIONS_SQL)
        if indicator_rows is not None:
            con.execute(
                "create table fct_indicator_values (agency_code varchar, indicator_code varchar, period_code varchar, "
                "period_start date, numerator double, denominator double, value_pct double, target_pct decimal(9, 4), "
                "comparator varchar, n_withheld integer)"
            )
            con.executemany(
                f"insert into fct_indicator_values ({INDICATOR_COLUMNS}) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                indicator_rows,
            )
        if extra_sql:
            con.execute(extra_sql)
    return db


def _run(db: Path, docs_dir: Path, *suite_names: str):
    suites = [s for s in load_suites(settings.expectations_dir()) if s.name in suite_names]
    assert {s.name for s in suites} == set(suite_names), "a suite file named in the test is missing"
    with duckdb.connect(str(db), read_only=True) as con:
        return run_suites(con, suites, docs_dir)


def _outcome(results, expectation_type: str, column: str):
    matches = [
        o for r in results for o in r.expectations if o.expectation_type == expectation_type and column in o.columns
    ]
    assert matches, f"no {expectation_type} on {column} among the results"
    return matches[0]


def test_the_indicator_suites_pass_on_a_sound_tiny_warehouse(tmp_path):
    results = _run(_warehouse(tmp_path), tmp_path / "docs", "fct_indicator_values", "dim_agency", "dim_period")
    assert blocking_failures(results) == []


def test_a_duplicate_key_fails_the_blocking_key_expectation_and_names_it(tmp_path):
    rows = [*GOOD_ROWS, GOOD_ROWS[0]]
    results = _run(_warehouse(tmp_path, rows), tmp_path / "docs", "fct_indicator_values")
    key = _outcome(results, "expect_compound_columns_to_be_unique", "agency_code")
    assert not key.success and key.level == BLOCKING and key.unexpected_count == 2
    assert {"agency_code": "XA_A", "indicator_code": "DG-KT", "period_code": "2024-Q1"} in key.unexpected_sample
    lines = blocking_failures(results)
    assert any("expect_compound_columns_to_be_unique" in line and "XA_A" in line for line in lines), lines


def test_an_unknown_agency_code_fails_the_relationship_to_dim_agency(tmp_path):
    rows = [*GOOD_ROWS, ("XA_UNKNOWN", "DG-KT", "2024-Q1", "2024-01-01", 1, 2, 50.0, None, None, 0)]
    results = _run(_warehouse(tmp_path, rows), tmp_path / "docs", "fct_indicator_values")
    relationship = _outcome(results, "expect_column_values_to_be_null", "agency_code_not_in_dim_agency")
    assert not relationship.success and relationship.unexpected_sample == ["XA_UNKNOWN"]
    assert any("XA_UNKNOWN" in line for line in blocking_failures(results))


@pytest.mark.parametrize(("n_withheld", "passes"), [(0, False), (1, True)])
def test_a_percentage_of_140_fails_the_range_unless_withheld(tmp_path, n_withheld, passes):
    rows = [*GOOD_ROWS[:2], ("DUCPHO", "DG-KT", "2024-Q1", "2024-01-01", 7, 5, 140.0, 50.0, ">=", n_withheld)]
    results = _run(_warehouse(tmp_path, rows), tmp_path / "docs", "fct_indicator_values")
    value_range = _outcome(results, "expect_column_values_to_be_between", "value_pct")
    assert value_range.success is passes
    if not passes:
        assert value_range.unexpected_sample == [140.0]


def test_a_target_missing_where_the_catalogue_sets_one_fails(tmp_path):
    rows = [GOOD_ROWS[0], ("XA_A", "DG-KT", "2024-Q2", "2024-04-01", 1, 4, 25.0, None, None, 0)]
    results = _run(_warehouse(tmp_path, rows), tmp_path / "docs", "fct_indicator_values")
    assert not _outcome(results, "expect_column_values_to_not_be_null", "target_pct").success


def test_a_missing_table_fails_blocking_with_its_name(tmp_path):
    results = _run(_warehouse(tmp_path, indicator_rows=None), tmp_path / "docs", "fct_indicator_values")
    (result,) = results
    assert result.level == BLOCKING and not result.success
    lines = blocking_failures(results)
    assert len(lines) == 1 and "fct_indicator_values" in lines[0] and "does not exist" in lines[0]


def test_a_missing_column_fails_the_expectations_that_need_it_without_stopping_the_others(tmp_path):
    db = _warehouse(tmp_path, extra_sql="alter table fct_indicator_values drop column n_withheld")
    results = _run(db, tmp_path / "docs", "fct_indicator_values")
    failed = results[0].failed
    assert {o.problem for o in failed} == {"fct_indicator_values has no column n_withheld"}
    assert len(failed) == 2 and len(results[0].expectations) > 2


def test_a_suite_whose_query_cannot_run_fails_blocking_instead_of_crashing(tmp_path):
    db = _warehouse(tmp_path, extra_sql="alter table dim_agency drop column indicator_level")
    results = _run(db, tmp_path / "docs", "fct_indicator_values")
    lines = blocking_failures(results)
    assert len(lines) == 1 and "fct_indicator_values.json" in lines[0] and "indicator_level" in lines[0]


def test_the_flagging_suite_counts_per_rule_and_never_blocks(tmp_path):
    flagged = """
        create table dq_flagged_values as select * from (values
            ('numerator_above_denominator', 'XA_A', true),
            ('numerator_above_denominator', 'DUCPHO', false),
            ('stock_jump', 'XA_A', true)
        ) as t(rule_code, agency_code, is_withheld);
    """
    results = _run(_warehouse(tmp_path, extra_sql=flagged), tmp_path / "docs", "dq_flagged_values")
    (result,) = results
    assert result.level == FLAGGING and not result.success
    flagged, withheld = result.failed
    assert flagged.unexpected_value_counts == {"numerator_above_denominator": 2, "stock_jump": 1}
    assert withheld.unexpected_value_counts == {"numerator_above_denominator": 1, "stock_jump": 1}
    assert blocking_failures(results) == []
    runner = GreatExpectationsRunner(expectations_dir=str(settings.expectations_dir()), docs_dir=str(tmp_path / "docs"))
    assert check_result(result, runner).severity == AssetCheckSeverity.WARN


def test_a_missing_flagging_table_does_not_block(tmp_path):
    results = _run(_warehouse(tmp_path), tmp_path / "docs", "dq_flagged_values")
    assert not results[0].success and blocking_failures(results) == []


def test_a_failed_blocking_suite_is_an_error_check_linking_its_data_docs(tmp_path):
    docs = tmp_path / "docs"
    results = _run(_warehouse(tmp_path, [*GOOD_ROWS, GOOD_ROWS[0]]), docs, "fct_indicator_values")
    runner = GreatExpectationsRunner(expectations_dir=str(settings.expectations_dir()), docs_dir=str(docs))
    check = check_result(results[0], runner)
    assert not check.passed and check.severity == AssetCheckSeverity.ERROR
    page = Path(check.metadata["data_docs"].value)
    assert page.is_file() and page.is_relative_to(docs / "validations" / "fct_indicator_values")


def test_data_docs_index_is_written_under_the_docs_dir(tmp_path):
    docs = tmp_path / "warehouse" / "data_docs"
    _run(_warehouse(tmp_path), docs, "fct_indicator_values", "dim_agency")
    index = docs / "index.html"
    assert index.is_file() and "fct_indicator_values" in index.read_text(encoding="utf-8")


def test_a_run_draws_no_progress_bars(tmp_path, capfd):
    _run(_warehouse(tmp_path), tmp_path / "docs", "fct_indicator_values", "dim_agency", "dim_period")
    out, err = capfd.readouterr()
    assert "Calculating Metrics" not in out + err


def test_every_suite_file_declares_level_and_both_promises_on_every_expectation():
    suites = load_suites(settings.expectations_dir())
    assert {s.table for s in suites} >= {
        "fct_indicator_values", "fct_budget_share", "fct_submissions", "mart_scorecard",
        "dim_agency", "dim_indicator", "dim_period", "dq_flagged_values", "ingest_files",
    }  # fmt: skip
    for suite in suites:
        for expectation in suite.document["expectations"]:
            meta = expectation["meta"]
            assert meta["promise"] and meta["promise_vi"], f"{suite.path.name}: {expectation['type']} lacks a promise"


@pytest.fixture(scope="module")
def sample_build(sample_world, tmp_path_factory) -> Path:
    """`dxw refresh` over the sample world; the build database, whether or not the publish went through."""
    raw, _ = sample_world
    warehouse = tmp_path_factory.mktemp("quality_warehouse")
    env = {**os.environ, "DX_RAW_DIR": str(raw), "DX_WAREHOUSE_DIR": str(warehouse)}
    env.pop("DAGSTER_HOME", None)
    env.pop("DX_REGISTRY_DIR", None)
    run = subprocess.run([DXW, "refresh", "--json"], env=env, capture_output=True, text=True, timeout=900, check=False)
    build = warehouse / "build.duckdb"
    checked = {suite.table for suite in load_suites(settings.expectations_dir())}
    built = set()
    if build.is_file():
        with duckdb.connect(str(build), read_only=True) as con:
            built = {row[0] for row in con.execute("select table_name from information_schema.tables").fetchall()}
    # a refresh the quality gates stopped still leaves every table built; anything else is not ours to judge
    assert checked <= built, (
        f"dxw refresh did not build {sorted(checked - built)}:\n" + run.stdout[-4000:] + "\n" + run.stderr[-2000:]
    )
    return build


def test_every_blocking_expectation_holds_on_the_sample_world(sample_build, tmp_path):
    with duckdb.connect(str(sample_build), read_only=True) as con:
        results = run_suites(con, load_suites(settings.expectations_dir()), tmp_path / "data_docs")
    failures = blocking_failures(results)
    assert not failures, "blocking expectations fail on the sample world:\n" + "\n".join(failures)
    assert (tmp_path / "data_docs" / "index.html").is_file()
