"""What a refresh's dbt build must rebuild: on the embedded DuckDB, the build database keeps every table of
the last build, and most of them do not depend on the files that arrived since.

dbt reads five kinds of input: the ingestion tables (the raw tree), the reviewers' decisions, the agency
registry, the dbt project itself (models, macros, seeds, tests) and the code that runs it (dbt-core and
the engine's versions, with the rest of `fingerprint.code_version`). The first two change with every
refresh; the other three, which `STRUCTURAL_INPUTS` names, rarely. When the structural inputs are those
the build database's tables were last built from, a node that descends from neither the `ingest` nor the
`reviews` source (the seeds, the registry's models, the dimensions, the plan's targets, and their dbt
tests) would be rebuilt into the same table: the refresh leaves it as it is and builds only the rest.

The build database records what its tables were built from (`dbt_built_inputs`) only after a dbt build of
the whole graph succeeded, and forgets it before any dbt build starts. A build that failed, was killed,
or rebuilt only a subset therefore leaves nothing recorded, and the next refresh rebuilds everything; so
does `dxw refresh --force`, a first build, and every build on PostgreSQL (each run builds a schema of its
own there).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import duckdb

# The inputs other than the ingestion tables and the reviews that decide what dbt builds (the names of
# `fingerprint.other_inputs`): when any differs from what the kept tables were built from, all is rebuilt.
STRUCTURAL_INPUTS = ("registry", "dbt", "code")
# The dbt sources that change with every refresh; every node descending from them is always rebuilt.
PER_REFRESH_SOURCES = ("ingest", "reviews")
# Node types a `dbt build` runs (unit tests are excluded from the refresh: assets_dbt.py).
BUILT_RESOURCE_TYPES = ("model", "seed", "snapshot", "test")

# The metadata key marking the Dagster materialisation of a node kept rather than rebuilt.
CARRIED_OVER = "dx/carried_over"


def structural(inputs: dict[str, str]) -> dict[str, str]:
    return {name: inputs[name] for name in STRUCTURAL_INPUTS}


def forget(con: duckdb.DuckDBPyConnection) -> dict[str, str] | None:
    """What the build database's tables were last built from, read and then forgotten: a dbt build is
    about to change them. None when nothing is recorded."""
    try:
        row = con.execute("select inputs from dbt_built_inputs").fetchone()
    except duckdb.CatalogException:
        return None
    con.execute("drop table dbt_built_inputs")
    return json.loads(row[0]) if row else None


def remember(con: duckdb.DuckDBPyConnection, inputs: dict[str, str]) -> None:
    """Record that every table of the dbt graph now stands as built from `inputs` (after a whole-graph build)."""
    con.execute(
        "create or replace table dbt_built_inputs as select ?::varchar as inputs",
        [json.dumps(structural(inputs), sort_keys=True)],
    )


def can_keep_unaffected(built_from: dict[str, str] | None, inputs: dict[str, str] | None) -> bool:
    """True when the kept tables were built from the structural inputs this refresh has."""
    return built_from is not None and inputs is not None and built_from == structural(inputs)


@functools.cache
def _unaffected_nodes(manifest_path: Path, mtime_ns: int) -> tuple[dict, ...] | None:
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    children = manifest["child_map"]
    reached: set[str] = set()
    stack = [uid for uid, source in manifest["sources"].items() if source["source_name"] in PER_REFRESH_SOURCES]
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in reached:
                reached.add(child)
                stack.append(child)
    built = [node for node in manifest["nodes"].values() if node["resource_type"] in BUILT_RESOURCE_TYPES]
    kept = _topological([node for node in built if node["unique_id"] not in reached], manifest["parent_map"])
    names = [node["name"] for node in kept]
    rebuilt = {node["fqn"][-1] for node in built if node["unique_id"] in reached}
    # dbt selects by a bare name every node whose fqn ends with it, or starts with it (the project's name)
    if len(set(names)) != len(names) or rebuilt & set(names) or manifest["metadata"]["project_name"] in names:
        return None
    return tuple(kept)


def _topological(nodes: list[dict], parents: dict[str, list[str]]) -> list[dict]:
    """`nodes` with each after its parents among them (by name where the order is free)."""
    pending = {node["unique_id"]: node for node in nodes}
    ordered: list[dict] = []
    while pending:
        ready = sorted(
            (node for uid, node in pending.items() if not any(p in pending for p in parents.get(uid, ()))),
            key=lambda node: node["name"],
        )
        if not ready:
            raise ValueError(f"the dbt manifest's graph has a cycle among {sorted(pending)}")
        ordered += ready
        for node in ready:
            del pending[node["unique_id"]]
    return ordered


def unaffected_nodes(manifest_path: Path) -> tuple[dict, ...] | None:
    """The manifest's entries of the dbt nodes a refresh builds that descend from no per-refresh source, each
    of whose names selects exactly its own node in `dbt build --exclude`; None when some name would select
    more (a name shared with a rebuilt node, or the project's): the refresh then rebuilds everything. In
    topological order; and no kept node depends on a rebuilt one (a rebuilt node's descendants are rebuilt)."""
    return _unaffected_nodes(manifest_path, manifest_path.stat().st_mtime_ns)
