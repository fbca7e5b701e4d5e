"""Scanning the raw tree: arrival dates come from the landing folder, every file is a candidate
except the tree's own README, and links leading outside the tree are never read."""

import datetime as dt
import os

import duckdb

from dagster_project import settings
from dagster_project.ingest.run import ingest_raw_tree
from dagster_project.ingest.scan import scan_raw_tree


def test_arrival_date_is_the_landing_folder_and_only_the_root_readme_is_skipped(tmp_path):
    (tmp_path / "2024-10-05").mkdir()
    (tmp_path / "2024-10-05" / "README.md").write_text("an agency really sent this")
    (tmp_path / "README.md").write_text("the landing zone's own documentation")
    (tmp_path / "loose.csv").write_text("x")
    found = {f.path: f for f in scan_raw_tree(tmp_path)}
    assert set(found) == {"2024-10-05/README.md", "loose.csv"}
    assert found["2024-10-05/README.md"].arrival_date == dt.date(2024, 10, 5)


def test_a_link_leading_outside_the_raw_tree_is_quarantined_and_never_read(tmp_path):
    raw = tmp_path / "raw"
    (raw / "2024-10-05").mkdir(parents=True)
    secret = tmp_path / "secret.csv"
    secret.write_text("Mã đơn vị;Tên đơn vị\n")
    os.symlink(secret, raw / "2024-10-05" / "link.csv")
    with duckdb.connect(str(tmp_path / "b.duckdb")) as con:
        ingest_raw_tree(con, raw, settings.DEFAULT_REGISTRY_DIR)
        state, reason = con.execute("select state, reason_code from ingest_files").fetchone()
        reject = con.execute("select reason_code, message_en from ingest_rejects").fetchone()
    assert (state, reason) == ("quarantined", "outside_raw_tree")
    assert reject[0] == "outside_raw_tree" and "outside the raw tree" in reject[1]
