"""The Indonesian national identity number (NIK): 16 digits, region, birth date (+40 for girls), serial."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from jaga.regions.models import Region

NIK_PATTERN = re.compile(r"^\d{16}$")


class NikError(ValueError):
    pass


@dataclass(frozen=True)
class NikInfo:
    regency_code: str
    birth_day: int
    birth_month: int
    birth_year_2d: int
    female: bool

    def birth_date(self, *, not_after: date) -> date | None:
        """The birth date in the latest century that is not after ``not_after``."""
        year = not_after.year - (not_after.year % 100) + self.birth_year_2d
        if year > not_after.year:
            year -= 100
        try:
            born = date(year, self.birth_month, self.birth_day)
        except ValueError:
            return None
        return born if born <= not_after else date(year - 100, self.birth_month, self.birth_day)


def normalise_nik(raw: str) -> str:
    return re.sub(r"[\s.\-]", "", raw or "")


def regency_codes() -> frozenset[str]:
    return frozenset(Region.objects.filter(level=Region.Level.REGENCY).values_list("code", flat=True))


def parse_nik(raw: str, *, regencies: frozenset[str] | None = None) -> NikInfo:
    """Checks layout, region and date; raises NikError with a message a caseworker can act on.

    Bulk callers pass ``regencies`` (from ``regency_codes()``) to save a query per NIK.
    """
    nik = normalise_nik(raw)
    if not NIK_PATTERN.match(nik):
        raise NikError(_("A NIK has exactly 16 digits."))
    regency_code = f"{nik[0:2]}.{nik[2:4]}"
    known = (
        regency_code in regencies
        if regencies is not None
        else (Region.objects.filter(code=regency_code, level=Region.Level.REGENCY).exists())
    )
    if not known:
        raise NikError(
            _("The first four digits (%(code)s) are not a known regency/city code.") % {"code": regency_code}
        )
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    female = day > 40
    if female:
        day -= 40
    if not (1 <= day <= 31 and 1 <= month <= 12):
        raise NikError(_("Digits 7 to 12 are not a birth date (DDMMYY, with 40 added to the day for girls)."))
    if nik[12:] == "0000":
        raise NikError(_("The last four digits of a NIK are never 0000."))
    return NikInfo(regency_code, day, month, year, female)
