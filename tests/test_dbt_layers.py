"""The dbt project keeps its layers and gives each rule one home (dbt/README.md, "Layers").

Read from the model files themselves, so the promise is checked without a warehouse or a dbt parse:
a model reads only its own layer or earlier ones, the marts only select and join, and each rule that
used to be written in several models is written in exactly one file.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
import yaml

from dagster_project import settings

MODELS = settings.DBT_PROJECT_DIR / "models"
MACROS = settings.DBT_PROJECT_DIR / "macros"
SEEDS = settings.DBT_PROJECT_DIR / "seeds"
# The order the build runs the layers in; a model reads its own layer or an earlier one only.
LAYERS = ("reference", "staging", "intermediate", "quality", "screened", "marts")
PUBLIC_MART_PREFIXES = ("dim_", "fct_", "mart_")


def _sql_without_comments(path: Path) -> str:
    text = re.sub(r"\{#.*?#\}", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)
    return "\n".join(line.split("--", 1)[0] for line in text.splitlines())


def _models() -> dict[str, tuple[str, Path]]:
    """model name -> (layer folder, file)."""
    return {p.stem: (p.relative_to(MODELS).parts[0], p) for p in MODELS.rglob("*.sql")}


def _refs(path: Path) -> set[str]:
    return set(re.findall(r"ref\(\s*'([^']+)'\s*\)", _sql_without_comments(path)))


def _files_containing(pattern: str, *, flags: int = re.IGNORECASE) -> set[str]:
    """Relative paths of the model and macro SQL files whose code (comments left out) matches."""
    files = [*MODELS.rglob("*.sql"), *MACROS.rglob("*.sql")]
    return {
        str(p.relative_to(MODELS.parent)) for p in files if re.search(pattern, _sql_without_comments(p), flags=flags)
    }


def test_every_model_sits_in_a_known_layer():
    assert {layer for layer, _ in _models().values()} <= set(LAYERS)


def test_a_model_reads_only_its_own_layer_or_an_earlier_one():
    models = _models()
    seeds = {p.stem for p in SEEDS.glob("*.csv")}
    backwards = []
    for name, (layer, path) in models.items():
        for parent in _refs(path):
            if parent in seeds:
                continue
            parent_layer = models[parent][0]
            if LAYERS.index(parent_layer) > LAYERS.index(layer):
                backwards.append(f"{name} ({layer}) reads {parent} ({parent_layer})")
    assert not backwards, backwards


def test_no_intermediate_model_reads_the_quality_layer_and_no_mart_reads_staging():
    models = _models()
    for name, (layer, path) in models.items():
        parents = {models[p][0] for p in _refs(path) if p in models}
        if layer == "intermediate":
            assert not parents & {"quality", "screened", "marts"}, name
        if layer == "marts":
            assert "staging" not in parents, name


# what a rule looks like in SQL: a decision, an aggregate, a computed column, a date function
RULE_CONSTRUCTS = (
    r"\bcase\b",
    r"\bgroup\s+by\b",
    r"\blike\b",
    r"\b(sum|count|min|max|avg|coalesce|nullif|least|greatest|power)\s*\(",
    r"\bdbt\.",
    r"[\w)]\s*[-+*/]\s*[\w(]",
)


@pytest.mark.parametrize("construct", RULE_CONSTRUCTS)
def test_the_marts_only_select_and_join(construct):
    marts = [p for layer, p in _models().values() if layer == "marts"]
    assert marts
    # `select *` of a model's import CTE is not arithmetic
    code = {p.name: re.sub(r"select\s+\*", "select", _sql_without_comments(p), flags=re.IGNORECASE) for p in marts}
    holding = [name for name, sql in code.items() if re.search(construct, sql, flags=re.IGNORECASE)]
    assert not holding, f"{construct} in {holding}: a rule belongs in an intermediate model or a macro"


def test_each_rule_has_one_home():
    # the comparator (> / >=) of targets and floors
    assert _files_containing(r"=\s*'>='") == {"macros/comparator_holds.sql"}
    # the indicator × level bridge reads `applies_to`; every other model joins the bridge
    assert _files_containing(r"\bapplies_to\b") - {"models/marts/dim_indicator.sql"} == {
        "models/intermediate/int_indicator_levels.sql"
    }
    # the as-of date
    assert _files_containing(r"\bas\s+as_of_date\b") == {"models/intermediate/int_as_of_date.sql"}
    # on_time / late / missing
    assert _files_containing(r"'on_time'") == {"models/intermediate/int_submission_status.sql"}
    # the floor verdict, withheld scopes and clerk totals
    assert _files_containing(r"\bmeets_floor\b") == {
        "models/screened/int_budget_judgement.sql",
        "models/marts/fct_budget_share.sql",
    }
    assert _files_containing(r"budget_floors") == {"models/screened/int_budget_judgement.sql"}
    # the budget item -> basis / measure mapping
    assert _files_containing(r"'(REG|DX)_(EST|ACT)'", flags=0) == {"models/intermediate/int_budget_items.sql"}


def test_the_area_and_its_scopes_come_from_the_registry_never_from_a_name_in_code():
    with (settings.DEFAULT_REGISTRY_DIR / "ref_agencies.csv").open(encoding="utf-8") as f:
        areas = [row["agency_code"] for row in csv.DictReader(f) if row["agency_type"] == "area"]
    assert areas
    for code in areas:
        assert not _files_containing(re.escape(code), flags=0), f"{code} is named in dbt code"


def test_the_public_marts_enforce_a_contract_with_a_type_on_every_column():
    public = {
        name: path
        for name, (layer, path) in _models().items()
        if layer == "marts" and name.startswith(PUBLIC_MART_PREFIXES)
    }
    assert {"dim_agency", "fct_indicator_values", "mart_scorecard"} <= set(public)
    for name, path in public.items():
        spec = yaml.safe_load(path.with_suffix(".yml").read_text(encoding="utf-8"))
        (model,) = [m for m in spec["models"] if m["name"] == name]
        assert model.get("config", {}).get("contract", {}).get("enforced") is True, name
        assert model["columns"], name
        untyped = [c["name"] for c in model["columns"] if not c.get("data_type")]
        assert not untyped, f"{name}: no data_type for {untyped}"
