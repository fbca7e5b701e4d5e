"""The promise of ingestion on the shipped sample: every file ends as the manifest says, every
loaded value equals the manifest's truth. The generator and the parsers share no code."""

from __future__ import annotations

from collections import Counter

import duckdb


def _files_by_path(con):
    rows = con.execute("select path, state, reason_code, duplicate_of, kind from ingest_files").fetchall()
    return {r[0]: r[1:] for r in rows}


def test_every_file_ends_in_the_state_and_reason_the_manifest_gives(sample_world, ingested_sample):
    _, manifest = sample_world
    with duckdb.connect(str(ingested_sample), read_only=True) as con:
        files = _files_by_path(con)
        row_rejects = con.execute(
            "select path, reason_code from ingest_rejects where row_number is not null"
        ).fetchall()
    assert set(files) == {f["path"] for f in manifest["files"]}
    wrong = []
    for f in manifest["files"]:
        state, reason, duplicate_of, kind = files[f["path"]]
        expected = (f["expected_state"], f["reason"], f["duplicate_of"])
        if (state, reason, duplicate_of) != expected:
            wrong.append((f["path"], expected, (state, reason, duplicate_of)))
        elif state in ("loaded", "loaded_with_rejects") and kind != f["kind"]:
            wrong.append((f["path"], f["kind"], kind))
    assert not wrong, f"{len(wrong)} files differ from the manifest, e.g. {wrong[:5]}"
    expected_row_rejects = Counter((f["path"], r["reason"]) for f in manifest["files"] for r in f["rejected_rows"])
    assert Counter(row_rejects) == expected_row_rejects


def test_every_loaded_value_equals_the_manifest_truth(sample_world, ingested_sample):
    _, manifest = sample_world
    with duckdb.connect(str(ingested_sample), read_only=True) as con:
        loaded = con.execute(
            """
            select f.path, v.sheet, v.row_number, v.row_role, v.section, v.agency_code,
                   v.period_code, v.item_code, v.value, v.unit
            from ingest_values v join ingest_files f using (file_id)
            """
        ).fetchall()
    truth = [
        (
            f["path"],
            v["sheet"],
            v["row"],
            v["row_role"],
            v["section"],
            v["agency_code"],
            v["period_code"],
            v["item_code"],
            float(v["value"]),
            v["unit"],
        )
        for f in manifest["files"]
        for v in f["values"]
    ]
    assert len(truth) > 1000, "the sample world should carry thousands of values"
    missing = Counter(truth) - Counter(loaded)
    extra = Counter(loaded) - Counter(truth)
    assert not missing and not extra, (
        f"{sum(missing.values())} true values not loaded (e.g. {list(missing)[:3]}); "
        f"{sum(extra.values())} loaded values not in the truth (e.g. {list(extra)[:3]})"
    )


def test_current_versions_are_the_ones_the_manifest_calls_current(sample_world, ingested_sample):
    _, manifest = sample_world
    with duckdb.connect(str(ingested_sample), read_only=True) as con:
        got = set(
            con.execute(
                "select path, sheet, agency_code, period_code, is_correction, is_current from ingest_reports"
            ).fetchall()
        )
    expected = {
        (f["path"], r["sheet"], r["agency_code"], r["period_code"], r["is_correction"], r["is_current"])
        for f in manifest["files"]
        if f["expected_state"] in ("loaded", "loaded_with_rejects")
        for r in f["reports"]
    }
    assert got == expected


def test_every_reject_names_file_reason_and_a_sentence_in_both_languages(ingested_sample):
    with duckdb.connect(str(ingested_sample), read_only=True) as con:
        rows = con.execute("select path, reason_code, message_vi, message_en from ingest_rejects").fetchall()
    assert rows, "the sample world carries broken files and rows"
    for path, reason, vi, en in rows:
        assert path and reason
        assert len(vi) > 20 and len(en) > 20, (path, reason, vi, en)
