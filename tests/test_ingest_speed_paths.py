"""The fast paths of ingestion answer exactly what the plain paths answer: value columns read like a
list of rows, the zip reader finds the same error cells as `zipfile`, the TCVN3 check and plain-digit
numbers agree with their general rules, and the raw-file reader refuses the same names."""

from __future__ import annotations

import io
import os
import zipfile

import openpyxl
import pytest

from dagster_project.ingest.columns import file_name
from dagster_project.ingest.parsing import numbers, text, workbook
from dagster_project.ingest.parsing.model import ValueColumns, ValueRow
from dagster_project.ingest.scan import read_raw_file


def _row(i: int, item: str) -> ValueRow:
    return ValueRow(
        0, "Q1", i, "detail", None, "UBND xã A", "XA_A", "Quý I/2024", "2024-Q1", item, str(i), float(i), "hồ sơ"
    )


def test_value_columns_read_like_a_list_of_rows():
    rows = [_row(8, "WR_TOTAL"), _row(9, "WR_SECRET")]
    cols = ValueColumns(
        2,
        {
            "report_index": 0,
            "sheet": "Q1",
            "row": [8, 9],
            "row_role": "detail",
            "section": None,
            "agency_written": "UBND xã A",
            "agency_code": "XA_A",
            "period_written": "Quý I/2024",
            "period_code": "2024-Q1",
            "item_code": ["WR_TOTAL", "WR_SECRET"],
            "value_text": ["8", "9"],
            "value": [8.0, 9.0],
            "unit": "hồ sơ",
        },
    )
    assert cols == rows and rows == cols and list(cols) == rows and len(cols) == 2
    assert cols[1].item_code == "WR_SECRET" and [v.value for v in cols] == [8.0, 9.0]
    assert ValueColumns.from_rows(rows) == cols
    assert ValueColumns.concat([cols, ValueColumns(0, {}), ValueColumns.from_rows(rows)]) == rows + rows
    assert ValueColumns(0, {}) == [] and ValueColumns.concat([]) == []


_SHEET_WITH_ERRORS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>STT</t></is></c><c r="B1" t="inlineStr"><is><t>x</t></is></c></row>'
    b'<row r="2"><c r="A2"><v>1</v></c><c r="B2" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>'
    b'<row r="3"><c r="A3"><v>2</v></c><c r="AB3" t="e"><v>#REF!</v></c></row>'
    b"</sheetData></worksheet>"
)


def _xlsx_with_error_cells(extra_sheet: bool) -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["STT", "x"])
    if extra_sheet:
        book.create_sheet("Q2").append(["y"])
    out = io.BytesIO()
    book.save(out)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as z:
        members = {n: z.read(n) for n in z.namelist()}
    members[max(n for n in members if n.startswith("xl/worksheets/sheet"))] = _SHEET_WITH_ERRORS
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, xml in members.items():
            z.writestr(name, xml)
    return out.getvalue()


def _error_cells_through_zipfile(data: bytes, index: int) -> dict:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            xml = workbook._sheet_xml(z.namelist(), z.read, index)
    except Exception:  # noqa: BLE001 - as the reader: no error cells
        return {}
    found = {}
    for m in workbook._ERROR_CELL.finditer(xml):
        col = 0
        for ch in m.group(1):
            col = col * 26 + ch - 64
        found[(int(m.group(2)) - 1, col - 1)] = m.group(3).decode()
    return found


@pytest.mark.parametrize("extra_sheet", [False, True])
def test_the_plain_zip_reader_finds_what_zipfile_finds(extra_sheet):
    data = _xlsx_with_error_cells(extra_sheet)
    assert workbook._plain_zip_members(data) is not None  # the fast path is the one taken
    found = [workbook._xlsx_error_cells(data, index) for index in (0, 1, 2)]
    assert found == [_error_cells_through_zipfile(data, index) for index in (0, 1, 2)]
    assert {(1, 1): "#DIV/0!", (2, 27): "#REF!"} in found
    # a zip with a comment or a prefix goes the general way; a truncated one has nothing to find
    assert workbook._plain_zip_members(data + b"x") is None
    assert workbook._xlsx_error_cells(data[: len(data) // 2], 0) == {}
    prefixed = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + data  # zipfile reads past a prefix
    assert workbook._plain_zip_members(prefixed) is None
    assert workbook._xlsx_error_cells(prefixed, 0) == _error_cells_through_zipfile(prefixed, 0)


def test_tcvn3_check_and_plain_numbers_follow_their_rules():
    tcvn3 = "B¸o c¸o kÕt qu¶"  # TCVN3 bytes read as Latin-1
    assert text.looks_tcvn3([tcvn3]) and text.looks_tcvn3(iter(["1234", tcvn3]))
    assert not text.looks_tcvn3([tcvn3, "Báo cáo kết quả"])  # a real Unicode letter rules it out
    assert not text.looks_tcvn3(["", "plain ascii", "café"])
    for t in ("0", "00", "0123", "1234567", "9" * 30, "", "1.234", "12,5", "abc", "١٢"):
        assert numbers.parse_number(t) == numbers._parse_number(t), t


def test_raw_file_reader_refuses_the_same_names(tmp_path):
    root = tmp_path / "raw"
    (root / "a").mkdir(parents=True)
    (root / "a" / "f.txt").write_bytes(b"x")
    os.symlink(root / "a" / "f.txt", root / "a" / "in.txt")
    os.symlink("/etc/hostname", root / "a" / "out.txt")
    for ok in ("a/f.txt", "a//f.txt", "./a/f.txt", "a/./f.txt", "a/in.txt"):
        assert read_raw_file(root, ok) == b"x"
    for bad in ("a/out.txt", "/etc/hostname", "", "a/../a/f.txt", ".."):
        with pytest.raises(PermissionError):
            read_raw_file(root, bad)
    with pytest.raises(FileNotFoundError):
        read_raw_file(root, "a/missing")
    assert file_name("2024-01-01/x y/bao cao (2).xlsx") == "bao cao (2).xlsx" and file_name("f.csv") == "f.csv"
