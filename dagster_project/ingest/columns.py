"""Building what the ingestion tables receive: a parse as named rows (files, reports, rejects, sheets)
and its value rows as columns, and the value rows of many files gathered for one insert.

Value rows travel per batch of files as columns (row numbers and values as typed arrays) plus
segments, what every row of one report shares (file, report, kind, sheet, period): pickling a few
lists of shared strings costs a fraction of pickling one object per value.
"""

from __future__ import annotations

import datetime as dt
from array import array
from typing import NamedTuple

import numpy as np

from dagster_project.ingest import store
from dagster_project.ingest.parsing import ParsedFile, ValueRow
from dagster_project.ingest.parsing.model import ValueColumns
from dagster_project.ingest.scan import ScannedFile, file_id_for

# ValueRow fields shared by every row of a report (a segment), and field -> column for the others
SEGMENT_FIELDS = ("report_index", "sheet", "period_written", "period_code")
FIELD_COLUMNS = tuple((f, "row_number" if f == "row" else f) for f in ValueRow._fields if f not in SEGMENT_FIELDS)


class BatchValues(NamedTuple):
    """A batch's value rows: per-row columns (`seg` points into the segments), and its segments."""

    rows: dict[str, list | array]
    segments: dict[str, list]


class ValueRun(NamedTuple):
    """Value rows [start, end) of one batch's columns."""

    batch: int
    start: int
    end: int


class FileResult(NamedTuple):
    """A parsed file as the tables want it; its values are rows [start, end) of its batch's columns."""

    kind: str | None
    encoding: str | None
    state: str
    reason_code: str | None
    n_reports: int
    n_values: int
    n_rejects: int
    reports: list[store.ReportRow]
    rejects: list[store.RejectRow]
    sheets: list[store.SheetRow]
    batch: int
    start: int
    end: int


def file_name(path: str) -> str:
    """The last part of a raw-tree path (posix, as the scan writes it): `PurePosixPath(path).name`."""
    return path.rsplit("/", 1)[-1]


def new_batch_values() -> BatchValues:
    rows: dict[str, list | array] = {c: [] for c in store.VALUE_ROW_COLUMNS}
    rows["row_number"], rows["value"], rows["seg"] = array("i"), array("d"), array("i")
    return BatchValues(rows, new_segments())


def new_segments() -> dict[str, list]:
    return {c: [] for c in store.VALUE_SEGMENT_COLUMNS}


def state_of(pf: ParsedFile) -> str:
    if pf.quarantine is not None:
        return "quarantined"
    return "loaded_with_rejects" if pf.rejects else "loaded"


def file_result(path: str, arrival: dt.date, pf: ParsedFile, batch: int, values: BatchValues) -> FileResult:
    """The file's rows for every table; its value rows are appended to the batch's columns."""
    fid = file_id_for(path)
    file_rejects = [pf.quarantine] if pf.quarantine is not None else pf.rejects
    start = len(values.rows["value"])
    n = _add_value_rows(values, fid, pf)
    return FileResult(
        kind=pf.kind,
        encoding=pf.encoding,
        state=state_of(pf),
        reason_code=pf.quarantine.reason_code if pf.quarantine is not None else None,
        n_reports=len(pf.reports),
        n_values=n,
        n_rejects=len(file_rejects),
        reports=_report_rows(fid, path, arrival, pf),
        rejects=[
            store.RejectRow(fid, path, r.sheet, r.row, r.reason_code, r.message_vi, r.message_en, r.found)
            for r in file_rejects
        ],
        sheets=_sheet_rows(fid, path, pf),
        batch=batch,
        start=start,
        end=start + n,
    )


def _report_rows(fid: str, path: str, arrival: dt.date, pf: ParsedFile) -> list[store.ReportRow]:
    return [
        store.ReportRow(
            report_id=f"{fid}:{i}",
            file_id=fid,
            sheet=rep.sheet,
            kind=pf.kind,
            agency_written=rep.agency_written,
            agency_code=rep.agency_code,
            period_written=rep.period_written,
            period_code=rep.period_code,
            is_correction=rep.is_correction,
            arrival_date=arrival,
            path=path,
            is_current=False,
        )
        for i, rep in enumerate(pf.reports)
    ]


def _sheet_rows(fid: str, path: str, pf: ParsedFile) -> list[store.SheetRow]:
    return [
        store.SheetRow(
            file_id=fid,
            path=path,
            sheet_index=s.index + 1,
            sheet=s.name,
            role=s.role,
            reason_code=s.reason_code,
            report_id=f"{fid}:{s.report_index}" if s.report_index is not None else None,
            n_cells=s.cells,
            n_value_cells=s.value_cells,
            n_part_cells=s.part_cells,
            n_rejected_cells=s.rejected_cells,
        )
        for s in pf.sheets
    ]


