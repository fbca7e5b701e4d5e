"""The reporting units of a sample world: the real Đức Phổ town, or a synthetic one of any size.

Also writes the agency registry (the two seed CSVs of the contract) for a world.
"""

import csv
import io
import os
import random
from dataclasses import dataclass, field
from datetime import date

from .text import ascii_fold

TOWN_START = date(2020, 2, 1)
REFORM = date(2025, 7, 1)
LAST_OLD_DAY = date(2025, 6, 30)


@dataclass
class Unit:
    code: str
    name: str  # official name, lower-case type word first ("phường Phổ Ninh")
    name_en: str
    type: str  # area | town_office | ward | commune | system
    valid_from: date
    valid_to: date = None
    gso: str = ""
    successor: str = ""
    portal: str = ""
    abbr: str = ""  # what clerks put in file names
    members: list = field(default_factory=list)
    # A bare name shared with another unit (Nguyễn Nghiêm, Đức Phổ) is never written without
    # its type word, otherwise a file for a year spanning the reform would be ambiguous.
    needs_type_word: bool = False

    @property
    def type_word(self):
        return {"ward": "phường", "commune": "xã"}.get(self.type, "")

    @property
    def bare(self):
        w = self.type_word
        return self.name[len(w) + 1 :] if w and self.name.startswith(w + " ") else self.name

    def valid_during(self, start, end):
        # A unit counts for a period it overlaps (a 2025 survey from a unit formed in July).
        return self.valid_from <= end and (self.valid_to is None or self.valid_to >= start)


@dataclass
class World:
    real: bool
    units: dict
    offices: list
    old: list
    new: list
    area: str
    desk: str  # the office whose one-stop desk appears in the portal export
    finance: str  # the office that sends the town budget workbook
    place: str  # footer place name
    town_upper: str  # parent line above town offices and old units
    province_upper: str
    other_province_unit: str
    years: int


_REAL_OFFICES = [
    ("TX_VHTT", "Phòng Văn hóa và Thông tin", "Culture and Information Office", "PVHTT"),
    ("TX_VP", "Văn phòng HĐND và UBND thị xã", "Office of the People's Council and Committee", "VP"),
    ("TX_NV", "Phòng Nội vụ", "Home Affairs Office", "PNV"),
    ("TX_TCKH", "Phòng Tài chính – Kế hoạch", "Finance and Planning Office", "TCKH"),
    ("TX_KT", "Phòng Kinh tế", "Economy Office", "PKT"),
    ("TX_GDDT", "Phòng Giáo dục và Đào tạo", "Education and Training Office", "GDDT"),
    ("TX_YT", "Phòng Y tế", "Health Office", "PYT"),
    ("TX_TNMT", "Phòng Tài nguyên và Môi trường", "Natural Resources and Environment Office", "TNMT"),
    ("TX_QLDT", "Phòng Quản lý đô thị", "Urban Management Office", "QLDT"),
    ("TX_CA", "Công an thị xã", "Town Police", "CA"),
]

_REAL_OLD = [
    ("PHUONG_NGUYEN_NGHIEM", "phường Nguyễn Nghiêm", "21439", "PHUONG_DUC_PHO"),
    ("PHUONG_PHO_NINH", "phường Phổ Ninh", "21460", "PHUONG_DUC_PHO"),
    ("PHUONG_PHO_MINH", "phường Phổ Minh", "21463", "PHUONG_DUC_PHO"),
    ("PHUONG_PHO_VINH", "phường Phổ Vinh", "21466", "PHUONG_DUC_PHO"),
    ("PHUONG_PHO_HOA", "phường Phổ Hòa", "21469", "PHUONG_DUC_PHO"),
    ("PHUONG_PHO_VAN", "phường Phổ Văn", "21451", "PHUONG_TRA_CAU"),
    ("PHUONG_PHO_QUANG", "phường Phổ Quang", "21454", "PHUONG_TRA_CAU"),
    ("PHUONG_PHO_THANH", "phường Phổ Thạnh", "21478", "PHUONG_SA_HUYNH"),
    ("XA_PHO_AN", "xã Phổ An", "21442", "PHUONG_TRA_CAU"),
    ("XA_PHO_PHONG", "xã Phổ Phong", "21445", "XA_NGUYEN_NGHIEM"),
    ("XA_PHO_THUAN", "xã Phổ Thuận", "21448", "PHUONG_TRA_CAU"),
    ("XA_PHO_NHON", "xã Phổ Nhơn", "21457", "XA_NGUYEN_NGHIEM"),
    ("XA_PHO_CUONG", "xã Phổ Cường", "21472", "XA_KHANH_CUONG"),
    ("XA_PHO_KHANH", "xã Phổ Khánh", "21475", "XA_KHANH_CUONG"),
    ("XA_PHO_CHAU", "xã Phổ Châu", "21481", "PHUONG_SA_HUYNH"),
]

