"""`make docs` gives a documentation site a browser really shows when opened from disk: the static page
carries the manifest and the catalog inside, so Chromium on `file://` renders every mart with its
columns, their types from the warehouse and their descriptions."""

from __future__ import annotations

import json
import shutil
import subprocess

from dagster_project import settings
from tests.clients import chromium_page


def test_make_docs_writes_a_page_that_chromium_renders_from_disk_with_every_mart(published_sample, tmp_path):
    _, _, warehouse, first = published_sample
    assert first.returncode == 0, first.stderr[-2000:]
    build = tmp_path / "warehouse"  # dbt opens the build database for the catalog: give it a copy
    build.mkdir()
    shutil.copyfile(warehouse / "build.duckdb", build / "build.duckdb")
    docs = tmp_path / "docs"
    proc = subprocess.run(
        ["make", "--no-print-directory", "docs", f"DOCS_DIR={docs}", f"DX_WAREHOUSE_DIR={build}"],
        cwd=settings.PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    page_file = docs / "static_index.html"
    assert f"file://{page_file}" in proc.stdout, "make docs names the page to open"

    manifest = json.loads((docs / "manifest.json").read_text(encoding="utf-8"))
    catalog = json.loads((docs / "catalog.json").read_text(encoding="utf-8"))
    marts = [n for n in manifest["nodes"].values() if n["resource_type"] == "model" and n["fqn"][1] == "marts"]
    assert marts
    with chromium_page() as page:
        for node in sorted(marts, key=lambda n: n["name"]):
            page.goto(f"file://{page_file}#!/model/{node['unique_id']}")
            page.locator("h1").filter(has_text=node["name"]).wait_for(timeout=60_000)
            shown = _column_rows(page.locator("tr").all_inner_texts())
            expected = {
                name: (column["type"], _words(node["columns"].get(name, {}).get("description", "")))
                for name, column in catalog["nodes"][node["unique_id"]]["columns"].items()
            }
            assert shown == expected, f"{node['name']}: the page does not show its columns, types and descriptions"


def _words(text: str) -> str:
    return " ".join(text.split())


def _column_rows(rows: list[str]) -> dict[str, tuple[str, str]]:
    """The model page's column table: name -> (type, description) as rendered."""
    shown = {}
    for row in rows:
        cells = [c.strip() for c in row.split("\t")]
        if len(cells) >= 3 and cells[0] and cells[0] != "COLUMN" and "\n" not in cells[0]:
            shown[cells[0]] = (cells[1], _words(cells[2]))
    return shown
