"""The quality gates keep their promises: a broken mart fails its blocking expectation and says
which rows, the flagging suite never blocks, Data Docs are written, nothing draws progress bars,
and every blocking expectation holds on a real build of the sample world.

Structure (keys, not-null, relationships, accepted values) has one owner, dbt: its data tests
catch a duplicate key or an unknown code and their failure keeps a build from being published;
the suites hold no structural expectation."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
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
from tests.conftest import run_dxw

DXW = str(Path(sys.executable).parent / "dxw")
DBT = str(Path(sys.executable).parent / "dbt")

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
    results = _run(_warehouse(tmp_path), tmp_path / "docs", "fct_indicator_values", "dim_period")
    assert blocking_failures(results) == []


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
    db = _warehouse(tmp_path, extra_sql="alter table fct_indicator_values drop column target_pct")
    results = _run(db, tmp_path / "docs", "fct_indicator_values")
    failed = results[0].failed
    assert {o.problem for o in failed} == {"fct_indicator_values has no column target_pct"}
    assert len(failed) == 2 and len(results[0].expectations) > 2


def test_a_suite_whose_query_cannot_run_fails_blocking_instead_of_crashing(tmp_path):
    db = _warehouse(tmp_path, extra_sql="alter table dim_agency drop column indicator_level")
    results = _run(db, tmp_path / "docs", "fct_indicator_values")
    lines = blocking_failures(results)
    assert len(lines) == 1 and "fct_indicator_values.json" in lines[0] and "indicator_level" in lines[0]
    assert "sql/fct_indicator_values__catalogue_targets.sql" in lines[0]


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
    above_100 = ("DUCPHO", "DG-KT", "2024-Q2", "2024-04-01", 7, 5, 140.0, 50.0, ">=", 0)
    results = _run(_warehouse(tmp_path, [*GOOD_ROWS, above_100]), docs, "fct_indicator_values")
    runner = GreatExpectationsRunner(expectations_dir=str(settings.expectations_dir()), docs_dir=str(docs))
    check = check_result(results[0], runner)
    assert not check.passed and check.severity == AssetCheckSeverity.ERROR
    page = Path(check.metadata["data_docs"].value)
    assert page.is_file() and page.is_relative_to(docs / "validations" / "fct_indicator_values")


def test_data_docs_index_is_written_under_the_docs_dir(tmp_path):
    docs = tmp_path / "warehouse" / "data_docs"
    _run(_warehouse(tmp_path), docs, "fct_indicator_values", "dim_period")
    index = docs / "index.html"
    assert index.is_file() and "fct_indicator_values" in index.read_text(encoding="utf-8")


def test_a_run_draws_no_progress_bars(tmp_path, capfd):
    _run(_warehouse(tmp_path), tmp_path / "docs", "fct_indicator_values", "dim_period")
    out, err = capfd.readouterr()
    assert "Calculating Metrics" not in out + err


def test_every_suite_file_declares_level_and_both_promises_on_every_expectation():
    suites = load_suites(settings.expectations_dir())
    # dim_agency, dim_indicator and ingest_files have only structure, which dbt asserts (test below)
    assert {s.table for s in suites} >= {
        "fct_indicator_values", "fct_budget_share", "fct_submissions", "mart_scorecard",
        "dim_period", "dq_flagged_values",
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


# --- the budget reconciliation finds the area in the registry -----------------------------------------------

BUDGET_SQL = """
create table int_budget_rows_vnd as select * from (values
    ('TX_TCKH', 2024, 'estimate', 'detail', 'TX_VP', 'regular', 600.0),
    ('TX_TCKH', 2024, 'estimate', 'detail', 'TX_VP', 'dx', 6.0),
    ('TX_TCKH', 2024, 'estimate', 'unallocated', null, 'regular', 400.0)
) as t(reporting_agency_code, fiscal_year, basis, row_role, agency_code, measure, value_vnd);
create table fct_budget_share as select * from (values
    (2024, 'estimate', '{area}', 'TX_TCKH', 6.0, {town_regular}, 0.6, false),
    (2024, 'estimate', 'TX_VP', 'TX_TCKH', 6.0, 600.0, 1.0, false)
) as t(fiscal_year, basis, scope_code, reporting_agency_code, dx_spending_vnd, regular_spending_vnd, share_pct,
       is_withheld);
insert into dim_agency values ('TX_TCKH', 'Phòng Tài chính', 'town_office', 'town_office', date '2020-01-01', null);
insert into dim_agency values ('TX_VP', 'Văn phòng', 'town_office', 'town_office', date '2020-01-01', null);
"""


def _budget_warehouse(path: Path, area: str = "DUCPHO", town_regular: float = 1000.0, extra_sql: str = "") -> Path:
    """The tiny warehouse with a town workbook whose whole scope is `area`, the registry's area code."""
    renamed = f"update dim_agency set agency_code = '{area}' where agency_type = 'area';"
    return _warehouse(path, extra_sql=renamed + BUDGET_SQL.format(area=area, town_regular=town_regular) + extra_sql)


