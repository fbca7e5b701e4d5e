"""Tests of the sample-world generator: determinism, wart coverage, the 2025 reform, manifest sanity.

They read the generated files back independently of the generator where it matters (bytes, CSV text).
"""

import csv
import hashlib
import io
import json
import os
import unicodedata

import openpyxl
import pytest

from sample_world import generate
from sample_world.__main__ import main
from sample_world.oddities import WARTS

OLD_UNITS = {
    "PHUONG_NGUYEN_NGHIEM",
    "PHUONG_PHO_NINH",
    "PHUONG_PHO_MINH",
    "PHUONG_PHO_VINH",
    "PHUONG_PHO_HOA",
    "PHUONG_PHO_VAN",
    "PHUONG_PHO_QUANG",
    "PHUONG_PHO_THANH",
    "XA_PHO_AN",
    "XA_PHO_PHONG",
    "XA_PHO_THUAN",
    "XA_PHO_NHON",
    "XA_PHO_CUONG",
    "XA_PHO_KHANH",
    "XA_PHO_CHAU",
}
NEW_UNITS = {"PHUONG_DUC_PHO", "PHUONG_SA_HUYNH", "PHUONG_TRA_CAU", "XA_NGUYEN_NGHIEM", "XA_KHANH_CUONG"}
STATES = {"loaded", "loaded_with_rejects", "quarantined", "duplicate"}


def _tree_digest(root):
    out = {}
    for folder, _, files in os.walk(root):
        for name in files:
            path = os.path.join(folder, name)
            with open(path, "rb") as f:
                out[os.path.relpath(path, root)] = hashlib.sha256(f.read()).hexdigest()
    return out


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    base = tmp_path_factory.mktemp("town")
    generate(str(base / "raw"), str(base / "manifest.json"))
    with open(base / "manifest.json", encoding="utf-8") as f:
        return base, json.load(f)


def test_same_arguments_give_identical_bytes(town, tmp_path):
    base, _ = town
    generate(str(tmp_path / "raw"), str(tmp_path / "manifest.json"))
    assert _tree_digest(base / "raw") == _tree_digest(tmp_path / "raw")
    assert (base / "manifest.json").read_bytes() == (tmp_path / "manifest.json").read_bytes()


def test_another_seed_gives_another_world(town, tmp_path):
    base, _ = town
    generate(str(tmp_path / "raw"), str(tmp_path / "m.json"), seed=7)
    assert _tree_digest(base / "raw") != _tree_digest(tmp_path / "raw")


def test_every_wart_occurs_and_none_is_unnamed(town):
    _, m = town
    seen = {w for f in m["files"] for w in f["warts"]}
    assert seen == set(WARTS)


def test_every_file_on_disk_is_in_the_manifest_once(town):
    base, m = town
    paths = [f["path"] for f in m["files"]]
    assert len(paths) == len(set(paths))
    assert set(paths) == set(_tree_digest(base / "raw"))
    assert all(p.split("/")[0][:2] == "20" and len(p.split("/")) == 2 for p in paths)


def test_manifest_is_internally_consistent(town):
    base, m = town
    digests = _tree_digest(base / "raw")
    seen = {}
    for f in sorted(m["files"], key=lambda f: f["path"]):
        assert f["expected_state"] in STATES
        assert (f["reason"] is not None) == (f["expected_state"] == "quarantined")
        assert (f["duplicate_of"] is not None) == (f["expected_state"] == "duplicate")
        if f["expected_state"] in ("quarantined", "duplicate"):
            assert not f["values"] and not f["rejected_rows"] and not f["reports"]
        else:
            assert f["reports"]
            assert bool(f["rejected_rows"]) == (f["expected_state"] == "loaded_with_rejects")
        if f["expected_state"] == "duplicate":
            assert digests[f["path"]] == digests[f["duplicate_of"]]
            assert f["duplicate_of"] < f["path"]
        else:
            assert digests[f["path"]] not in seen
        seen.setdefault(digests[f["path"]], f["path"])
        rows = [(v["sheet"], v["row"], v["item_code"]) for v in f["values"]]
        assert len(rows) == len(set(rows))


def test_exactly_one_current_version_per_report(town):
    _, m = town
    current = {}
    for f in m["files"]:
        for r in f["reports"]:
            key = (f["kind"], r["agency_code"], r["period_code"])
            current.setdefault(key, 0)
            current[key] += r["is_current"]
    assert current and all(n == 1 for n in current.values())


