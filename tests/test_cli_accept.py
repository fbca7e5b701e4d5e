"""`dxw accept` records a reviewer's decision on a flagged figure, and refuses one that does not exist."""

import csv

import duckdb

from tests.conftest import run_dxw


def test_accept_writes_the_reviewed_values_file_and_refuses_unknown_flags(published_sample, tmp_path):
    raw, _, warehouse, first = published_sample
    assert first.returncode == 0
    with duckdb.connect(str(warehouse / "dx.duckdb"), read_only=True) as con:
        flag_id = con.execute(
            "select min(flag_id) from dq_flagged_values where is_withheld and may_be_accepted"
        ).fetchone()[0]
    reviews = tmp_path / "reviewed_values.csv"

    ok = run_dxw(
        "accept",
        flag_id,
        "--by",
        "Nguyễn Văn A",
        "--note",
        "Số liệu đúng, đã gọi điện xác minh",
        raw=raw,
        warehouse=warehouse,
        DX_REVIEWS_FILE=str(reviews),
    )
    assert ok.returncode == 0, ok.stderr
    with reviews.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(r["flag_id"], r["reviewed_by"], r["decision"]) for r in rows] == [(flag_id, "Nguyễn Văn A", "accept")]

    unknown = run_dxw(
        "accept",
        "no-such-flag",
        "--by",
        "x",
        "--note",
        "y",
        raw=raw,
        warehouse=warehouse,
        DX_REVIEWS_FILE=str(reviews),
    )
    assert unknown.returncode == 2
    assert "no flagged figure" in unknown.stderr


def test_accept_refuses_an_impossible_figure(published_sample, tmp_path):
    raw, _, warehouse, first = published_sample
    assert first.returncode == 0
    with duckdb.connect(str(warehouse / "dx.duckdb"), read_only=True) as con:
        flag_id, rule = con.execute(
            "select flag_id, rule_code from dq_flagged_values where is_withheld and not may_be_accepted order by flag_id"
        ).fetchone()
    assert rule == "numerator_above_denominator"  # the sample's units report more online records than records
    reviews = tmp_path / "reviewed_values.csv"

    refused = run_dxw(
        "accept", flag_id, "--by", "Nguyễn Văn A", "--note", "đã xác minh",
        raw=raw, warehouse=warehouse, DX_REVIEWS_FILE=str(reviews),
    )  # fmt: skip
    assert refused.returncode == 2
    assert "impossible figure" in refused.stderr and "gửi lại" in refused.stderr
    assert not reviews.exists(), "nothing is recorded for a refused acceptance"