def _add_value_rows(values: BatchValues, fid: str, pf: ParsedFile) -> int:
    """Append the file's value rows to the batch's columns, with the segments they point into."""
    cols, segs = values
    parsed = pf.values if isinstance(pf.values, ValueColumns) else ValueColumns.from_rows(list(pf.values))
    n = len(parsed)
    if not n:
        return 0
    shared = parsed.columns
    if not any(isinstance(shared[f], list) for f in SEGMENT_FIELDS):
        # one report: its rows make one segment
        cols["seg"].extend([len(segs["file_id"])] * n)
        _add_segment(segs, fid, pf.kind, *(shared[f] for f in SEGMENT_FIELDS))
    else:
        # rows of several reports (sheets): a segment per run of rows sharing all four
        current = None
        for key in zip(*(parsed.column(f) for f in SEGMENT_FIELDS), strict=True):
            if key != current:
                current = key
                _add_segment(segs, fid, pf.kind, *key)
            cols["seg"].append(len(segs["file_id"]) - 1)
    for field, column in FIELD_COLUMNS:
        cols[column].extend(parsed.column(field))
    return n


def _add_segment(
    segs: dict[str, list], fid: str, kind: str | None, report_index: int, sheet, period_written, period_code
) -> None:
    segs["file_id"].append(fid)
    segs["report_id"].append(f"{fid}:{report_index}")
    segs["kind"].append(kind)
    segs["sheet"].append(sheet)
    segs["period_written"].append(period_written)
    segs["period_code"].append(period_code)


def _file_row(f: ScannedFile, digest: str | None, **outcome) -> store.FileRow:
    """The file's row: what the scan and the hash know, and what reading it (or not) came to."""
    return store.FileRow(
        file_id=file_id_for(f.path),
        path=f.path,
        file_name=file_name(f.path),
        content_hash=digest,
        size_bytes=f.size_bytes,
        mtime_ns=f.mtime_ns,
        arrival_date=f.arrival_date,
        **outcome,
    )


def parsed_file_row(f: ScannedFile, fr: FileResult, digest: str | None) -> store.FileRow:
    return _file_row(
        f,
        digest,
        kind=fr.kind,
        encoding=fr.encoding,
        state=fr.state,
        reason_code=fr.reason_code,
        duplicate_of=None,
        n_reports=fr.n_reports,
        n_values=fr.n_values,
        n_rejects=fr.n_rejects,
    )


def duplicate_file_row(f: ScannedFile, digest: str | None, duplicate_of: str | None) -> store.FileRow:
    """A copy of bytes another file holds: recorded, never parsed."""
    return _unparsed_file_row(f, digest, "duplicate", None, duplicate_of, n_rejects=0)


def outside_file_row(f: ScannedFile) -> store.FileRow:
    """A link leading outside the raw tree: quarantined unread."""
    return _unparsed_file_row(f, None, "quarantined", "outside_raw_tree", None, n_rejects=1)


def _unparsed_file_row(
    f: ScannedFile, digest: str | None, state: str, reason_code: str | None, duplicate_of: str | None, n_rejects: int
) -> store.FileRow:
    return _file_row(
        f,
        digest,
        kind=None,
        encoding=None,
        state=state,
        reason_code=reason_code,
        duplicate_of=duplicate_of,
        n_reports=0,
        n_values=0,
        n_rejects=n_rejects,
    )


def outside_reject_row(f: ScannedFile) -> store.RejectRow:
    return store.RejectRow(
        file_id=file_id_for(f.path),
        path=f.path,
        sheet=None,
        row_number=None,
        reason_code="outside_raw_tree",
        message_vi=(
            f"Tệp '{f.path}' là liên kết trỏ ra ngoài thư mục dữ liệu gốc nên không được đọc; "
            "hãy chép chính tệp vào thư mục."
        ),
        message_en=(
            f"'{f.path}' is a link pointing outside the raw tree, so it was not read; copy the file "
            "itself into the tree."
        ),
        found=f.path,
    )


def add_run(runs: list[ValueRun], batch: int, start: int, end: int) -> None:
    """Extend the last run of value rows when this one follows it in the same batch."""
    if runs and runs[-1].batch == batch and runs[-1].end == start:
        runs[-1] = ValueRun(batch, runs[-1].start, end)
    else:
        runs.append(ValueRun(batch, start, end))


def gather_values(
    batches: list[BatchValues], runs: list[ValueRun]
) -> tuple[dict[str, list | np.ndarray], dict[str, list]]:
    """The value rows of the runs, in order, and the segments they point into."""
    rows: dict[str, list | np.ndarray] = {name: [] for name in store.VALUE_ROW_COLUMNS}
    segments = new_segments()
    offsets = []
    for batch in batches:
        offsets.append(len(segments["file_id"]))
        for name, target in segments.items():
            target.extend(batch.segments[name])
    seg_parts = []
    for run in runs:
        cols = batches[run.batch].rows
        whole = run.start == 0 and run.end == len(cols["value"])
        for name in store.VALUE_ROW_COLUMNS:
            rows[name].extend(cols[name] if whole else cols[name][run.start : run.end])
        seg_parts.append(np.frombuffer(cols["seg"], dtype=np.intc)[run.start : run.end] + offsets[run.batch])
    rows["seg"] = np.concatenate(seg_parts) if seg_parts else np.zeros(0, dtype=np.intc)
    return rows, segments
