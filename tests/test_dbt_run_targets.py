"""Per-run dbt target folders do not pile up: the oldest go, the newest and the young stay."""

from __future__ import annotations

import os
import time

from dagster_project.orchestration.assets_dbt import prune_run_targets


def test_old_run_folders_beyond_the_newest_are_removed_and_young_ones_kept(tmp_path):
    now = time.time()
    ages_h = {"dbt_models-aaa": 100, "dbt_models-bbb": 80, "dbt_models-ccc": 50, "dbt_models-ddd": 2}
    for name, hours in ages_h.items():
        folder = tmp_path / name
        folder.mkdir()
        (folder / "manifest.json").write_text("{}")
        os.utime(folder, (now - hours * 3600, now - hours * 3600))
    (tmp_path / "manifest.json").write_text("{}")  # the prepared manifest is never touched

    removed = prune_run_targets(tmp_path, keep=1, min_age_s=24 * 3600)
    assert sorted(p.name for p in removed) == ["dbt_models-aaa", "dbt_models-bbb", "dbt_models-ccc"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dbt_models-ddd", "manifest.json"]

    # young folders stay even beyond `keep` (a run still going owns one)
    for name in ("dbt_models-eee", "dbt_models-fff"):
        (tmp_path / name).mkdir()
    assert prune_run_targets(tmp_path, keep=1, min_age_s=24 * 3600) == []