def _reconciliation(results, column: str):
    return _outcome(results, "expect_column_pair_values_to_be_equal", column)


@pytest.mark.parametrize("area", ["DUCPHO", "TINH_MOI"])
def test_the_town_workbook_reconciles_under_whatever_code_the_registry_gives_the_area(tmp_path, area):
    results = _run(_budget_warehouse(tmp_path, area=area), tmp_path / "docs", "fct_budget_share")
    assert blocking_failures(results) == []
    assert _reconciliation(results, "regular_spending_vnd").success
    assert results[0].row_count == 2


def test_a_town_total_that_disagrees_with_its_rows_fails_the_reconciliation(tmp_path):
    results = _run(
        _budget_warehouse(tmp_path, area="TINH_MOI", town_regular=999.0), tmp_path / "docs", "fct_budget_share"
    )
    regular = _reconciliation(results, "regular_spending_vnd")
    assert not regular.success and regular.unexpected_count == 1
    assert any("regular_spending_vnd" in line for line in blocking_failures(results))


def test_a_registry_with_two_areas_fails_the_budget_suite_instead_of_guessing(tmp_path):
    second_area = "insert into dim_agency values ('KHAC', 'Khác', 'area', 'area', date '2020-01-01', null);"
    results = _run(_budget_warehouse(tmp_path, extra_sql=second_area), tmp_path / "docs", "fct_budget_share")
    lines = blocking_failures(results)
    assert len(lines) == 1 and "sql/fct_budget_share__detail_sums.sql" in lines[0] and "subquery" in lines[0]


# --- the suites' SQL lives in .sql files ----------------------------------------------------------------------


def test_every_query_file_is_used_by_a_suite_and_no_suite_holds_sql_or_an_area_code():
    suites = load_suites(settings.expectations_dir())
    named = {settings.expectations_dir() / s.frame_sql_file for s in suites if s.frame_sql_file}
    assert named == set((settings.expectations_dir() / "sql").glob("*.sql"))
    for suite in suites:
        assert "frame_sql" not in suite.document["meta"] and "select " not in suite.path.read_text(encoding="utf-8")
    for path in [*named, *settings.expectations_dir().glob("*.json")]:
        assert "DUCPHO" not in path.read_text(encoding="utf-8"), f"{path.name} names the area"


def test_a_suite_with_inline_sql_or_a_missing_query_file_is_refused(tmp_path):
    suite = {"name": "t", "meta": {"frame_sql": ["select 1"]}, "expectations": []}
    (tmp_path / "t.json").write_text(json.dumps(suite), encoding="utf-8")
    with pytest.raises(ValueError, match="frame_sql_file"):
        load_suites(tmp_path)
    suite["meta"] = {"frame_sql_file": "sql/absent.sql"}
    (tmp_path / "t.json").write_text(json.dumps(suite), encoding="utf-8")
    with pytest.raises(ValueError, match="does not exist"):
        load_suites(tmp_path)


# --- structure has one owner: dbt -----------------------------------------------------------------------------

STRUCTURAL_TYPES = {"expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique"}


def _is_structural(expectation: dict) -> bool:
    kind, kwargs, meta = expectation["type"], expectation["kwargs"], expectation["meta"]
    return (
        kind in STRUCTURAL_TYPES
        or (kind == "expect_column_values_to_not_be_null" and "row_condition" not in kwargs)
        or (kind == "expect_column_values_to_be_in_set" and meta["level"] == BLOCKING)
        or "joins_to" in meta
    )


def test_no_suite_asserts_structure():
    for suite in load_suites(settings.expectations_dir()):
        structural = [e["type"] for e in suite.document["expectations"] if _is_structural(e)]
        assert not structural, f"{suite.path.name} asserts structure dbt owns: {structural}"


# The tables the suites checked structurally before dbt became the one owner, and the structural tests
# dbt must hold for each (the key, its not-null columns, relationships, accepted values).
DBT_STRUCTURE = {
    "fct_indicator_values": {"unique", "columns_not_null", "relationships", "accepted_values"},
    "fct_budget_share": {"unique", "columns_not_null", "relationships", "accepted_values"},
    "fct_submissions": {"unique", "columns_not_null", "relationships", "accepted_values"},
    "mart_scorecard": {"unique", "columns_not_null", "relationships", "accepted_values"},
    "dim_agency": {"unique", "columns_not_null", "relationships", "accepted_values"},
    "dim_indicator": {"unique", "columns_not_null", "accepted_values"},
    "dim_period": {"unique", "columns_not_null", "accepted_values"},
    "ingest_files": {"unique", "columns_not_null", "accepted_values"},
}

