"""The refresh's dbt CLI resource (orchestration/resources.py) skips what dagster-dbt does before each dbt command
and this project never uses: a `dbt --version` subprocess and a dbt adapter built in the run's process. It
overrides two private methods of the locked dagster-dbt, so these tests pin what the overrides rely on."""

from __future__ import annotations

import functools
import inspect
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from dagster_dbt import DbtCliResource
from dagster_dbt.core import resource as dagster_dbt_resource

from dagster_project import settings
from dagster_project.orchestration.resources import WarehouseDbtCli
from dagster_project.warehouse.dbt import dbt_project, dbt_target


def _resource() -> WarehouseDbtCli:
    return WarehouseDbtCli(project_dir=dbt_project, profiles_dir=str(settings.DBT_PROJECT_DIR), target=dbt_target())


def test_the_overridden_methods_are_the_ones_dagster_dbt_calls():
    # an upgrade that renamed them would leave the overrides dead and the refresh silently slower again
    assert isinstance(DbtCliResource.__dict__.get("_cli_version"), functools.cached_property)
    assert callable(DbtCliResource.__dict__.get("_initialize_dbt_core_adapter"))
    source = inspect.getsource(DbtCliResource.cli)
    assert "self._cli_version" in source and "self._initialize_dbt_core_adapter(" in source


def test_the_version_is_the_one_the_dbt_executable_prints():
    printed = subprocess.run(["dbt", "--version"], capture_output=True, text=True, check=True).stdout
    assert str(_resource()._cli_version) == re.search(r"(\d+\.\d+\.\d+)", printed).group(1)
    assert _resource()._cli_version.major < 2  # dbt Core: the events are parsed as Core's


def test_a_dbt_command_starts_no_version_subprocess_and_builds_no_adapter(monkeypatch):
    def no_subprocess(*args, **kwargs):
        raise AssertionError(f"dagster-dbt started {args[0]!r} before the dbt command")

    monkeypatch.setattr(dagster_dbt_resource, "check_output", no_subprocess)
    invocation = _resource().cli(["--version"], manifest=dbt_project.manifest_path, raise_on_error=True)
    invocation.wait()
    assert invocation.is_successful()
    assert invocation.adapter is None


@pytest.fixture(autouse=True)
def _dbt_on_path(monkeypatch):
    """`dbt` is the environment's own executable, as in a refresh (the venv's bin is on PATH there)."""
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