_REAL_NEW = [
    ("PHUONG_DUC_PHO", "phường Đức Phổ", "21439", "H55.101"),
    ("PHUONG_SA_HUYNH", "phường Sa Huỳnh", "21478", "H55.102"),
    ("PHUONG_TRA_CAU", "phường Trà Câu", "21451", "H55.103"),
    ("XA_NGUYEN_NGHIEM", "xã Nguyễn Nghiêm", "21457", "H55.104"),
    ("XA_KHANH_CUONG", "xã Khánh Cường", "21472", "H55.105"),
]


def _type_of(name):
    return "ward" if name.startswith("phường") else "commune"


def _en(name):
    kind = "ward" if name.startswith("phường") else "commune"
    bare = name.split(" ", 1)[1]
    return f"{ascii_fold(bare)} {kind}"


def real_world(years):
    units = {}
    units["DUCPHO"] = Unit(
        "DUCPHO", "thị xã Đức Phổ", "Duc Pho (former town territory)", "area", TOWN_START, needs_type_word=True
    )
    units["PORTAL"] = Unit(
        "PORTAL",
        "Hệ thống thông tin giải quyết TTHC tỉnh",
        "Provincial administrative-procedure system",
        "system",
        TOWN_START,
    )
    offices = []
    for code, name, en, abbr in _REAL_OFFICES:
        units[code] = Unit(code, name, en, "town_office", TOWN_START, LAST_OLD_DAY, abbr=abbr)
        offices.append(code)
    units["TX_VP"].portal = "H55.35"
    old = []
    for i, (code, name, gso, succ) in enumerate(_REAL_OLD, 1):
        units[code] = Unit(
            code,
            name,
            _en(name),
            _type_of(name),
            TOWN_START,
            LAST_OLD_DAY,
            gso,
            succ,
            f"H55.35.{i:02d}",
            abbr=ascii_fold(name.split(" ", 1)[1]).replace(" ", ""),
        )
        old.append(code)
    new = []
    for code, name, gso, portal in _REAL_NEW:
        units[code] = Unit(
            code,
            name,
            _en(name),
            _type_of(name),
            REFORM,
            None,
            gso,
            "",
            portal,
            abbr=ascii_fold(name.split(" ", 1)[1]).replace(" ", ""),
        )
        units[code].members = [o for o in old if units[o].successor == code]
        new.append(code)
    for code in ("PHUONG_NGUYEN_NGHIEM", "XA_NGUYEN_NGHIEM", "PHUONG_DUC_PHO"):
        units[code].needs_type_word = True
    return World(
        True,
        units,
        offices,
        old,
        new,
        "DUCPHO",
        "TX_VP",
        "TX_TCKH",
        "Đức Phổ",
        "UBND THỊ XÃ ĐỨC PHỔ",
        "UBND TỈNH QUẢNG NGÃI",
        "UBND XÃ BÌNH CHÂU",
        years,
    )


