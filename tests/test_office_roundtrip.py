"""Files from real office software: our fixtures re-saved by LibreOffice read as the originals do.

Offices open what they are sent and save it again, in Excel or LibreOffice, as .xlsx, .xls or
.ods. The fixtures are made in the test run (nothing binary is kept), converted by LibreOffice
headless (`tests.clients`, installed by `make office`) to each format in one start per format,
and parsed: every figure, report, reject and sheet role read from a re-saved file equals what the
original gives. One exception is the point of a reject's advice: a formula with no calculated
result is a `formula_without_value` reject in the original, and the figure itself once
LibreOffice has opened and saved the file.
"""

from __future__ import annotations

import datetime as dt

import pytest

from dagster_project.ingest.parsing import AgencyRegistry, parse_file
from tests.clients import soffice_convert_many
from tests.parsing import fixtures as F
from tests.parsing.conftest import REGISTRY

FORMATS = ("xlsx", "xls", "ods")
ARRIVAL = dt.date(2025, 1, 20)
UNCALCULATED = ("1.3", "=1000+100", 1100.0)  # STT, formula, what it calculates to


def _originals() -> dict[str, bytes]:
    stt, formula, _ = UNCALCULATED
    uncalculated = [(s, label, unit, (formula, "") if s == stt else v) for s, label, unit, v in F.QUARTERLY_ITEMS]
    return {
        "quarterly.xlsx": F.quarterly_xlsx(),
        "quarterly_after_instructions.xlsx": F.quarterly_xlsx(
            agency=("UBND XÃ PHỔ AN",), sheet="Báo cáo", before=(F.INSTRUCTIONS_SHEET,)
        ),
        "quarterly_uncalculated.xlsx": F.quarterly_xlsx(items=uncalculated),
        "quarterly_legacy.xls": F.quarterly_xls(),
        "survey.xlsx": F.survey_xlsx(),
        "budget.xlsx": F.budget_xlsx(),
        "budget_block_III.xlsx": F.budget_xlsx(sheets=(("Năm 2024", "triệu đồng", F.BUDGET_ROWS_ROMAN_III),)),
    }


@pytest.fixture(scope="module")
def registry() -> AgencyRegistry:
    return AgencyRegistry.from_dir(REGISTRY)


@pytest.fixture(scope="module")
def round_tripped(tmp_path_factory) -> tuple[dict[str, bytes], dict[tuple[str, str], bytes]]:
    root = tmp_path_factory.mktemp("office")
    src = root / "sent"
    src.mkdir()
    originals = _originals()
    paths = []
    for name, data in originals.items():
        (src / name).write_bytes(data)
        paths.append(src / name)
    saved = {}
    for fmt in FORMATS:
        for path, out in zip(paths, soffice_convert_many(paths, fmt, root / fmt), strict=True):
            saved[(path.name, fmt)] = out.read_bytes()
    return originals, saved


def _read(name: str, data: bytes, registry):
    pf = parse_file(name, data, registry, ARRIVAL)
    figures = sorted(
        (v.sheet, v.row, v.row_role, v.section, v.agency_code, v.period_code, v.item_code, v.value, v.unit)
        for v in pf.values
    )
    return {
        "kind": pf.kind,
        "quarantine": pf.quarantine.reason_code if pf.quarantine else None,
        "reports": [(r.sheet, r.agency_code, r.period_code, r.is_correction) for r in pf.reports],
        "figures": figures,
        "rejects": sorted((r.sheet, r.row, r.reason_code) for r in pf.rejects),
        "sheets": [(s.name, s.role) for s in pf.sheets],
    }


@pytest.mark.parametrize("fmt", FORMATS)
def test_files_resaved_by_libreoffice_read_as_the_originals(round_tripped, registry, fmt):
    originals, saved = round_tripped
    for name, data in originals.items():
        want = _read(name, data, registry)
        got = _read(name, saved[(name, fmt)], registry)
        assert want["quarantine"] is None and want["figures"], name
        if name == "quarterly_uncalculated.xlsx":
            # LibreOffice calculated the formula when it opened the file: the figure is there now
            row = next(r for _, r, reason in want["rejects"] if reason == "formula_without_value")
            assert [reason for _, _, reason in want["rejects"]] == ["formula_without_value"]
            assert got["rejects"] == []
            added = [f for f in got["figures"] if f not in want["figures"]]
            assert [(f[1], f[6], f[7]) for f in added] == [(row, "WR_ONLINE", UNCALCULATED[2])]
            got["figures"].remove(added[0])
            got["rejects"] = want["rejects"]
        assert got == want, f"{name} re-saved as {fmt}"


def test_the_town_budget_keeps_its_block_III_line_in_every_format(round_tripped, registry):
    """The headline: the unallocated line numbered `III` is in the regular spending, whatever the format."""
    originals, saved = round_tripped
    for data in [originals["budget_block_III.xlsx"], *(saved[("budget_block_III.xlsx", f)] for f in FORMATS)]:
        pf = parse_file("budget_block_III", data, registry, ARRIVAL)
        rows = {(v.row_role, v.item_code): v.value for v in pf.values if v.row_role == "unallocated"}
        want = {r[1]: r[2:] for r in F.BUDGET_ROWS_ROMAN_III}["Chi thường xuyên khác chưa phân bổ"]
        assert [rows[("unallocated", item)] for item in ("REG_EST", "REG_ACT", "DX_EST", "DX_ACT")] == list(want)
        regular = sum(
            v.value for v in pf.values if v.item_code == "REG_EST" and v.row_role in ("detail", "unallocated")
        )
        total = next(v.value for v in pf.values if v.item_code == "REG_EST" and v.row_role == "total")
        assert regular == total  # the clerk's TỔNG CỘNG holds


def test_the_formats_are_what_they_say(round_tripped):
    """The conversions really are xlsx (zip), xls (OLE) and ods (zip with the ODF mimetype)."""
    _, saved = round_tripped
    for (name, fmt), data in saved.items():
        if fmt == "xls":
            assert data.startswith(b"\xd0\xcf\x11\xe0"), name
        else:
            assert data.startswith(b"PK\x03\x04"), name
            assert (b"application/vnd.oasis.opendocument.spreadsheet" in data[:200]) == (fmt == "ods"), name
