"""Runs the Great Expectations suites in `expectations/` against the tables of a build: a DuckDB connection,
or a `PostgresConnection` (warehouse/connection.py) whose search path is the run's build schema.

Each suite is validated on one pandas DataFrame read through that connection (GX 1.x returns empty
results through SQLAlchemy on DuckDB), with an ephemeral, quiet GX context; Data Docs are rebuilt each
run. A suite that needs more than its table's rows names a query file (`meta.frame_sql_file`, under
`expectations/sql/`, linted by `make lint`, portable to both engines) that returns them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import importlib
import json
import math
import shutil
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from dagster_project.sql import quote_ident
from dagster_project.warehouse.connection import READ_ERRORS, PostgresConnection

Connection = duckdb.DuckDBPyConnection | PostgresConnection

BLOCKING = "blocking"
FLAGGING = "flagging"
LEVELS = (BLOCKING, FLAGGING)

# Up to this many distinct unexpected values are counted (the flagging suite counts per rule with them).
_COUNTED_VALUES = 20
_SAMPLE_SIZE = 5
_DOCS_SITE = "dx_quality"
# What GX writes into a docs site; only these are cleared before a rebuild, never the whole folder.
_DOCS_SITE_ENTRIES = ("index.html", "validations", "expectations", "static")


@dataclass(frozen=True)
class SuiteFile:
    """One suite file: the GX suite document plus where its DataFrame comes from."""

    name: str
    path: Path
    table: str
    reads: tuple[str, ...]
    frame_sql: str | None  # the text of the suite's query file, when it names one
    document: dict
    frame_sql_file: str | None = None  # that file, relative to the suite's folder

    @property
    def level(self) -> str:
        """blocking if any expectation blocks; a wholly flagging suite never blocks."""
        levels = {exp["meta"]["level"] for exp in self.document["expectations"]}
        return BLOCKING if BLOCKING in levels else FLAGGING


@dataclass(frozen=True)
class ExpectationOutcome:
    """One expectation's result, in the words the asset check and the publish step report."""

    table: str
    expectation_type: str
    columns: tuple[str, ...]
    level: str
    success: bool
    unexpected_count: int | None
    unexpected_sample: list
    promise: str
    promise_vi: str
    unexpected_value_counts: dict[str, int] = field(default_factory=dict)
    problem: str | None = None  # set when GX could not run it (missing table or column, GX error)


@dataclass(frozen=True)
class SuiteResult:
    """A suite's outcome on its table: every expectation's result and its Data Docs page."""

    suite: str
    table: str
    level: str
    row_count: int | None
    expectations: list[ExpectationOutcome]
    data_docs_page: Path | None = None

    @property
    def success(self) -> bool:
        return all(outcome.success for outcome in self.expectations)

    @property
    def failed(self) -> list[ExpectationOutcome]:
        return [outcome for outcome in self.expectations if not outcome.success]