# Every column a suite used to hold not null, now dbt's to assert (a not-null test or a contract constraint).
NOT_NULL_BEFORE = {
    "fct_indicator_values": ["agency_code", "indicator_code", "period_code", "n_withheld"],
    "fct_budget_share": ["fiscal_year", "basis", "scope_code", "is_withheld"],
    "fct_submissions": ["agency_code", "report_kind", "period_code", "status"],
    "mart_scorecard": ["agency_code", "indicator_code"],
    "dim_agency": ["agency_code", "name_vi", "valid_from"],
    "dim_indicator": ["indicator_code"],
    "dim_period": ["period_code", "period_start", "period_end"],
    "ingest_files": ["file_id", "path", "state"],
}


def _dbt_not_null_columns(manifest: dict) -> dict[str, set[str]]:
    columns: dict[str, set[str]] = {}
    for node in [*manifest["nodes"].values(), *manifest["sources"].values()]:
        if node["resource_type"] == "test" and "test_metadata" in node:
            table = (node.get("attached_node") or node["depends_on"]["nodes"][0]).split(".")[-1]
            kwargs = node["test_metadata"]["kwargs"]
            if node["test_metadata"]["name"] == "columns_not_null":
                columns.setdefault(table, set()).update(kwargs["columns"])
            elif node["test_metadata"]["name"] == "not_null":
                columns.setdefault(table, set()).add(kwargs["column_name"])
        elif node["resource_type"] in ("model", "source"):
            constrained = {
                name
                for name, column in node.get("columns", {}).items()
                if any(c.get("type") == "not_null" for c in column.get("constraints", []))
            }
            columns.setdefault(node["name"], set()).update(constrained)
    return columns


VIOLATIONS_SQL = """
insert into fct_indicator_values ({columns}) values
    ('XA_A', 'DG-KT', '2024-Q1', date '2024-01-01', 3, 4, 75.0, 50.0, '>=', 0),
    ('XA_UNKNOWN', 'DG-KT', '2024-Q1', date '2024-01-01', 1, 2, 50.0, null, null, 0);
create table ingest_files as select * from (values
    ('f1', 'a.xlsx', 'loaded'), ('f1', 'b.xlsx', 'loaded'), ('f2', 'c.xlsx', 'lost'), ('f3', null, 'duplicate')
) as t(file_id, path, state);
"""
DBT_TESTS_RUN = [
    "unique_combination_fct_indicator_values_agency_code__indicator_code__period_code",
    "relationships_fct_indicator_values_agency_code__agency_code__ref_dim_agency_",
    "source:ingest.ingest_files",
]


@pytest.fixture(scope="module")
def dbt_verdicts(tmp_path_factory):
    """dbt's structural tests run (`dbt test --store-failures`) on a tiny warehouse holding a duplicate key, an
    unknown agency and a broken ingest_files: (exit code, status per test, the warehouse, the manifest)."""
    warehouse = tmp_path_factory.mktemp("dbt_structure")
    db = _warehouse(warehouse, extra_sql=VIOLATIONS_SQL.format(columns=INDICATOR_COLUMNS))
    target = warehouse / "target"
    env = {**os.environ, "DX_WAREHOUSE_DIR": str(warehouse)}
    env.pop("DX_REGISTRY_DIR", None)
    run = subprocess.run(
        [DBT, "test", "--store-failures", "--select", *DBT_TESTS_RUN, "--project-dir", ".", "--profiles-dir", ".",
         "--target-path", str(target), "--log-path", str(warehouse / "logs")],
        cwd=settings.DBT_PROJECT_DIR, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))["results"]
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    verdicts = {}
    with duckdb.connect(str(db), read_only=True) as con:
        for result in results:  # the failing rows are stored in the table run_results names (dbt shortens long names)
            rows = con.execute(f"select * from {result['relation_name']}").fetchall() if result["relation_name"] else []
            verdicts[result["unique_id"].split(".")[2]] = {"status": result["status"], "rows": sorted(rows)}
    return run, verdicts, manifest


@pytest.mark.pipeline  # runs dbt
def test_a_duplicate_key_fails_dbts_key_test_and_names_it(dbt_verdicts):
    run, verdicts, _ = dbt_verdicts
    key = verdicts["unique_combination_fct_indicator_values_agency_code__indicator_code__period_code"]
    assert key["status"] == "fail" and run.returncode != 0
    assert key["rows"] == [("XA_A", "DG-KT", "2024-Q1", 2)]


@pytest.mark.pipeline  # runs dbt
def test_an_unknown_agency_code_fails_dbts_relationship_to_dim_agency(dbt_verdicts):
    _, verdicts, _ = dbt_verdicts
    relationship = verdicts["relationships_fct_indicator_values_agency_code__agency_code__ref_dim_agency_"]
    assert relationship["status"] == "fail" and relationship["rows"] == [("XA_UNKNOWN",)]