def synthetic_world(communes, offices, years, seed):
    rng = random.Random(f"{seed}:units")
    units = {}
    units["AREA"] = Unit(
        "AREA", "thị xã Thử Nghiệm", "Test town (reporting area)", "area", TOWN_START, needs_type_word=True
    )
    units["PORTAL"] = Unit(
        "PORTAL",
        "Hệ thống thông tin giải quyết TTHC tỉnh",
        "Provincial administrative-procedure system",
        "system",
        TOWN_START,
    )
    office_codes = []
    for i in range(offices):
        if i < len(_REAL_OFFICES):
            _, name, en, abbr = _REAL_OFFICES[i]
        else:
            name, en, abbr = f"Phòng Chuyên môn {i + 1:02d}", f"Specialised office {i + 1:02d}", f"PCM{i + 1:02d}"
        code = f"OFF_{i + 1:02d}"
        units[code] = Unit(code, name, en, "town_office", TOWN_START, LAST_OLD_DAY, abbr=abbr)
        office_codes.append(code)
    desk = office_codes[1] if offices >= 2 else ""
    finance = office_codes[3] if offices >= 4 else ""
    if desk:
        units[desk].portal = "T01"
    old = []
    for i in range(1, communes + 1):
        kind = "phường" if i % 3 == 0 else "xã"
        name = f"{kind} Thử Nghiệm {i:04d}"
        code = f"U{i:04d}"
        units[code] = Unit(
            code,
            name,
            _en(name),
            _type_of(name),
            TOWN_START,
            LAST_OLD_DAY,
            str(30000 + i),
            portal=f"T01.{i:04d}",
            abbr=f"TN{i:04d}",
        )
        old.append(code)
    new = []
    i = 0
    while i < len(old):
        size = rng.choice((2, 3, 3, 3, 4))
        group = old[i : i + size]
        if len(old) - (i + size) == 1:
            group = old[i:]  # no unit is left to merge alone
        i += len(group)
        j = len(new) + 1
        kind = "phường" if any(units[m].type == "ward" for m in group) else "xã"
        name = f"{kind} Hợp Nhất {j:04d}"
        code = f"N{j:04d}"
        units[code] = Unit(
            code,
            name,
            _en(name),
            _type_of(name),
            REFORM,
            None,
            units[group[0]].gso,
            portal=f"T02.{j:04d}",
            abbr=f"HN{j:04d}",
            members=list(group),
        )
        for m in group:
            units[m].successor = code
        new.append(code)
    return World(
        False,
        units,
        office_codes,
        old,
        new,
        "AREA",
        desk,
        finance,
        "Thử Nghiệm",
        "UBND THỊ XÃ THỬ NGHIỆM",
        "UBND TỈNH QUẢNG NGÃI",
        "UBND XÃ BÌNH CHÂU",
        years,
    )


def _level(unit):
    return {"area": "town", "town_office": "town", "system": "province"}.get(unit.type, "commune")


def write_registry(world, registry_dir):
    os.makedirs(registry_dir, exist_ok=True)
    agencies = io.StringIO()
    w = csv.writer(agencies, lineterminator="\n")
    w.writerow(
        [
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
    )
    aliases = io.StringIO()
    a = csv.writer(aliases, lineterminator="\n")
    a.writerow(["alias", "agency_code", "alias_type"])
    for code in sorted(world.units):
        u = world.units[code]
        w.writerow(
            [
                code,
                u.name,
                u.name_en,
                u.type,
                _level(u),
                u.gso,
                u.valid_from.isoformat(),
                u.valid_to.isoformat() if u.valid_to else "",
                u.successor,
            ]
        )
        a.writerow([u.name, code, "name"])
        if u.bare != u.name and not u.needs_type_word:
            a.writerow([u.bare, code, "name"])
        if u.abbr and u.type == "town_office":
            a.writerow([u.abbr, code, "abbreviation"])
        if u.portal:
            a.writerow([u.portal, code, "portal_code"])
    for fname, buf in (("ref_agencies.csv", agencies), ("ref_agency_aliases.csv", aliases)):
        with open(os.path.join(registry_dir, fname), "w", encoding="utf-8", newline="") as f:
            f.write(buf.getvalue())
