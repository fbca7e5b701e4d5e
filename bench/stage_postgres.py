"""The Postgres stage: the same `dbt build` on DuckDB and on a PostgreSQL server, in one run, on the same
ingested world — the selection the refresh runs (`--exclude-resource-type unit_test`: models, seeds and
data tests). The server is a throwaway cluster on 127.0.0.1 (tests/pg_server.py, the Postgres test lane's);
the ingestion tables, reviews and registry are COPYed into a fresh database (warehouse/pg_load.py), as the
refresh loads them. Postgres's build time over DuckDB's is `postgres_over_duckdb`; each engine's slowest
nodes come from its run_results.json, so a goal not met shows where the time went.

    .venv/bin/python bench/stage_postgres.py                   # nation-sized: 3,300 communes, 3 years
    .venv/bin/python bench/stage_postgres.py --communes 240
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import stage_world
from common import ROOT, log, world_arguments
from transform_bench import run_dbt

if str(ROOT) not in sys.path:  # tests/pg_server.py: the throwaway cluster the Postgres lane of the tests uses
    sys.path.insert(0, str(ROOT))

from dagster_project.ingest.run import ingest_raw_tree
from dagster_project.quality.reviews import load_reviews
from dagster_project.warehouse import pg
from dagster_project.warehouse.pg_load import copy_registry, copy_sources
from tests.pg_server import throwaway_server

SELECTION = ("--exclude-resource-type", "unit_test")  # what the refresh's dbt_models asset builds
DATABASE = "dx_bench"
SCHEMA = pg.build_schema("bench")
TOP_NODES = 12


def run(registry: Path, ingested: Path, work: Path) -> dict:
    """dbt build on a copy of the `ingested` DuckDB build database, then on a Postgres database the same
    tables were COPYed into; each timed from the dbt command's start to its exit, the manifest already
    parsed for its target (as the refresh prepares it)."""
    folder = work / "postgres_stage"
    folder.mkdir()
    duck_dir = folder / "duckdb"
    duck_dir.mkdir()
    shutil.copyfile(ingested, duck_dir / "build.duckdb")
    duck_target = folder / "target-duckdb"
    log("postgres: dbt build on DuckDB (the refresh's selection)")
    run_dbt(registry, duck_dir, duck_target, "parse")
    duck_s = run_dbt(registry, duck_dir, duck_target, "build", *SELECTION)
    duck_nodes = node_seconds(duck_target)

    with throwaway_server() as server:
        server.psql(f"create role {DATABASE} login")
        server.psql(f"create database {DATABASE} owner {DATABASE}")
        url = server.url(DATABASE, DATABASE)
        log("postgres: COPY the ingestion tables, reviews and registry into a throwaway server")
        started = time.perf_counter()
        with duckdb.connect(str(ingested), read_only=True) as duck, pg.connect(url) as con:
            loaded = copy_sources(duck, con, schema=SCHEMA)
            copy_registry(registry, con, schema=SCHEMA)
        con.close()
        load_s = time.perf_counter() - started
        pg_target = folder / "target-postgres"
        env = pg.dbt_env(url, SCHEMA)
        log("postgres: dbt build on PostgreSQL (the refresh's selection)")
        run_dbt(registry, duck_dir, pg_target, "parse", "--target", "postgres", env=env)
        pg_s = run_dbt(registry, duck_dir, pg_target, "build", "--target", "postgres", *SELECTION, env=env)
        server_version = server.psql("show server_version")
    pg_nodes = node_seconds(pg_target)
    shutil.rmtree(folder)
    return {
        "selection": " ".join(SELECTION),
        "server": f"PostgreSQL {server_version}, throwaway cluster on 127.0.0.1 (tests/pg_server.py)",
        "copy_rows": loaded,
        "copy_seconds": load_s,
        "duckdb_build_seconds": duck_s,
        "postgres_build_seconds": pg_s,
        "postgres_over_duckdb": pg_s / duck_s,
        "nodes": len(pg_nodes),
        "duckdb_nodes_seconds": sum(duck_nodes.values()),
        "postgres_nodes_seconds": sum(pg_nodes.values()),
        "postgres_top_nodes_seconds": _top(pg_nodes),
        "duckdb_seconds_of_postgres_top_nodes": {k: duck_nodes.get(k) for k in _top(pg_nodes)},
    }


def node_seconds(target: Path) -> dict[str, float]:
    """Each node's execution time from run_results.json, by its name (tests keep dbt's long names)."""
    results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))["results"]
    return {r["unique_id"].split(".", 2)[-1]: r["execution_time"] for r in results}


def _top(nodes: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 3) for k, v in sorted(nodes.items(), key=lambda kv: -kv[1])[:TOP_NODES]}


def main() -> None:
    parser = world_arguments(__doc__)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        world = stage_world.world_facts(args.communes, args.offices, args.years, args.workers, work)
        ingested = work / "ingested.duckdb"
        log("ingesting the world")
        with duckdb.connect(str(ingested)) as con:
            ingest_raw_tree(con, world["raw"], world["registry"], workers=args.workers)
            load_reviews(con, work / "no-reviews.csv")
        print(json.dumps(run(world["registry"], ingested, work), indent=2))


if __name__ == "__main__":
    main()
