"""`dxw status`, `dxw report`, `dxw feedback`, `dxw review` and `dxw accept` read whichever warehouse is
configured: with DX_WAREHOUSE_URL they read the server's `published` schema and say what dx.duckdb says; an
unreachable server or an empty database gives one line naming it, never a traceback.

The server's `published` schema here is the published sample's dx.duckdb COPYed table by table (its own
column types), so any difference is the readers' — not the build's on the server."""

from __future__ import annotations

import json
import re
import shutil
import socket
from pathlib import Path

import docx
import duckdb
import openpyxl
import pandas as pd
import pytest

from dagster_project.orchestration.run_summary import _flagged_counts
from dagster_project.warehouse import pg
from dagster_project.warehouse.connection import PostgresConnection
from dagster_project.warehouse.pg_load import copy_sources
from tests.conftest import run_dxw

pytestmark = pytest.mark.pipeline  # reads the published sample

PUBLISHED_ON_SERVER = "dx_readers"
PASSWORD = "not-a-real-one"


@pytest.fixture(scope="module")
def served(published_sample, pg_server, tmp_path_factory):
    """The published sample on both warehouses: (raw tree, a warehouse folder holding a copy of dx.duckdb,
    a warehouse folder holding none, the URL of a database whose `published` schema holds the same tables)."""
    raw, _, warehouse, refresh = published_sample
    assert refresh.returncode == 0, refresh.stderr[-3000:]
    on_duckdb, on_server = tmp_path_factory.mktemp("readers-duckdb"), tmp_path_factory.mktemp("readers-server")
    shutil.copyfile(warehouse / "dx.duckdb", on_duckdb / "dx.duckdb")
    name = PUBLISHED_ON_SERVER
    pg_server.psql(f"create role {name} login")
    pg_server.psql(f"create database {name} owner {name}")
    with duckdb.connect(str(on_duckdb / "dx.duckdb"), read_only=True) as duck, pg_server.connect(name, name) as con:
        tables = tuple(r[0] for r in duck.execute("select table_name from information_schema.tables").fetchall())
        copied = copy_sources(duck, con, tables=tables, schema=pg.PUBLISHED_SCHEMA)
    assert set(copied) == set(tables) and "publish_log" in copied
    return raw, on_duckdb, on_server, pg_server.url(name, name)


def _dxw(served, *args: str, server: bool, **env: str):
    raw, on_duckdb, on_server, url = served
    if server:
        return run_dxw(*args, raw=raw, warehouse=on_server, DX_WAREHOUSE_URL=url, **env)
    return run_dxw(*args, raw=raw, warehouse=on_duckdb, **env)


def test_frames_from_the_server_have_the_dtypes_and_values_duckdb_gives(served, pg_server):
    _, on_duckdb, _, _ = served
    with (
        duckdb.connect(str(on_duckdb / "dx.duckdb"), read_only=True) as duck,
        pg_server.connect(PUBLISHED_ON_SERVER, PUBLISHED_ON_SERVER) as raw,
    ):
        server = PostgresConnection(raw, schema=pg.PUBLISHED_SCHEMA)
        tables = [r[0] for r in duck.execute("select table_name from information_schema.tables order by 1").fetchall()]
        for table in tables:
            n = len(duck.execute(f'select * from "{table}" limit 0').description)
            sql = f'select * from "{table}" order by {", ".join(str(i) for i in range(1, n + 1))}'
            pd.testing.assert_frame_equal(server.execute(sql).df(), duck.execute(sql).df(), obj=table)
            empty = f'select * from "{table}" where false'
            pd.testing.assert_frame_equal(server.execute(empty).df(), duck.execute(empty).df(), obj=f"{table} (empty)")


def test_status_json_and_text_from_the_server_equal_dx_duckdbs(served):
    _, on_duckdb, _, url = served
    outputs = {}
    for server in (False, True):
        as_json, as_text = _dxw(served, "status", "--json", server=server), _dxw(served, "status", server=server)
        assert as_json.returncode == 0 and as_text.returncode == 0, as_json.stderr + as_text.stderr
        outputs[server] = json.loads(as_json.stdout), as_text.stdout
    (on_file, text_file), (on_server, text_server) = outputs[False], outputs[True]
    assert on_file.pop("published_file") == str(on_duckdb / "dx.duckdb")
    assert on_server.pop("published_file") == f"{url} (schema published)"
    assert on_server == on_file
    assert on_file["withheld_figures"]["withheld"] > 0 and on_file["last_publish"]["publish_id"]
    # the text differs only where it names the location
    assert text_server.replace(f"{url} (schema published)", "LOCATION") == text_file.replace(
        str(on_duckdb / "dx.duckdb"), "LOCATION"
    )


def _html(path: Path) -> str:
    """The page without what matplotlib stamps anew on every drawing: its date and its random SVG ids."""
    text = re.sub(r"<dc:date>[^<]*</dc:date>", "", path.read_text(encoding="utf-8"))
    return re.sub(r'(id="|#)[mp][0-9a-f]{10}', r"\1ID", text)


