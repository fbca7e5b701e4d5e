"""One report per sheet, one item per row: the flow the quarterly report and the survey share.

Header row by labels, header block above it (unit, period, correction), items, duplicate rule.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from .accounting import CellAccount, carries_figure, filled, is_column_numbering, stray_figures
from .model import ParsedReport, Reject, ValueColumns, reject
from .numbers import number_text
from .periods import in_range
from .registry import AgencyRegistry
from .text import clean
from .workbook import (
    Roles,
    Sheet,
    Workbook,
    bad_value_reason,
    cell_number,
    cell_text,
    find_header_row,
    find_period,
    find_reporter,
    header_lines,
    is_correction,
)

TABLE_ROLES = Roles(
    stt=re.compile(r"(?:s\.?\s?tt|tt|so tt|so thu tu)\.?$"),
    label=re.compile(r"(?:noi dung|chi tieu|ten chi tieu|hang muc)"),
    unit=re.compile(r"(?:don vi tinh|dvt|don vi$)"),
    value=re.compile(r"(?:ket qua|so luong|so lieu|gia tri|thuc hien)"),
    note=re.compile(r"ghi chu"),
)

# what an item matcher answers for a row that is no item row (a section, a blank, the footer)
SKIP = "skip"
# an STT that numbers an item (`1`, `1.2`, `3.`): with it, an empty value cell is a 0
_NUMBERED = re.compile(r"\d{1,2}(?:[.,]\d{1,2})*\.?")


@dataclass(frozen=True, slots=True)
class Item:
    code: str
    unit: str | None


@dataclass(slots=True)
class Candidate:
    row: int
    item: Item
    value_text: str
    value: float
    unit: str | None
    # the row's cells counted as (values, parts): a duplicate moves them to rejected
    counted: tuple[int, int] = (0, 0)


def duplicate_rule(
    cands: list, key: Callable, value: Callable, sheet: str | None, describe: Callable
) -> tuple[list, list[Reject]]:
    """Same key again with the same value: the repeat is a `duplicate_item`; different values:
    every occurrence is a `conflicting_item`."""
    groups: dict = {}
    for c in cands:
        groups.setdefault(key(c), []).append(c)
    kept, rejects = [], []
    for c in cands:
        group = groups[key(c)]
        if len(group) == 1:
            kept.append(c)
        elif len({value(g) for g in group}) > 1:
            rejects.append(reject("conflicting_item", sheet, c.row, found=describe(c)))
        elif c is group[0]:
            kept.append(c)
        else:
            rejects.append(reject("duplicate_item", sheet, c.row, found=describe(c)))
    return kept, rejects


_NO_VALUES = ValueColumns(0, {})
_ROW_MEMO_LIMIT = 1 << 16
_ROW_MEMOS: dict[Callable, dict[tuple, tuple[str, Item | str | None, str]]] = {}


def _row_memo(match_item: Callable) -> dict[tuple, tuple[str, Item | str | None, str]]:
    """(STT cell, label cell, unit cell) -> (STT text, item, unit text), per item matcher; bounded."""
    memo = _ROW_MEMOS.setdefault(match_item, {})
    if len(memo) > _ROW_MEMO_LIMIT:
        memo.clear()
    return memo


@dataclass(slots=True)
class SheetResult:
    report: ParsedReport | None
    values: ValueColumns
    rejects: list[Reject]
    failure: Reject | None
    account: CellAccount | None = None


def drop_rejected(account: CellAccount, cands: list, kept: list) -> None:
    """Cells of the candidates the duplicate rule rejected move from values and parts to rejected."""
    if len(kept) == len(cands):
        return
    keep = {id(c) for c in kept}
    for c in cands:
        if id(c) not in keep:
            n_values, n_parts = c.counted
            account.values -= n_values
            account.parts -= n_parts
            account.rejected += n_values + n_parts


def parse_report_sheet(
    book: Workbook,
    sheet: Sheet,
    registry: AgencyRegistry,
    arrival: dt.date,
    report_index: int,
    *,
    required: tuple[str, ...],
    period_kinds: tuple[str, ...],
    match_item: Callable[[str, object], Item | str | None],
) -> SheetResult:
    """`match_item(stt, label cell)` names the item of a row, `SKIP`s it, or None for an unknown item."""
    rows, name = sheet.rows, sheet.name
    found = find_header_row(rows, TABLE_ROLES, required, start=sheet.stt_row or 0)
    if found is None:
        return SheetResult(None, _NO_VALUES, [], reject("no_header_row", name, None))
    header, cols = found
    lines = header_lines(sheet, header)
    period = find_period(lines, period_kinds)
    if period is None:
        return SheetResult(
            None, _NO_VALUES, [], reject("unknown_period", name, None, found=" | ".join(t for _, t in lines[:6]))
        )
    period_written, period_code = period
    if not in_range(period_code, arrival):
        return SheetResult(None, _NO_VALUES, [], reject("period_out_of_range", name, None, found=period_written))
    who = find_reporter(lines, registry, period_code)
    if who.code is None:
        return SheetResult(
            None, _NO_VALUES, [], reject(who.reason, name, None, found=who.written or None, period=period_code)
        )
    report = ParsedReport(name, who.written, who.code, period_written, period_code, is_correction(lines))

    stt_col, label_col = cols["stt"], cols.get("label")
    unit_col, value_col = cols.get("unit"), cols["value"]
    # the columns a number is read from (the STT numbers the row); a number anywhere else, the
    # note column included, is an `unaccounted_cell`
    read = (stt_col, value_col)
    memo = _row_memo(match_item)
    cands: list[Candidate] = []
    rejects: list[Reject] = []
    account = CellAccount()
    for r in range(header + 1, len(rows)):
        row = rows[r]
        if row.count("") == len(row):
            continue
        used = filled(row)
        account.cells += len(used)
        if r <= header + 3 and is_column_numbering(row, used):
            account.parts += len(used)  # `(1) (2) (3)` under the header
            continue
        stt_cell = row[stt_col]
        label_cell = row[label_col] if label_col is not None else ""
        unit_cell = row[unit_col] if unit_col is not None else ""
        # what a row's STT, label and unit cells say recurs in every file of a template
        key = (stt_cell, label_cell, unit_cell)
        known = memo.get(key)
        if known is None:
            stt = cell_text(stt_cell)
            item = match_item(stt, label_cell) if stt_cell != "" or label_cell != "" else SKIP
            unit = clean(cell_text(unit_cell)).lower() if unit_col is not None else ""
            known = memo[key] = (stt, item, unit)
        stt, item, unit = known
        value = row[value_col] if value_col < len(row) else ""
        if (
            item is not SKIP
            and item is not None
            and value == ""
            and not _NUMBERED.fullmatch(stt)
            and not (book.error_at(sheet, r, value_col) or book.formula_at(sheet, r, value_col))
        ):
            item = SKIP  # an item's words, no item number and nothing in the value cell: a section header
        if item is SKIP:
            # an empty value cell holds no figure here; only an item's row asks whether it hides an
            # error or an uncalculated formula (reading the sheet's XML costs more than the row)
            if type(value) is float or (value != "" and carries_figure(book, sheet, r, value_col)):
                # a row that carries a figure is never a section header, a note or a footer
                label = clean(cell_text(label_cell))
                found = f"{stt} {label}".strip() or cell_text(value)
                rejects.append(reject("unknown_item", name, r + 1, found=found))
                account.rejected += len(used)
                continue
            # STT, section header, note, footer, signature; a number outside the value column is not
            account.parts += len(used) - stray_figures(account, row, used, (stt_col,), name, r, rejects)
            continue
        if item is None:
            label = clean(cell_text(label_cell))
            rejects.append(reject("unknown_item", name, r + 1, found=f"{stt} {label}".strip()))
            account.rejected += len(used)
            continue
        if type(value) is float:
            text = number_text(value)
        else:
            text, value = cell_number(book, sheet, r, value_col)
            if value is None:
                rejects.append(reject(bad_value_reason(book, sheet, r, value_col), name, r + 1, found=text))
                account.rejected += len(used)
                continue
        stray = stray_figures(account, row, used, read, name, r, rejects)
        n_values = 1 if text != "" else 0
        n_parts = len(used) - stray - n_values
        account.values += n_values
        account.parts += n_parts
        cands.append(Candidate(r + 1, item, text, value, unit or item.unit, (n_values, n_parts)))
    if len({c.item.code for c in cands}) < len(cands):
        kept, dupes = duplicate_rule(
            cands,
            key=lambda c: c.item.code,
            value=lambda c: c.value,
            sheet=name,
            describe=lambda c: f"{c.item.code} = {c.value_text or '(trống)'}",
        )
        drop_rejected(account, cands, kept)
        cands = kept
        rejects.extend(dupes)
    account.check(name, sum(1 for c in cands if c.value_text != ""))
    rejects.sort(key=lambda x: x.row or 0)
    values = ValueColumns(
        len(cands),
        {
            "report_index": report_index,
            "sheet": name,
            "row": [c.row for c in cands],
            "row_role": "detail",
            "section": None,
            "agency_written": who.written,
            "agency_code": who.code,
            "period_written": period_written,
            "period_code": period_code,
            "item_code": [c.item.code for c in cands],
            "value_text": [c.value_text for c in cands],
            "value": [c.value for c in cands],
            "unit": [c.unit for c in cands],
        },
    )
    return SheetResult(report, values, rejects, None, account)
