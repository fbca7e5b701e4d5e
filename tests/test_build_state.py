"""What a refresh's dbt build may keep (warehouse/build_state.py): exactly the nodes that descend from
neither the ingestion tables nor the reviews, in an order Dagster accepts, and only while the build
database records that its tables were built from this refresh's registry, dbt project and code."""

from __future__ import annotations

import json

import duckdb
import pytest

from dagster_project.warehouse import build_state, fingerprint
from dagster_project.warehouse.dbt import dbt_project, prepare_manifest

INPUTS = {"registry": "r1", "reviews": "v1", "dbt": "d1", "suites": "s1", "code": "c1"}


@pytest.fixture(scope="module")
def manifest():
    prepare_manifest()
    return json.loads(dbt_project.manifest_path.read_text(encoding="utf-8"))


def _ancestors(uid: str, parents: dict[str, list[str]]) -> set[str]:
    seen, stack = set(), [uid]
    while stack:
        for parent in parents.get(stack.pop(), ()):
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return seen


def test_the_kept_nodes_are_exactly_those_no_ingestion_table_or_review_feeds(manifest):
    kept = build_state.unaffected_nodes(dbt_project.manifest_path)
    assert kept, "the project has nodes that depend on neither the raw files nor the reviews"
    per_refresh = {uid for uid, source in manifest["sources"].items() if source["source_name"] in ("ingest", "reviews")}
    built = [n for n in manifest["nodes"].values() if n["resource_type"] in ("model", "seed", "snapshot", "test")]
    expected = {n["unique_id"] for n in built if not _ancestors(n["unique_id"], manifest["parent_map"]) & per_refresh}
    assert {n["unique_id"] for n in kept} == expected
    # the models the refresh must always rebuild are not among them, and the registry's are
    kept_names = {n["name"] for n in kept}
    assert {"fct_indicator_values", "int_values__current", "dq_reviews_accepted"}.isdisjoint(kept_names)
    assert {"ref_agencies", "dim_agency", "ref_periods"} <= kept_names


def test_the_kept_nodes_come_parents_first(manifest):
    """Dagster refuses a multi-asset that yields an asset before one it depends on."""
    kept = build_state.unaffected_nodes(dbt_project.manifest_path)
    position = {n["unique_id"]: i for i, n in enumerate(kept)}
    for node in kept:
        for parent in manifest["parent_map"][node["unique_id"]]:
            if parent in position:
                assert position[parent] < position[node["unique_id"]], (parent, node["unique_id"])


def test_a_name_that_would_select_a_rebuilt_node_too_keeps_nothing(tmp_path):
    def node(uid, name, fqn):
        return {"unique_id": uid, "name": name, "resource_type": "model", "fqn": fqn}

    manifest = {
        "metadata": {"project_name": "p"},
        "sources": {"source.p.ingest.t": {"source_name": "ingest"}},
        # a kept model `x`, and a rebuilt model in package folder whose fqn also ends in `x`
        "nodes": {
            "model.p.x": node("model.p.x", "x", ["p", "x"]),
            "model.p.y": node("model.p.y", "y", ["p", "a", "x"]),
        },
        "child_map": {"source.p.ingest.t": ["model.p.y"], "model.p.x": [], "model.p.y": []},
        "parent_map": {"model.p.x": [], "model.p.y": ["source.p.ingest.t"]},
    }
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(manifest), encoding="utf-8")
    assert build_state.unaffected_nodes(path) is None
    manifest["nodes"]["model.p.y"]["fqn"] = ["p", "a", "y"]
    path.write_text(json.dumps(manifest), encoding="utf-8")
    assert [n["name"] for n in build_state.unaffected_nodes(path)] == ["x"]


def test_what_the_tables_were_built_from_is_forgotten_before_a_build():
    con = duckdb.connect()
    assert build_state.forget(con) is None  # a first build: nothing recorded
    build_state.remember(con, INPUTS)
    built_from = build_state.forget(con)
    assert built_from == {"registry": "r1", "dbt": "d1", "code": "c1"}
    # forgotten: a build killed or failed after this point leaves nothing, and the next rebuilds everything
    assert build_state.forget(con) is None


@pytest.mark.parametrize(
    ("changed", "may_keep"),
    [
        ({}, True),
        ({"reviews": "v2"}, True),  # the reviews' descendants are rebuilt anyway
        ({"suites": "s2"}, True),  # GX reads the suites, dbt does not
        ({"registry": "r2"}, False),
        ({"dbt": "d2"}, False),
        ({"code": "c2"}, False),
    ],
)
def test_only_a_change_of_registry_dbt_project_or_code_rebuilds_everything(changed, may_keep):
    built_from = build_state.structural(INPUTS)
    assert build_state.can_keep_unaffected(built_from, {**INPUTS, **changed}) is may_keep
    assert not build_state.can_keep_unaffected(None, INPUTS)
    assert not build_state.can_keep_unaffected(built_from, None)


def test_the_refresh_records_its_inputs_and_whether_it_was_forced():
    con = duckdb.connect()
    assert fingerprint.recorded_inputs(con) == (None, False)
    fingerprint.record(con, "f1", INPUTS, forced=True)
    assert fingerprint.recorded_inputs(con) == (INPUTS, True)
    assert fingerprint.recorded(con) == "f1"
    con.execute("create or replace table refresh_inputs as select 'f0'::varchar as input_fingerprint")  # older build
    assert fingerprint.recorded_inputs(con) == (None, False)
