"""Bad input gets a clear error, not a crash, and nothing is lost: the generated corpus of broken
and hostile files, ingested together with the sample world, ends case by case as `make_corpus`
says, while every sample file still loads exactly the manifest's values."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from dagster_project import settings
from dagster_project.ingest.run import ingest_raw_tree
from tests.bad_input.make_corpus import Case, build_corpus


@pytest.fixture(scope="module")
def corpus_world(sample_world, tmp_path_factory) -> tuple[Path, list[Case], dict, Path]:
    raw_sample, manifest = sample_world
    base = tmp_path_factory.mktemp("bad_input")
    raw = base / "raw"
    shutil.copytree(raw_sample, raw)
    cases = build_corpus(raw, base / "outside")
    db = base / "build.duckdb"
    with duckdb.connect(str(db)) as con:
        ingest_raw_tree(con, raw, settings.DEFAULT_REGISTRY_DIR)
    return raw, cases, manifest, db


def test_the_corpus_is_big_and_varied(corpus_world):
    _, cases, _, _ = corpus_world
    assert len(cases) >= 40
    assert len({(c.state, c.reason, tuple(sorted(c.row_rejects))) for c in cases}) >= 18


def test_every_case_ends_in_its_state_with_its_reason_and_row_rejects(corpus_world):
    _, cases, _, db = corpus_world
    wrong = []
    with duckdb.connect(str(db), read_only=True) as con:
        for c in cases:
            row = con.execute(
                "select state, reason_code, duplicate_of, n_values, n_rejects from ingest_files where path = ?",
                [c.path],
            ).fetchone()
            if row is None:
                wrong.append((c.name, "not recorded at all"))
                continue
            state, reason, duplicate_of, _, _ = row
            row_rejects = dict(
                con.execute(
                    "select reason_code, count(*) from ingest_rejects where path = ? and row_number is not null "
                    "group by 1",
                    [c.path],
                ).fetchall()
            )
            got = (state, reason, duplicate_of, row_rejects)
            want = (c.state, c.reason, c.duplicate_of, c.row_rejects)
            if got != want:
                wrong.append((c.name, want, got))
            if c.reason is not None:
                vi, en = con.execute(
                    "select message_vi, message_en from ingest_rejects where path = ? and row_number is null",
                    [c.path],
                ).fetchone()
                if len(vi) < 20 or len(en) < 20:
                    wrong.append((c.name, "no sentence a clerk can act on", vi, en))
    assert not wrong, wrong


def test_no_row_is_dropped_silently(corpus_world):
    """rows read (values + row rejects) = what the case / the manifest says, and the file's counters agree."""
    _, cases, manifest, db = corpus_world
    with duckdb.connect(str(db), read_only=True) as con:
        observed = {
            path: (n_values, n_rejects, vals, row_rej, file_rej)
            for path, n_values, n_rejects, vals, row_rej, file_rej in con.execute(
                """
                select f.path, f.n_values, f.n_rejects,
                       (select count(*) from ingest_values v where v.file_id = f.file_id),
                       (select count(*) from ingest_rejects r where r.file_id = f.file_id and r.row_number is not null),
                       (select count(*) from ingest_rejects r where r.file_id = f.file_id and r.row_number is null)
                from ingest_files f
                """
            ).fetchall()
        }
    expected = {c.path: (c.n_values, sum(c.row_rejects.values()), c.reason is not None) for c in cases}
    for f in manifest["files"]:
        expected[f["path"]] = (len(f["values"]), len(f["rejected_rows"]), f["reason"] is not None)
    assert set(observed) == set(expected), "every file under the tree is recorded, and nothing else"
    wrong = []
    for path, (n_values, n_row_rejects, quarantined) in expected.items():
        got_n_values, got_n_rejects, vals, row_rej, file_rej = observed[path]
        if (vals, row_rej, file_rej) != (n_values, n_row_rejects, int(quarantined)):
            wrong.append((path, (n_values, n_row_rejects, quarantined), (vals, row_rej, file_rej)))
        if got_n_values != vals or got_n_rejects != row_rej + file_rej:
            wrong.append((path, "ingest_files counters disagree with the rows", got_n_values, got_n_rejects))
    assert not wrong, wrong[:10]


def test_the_sample_world_still_loads_exactly_the_manifest_values(corpus_world):
    _, _, manifest, db = corpus_world
    sample_paths = {f["path"] for f in manifest["files"]}
    with duckdb.connect(str(db), read_only=True) as con:
        loaded = [
            r
            for r in con.execute(
                """
                select f.path, v.sheet, v.row_number, v.row_role, v.section, v.agency_code,
                       v.period_code, v.item_code, v.value, v.unit
                from ingest_values v join ingest_files f using (file_id)
                """
            ).fetchall()
            if r[0] in sample_paths
        ]
        states = dict(con.execute("select path, state from ingest_files").fetchall())
    truth = [
        (f["path"], v["sheet"], v["row"], v["row_role"], v["section"], v["agency_code"], v["period_code"],
         v["item_code"], float(v["value"]), v["unit"])
        for f in manifest["files"]
        for v in f["values"]
    ]  # fmt: skip
    assert Counter(loaded) == Counter(truth)
    assert all(states[f["path"]] == f["expected_state"] for f in manifest["files"])


def test_a_correction_arriving_before_its_original_stays_current(corpus_world):
    _, cases, _, db = corpus_world
    with duckdb.connect(str(db), read_only=True) as con:
        for c in cases:
            if c.is_current is None:
                continue
            assert con.execute("select is_current from ingest_reports where path = ?", [c.path]).fetchall() == [
                (c.is_current,)
            ], c.name


def test_hostile_names_are_data_and_nothing_lands_outside_the_tree(corpus_world):
    raw, cases, _, db = corpus_world
    outside_before = sorted(p.name for p in raw.parent.iterdir())
    with duckdb.connect(str(db), read_only=True) as con:
        names = {r[0]: r[1] for r in con.execute("select path, file_name from ingest_files").fetchall()}
        secret = con.execute(
            "select count(*) from ingest_values v join ingest_files f using (file_id) "
            "where f.path like 'corpus/%' and v.value = 4242"
        ).fetchone()[0]
    for c in cases:
        assert names[c.path] == c.path.rsplit("/", 1)[1]
    assert secret == 0, "a file outside the raw tree was read through a link"
    assert sorted(p.name for p in raw.parent.iterdir()) == outside_before
    assert all(Path(raw, c.path).resolve().is_relative_to(raw.resolve()) or c.link_to for c in cases)
