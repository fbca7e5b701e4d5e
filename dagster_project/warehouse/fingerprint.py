"""Nothing new, nothing done: the fingerprint of everything a publish depends on.

A refresh rebuilds the published warehouse from its inputs: the raw tree (as ingestion records it),
the agency registry, the reviewers' decisions, the dbt project (models, macros, seeds, tests,
dbt_project.yml, profiles.yml), the Great Expectations suites, and the code (the parsers' version,
the package's own source and the versions of the libraries that compute figures). Each publish
stores the digest of those inputs in `publish_log.input_fingerprint` (on a PostgreSQL warehouse,
`dx_ops.publish_log` on the server); a refresh whose inputs give the digest of the last publish has
nothing to build, and stops after ingestion saying so.

The raw tree enters through the ingestion record (path, content hash and arrival date of every
file), so a file re-sent with the same bytes, touched, or quarantined again is no change. Its
modification time is not an input: `ingest_files.mtime_ns` in the published file stays as of the
last publish until something else changes.

The non-raw inputs are digested before ingestion reads the registry and before the reviews are
loaded, so an input edited while a refresh runs can only cause one rebuild too many, never a
skipped one. This module imports neither Dagster nor dbt: `dxw refresh` answers "already up to
date" without loading them when ingestion has nothing to read (`check_without_ingesting`).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.metadata
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

from dagster_project import settings

# Everything in the dbt project that shapes what it builds (the manifest's staleness test in
# transform.py watches the same list).
DBT_PROJECT_SOURCES = ("models", "seeds", "macros", "tests", "dbt_project.yml", "profiles.yml")
# Libraries whose behaviour decides published values: the parsers' reader, the engines, GX.
FIGURE_LIBRARIES = (
    "duckdb",
    "dbt-core",
    "dbt-duckdb",
    "dbt-postgres",
    "great-expectations",
    "pandas",
    "numpy",
    "python-calamine",
    "msoffcrypto-tool",
)
# Bump when what goes into the fingerprint changes, so no old digest can match a new one.
FINGERPRINT_VERSION = 1
PACKAGE_DIR = Path(__file__).resolve().parent.parent  # the whole dagster_project package


@dataclass(frozen=True)
class Decision:
    """What a refresh found: its inputs' fingerprint, the last publish's, and whether to build."""

    fingerprint: str
    published: str | None
    forced: bool = False

    @property
    def up_to_date(self) -> bool:
        return not self.forced and self.fingerprint == self.published


def _digest_files(digest, root: Path, paths) -> None:
    for path in sorted(paths):
        digest.update(f"{path.relative_to(root).as_posix()}\0".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())


def _files_under(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return [p for p in path.rglob("*") if p.is_file()] if path.is_dir() else []


def _tree_digest(root: Path, names: tuple[str, ...] | None = None) -> str:
    """Digest of every file under `root` (or under `root/name` for each name), by relative path and bytes."""
    digest = hashlib.sha256()
    files = [f for name in names for f in _files_under(root / name)] if names else _files_under(root)
    _digest_files(digest, root, files)
    return digest.hexdigest()


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "absent"


@functools.cache
def code_version() -> str:
    """The code that runs: this package's source (ingest/run.py's `PARSER_VERSION` with it, so a
    parser bump is a change), the Python and figure libraries' versions. Read once per process,
    without importing the parsers (no git, no pandas: the quick answer of `dxw refresh` stays quick)."""
    digest = hashlib.sha256(f"python {sys.version_info[:3]}\0".encode())
    for name in FIGURE_LIBRARIES:
        try:
            version = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            version = "absent"
        digest.update(f"{name}=={version}\0".encode())
    _digest_files(digest, PACKAGE_DIR, [p for p in PACKAGE_DIR.rglob("*.py") if "__pycache__" not in p.parts])
    return digest.hexdigest()


def other_inputs() -> dict[str, str]:
    """Digest per input other than the raw tree, read now (before ingestion and the reviews load)."""
    return {
        "registry": _tree_digest(settings.registry_dir()),
        "reviews": _file_digest(settings.reviews_path()),
        "dbt": _tree_digest(settings.DBT_PROJECT_DIR, DBT_PROJECT_SOURCES),
        "suites": _tree_digest(settings.expectations_dir()),
        "code": code_version(),
    }


def raw_digest(con: duckdb.DuckDBPyConnection) -> str:
    """The raw tree as ingestion recorded it: every file's path, content hash and arrival date."""
    return con.execute(
        "select md5(coalesce(string_agg(path || ':' || coalesce(content_hash, '-') || ':' || arrival_date, '|' "
        "order by path), '')) from ingest_files"
    ).fetchone()[0]


