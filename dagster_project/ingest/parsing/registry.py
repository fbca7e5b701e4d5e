"""The agency registry: names, abbreviations and portal codes resolved to agency codes by period.

Lookups go through one precomputed dict of match keys, so resolving a name costs a dict access.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .periods import bounds
from .text import match_key

UNKNOWN_AGENCY = "unknown_agency"
NOT_VALID_IN_PERIOD = "agency_not_valid_in_period"

# Most specific first: an office, ward or commune names the reporter better than the area or portal.
_SPECIFICITY = {"town_office": 2, "ward": 2, "commune": 2, "area": 1, "system": 0}
_PREFIX = re.compile(r"^(?:ubnd|uy ban nhan dan)\b\s*")
_TYPE = re.compile(r"^(?:(thi xa|tx)\b\.?|(phuong|p)\b\.?|(xa|x)\b\.?)\s*")
_PUNCT = re.compile(r"[-,&/;:()]+|\s+va\s+")
_SPACES = re.compile(r"\s+")
# Offices often add the town after their name (`Phòng Nội vụ thị xã Đức Phổ`).
_TOWN_SUFFIXES = (" duc pho", " thi xa", " tx")


@dataclass(frozen=True, slots=True)
class Agency:
    code: str
    name_vi: str
    agency_type: str
    valid_from: dt.date | None
    valid_to: dt.date | None


@dataclass(frozen=True, slots=True)
class Resolution:
    """`agency_code` when one unit answers; otherwise `reason` and the units the text named."""

    agency_code: str | None
    reason: str | None
    candidates: tuple[str, ...]


@lru_cache(maxsize=1 << 15)
def name_key(text: str) -> tuple[str, str]:
    """(type word, name) with prefixes, abbreviations, punctuation, `và` and case removed."""
    key = _PREFIX.sub("", match_key(text))
    kind = ""
    if m := _TYPE.match(key):
        kind = "thi_xa" if m.group(1) else "phuong" if m.group(2) else "xa"
        key = key[m.end() :]
    key = _SPACES.sub(" ", _PUNCT.sub(" ", " " + key + " ")).strip()
    return kind, key


def _date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text.strip() else None


class AgencyRegistry:
    """Agencies and their aliases, as in `ref_agencies.csv` and `ref_agency_aliases.csv`."""

    def __init__(self, agencies: list[Agency], aliases: list[tuple[str, str]]):
        self.agencies = {a.code: a for a in agencies}
        self._index: dict[tuple[str, str], tuple[str, ...]] = {}
        for alias, code in [(a.name_vi, a.code) for a in agencies] + aliases:
            kind, key = name_key(alias)
            self._add((kind, key), code)
            if kind:
                self._add(("", key), code)
        self._cache: dict[tuple[str, str], Resolution] = {}
        self._named: dict[str, tuple[str, ...]] = {}

    def _add(self, key: tuple[str, str], code: str) -> None:
        codes = self._index.get(key, ())
        if code not in codes:
            self._index[key] = codes + (code,)

    @classmethod
    def from_dir(cls, path: str | Path) -> AgencyRegistry:
        folder = Path(path)
        with open(folder / "ref_agencies.csv", encoding="utf-8-sig", newline="") as f:
            agencies = [
                Agency(
                    r["agency_code"].strip(),
                    r["name_vi"].strip(),
                    r["agency_type"].strip(),
                    _date(r["valid_from"]),
                    _date(r["valid_to"]),
                )
                for r in csv.DictReader(f)
            ]
        with open(folder / "ref_agency_aliases.csv", encoding="utf-8-sig", newline="") as f:
            aliases = [(r["alias"], r["agency_code"].strip()) for r in csv.DictReader(f)]
        return cls(agencies, aliases)

    def specificity(self, code: str) -> int:
        return _SPECIFICITY.get(self.agencies[code].agency_type, 0)

    def candidates(self, text: str) -> tuple[str, ...]:
        """Every unit the text can name, whatever the period."""
        kind, key = name_key(text)
        found = self._index.get((kind, key))
        if found is None and not kind:
            for suffix in _TOWN_SUFFIXES:
                if key.endswith(suffix):
                    key = key[: -len(suffix)].strip()
                    found = self._index.get(("", key))
                    if found:
                        break
        return found or ()

    def resolve(self, name_or_code: str, period_code: str) -> Resolution:
        cache_key = (name_or_code, period_code)
        hit = self._cache.get(cache_key)
        if hit is None:
            hit = self._cache[cache_key] = self._resolve(name_or_code, period_code)
        return hit

    def _resolve(self, text: str, period_code: str) -> Resolution:
        # the units a text names do not depend on the period: a unit's name recurs every period
        named = self._named.get(text)
        if named is None:
            named = self._named[text] = self.candidates(text)
        if not named:
            return Resolution(None, UNKNOWN_AGENCY, ())
        start, end = bounds(period_code)
        valid = [
            a
            for a in (self.agencies[c] for c in named)
            if (a.valid_from is None or a.valid_from <= end) and (a.valid_to is None or a.valid_to >= start)
        ]
        if not valid:
            return Resolution(None, NOT_VALID_IN_PERIOD, named)
        # When a bare name fits two units in one period, the one existing when the period began,
        # then the more specific one, is meant (a 2025 budget sheet lists the old units).
        best = max(
            valid, key=lambda a: (a.valid_from is None or a.valid_from <= start, _SPECIFICITY.get(a.agency_type, 0))
        )
        return Resolution(best.code, None, named)
