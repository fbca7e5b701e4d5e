"""The header block of a Vietnamese administrative report (thể thức văn bản, Nghị định 30/2020/NĐ-CP):
issuing body on the left, national name and motto on the right, place and date under the motto.
One home for that text, so the Excel workbook, the DOCX review and the feedback pages agree."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"

# The plan is the town People's Committee's and its Office of Culture and Information leads the
# monitoring and reporting (plan section IV). From 1 July 2025 the town and its offices no longer
# exist and the five new units report to the province, whose Department of Science and Technology
# has carried digital transformation since the information departments merged into it in 2025.
REORGANISED_ON = dt.date(2025, 7, 1)
TOWN_ISSUER = ("UBND THỊ XÃ ĐỨC PHỔ", "PHÒNG VĂN HÓA VÀ THÔNG TIN")
PROVINCE_ISSUER = ("UBND TỈNH QUẢNG NGÃI", "SỞ KHOA HỌC VÀ CÔNG NGHỆ")


@dataclass(frozen=True)
class Letterhead:
    issuer_parent: str  # the body the issuer belongs to, upper case
    issuer: str  # the issuing body, upper case and bold
    place: str

    def dated(self, day: dt.date) -> str:
        """`Quảng Ngãi, ngày 01 tháng 12 năm 2026` — the line under the motto."""
        return f"{self.place}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def letterhead(as_of: dt.date) -> Letterhead:
    """Who issues a report of figures as of `as_of`: the town's office before the 2025
    reorganisation, the province's department after it."""
    if as_of < REORGANISED_ON:
        return Letterhead(*TOWN_ISSUER, place="Đức Phổ")
    return Letterhead(*PROVINCE_ISSUER, place="Quảng Ngãi")
