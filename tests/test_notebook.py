"""The analysts' scorecard notebook runs headless against a published warehouse and draws its charts, on
the kernel it names, which is this project's .venv (`make notebook` registers it for Jupyter clients);
the copy in git carries no outputs."""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
from nbclient import NotebookClient

from dagster_project import settings

NOTEBOOK = settings.PROJECT_ROOT / "notebooks" / "scorecard.ipynb"


def test_the_scorecard_notebook_is_stored_without_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)


def test_the_notebook_names_a_kernel_that_starts_this_projects_python():
    name = nbformat.read(NOTEBOOK, as_version=4).metadata.kernelspec.name
    try:
        spec = KernelSpecManager().get_kernel_spec(name)
    except NoSuchKernel:
        pytest.fail(f"no Jupyter kernel named {name!r} (the notebook's kernelspec): run `make notebook`")
    # an absolute interpreter inside this .venv: a bare `python` (the generic python3 kernel) would start
    # whichever Python the analyst's Jupyter runs on, without duckdb 2.x or this package
    interpreter = Path(spec.argv[0])
    assert interpreter.is_absolute() and interpreter.parent == Path(sys.prefix) / "bin", spec.argv


def test_the_scorecard_notebook_runs_headless_on_the_published_warehouse(published_sample, monkeypatch):
    _raw, _, warehouse, first = published_sample
    assert first.returncode == 0
    monkeypatch.setenv("DX_WAREHOUSE_DIR", str(warehouse))
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    # no kernel_name: nbclient starts the kernel the notebook's metadata names, as a Jupyter client does
    NotebookClient(notebook, timeout=180, resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()

    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert str(warehouse / "dx.duckdb") in "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    charts = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(charts) == 4, "progress, units behind, budget and open flags"
    tables = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    for expected in ("DG-KT", "on_track_2030", "floor_text", "rule_code"):
        assert expected in tables
    assert "e+0" not in tables and "e-0" not in tables, "figures are written the Vietnamese way, not 1.020831e+02"
