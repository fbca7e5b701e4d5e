"""The review loop's file: figures a reviewer accepted after a plausibility flag, with who, when and why.

`accept_flag` appends to it (what `dxw accept` calls), `load_reviews` copies it into the build
database as `dq_reviews`, which dbt reads as a source so an accepted figure flows into the marts.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from dagster_project import settings

REVIEW_COLUMNS = ("flag_id", "reviewed_by", "reviewed_at", "decision", "note")
DECISIONS = ("accept",)

_CREATE_REVIEWS = """
    create or replace table dq_reviews (
        flag_id varchar not null,
        reviewed_by varchar not null,
        reviewed_at timestamp not null,
        decision varchar not null,
        note varchar not null
    )"""


class ReviewFileError(ValueError):
    """The reviewed-values file cannot be read; the message names the file and the line."""


@dataclass(frozen=True)
class Review:
    flag_id: str
    reviewed_by: str
    reviewed_at: dt.datetime
    decision: str
    note: str


def _parse_row(path: Path, line: int, row: dict[str, str | None]) -> Review:
    def fail(problem: str) -> ReviewFileError:
        return ReviewFileError(f"{path}, line {line} / dòng {line}: {problem}")

    if None in row or any(row.get(c) is None for c in REVIEW_COLUMNS):
        raise fail("wrong number of fields / sai số cột")
    values = {c: (row[c] or "").strip() for c in REVIEW_COLUMNS}
    for column in ("flag_id", "reviewed_by", "note"):
        if not values[column]:
            raise fail(f"{column} is empty / {column} bị trống")
    if values["decision"] not in DECISIONS:
        raise fail(f"decision {values['decision']!r} is not one of {DECISIONS} / quyết định không hợp lệ")
    try:
        reviewed_at = dt.datetime.fromisoformat(values["reviewed_at"])
    except ValueError:
        raise fail(f"reviewed_at {values['reviewed_at']!r} is not an ISO date-time / không phải ngày giờ ISO") from None
    if reviewed_at.tzinfo is not None:
        reviewed_at = reviewed_at.astimezone(dt.UTC).replace(tzinfo=None)
    return Review(values["flag_id"], values["reviewed_by"], reviewed_at, values["decision"], values["note"])


def read_reviews(path: Path) -> list[Review]:
    """Every review in the file, in file order; a missing file holds none."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != REVIEW_COLUMNS:
            raise ReviewFileError(
                f"{path}, line 1 / dòng 1: the header must be {','.join(REVIEW_COLUMNS)} / tiêu đề phải là "
                f"{','.join(REVIEW_COLUMNS)}; found {','.join(reader.fieldnames or ())!r}"
            )
        numbered = [(reader.line_num, _parse_row(path, reader.line_num, row)) for row in reader]
    seen: dict[str, int] = {}
    for number, review in numbered:
        if review.flag_id in seen:
            raise ReviewFileError(
                f"{path}, line {number} / dòng {number}: flag {review.flag_id} is already reviewed on line "
                f"{seen[review.flag_id]} / cờ đã được xem xét ở dòng {seen[review.flag_id]}"
            )
        seen[review.flag_id] = number
    return [review for _, review in numbered]


def load_reviews(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    """Create or replace `dq_reviews` in the build database from the file; returns the number of reviews."""
    reviews = read_reviews(path)
    con.execute(_CREATE_REVIEWS)
    if reviews:
        con.executemany(
            "insert into dq_reviews values (?, ?, ?, ?, ?)",
            [[r.flag_id, r.reviewed_by, r.reviewed_at, r.decision, r.note] for r in reviews],
        )
    return len(reviews)


def accept_flag(
    flag_id: str,
    reviewed_by: str,
    note: str,
    *,
    path: Path | None = None,
    when: dt.datetime | None = None,
    decision: str = "accept",
) -> Review:
    """Record that `reviewed_by` accepts the flagged figure `flag_id`, and why; replaces an earlier review of it."""
    path = path or settings.reviews_path()
    if decision not in DECISIONS:
        raise ValueError(f"decision {decision!r} is not one of {DECISIONS} / quyết định không hợp lệ")
    flag_id, reviewed_by, note = flag_id.strip(), reviewed_by.strip(), note.strip()
    for name, value in (("flag_id", flag_id), ("reviewed_by", reviewed_by), ("note", note)):
        if not value:
            raise ValueError(f"{name} must not be empty / {name} không được để trống")
    when = (when or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC).replace(tzinfo=None)
    review = Review(flag_id, reviewed_by, when, decision, note)
    kept = [r for r in read_reviews(path) if r.flag_id != flag_id]
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    with temporary.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(REVIEW_COLUMNS)
        for r in [*kept, review]:
            writer.writerow([r.flag_id, r.reviewed_by, r.reviewed_at.isoformat(), r.decision, r.note])
    os.replace(temporary, path)
    return review