def _cells(path: Path) -> dict[str, list[list]]:
    book = openpyxl.load_workbook(path)
    return {sheet.title: [[cell.value for cell in row] for row in sheet.iter_rows()] for sheet in book.worksheets}


def _docx_text(path: Path) -> list[str]:
    document = docx.Document(str(path))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return [p.text for p in document.paragraphs] + cells


def _content(path: Path):
    return {".html": _html, ".xlsx": _cells, ".docx": _docx_text}.get(path.suffix, Path.read_bytes)(path)


def test_report_feedback_and_review_from_the_server_show_what_dx_duckdb_shows(served):
    _, on_duckdb, on_server, _ = served
    for server in (False, True):
        for command in (["report"], ["feedback", "--period", "2025-Q3"], ["review", "--year", "2025"]):
            done = _dxw(served, *command, server=server)
            assert done.returncode == 0, done.stderr[-3000:]
    assert not (on_server / "dx.duckdb").exists(), "the server's reports were made without a DuckDB file"
    written = sorted(p.relative_to(on_duckdb / "reports") for p in (on_duckdb / "reports").rglob("*") if p.is_file())
    assert written == sorted(
        p.relative_to(on_server / "reports") for p in (on_server / "reports").rglob("*") if p.is_file()
    )
    kinds = {p.suffix for p in written}
    assert {".html", ".xlsx", ".docx"} <= kinds
    assert len([p for p in written if p.parts[0] == "feedback" and p.suffix == ".html"]) > 10
    differ = [str(p) for p in written if _content(on_duckdb / "reports" / p) != _content(on_server / "reports" / p)]
    assert not differ, differ


def test_accept_looks_the_flag_up_on_the_server(served, tmp_path):
    _, on_duckdb, _, _ = served
    with duckdb.connect(str(on_duckdb / "dx.duckdb"), read_only=True) as con:
        flag_id = con.execute("select flag_id from mart_withheld_figures order by flag_id limit 1").fetchone()[0]
    said = {}
    for server in (False, True):
        reviews = tmp_path / f"reviews-{server}.csv"
        done = _dxw(served, "accept", flag_id, "--by", "tester", "--note", "checked", server=server,
                    DX_REVIEWS_FILE=str(reviews))  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert flag_id in reviews.read_text(encoding="utf-8")
        said[server] = done.stdout.splitlines()[0]
    assert said[True] == said[False] and said[True].startswith("accepting ")
    unknown = _dxw(served, "accept", "no-such-flag", "--by", "t", "--note", "n", server=True,
                   DX_REVIEWS_FILE=str(tmp_path / "none.csv"))  # fmt: skip
    assert unknown.returncode == 2 and "no flagged figure 'no-such-flag'" in unknown.stderr


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_unreachable_server_gives_one_line_naming_it_and_no_password(served, tmp_path):
    raw, _, on_server, _ = served
    port = _closed_port()
    url = f"postgresql://reader:{PASSWORD}" + f"@127.0.0.1:{port}/dx"  # apart: no password-in-a-URL in git
    reviews = tmp_path / "reviews.csv"
    for command in (["status"], ["status", "--json"], ["report"], ["accept", "F1", "--by", "t", "--note", "n"]):
        done = run_dxw(*command, raw=raw, warehouse=on_server, DX_WAREHOUSE_URL=url, DX_REVIEWS_FILE=str(reviews))
        assert done.returncode == 2, (command, done.stderr)
        assert done.stdout == ""
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
        assert f"cannot reach the warehouse server at 127.0.0.1:{port}" in lines[0]
        assert PASSWORD not in done.stderr
    assert not reviews.exists(), "no review is recorded while the warehouse cannot be asked about the flag"


def test_a_database_with_nothing_published_says_so(served, pg_database):
    server, name = pg_database
    raw, _, on_server, _ = served
    for command in ("status", "report"):
        done = run_dxw(command, raw=raw, warehouse=on_server, DX_WAREHOUSE_URL=server.url(name, name))
        assert done.returncode == 2
        assert done.stderr.strip() == (
            f"no published warehouse at {server.url(name, name)} (schema published): no publish_log there; "
            "run `dxw refresh` first"
        )


def test_the_run_summary_counts_flags_on_the_server_and_none_for_a_build_schema_gone(served, monkeypatch):
    _, on_duckdb, on_server, url = served
    monkeypatch.setenv("DX_WAREHOUSE_DIR", str(on_duckdb))
    on_file = _flagged_counts(True, "run-1")
    monkeypatch.setenv("DX_WAREHOUSE_DIR", str(on_server))
    monkeypatch.setenv("DX_WAREHOUSE_URL", url)
    assert _flagged_counts(True, "run-1") == on_file and on_file["flagged"] > 0
    assert _flagged_counts(False, "a-run-whose-build-schema-is-gone") is None
