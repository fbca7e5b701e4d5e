"""The analysts' scorecard notebook runs headless against a published warehouse and draws its charts;
the copy in git carries no outputs."""

from __future__ import annotations

import nbformat
from nbclient import NotebookClient

from dagster_project import settings

NOTEBOOK = settings.PROJECT_ROOT / "notebooks" / "scorecard.ipynb"


def test_the_scorecard_notebook_is_stored_without_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)


def test_the_scorecard_notebook_runs_headless_on_the_published_warehouse(published_sample, monkeypatch):
    _raw, _, warehouse, first = published_sample
    assert first.returncode == 0
    monkeypatch.setenv("DX_WAREHOUSE_DIR", str(warehouse))
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(
        notebook, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}
    ).execute()

    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert str(warehouse / "dx.duckdb") in "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    charts = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(charts) == 4, "progress, units behind, budget and open flags"
    tables = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    for expected in ("DG-KT", "on_track_2030", "floor_text", "rule_code"):
        assert expected in tables
    assert "e+0" not in tables and "e-0" not in tables, "figures are written the Vietnamese way, not 1.020831e+02"