def fingerprint(con: duckdb.DuckDBPyConnection, others: dict[str, str]) -> str:
    """The one digest of every input, from the ingestion tables on `con` and the digests `others`."""
    digest = hashlib.sha256(f"dx-inputs {FINGERPRINT_VERSION}\0raw {raw_digest(con)}\0".encode())
    for name in sorted(others):
        digest.update(f"{name} {others[name]}\0".encode())
    return digest.hexdigest()


def published_fingerprint(path: Path | None = None) -> str | None:
    """`input_fingerprint` of the newest publish: in the published file, or on the server when `DX_WAREHOUSE_URL`
    names one (and no `path` is given); None when there is none, or the server cannot be reached (the refresh
    then builds, and its dbt step says why it cannot)."""
    if path is None and settings.uses_postgres():
        return _server_fingerprint()
    path = path or settings.published_db_path()
    if not path.exists():
        return None
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            row = con.execute("select input_fingerprint from publish_log order by published_at desc limit 1").fetchone()
    except duckdb.Error:  # no publish_log, or one written before fingerprints were recorded
        return None
    return row[0] if row else None


def _server_fingerprint() -> str | None:
    import psycopg2  # imported here: the quick answer on DuckDB loads no Postgres driver

    from dagster_project.warehouse import pg, pg_publish

    try:
        with contextlib.closing(pg.connect()) as server:
            return pg_publish.last_input_fingerprint(server)
    except psycopg2.Error:
        return None


def decide(con: duckdb.DuckDBPyConnection, others: dict[str, str], *, force: bool = False) -> Decision:
    """Compare this build's inputs with the last publish's; a decision to build is recorded in the
    build database, where the publish finds it."""
    decision = Decision(fingerprint(con, others), published_fingerprint(), forced=force)
    if not decision.up_to_date:
        record(con, decision.fingerprint, others, forced=force)
    return decision


def record(
    con: duckdb.DuckDBPyConnection, value: str, others: dict[str, str] | None = None, *, forced: bool = False
) -> None:
    """Keep the fingerprint of the inputs this build is made from in the build database
    (`refresh_inputs`), where the publish takes it from into publish_log; with the digests `others` of
    its non-raw inputs and whether the refresh was forced, from which the dbt step decides what it may
    keep (build_state.py)."""
    con.execute(
        "create or replace table refresh_inputs as "
        "select ?::varchar as input_fingerprint, ?::varchar as inputs, ?::boolean as forced",
        [value, json.dumps(others, sort_keys=True) if others is not None else None, forced],
    )


def recorded(con: duckdb.DuckDBPyConnection) -> str | None:
    """The fingerprint recorded by this build's refresh, or None for a build made without one."""
    try:
        row = con.execute("select input_fingerprint from refresh_inputs").fetchone()
    except duckdb.CatalogException:
        return None
    return row[0] if row else None


def recorded_inputs(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, str] | None, bool]:
    """The digests of the non-raw inputs recorded by this build's refresh (None when it recorded none: a
    build database written before they were recorded), and whether the refresh was forced."""
    try:
        row = con.execute("select inputs, forced from refresh_inputs").fetchone()
    except (duckdb.BinderException, duckdb.CatalogException):
        return None, False
    if not row:
        return None, False
    return (json.loads(row[0]) if row[0] else None), bool(row[1])


def _ingestion_has_nothing_to_read(con: duckdb.DuckDBPyConnection) -> bool:
    """True when an ingestion pass would read no file: every file of the raw tree is recorded with
    its current size and modification time (ingestion's own test for a file it need not read) and
    no recorded file is gone. (Parsers changed since the last publish change `code_version`, so
    the fingerprint differs and the job ingests again.)"""
    from dagster_project.ingest.scan import scan_raw_tree

    recorded_stats = set(con.execute("select path, size_bytes, mtime_ns from ingest_files").fetchall())
    scanned = {(f.path, f.size_bytes, f.mtime_ns) for f in scan_raw_tree(settings.raw_dir())}
    return scanned == recorded_stats


def check_without_ingesting() -> Decision | None:
    """The decision of a refresh, taken without Dagster when ingestion has nothing to read; None
    when it has (or the build database cannot be read), and the refresh job must ingest first."""
    build = settings.build_db_path()
    if not build.exists():
        return None
    others = other_inputs()
    try:
        with duckdb.connect(str(build), read_only=True) as con:
            if not _ingestion_has_nothing_to_read(con):
                return None
            return Decision(fingerprint(con, others), published_fingerprint())
    except duckdb.Error:
        return None
