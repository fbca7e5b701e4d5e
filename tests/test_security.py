"""Security: no SQL is assembled from file content, file names are data, analysts' connections are
read-only and never blocked by a refresh, the web UI binds localhost only, no secrets in the repo."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from dagster_project import settings
from dagster_project.ingest.run import ingest_raw_tree
from dagster_project.ingest.scan import read_raw_file
from dagster_project.warehouse.publish import publish_build
from tests.bad_input.make_corpus import quarterly, with_items
from tests.reliability.harness import marts_checksums, published_state

ROOT = settings.PROJECT_ROOT
PACKAGE = ROOT / "dagster_project"
SQL_METHODS = {"execute", "executemany", "sql", "query", "from_query"}

# Every expression spliced into SQL text, and why it is not file content. A new one fails this test
# until someone reads it and adds it here: use bound parameters (`?`) or a registered DataFrame.
ALLOWED_INTERPOLATIONS = {
    "table": "one of our constant table names (store.TABLES / INGEST_TABLES keys)",
    "t": "a table name from the dbt manifest / information_schema of our own build",
    "', '.join(columns)": "a table's constant column names (store.TABLES, from its column spec)",
    "_PUBLISHED_ALIAS": "a constant alias",
    "quote_literal(str(tmp))": "our own warehouse path, quoted",
    "quote_literal(PUBLISHED_STORAGE_VERSION)": "publish.py's constant storage version, quoted",
    "quote_ident(name)": "a table name from our manifest, quoted",
    "quote_ident(build_catalog)": "the build database's catalog name, quoted",
    "_frame_sql(suite)": "SQL from our expectations/ suites (repository config), or a quoted table",
    "selected": "column names from our expectations/ suites, each quoted",
    "_ROW_COLUMNS": "reports/data.py's constant column list",
    "joins": "reports/data.py's constant join clause",
    "_REPORTING_CTE": "reports/data.py's constant CTE of the reporting periods",
    "unit_placeholders": "reports/review.py's `?` placeholders, one per chosen unit",
}
# The PostgreSQL modules assemble DDL from names (schemas, tables, roles, policies) they quote first; what
# each splices, module by module (a name that is safe in one module is not thereby safe in another).
_QUOTED_NAME = "a schema, table or role name, quoted with sql.quote_ident where it is made"
ALLOWED_BY_MODULE = {
    "dagster_project/warehouse/pg_load.py": {
        "quote_ident(schema)": _QUOTED_NAME,
        "quote_ident(table)": _QUOTED_NAME,
        "target": "quote_ident(schema).quote_ident(table)",
        "quote_literal(str(csv_path))": "a file in our own temporary folder, quoted",
        "', '.join(f'{quote_ident(c)} {postgres_type(t)}' for c, t in columns)": "the build's column names, quoted, "
        "with types from postgres_type's constant map",
        "', '.join(f'{quote_ident(c)} text' for c in header)": "the registry file's header (repository config), quoted",
    },
    "dagster_project/warehouse/pg_access.py": {
        "target": _QUOTED_NAME,
        "name": "quote_ident(schema).quote_ident(table)",
        "analyst": _QUOTED_NAME,
        "unit": _QUOTED_NAME,
        "ANALYST_POLICY": "a constant policy name",
        "UNIT_POLICY": "a constant policy name",
        "quote_ident(UNIT_CODE_COLUMNS[table])": "a constant column name, quoted",
        "visible": "pg_access's constant query of visible codes, with quoted schema and table names",
    },
    "dagster_project/warehouse/pg_publish.py": {
        "_LOG_ROW": "pg_publish's constant column list of publish_log",
        **{
            f"quote_ident({name})": _QUOTED_NAME
            for name in ("OPS_SCHEMA", "PUBLISHED_SCHEMA", "build_schema", "new_schema", "retired", "schema")
        },
    },
}
# plan_context: executor.py hands Dagster's executor its plan (`Executor.execute(plan_context, plan)`), not SQL
# _placeholders(sql): connection.py turns its caller's `?` into psycopg2's `%s`, nothing else
ALLOWED_SQL_VARIABLES = {
    "ddl",
    "PUBLISH_LOG_DDL",
    "_CREATE_REVIEWS",
    "sql",
    "PREVIEW_SQL[table]",
    "plan_context",
    "_placeholders(sql)",
}


def _sql_calls():
    for path in sorted(PACKAGE.rglob("*.py")):
        src = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(src)):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in SQL_METHODS
                and node.args
            ):
                yield path.relative_to(ROOT), node.lineno, src, node.args[0]


def test_no_sql_is_assembled_from_anything_but_our_constants():
    unknown = []
    for path, line, src, arg in _sql_calls():
        if isinstance(arg, ast.Constant):
            continue
        if isinstance(arg, ast.JoinedStr):
            for part in arg.values:
                if isinstance(part, ast.FormattedValue):
                    expr = ast.get_source_segment(src, part.value)
                    if expr not in ALLOWED_INTERPOLATIONS and expr not in ALLOWED_BY_MODULE.get(str(path), {}):
                        unknown.append(f"{path}:{line}: f-string splices {expr!r}")
        elif isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute) and arg.func.attr == "format":
            unknown.append(f"{path}:{line}: str.format() builds SQL")
        elif isinstance(arg, ast.BinOp):
            unknown.append(f"{path}:{line}: SQL built with an operator ({ast.get_source_segment(src, arg)[:60]})")
        elif ast.get_source_segment(src, arg) not in ALLOWED_SQL_VARIABLES:
            unknown.append(f"{path}:{line}: SQL from {ast.get_source_segment(src, arg)[:60]!r}")
    assert not unknown, "\n".join(unknown)


def test_the_sql_scan_catches_what_it_should(tmp_path):
    evil = ast.parse('con.execute(f"select * from {file_name}")').body[0].value
    assert isinstance(evil.args[0], ast.JoinedStr)
    expr = ast.get_source_segment('con.execute(f"select * from {file_name}")', evil.args[0].values[1].value)
    assert expr not in ALLOWED_INTERPOLATIONS


HOSTILE = [
    "x'; drop table ingest_files; --.xlsx",
    '"; detach; ".xlsx',
    "..bao cao..xlsx",
    "..%2F..%2Fetc%2Fpasswd.xlsx",
    "$(touch pwned).xlsx",
    "a" * 240 + ".xlsx",
]


def test_file_names_are_data_and_never_paths(tmp_path):
    raw = tmp_path / "raw" / "2025-10-15"
    raw.mkdir(parents=True)
    for i, name in enumerate(HOSTILE):
        (raw / name).write_bytes(quarterly(items=with_items(**{"1_1": 500 + i})))
    before = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*"))
    with duckdb.connect(str(tmp_path / "build.duckdb")) as con:
        ingest_raw_tree(con, tmp_path / "raw", settings.registry_dir())
        rows = dict(con.execute("select file_name, state from ingest_files").fetchall())
        tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
    assert rows == {name: "loaded" for name in HOSTILE}
    assert {"ingest_files", "ingest_values", "ingest_rejects", "ingest_reports"} <= tables
    after = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.name != "build.duckdb")
    assert after == before, "ingestion created or removed files"
    for bad in ("../secret.xlsx", "/etc/passwd", "2025-10-15/../../secret.xlsx"):
        with pytest.raises(PermissionError):
            read_raw_file(tmp_path / "raw", bad)


def _connect_calls(paths):
    for path in paths:
        src = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(src)):
            if isinstance(node, ast.Call) and ast.get_source_segment(src, node.func) == "duckdb.connect":
                yield path, node.lineno, ast.get_source_segment(src, node)


def test_every_connection_to_the_published_file_is_read_only():
    """Code that opens the published file (status, reports, notebooks' helpers) asks for read_only."""
    sources = [*PACKAGE.rglob("*.py"), *(ROOT / "notebooks").rglob("*.py")]
    writers = []
    for path, line, call in _connect_calls(sources):
        body = path.read_text(encoding="utf-8").splitlines()[max(0, line - 8) : line]
        opens_published = any(re.search(r"published|dx\.duckdb|PUBLISHED_DB", text) for text in body)
        if opens_published and "read_only=True" not in call:
            writers.append(f"{path.relative_to(ROOT)}:{line}: {call}")
    assert not writers, "\n".join(writers)
    notebooks = list((ROOT / "notebooks").glob("*.ipynb"))
    for nb in notebooks:
        for call in re.findall(r"duckdb\.connect\([^\n\\]*", nb.read_text(encoding="utf-8")):
            assert "read_only=True" in call, f"{nb.name}: {call}"


def test_a_reader_holding_the_published_file_neither_blocks_nor_is_blocked_by_a_publish(published_sample, tmp_path):
    _, _, good, first = published_sample
    assert first.returncode == 0
    build, target = tmp_path / "build.duckdb", tmp_path / "dx.duckdb"
    shutil.copyfile(good / "build.duckdb", build)
    shutil.copyfile(good / "dx.duckdb", target)
    tables = sorted(marts_checksums(target))
    reader = duckdb.connect(str(target), read_only=True)
    try:
        old_id = reader.execute("select max(publish_id) from publish_log").fetchone()[0]
        with duckdb.connect(str(build)) as writer:  # the refresh holds the build while analysts read
            with duckdb.connect(str(target), read_only=True) as second_reader:
                second_reader.execute("select count(*) from fct_indicator_values").fetchone()
            with pytest.raises(duckdb.Error):
                reader.execute("create table analyst_scratch as select 1")  # read-only: no writes
            publish_build(writer, target, tables=tables, publish_id="zzz-security", checks_passed=1)
        assert reader.execute("select max(publish_id) from publish_log").fetchone()[0] == old_id
    finally:
        reader.close()
    assert published_state(target)["publish_id"] == "zzz-security"


def test_the_web_ui_binds_localhost_only():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^dagster-ui:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert recipe, "no dagster-ui target"
    commands = recipe.group(1)
    assert re.search(r"(-h|--host)\s+127\.0\.0\.1\b", commands), commands
    assert "0.0.0.0" not in makefile


SECRET_PATTERNS = {
    "private key": re.compile(r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY-----"),
    "AWS access key": re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    "Slack token": re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}"),
    "OpenAI-style key": re.compile(r"\bsk-[A-Za-z0-9]{32,}\b"),
    "Google API key": re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"),
    "password in a URL": re.compile(r"[a-z]+://[^/\s:@]+:[^/\s:@]{3,}@"),
}


def test_no_secrets_in_the_repository():
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split("\n")
    found = []
    for rel in filter(None, listed):
        path = ROOT / rel
        if not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        text = path.read_bytes().decode("utf-8", errors="ignore")
        for what, pattern in SECRET_PATTERNS.items():
            if pattern.search(text):
                found.append(f"{rel}: {what}")
    assert not found, found
    assert len(listed) > 50


def test_the_secret_scan_would_see_a_key(tmp_path):
    key = "-----BEGIN OPENSSH " + "PRIVATE KEY-----"
    assert SECRET_PATTERNS["private key"].search(key)


def test_the_raw_tree_is_opened_without_following_swapped_links(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (tmp_path / "secret.txt").write_text("secret")
    Path(raw / "a.csv").symlink_to(tmp_path / "secret.txt")
    with pytest.raises(PermissionError):
        read_raw_file(raw, "a.csv")
