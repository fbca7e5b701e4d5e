"""The quality gates as plain DuckDB SQL: the floor the Great Expectations gates are measured against.

Reads the GX suites in expectations/*.json and translates every expectation type they use into one
SQL query over the same table (or the suite's `frame_sql`), all in one DuckDB session over the build
database. Each suite's frame is materialised once as a temp table, as GX reads one DataFrame per suite.
GX's own semantics are kept: nulls are not unexpected values (except for the null checks and the
column-pair checks), `row_condition` filters rows first. Relationships arrive already computed by the
suite's `frame_sql` (the `<column>_not_in_<table>` columns), so they run here as the same null checks.

    .venv/bin/python bench/gates_sql.py --db warehouse/build.duckdb [--expectations expectations/]
        [--refresh-json out.json]   # a `dxw refresh --json` output: compare pass/fail with what GX said
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import NamedTuple

import duckdb

from dagster_project import settings
from dagster_project.orchestration.checks import CHECK_PREFIX  # the asset check of suite S is gx_S
from dagster_project.quality.gx_runner import SuiteFile, load_suites
from dagster_project.sql import quote_ident, quote_literal

_OPERATORS = {"==": "=", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


def literal(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return quote_literal(str(value))


def condition_sql(condition) -> str:
    """A GX 1.x row_condition dict (comparison, and/or of them) as a SQL predicate."""
    if not condition:
        return "true"
    kind = condition.get("type")
    if kind == "comparison":
        column = quote_ident(condition["column"]["name"])
        operator = _OPERATORS[condition["operator"]]
        parameter = condition.get("parameter")
        if parameter is None:
            return f"{column} is {'not ' if operator == '<>' else ''}null"
        return f"{column} {operator} {literal(parameter)}"
    if kind in ("and", "or"):
        parts = [condition_sql(c) for c in condition.get("conditions", [])]
        return "(" + f" {kind} ".join(parts or ["true"]) + ")"
    raise NotImplementedError(f"row_condition of type {kind!r}")


def _value_set_sql(kwargs: dict) -> str:
    """The allowed values as a SQL list, or "" for an empty set."""
    values = kwargs.get("value_set") or []
    return "(" + ", ".join(literal(v) for v in values) + ")" if values else ""


class _Target(NamedTuple):
    """What a translation reads: the frame, the row condition as SQL, the quoted column (if any)."""

    frame: str
    where: str
    column: str | None
    kind: str
    kwargs: dict


def expectation_sql(frame: str, expectation: dict) -> str:
    """A query returning (unexpected, considered) rows for one expectation over the table `frame`."""
    kind, kwargs = expectation["type"], expectation["kwargs"]
    where = condition_sql(kwargs.get("row_condition"))
    column = quote_ident(kwargs["column"]) if "column" in kwargs else None
    translate = _TRANSLATIONS.get(kind)
    if translate is None:
        raise NotTranslated(f"no SQL translation for {kind}")
    return translate(_Target(frame, where, column, kind, kwargs))


def _count_unexpected(t: _Target, unexpected: str) -> str:
    """Unexpected among the non-null values of the column (GX: nulls are not unexpected values)."""
    return f"select coalesce(count_if({unexpected}), 0), count(*) from {t.frame} where {t.where} and {t.column} is not null"


def _null(t: _Target) -> str:
    test = "is null" if t.kind == "expect_column_values_to_not_be_null" else "is not null"
    return f"select coalesce(count_if({t.column} {test}), 0), count(*) from {t.frame} where {t.where}"


def _in_set(t: _Target) -> str:
    allowed = _value_set_sql(t.kwargs)
    inside = f"{t.column} in {allowed}" if allowed else "false"
    return _count_unexpected(t, f"not ({inside})" if t.kind == "expect_column_values_to_be_in_set" else inside)


def _regex(t: _Target) -> str:
    matches = f"regexp_matches({t.column}::varchar, {literal(t.kwargs['regex'])})"
    return _count_unexpected(t, f"not {matches}" if t.kind == "expect_column_values_to_match_regex" else matches)


def _row_count(t: _Target) -> str:
    low, high = t.kwargs.get("min_value"), t.kwargs.get("max_value")
    outside = " or ".join([f"n < {literal(low)}"] * (low is not None) + [f"n > {literal(high)}"] * (high is not None))
    return f"select ({outside or 'false'})::int, 1 from (select count(*) as n from {t.frame} where {t.where})"


def _between(t: _Target) -> str:
    low, high = t.kwargs.get("min_value"), t.kwargs.get("max_value")
    bounds = []
    if low is not None:
        bounds.append(f"{t.column} {'>' if t.kwargs.get('strict_min') else '>='} {literal(low)}")
    if high is not None:
        bounds.append(f"{t.column} {'<' if t.kwargs.get('strict_max') else '<='} {literal(high)}")
    return _count_unexpected(t, f"not ({' and '.join(bounds) or 'true'})")


def _unique(t: _Target) -> str:
    return (
        f"select coalesce(sum(n) filter (where n > 1), 0), coalesce(sum(n), 0) from "
        f"(select count(*) as n from {t.frame} where {t.where} and {t.column} is not null group by {t.column})"
    )


def _compound_unique(t: _Target) -> str:
    columns = [quote_ident(c) for c in t.kwargs["column_list"]]
    skip = {
        "all_values_are_missing": " and ".join(f"{c} is null" for c in columns),
        "any_value_is_missing": " or ".join(f"{c} is null" for c in columns),
        "never": "false",
    }[t.kwargs.get("ignore_row_if", "all_values_are_missing")]
    return (
        f"select coalesce(sum(n) filter (where n > 1), 0), coalesce(sum(n), 0) from "
        f"(select count(*) as n from {t.frame} where {t.where} and not ({skip}) group by {', '.join(columns)})"
    )


def _column_pair(t: _Target) -> str:
    a, b = quote_ident(t.kwargs["column_A"]), quote_ident(t.kwargs["column_B"])
    skip = {
        "both_values_are_missing": f"{a} is null and {b} is null",
        "either_value_is_missing": f"{a} is null or {b} is null",
        "neither": "false",
    }[t.kwargs.get("ignore_row_if", "both_values_are_missing")]
    if t.kind == "expect_column_pair_values_to_be_equal":
        holds = f"{a} = {b}"
    else:
        holds = f"{a} {'>=' if t.kwargs.get('or_equal') else '>'} {b}"
    return (
        f"select coalesce(count_if(not coalesce({holds}, false)), 0), count(*) from {t.frame} "
        f"where {t.where} and not ({skip})"
    )


_TRANSLATIONS = {
    "expect_column_values_to_not_be_null": _null,
    "expect_column_values_to_be_null": _null,
    "expect_column_values_to_be_in_set": _in_set,
    "expect_column_values_to_not_be_in_set": _in_set,
    "expect_column_values_to_match_regex": _regex,
    "expect_column_values_to_not_match_regex": _regex,
    "expect_table_row_count_to_be_between": _row_count,
    "expect_column_values_to_be_between": _between,
    "expect_column_values_to_be_unique": _unique,
    "expect_compound_columns_to_be_unique": _compound_unique,
    "expect_column_pair_values_to_be_equal": _column_pair,
    "expect_column_pair_values_a_to_be_greater_than_b": _column_pair,
}


class NotTranslated(NotImplementedError):
    """An expectation type this module does not translate yet: reported, never silently passed."""


def _succeeds(unexpected: int, considered: int, mostly: float | None) -> bool:
    if mostly is None or considered == 0:
        return unexpected == 0
    return 1 - unexpected / considered >= mostly


def _columns(expectation: dict) -> list[str]:
    kwargs = expectation["kwargs"]
    return [kwargs[k] for k in ("column", "column_A", "column_B") if k in kwargs] + list(kwargs.get("column_list", []))


def run_suite_sql(con: duckdb.DuckDBPyConnection, suite: SuiteFile, number: int, tables: set[str]) -> list[dict]:
    """Every expectation of one suite: success, unexpected and considered rows, or the problem."""
    outcomes = []
    missing = [t for t in (suite.table, *suite.reads) if t not in tables]
    frame = f"bench_gate_frame_{number}"
    if not missing:
        source = suite.frame_sql or f"select * from {quote_ident(suite.table)}"
        con.execute(f"create or replace temp table {frame} as {source}")
    for expectation in suite.document["expectations"]:
        outcome = {
            "suite": suite.name,
            "expectation": expectation["type"],
            "columns": _columns(expectation),
            "level": expectation["meta"]["level"],
        }
        if missing:
            outcomes.append({**outcome, "success": False, "problem": f"missing tables {missing}"})
            continue
        try:
            unexpected, considered = con.execute(expectation_sql(frame, expectation)).fetchone()
        except duckdb.Error as error:  # a missing column fails the expectation, as in the GX runner
            outcomes.append({**outcome, "success": False, "problem": str(error).splitlines()[0]})
            continue
        except NotTranslated as error:
            outcomes.append({**outcome, "success": None, "problem": str(error)})
            continue
        success = _succeeds(int(unexpected), int(considered), expectation["kwargs"].get("mostly"))
        outcomes.append({**outcome, "success": success, "unexpected": int(unexpected), "considered": int(considered)})
    if not missing:
        con.execute(f"drop table {frame}")
    return outcomes


def run_gates_sql(db: Path, expectations_dir: Path | None = None) -> tuple[float, list[dict]]:
    """Every suite over a copy-free read of `db`, in one DuckDB session; (wall seconds, outcomes)."""
    started = time.perf_counter()
    suites = load_suites(expectations_dir or settings.expectations_dir())
    # read-only is enough for the checks; temp tables live in the session, not in the file
    with duckdb.connect(str(db), read_only=True) as con:
        tables = {row[0] for row in con.execute("select table_name from information_schema.tables").fetchall()}
        outcomes = [o for number, suite in enumerate(suites) for o in run_suite_sql(con, suite, number, tables)]
    return time.perf_counter() - started, outcomes


def compare_with_gx(outcomes: list[dict], checks: dict[str, dict]) -> dict:
    """Same pass/fail per expectation as GX? `checks` is the run summary's `checks` (check name →
    passed and the failed expectations as type, columns). Failures are matched as multisets per suite."""
    mismatches = []
    suites = sorted({o["suite"] for o in outcomes})
    for suite in suites:
        check = checks.get(CHECK_PREFIX + suite)
        if check is None:
            mismatches.append(f"{suite}: GX did not evaluate it in this run")
            continue
        mine = [o for o in outcomes if o["suite"] == suite]
        untranslated = [o["expectation"] for o in mine if o["success"] is None]
        if untranslated:
            mismatches.append(f"{suite}: not translated to SQL: {sorted(set(untranslated))}")
        sql_failed = Counter((o["expectation"], tuple(o["columns"])) for o in mine if o["success"] is False)
        gx_failed = Counter((f["expectation"], tuple(f["columns"] or ())) for f in check.get("failed", []))
        if sql_failed != gx_failed:
            mismatches.append(f"{suite}: SQL fails {dict(sql_failed)}, GX fails {dict(gx_failed)}")
        if check["passed"] != (not sql_failed):
            mismatches.append(f"{suite}: GX check passed={check['passed']}, SQL passed={not sql_failed}")
    return {
        "expectations": len(outcomes),
        "suites": len(suites),
        "failed_in_sql": sum(o["success"] is False for o in outcomes),
        "not_translated": sum(o["success"] is None for o in outcomes),
        "same_as_gx": not mismatches,
        "mismatches": mismatches,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, default=settings.build_db_path())
    parser.add_argument("--expectations", type=Path, default=None)
    parser.add_argument("--refresh-json", type=Path, help="`dxw refresh --json` output to compare with")
    args = parser.parse_args()
    seconds, outcomes = run_gates_sql(args.db, args.expectations)
    for o in outcomes:
        verdict = {True: "pass", False: "FAIL", None: "n/a "}[o["success"]]
        detail = o.get("problem") or f"{o['unexpected']:,} of {o['considered']:,} rows unexpected"
        print(
            f"{verdict}  {o['level']:<9} {o['suite']:<22} {o['expectation']:<48} {','.join(o['columns']):<30} {detail}"
        )
    print(f"{len(outcomes)} expectations in {seconds:.2f} s, {sum(o['success'] is False for o in outcomes)} failed")
    if args.refresh_json:
        outcome = json.loads(args.refresh_json.read_text(encoding="utf-8"))
        verdict = compare_with_gx(outcomes, outcome["summary"]["checks"])
        print(
            "same pass/fail as GX"
            if verdict["same_as_gx"]
            else "DIFFERENT from GX:\n  " + "\n  ".join(verdict["mismatches"])
        )
        sys.exit(0 if verdict["same_as_gx"] else 1)


if __name__ == "__main__":
    main()