def test_same_day_correction_beats_a_later_path(town):
    _, m = town
    fixed = [f for f in m["files"] if "same_day_correction" in f["warts"] and f["reports"]]
    assert fixed and all(r["is_current"] and r["is_correction"] for f in fixed for r in f["reports"])


def test_reorganisation(town):
    _, m = town
    for f in m["files"]:
        if f["kind"] in ("dx_quarterly", "society_survey") and f["reports"]:
            for r in f["reports"]:
                if r["agency_code"] in OLD_UNITS or r["agency_code"].startswith("TX_"):
                    assert r["period_code"] <= "2025-Q2" or r["period_code"] in ("2025-H1", "2024")
                if r["agency_code"] in NEW_UNITS:
                    assert r["period_code"] >= "2025-Q3" or r["period_code"] == "2025"
        if f["kind"] == "dvc_monthly":
            for v in f["values"]:
                if v["agency_code"] in OLD_UNITS:
                    assert v["period_code"] <= "2025-06"
                if v["agency_code"] in NEW_UNITS:
                    assert v["period_code"] >= "2025-07"
    invalid = [f for f in m["files"] if f["reason"] == "agency_not_valid_in_period"]
    assert len(invalid) == 1
    periods = {r["period_code"] for f in m["files"] for r in f["reports"] if f["kind"] == "dx_quarterly"}
    assert min(periods) == "2024-Q1" and max(periods) == "2026-Q3"


def test_values_are_what_the_cells_show(town):
    base, m = town
    checked = 0
    for f in m["files"]:
        if f["kind"] != "dx_quarterly" or not f["path"].endswith(".xlsx") or not f["values"]:
            continue
        if set(f["warts"]) & {"formula_cached"}:
            continue
        wb = openpyxl.load_workbook(base / "raw" / f["path"])
        for v in f["values"]:
            cell = wb[v["sheet"]].cell(row=v["row"], column=4).value
            if isinstance(cell, (int, float)):
                assert cell == v["value"]
                checked += 1
    assert checked > 500


def test_old_csv_is_windows_1258_with_combining_tones(town):
    base, m = town
    f = next(f for f in m["files"] if "cp1258_csv" in f["warts"] and f["values"])
    raw = (base / "raw" / f["path"]).read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    text = unicodedata.normalize("NFC", raw.decode("cp1258"))
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][0] == "Mã đơn vị"
    first = f["values"][0]
    assert first["row"] == 2 and float(rows[1][3]) == first["value"]


def test_cli_refuses_a_non_empty_folder(tmp_path, capsys):
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "x").write_text("x")
    assert main(["--out", str(tmp_path / "raw"), "--manifest", str(tmp_path / "m.json")]) == 2


def test_scaled_world_writes_a_registry(tmp_path):
    reg = tmp_path / "reg"
    summary = generate(
        str(tmp_path / "raw"),
        str(tmp_path / "m.json"),
        communes=30,
        offices=2,
        years=1,
        registry_dir=str(reg),
        workers=2,
    )
    assert summary["files"] > 100
    with open(reg / "ref_agencies.csv", encoding="utf-8") as f:
        agencies = list(csv.DictReader(f))
    with open(reg / "ref_agency_aliases.csv", encoding="utf-8") as f:
        aliases = list(csv.DictReader(f))
    assert list(agencies[0]) == [
        "agency_code",
        "name_vi",
        "name_en",
        "agency_type",
        "level",
        "gso_code",
        "valid_from",
        "valid_to",
        "successor_code",
    ]
    assert list(aliases[0]) == ["alias", "agency_code", "alias_type"]
    codes = {a["agency_code"] for a in agencies}
    assert {"AREA", "PORTAL"} <= codes
    assert sum(a["agency_type"] in ("ward", "commune") and a["valid_to"] == "2025-06-30" for a in agencies) == 30
    assert {a["agency_code"] for a in aliases} <= codes
    assert {a["alias_type"] for a in aliases} <= {"name", "abbreviation", "portal_code"}
    m = json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))
    used = {v["agency_code"] for f in m["files"] for v in f["values"]}
    assert used <= codes


def test_scaled_world_needs_a_registry(tmp_path):
    with pytest.raises(ValueError):
        generate(str(tmp_path / "raw"), str(tmp_path / "m.json"), communes=30, offices=0, years=1)
