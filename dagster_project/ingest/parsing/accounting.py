"""Conservation of a report sheet's table region: every non-empty cell is accounted for once.

Below the table header, each non-empty cell is one of: a value (it became a value row), a part
(STT, label, unit, note, a section header that carries no figure, sub-header, column numbering,
footer, signature), or rejected (inside a row reject, or a figure outside the columns read: its
own `unaccounted_cell` reject). A parser that leaves a cell uncounted, or counts one twice,
raises `AccountingError`: the file is then quarantined as our bug (`parser_error`), never loaded
with a figure missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from .model import Reject, reject
from .numbers import parse_number
from .text import match_key
from .workbook import Sheet, Workbook, cell_text

# texts that stand for zero in a value cell but are no figure in a row that has none (`-`, `x`)
_NO_FIGURE_WORDS = frozenset({"", "-", "--", "x", "khong"})
# a column-numbering line under a header: `(1) (2) (3)`, `A B 1 2 3=1+2`
_NUMBERING = re.compile(r"\(?[0-9a-z]{1,2}\)?(?:\s*=\s*[0-9a-z()+\-*/ ]{1,12})?")
_LEADING_NUMBER = re.compile(r"\(?(\d+)")


class AccountingError(RuntimeError):
    """The parser's own tally of a sheet does not add up: a bug of ours, never the clerk's."""


@dataclass(slots=True)
class CellAccount:
    """The tally of one sheet's table region."""

    cells: int = 0
    values: int = 0
    parts: int = 0
    rejected: int = 0

    def check(self, sheet: str, value_cells: int) -> None:
        if self.values + self.parts + self.rejected != self.cells or self.values != value_cells:
            raise AccountingError(
                f'sheet "{sheet}": {self.cells} non-empty cells but {self.values} values '
                f"({value_cells} value rows with a written value) + {self.parts} parts + {self.rejected} rejected"
            )


def filled(row: list) -> list[int]:
    """Columns of the non-empty cells of a row."""
    return [c for c, v in enumerate(row) if v != ""]


_NUMBER_TYPES = frozenset({float, int})


def is_number_cell(value) -> bool:
    return type(value) in _NUMBER_TYPES


def carries_figure(book: Workbook, sheet: Sheet, r: int, c: int) -> bool:
    """Whether a value cell holds a figure: a number, number-like text, an error or a formula that
    stands for one. Empty, `-`, `x`, `không` read as 0 in an item's row but make no row a figure row."""
    row = sheet.rows[r]
    value = row[c] if c < len(row) else ""
    if is_number_cell(value):
        return True
    if value == "":
        return bool(book.error_at(sheet, r, c) or book.formula_at(sheet, r, c))
    if type(value) is not str:
        return False
    text = cell_text(value)
    if match_key(text.replace("\u00a0", " ").strip()) in _NO_FIGURE_WORDS:
        return False
    return parse_number(text) is not None


def is_column_numbering(row: list, cols: list[int]) -> bool:
    """A line that numbers the columns (`(1) (2) (3)`, `A B 1 2 3 4`, `1 2 3 4 5`): three or more
    short tokens whose numbers run on by one."""
    if len(cols) < 3:
        return False
    numbers = []
    for c in cols:
        value = row[c]
        if is_number_cell(value):
            if value != int(value):
                return False
            numbers.append(int(value))
            continue
        token = match_key(cell_text(value))
        if not _NUMBERING.fullmatch(token):
            return False
        if m := _LEADING_NUMBER.match(token):
            numbers.append(int(m.group(1)))
    return all(b == a + 1 for a, b in pairwise(numbers))


def stray_figures(
    account: CellAccount,
    row: list,
    cols: list[int],
    read: set[int] | range,
    sheet: str,
    r: int,
    rejects: list[Reject],
) -> int:
    """Numbers outside the columns a row is read by become `unaccounted_cell` rejects (counted as
    rejected); returns how many."""
    stray = [c for c in cols if type(row[c]) in _NUMBER_TYPES and c not in read]
    for c in stray:
        found = f"{column_name(c)}{r + 1} = {cell_text(row[c])}"
        rejects.append(reject("unaccounted_cell", sheet, r + 1, found=found))
    account.rejected += len(stray)
    return len(stray)


def column_name(c: int) -> str:
    name = ""
    c += 1
    while c:
        c, rest = divmod(c - 1, 26)
        name = chr(65 + rest) + name
    return name