def load_suites(directory: Path | str) -> list[SuiteFile]:
    """Every `*.json` suite in `directory`, sorted by name; a malformed suite raises with its file name."""
    suites = []
    for path in sorted(Path(directory).glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        meta = document.get("meta") or {}
        for number, expectation in enumerate(document.get("expectations", []), start=1):
            level = (expectation.get("meta") or {}).get("level")
            if level not in LEVELS:
                raise ValueError(f"{path.name}: expectation {number} has meta.level {level!r}; use one of {LEVELS}")
        if "frame_sql" in meta:
            raise ValueError(f"{path.name}: write the suite's query in a .sql file named by meta.frame_sql_file")
        suites.append(
            SuiteFile(
                name=document["name"],
                path=path,
                table=meta.get("table", document["name"]),
                reads=tuple(meta.get("reads", ())),
                frame_sql=_read_query(path, meta.get("frame_sql_file")),
                document=document,
                frame_sql_file=meta.get("frame_sql_file"),
            )
        )
    return suites


def _read_query(suite_path: Path, relative: str | None) -> str | None:
    """The query file a suite names (relative to the suite's folder), without its trailing semicolon."""
    if relative is None:
        return None
    query_path = suite_path.parent / relative
    if not query_path.is_file():
        raise ValueError(f"{suite_path.name}: meta.frame_sql_file {relative!r} does not exist")
    return query_path.read_text(encoding="utf-8").strip().removesuffix(";")


def run_suites(con: Connection, suites: list[SuiteFile], docs_dir: Path | str) -> list[SuiteResult]:
    """Validate every suite on its table in `con`, rebuild Data Docs in `docs_dir`, return one result per suite."""
    docs_dir = Path(docs_dir)
    context = _quiet_context(docs_dir)
    datasource = context.data_sources.add_pandas("build")
    tables = {
        row[0]
        for row in con.execute(
            "select table_name from information_schema.tables where table_schema = current_schema()"
        ).fetchall()
    }

    results = [_run_suite(con, context, datasource, tables, suite) for suite in suites]
    _clear_docs_site(docs_dir)
    context.build_data_docs(site_names=[_DOCS_SITE])
    return [_with_docs_page(result, docs_dir) for result in results]


def _run_suite(con, context, datasource, tables: set[str], suite: SuiteFile) -> SuiteResult:
    """One suite on one DataFrame; expectations that cannot run (a missing column) fail with the reason."""
    missing = [name for name in (suite.table, *suite.reads) if name not in tables]
    if missing:
        return _missing_tables_result(suite, missing)
    try:
        frame_columns = _frame_columns(con, suite)
    except READ_ERRORS as error:
        return _unreadable_frame_result(suite, error)
    runnable, outcomes = [], {}
    for index, expectation in enumerate(suite.document["expectations"]):
        absent = [c for c in _columns_used(expectation) if c not in frame_columns]
        if absent:
            outcomes[index] = _not_run(suite, expectation, f"{suite.table} has no column {', '.join(absent)}")
            continue
        runnable.append((index, expectation))
    try:  # a query can bind and still fail when it runs (a scalar subquery finding two rows)
        frame = _read_frame(con, suite, sorted({c for _, exp in runnable for c in _columns_used(exp)}))
    except READ_ERRORS as error:
        return _unreadable_frame_result(suite, error)
    if runnable:
        gx_results = _validate(context, datasource, suite, [exp for _, exp in runnable], frame)
        for (index, expectation), gx_result in zip(runnable, gx_results, strict=True):
            outcomes[index] = _outcome(suite, expectation, gx_result)
    return SuiteResult(
        suite=suite.name,
        table=suite.table,
        level=suite.level,
        row_count=len(frame),
        expectations=[outcomes[i] for i in sorted(outcomes)],
    )


def import_gx_in_background() -> None:
    """Start importing Great Expectations in a thread of its own, so its import (5–8 s, most of the GX step on
    a quiet machine) overlaps work that waits on another process: the refresh's dbt step calls this before it
    starts dbt. Never while the run may still fork: a child forked while this thread holds an import lock
    could hang on it, and ingestion's workers are forked. A failed import here is left to the GX step, which
    imports GX again and reports the error there."""
    if "great_expectations" in sys.modules:
        return

    def _import() -> None:
        with contextlib.suppress(Exception):  # the GX step's own import raises it where the run reports it
            importlib.import_module("great_expectations")

    threading.Thread(target=_import, name="import-great-expectations", daemon=True).start()


def data_docs_index(docs_dir: Path | str) -> Path:
    return Path(docs_dir) / "index.html"


def _quiet_context(docs_dir: Path):
    """An in-memory GX context: no progress bars, no usage statistics, Data Docs written to `docs_dir`."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        analytics_enabled=False,
        # without this every validation draws a "Calculating Metrics" tqdm bar into the run's log
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
        data_docs_sites={
            _DOCS_SITE: {
                "class_name": "SiteBuilder",
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            }
        },
    )
    return gx.get_context(mode="ephemeral", project_config=config)


def _validate(context, datasource, suite: SuiteFile, expectations: list[dict], frame) -> list:
    import great_expectations as gx

    asset = datasource.add_dataframe_asset(suite.table)
    batch = asset.add_batch_definition_whole_dataframe(suite.table)
    gx_suite = context.suites.add(
        gx.ExpectationSuite(
            name=suite.name,
            # the promises become the expectations' notes, so the Data Docs show them beside each result
            expectations=[
                {**exp, "notes": [exp["meta"]["promise"], exp["meta"]["promise_vi"]]} for exp in expectations
            ],
            meta=suite.document.get("meta") or {},
            notes=suite.document.get("notes"),
        )
    )
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name=suite.name, data=batch, suite=gx_suite)
    )
    run = definition.run(
        batch_parameters={"dataframe": frame},
        result_format={"result_format": "SUMMARY", "partial_unexpected_count": _COUNTED_VALUES},
    )
    # GX reports results in suite order; match them back by the configuration GX echoes.
    by_id = {r.expectation_config.id: r for r in run.results}
    return [by_id[exp.id] for exp in gx_suite.expectations]


def _frame_sql(suite: SuiteFile) -> str:
    """The suite's query, or its whole table. Callers wrap it with a newline on each side, so a `--`
    comment on the query's last line cannot swallow the closing bracket."""
    return suite.frame_sql or f"select * from {quote_ident(suite.table)}"


def _frame_columns(con: Connection, suite: SuiteFile) -> set[str]:
    cursor = con.execute(f"select * from (\n{_frame_sql(suite)}\n) as frame limit 0")
    return {description[0] for description in cursor.description}


def _read_frame(con: Connection, suite: SuiteFile, columns: list[str]):
    selected = ", ".join(quote_ident(c) for c in columns) if columns else "1 as row_present"
    return con.execute(f"select {selected} from (\n{_frame_sql(suite)}\n) as frame").df()


def _columns_used(expectation: dict) -> list[str]:
    kwargs = expectation["kwargs"]
    columns = [kwargs[key] for key in ("column", "column_A", "column_B") if key in kwargs]
    columns += list(kwargs.get("column_list", []))
    columns += _condition_columns(kwargs.get("row_condition"))
    return list(dict.fromkeys(columns))


def _condition_columns(condition: Any) -> list[str]:
    if isinstance(condition, dict):
        column = condition.get("column")
        own = [column["name"]] if isinstance(column, dict) and "name" in column else []
        return own + [c for value in condition.values() for c in _condition_columns(value)]
    if isinstance(condition, list):
        return [c for item in condition for c in _condition_columns(item)]
    return []


def _outcome(suite: SuiteFile, expectation: dict, gx_result) -> ExpectationOutcome:
    result = gx_result.result or {}
    problem = None
    if gx_result.exception_info and gx_result.exception_info.get("raised_exception"):
        problem = f"GX could not evaluate it: {gx_result.exception_info.get('exception_message')}"
    counts = {_plain_text(item["value"]): int(item["count"]) for item in result.get("partial_unexpected_counts", [])}
    return ExpectationOutcome(
        table=suite.table,
        expectation_type=expectation["type"],
        columns=tuple(_target_columns(expectation)),
        level=expectation["meta"]["level"],
        success=bool(gx_result.success),
        unexpected_count=result.get("unexpected_count"),
        unexpected_sample=[_plain(v) for v in result.get("partial_unexpected_list", [])[:_SAMPLE_SIZE]],
        unexpected_value_counts=counts,
        promise=expectation["meta"]["promise"],
        promise_vi=expectation["meta"]["promise_vi"],
        problem=problem,
    )


def _not_run(suite: SuiteFile, expectation: dict, problem: str) -> ExpectationOutcome:
    return ExpectationOutcome(
        table=suite.table,
        expectation_type=expectation["type"],
        columns=tuple(_target_columns(expectation)),
        level=expectation["meta"]["level"],
        success=False,
        unexpected_count=None,
        unexpected_sample=[],
        promise=expectation["meta"]["promise"],
        promise_vi=expectation["meta"]["promise_vi"],
        problem=problem,
    )


def _missing_tables_result(suite: SuiteFile, missing: list[str]) -> SuiteResult:
    names = ", ".join(missing)
    return _suite_not_run(
        suite,
        "table_exists",
        promise=f"The build database holds {names}, which the suite {suite.name} checks.",
        promise_vi=f"Cơ sở dữ liệu dựng có bảng {names} mà bộ kiểm tra {suite.name} cần.",
        problem=f"table {names} does not exist in the build database",
    )


def _unreadable_frame_result(suite: SuiteFile, error: Exception) -> SuiteResult:
    return _suite_not_run(
        suite,
        "frame_readable",
        promise=f"The rows the suite {suite.name} checks can be read from the build database.",
        promise_vi=f"Đọc được từ cơ sở dữ liệu dựng các dòng mà bộ kiểm tra {suite.name} cần.",
        problem=f"the suite's query ({_query_name(suite)}) fails: {str(error).splitlines()[0]}",
    )


def _query_name(suite: SuiteFile) -> str:
    return f"{suite.path.name}: {suite.frame_sql_file}" if suite.frame_sql_file else suite.path.name


def _suite_not_run(suite: SuiteFile, what: str, promise: str, promise_vi: str, problem: str) -> SuiteResult:
    outcome = ExpectationOutcome(
        table=suite.table,
        expectation_type=what,
        columns=(),
        level=suite.level,
        success=False,
        unexpected_count=None,
        unexpected_sample=[],
        promise=promise,
        promise_vi=promise_vi,
        problem=problem,
    )
    return SuiteResult(suite=suite.name, table=suite.table, level=suite.level, row_count=None, expectations=[outcome])


def _target_columns(expectation: dict) -> list[str]:
    kwargs = expectation["kwargs"]
    return [kwargs[k] for k in ("column", "column_A", "column_B") if k in kwargs] + list(kwargs.get("column_list", []))


def _clear_docs_site(docs_dir: Path) -> None:
    for entry in _DOCS_SITE_ENTRIES:
        target = docs_dir / entry
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()


def _with_docs_page(result: SuiteResult, docs_dir: Path) -> SuiteResult:
    pages = sorted((docs_dir / "validations" / result.suite).rglob("*.html"))
    page = pages[-1] if pages else None
    return SuiteResult(
        suite=result.suite,
        table=result.table,
        level=result.level,
        row_count=result.row_count,
        expectations=result.expectations,
        data_docs_page=page,
    )


def _plain(value: Any) -> Any:
    """A JSON-friendly copy of a value GX reports (numpy scalars, decimals, dates, key dicts)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (decimal.Decimal, dt.date, dt.datetime)):
        return str(value)
    return value


def _plain_text(value: Any) -> str:
    plain = _plain(value)
    return plain if isinstance(plain, str) else json.dumps(plain, ensure_ascii=False, default=str)
