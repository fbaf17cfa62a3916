"""What a case is registered from: the child, the consent and the case, as forms, imports and the hotline give them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from jaga.cases.models import (
    AgeBand,
    Sex,
)

ADULT_AGE = 18


@dataclass
class ChildInput:
    full_name: str = ""
    aliases: str = ""
    nik: str = ""
    date_of_birth: date | None = None
    estimated_age: int | None = None
    sex: str = Sex.UNKNOWN
    address: str = ""
    phone: str = ""
    guardian_name: str = ""
    guardian_relationship: str = ""
    disability: bool | None = None
    schooling: str = ""
    nationality: str = "ID"


@dataclass
class ConsentInput:
    given_by: str = ""
    services: bool = False
    sharing: bool = False
    statistics: bool = False
    given_on: date | None = None
    lawful_basis: str = ""
    justification: str = ""


@dataclass
class CaseInput:
    registered_on: date | None = None
    source: str = ""
    forms: list[str] = field(default_factory=list)
    exploitation_regency: str = ""
    residence_regency: str = ""
    exploitation_date: date | None = None
    modus: str = ""
    place_type: str = ""
    risk_level: str = ""
    child: ChildInput = field(default_factory=ChildInput)
    consent: ConsentInput = field(default_factory=ConsentInput)


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def age_band(age: int | None) -> str:
    if age is None:
        return ""
    return AgeBand.UNDER_10 if age < 10 else AgeBand.FROM_10 if age < 15 else AgeBand.FROM_15