@pytest.mark.pipeline  # runs dbt
def test_ingestions_end_states_key_and_paths_are_dbt_source_tests(dbt_verdicts):
    _, verdicts, _ = dbt_verdicts

    def verdict(prefix: str) -> dict:
        (name,) = [name for name in verdicts if name.startswith(prefix)]
        return verdicts[name]

    assert verdict("source_unique_ingest_ingest_files_file_id") == {"status": "fail", "rows": [("f1", 2)]}
    assert verdict("source_accepted_values_ingest_ingest_files_state") == {"status": "fail", "rows": [("lost", 1)]}
    assert verdict("source_columns_not_null_ingest_ingest_files") == {"status": "fail", "rows": [("path", 1)]}


@pytest.mark.pipeline  # runs dbt
def test_dbt_holds_the_structure_of_every_table_the_suites_no_longer_check(dbt_verdicts):
    _, _, manifest = dbt_verdicts
    found: dict[str, set[str]] = {table: set() for table in DBT_STRUCTURE}
    for node in manifest["nodes"].values():
        if node["resource_type"] != "test" or "test_metadata" not in node:
            continue
        attached = node.get("attached_node") or (node["depends_on"]["nodes"] or [""])[0]
        table = attached.split(".")[-1]
        if table in found:  # a compound key's test (macros/test_unique_combination.sql) is the table's key test
            name = node["test_metadata"]["name"]
            found[table].add("unique" if name == "unique_combination" else name)
    missing = {
        table: sorted(DBT_STRUCTURE[table] - kinds) for table, kinds in found.items() if DBT_STRUCTURE[table] - kinds
    }
    assert not missing, f"dbt lacks structural tests: {missing}"
    not_null = _dbt_not_null_columns(manifest)
    unasserted = {t: sorted(set(columns) - not_null.get(t, set())) for t, columns in NOT_NULL_BEFORE.items()}
    assert not any(unasserted.values()), f"dbt lets these columns be null: {unasserted}"
    severities = {n["config"]["severity"].lower() for n in manifest["nodes"].values() if n["resource_type"] == "test"}
    assert severities == {"error"}, "a warn-only dbt test would not stop `dbt build`, so it would not block a publish"


def test_a_failing_dbt_test_keeps_the_previous_publish(published_sample, tmp_path):
    """Structure blocks through `dbt build`: a registry whose successor is no agency fails dbt's relationship
    test, the refresh fails and dx.duckdb stays byte for byte."""
    raw, _, warehouse, first = published_sample
    assert first.returncode == 0
    copy = tmp_path / "wh"
    copy.mkdir()
    for name in ("build.duckdb", "dx.duckdb"):
        shutil.copyfile(warehouse / name, copy / name)
    registry = tmp_path / "registry"
    shutil.copytree(settings.DEFAULT_REGISTRY_DIR, registry)
    agencies = registry / "ref_agencies.csv"
    with agencies.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[-1]["successor_code"] = "XA_KHONG_CO"
    with agencies.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    published = copy / "dx.duckdb"
    before = hashlib.sha256(published.read_bytes()).hexdigest()

    result = run_dxw("refresh", "--json", raw=raw, warehouse=copy, DX_REGISTRY_DIR=str(registry))

    assert result.returncode == 1, result.stderr[-2000:]
    outcome = json.loads(result.stdout)
    assert outcome["success"] is False and outcome["published"] is None
    checks = outcome["summary"]["checks"]
    assert checks["relationships_ref_agencies_successor_code__agency_code__ref_ref_agencies_"]["passed"] is False
    assert any(f.startswith("dbt_models") for f in outcome["failures"]), outcome["failures"]
    assert hashlib.sha256(published.read_bytes()).hexdigest() == before


def test_gx_imported_in_the_background_is_the_module_the_checks_then_use():
    """The dbt step starts GX's import in a thread (gx_runner.import_gx_in_background); a fresh interpreter shows
    the thread imports it, the checks' own import then finds it, and a second call starts no second import."""
    code = """
import sys, threading
from dagster_project.quality.gx_runner import import_gx_in_background
assert "great_expectations" not in sys.modules
import_gx_in_background()
importers = [t for t in threading.enumerate() if t.name == "import-great-expectations"]
assert len(importers) == 1, importers
importers[0].join(120)
assert "great_expectations" in sys.modules
import great_expectations
assert great_expectations is sys.modules["great_expectations"] and hasattr(great_expectations, "get_context")
import_gx_in_background()
assert not [t for t in threading.enumerate() if t.name == "import-great-expectations"]
print("ok")
"""
    done = subprocess.run(
        [sys.executable, "-c", code], check=False, capture_output=True, text=True, cwd=settings.PROJECT_ROOT
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]
