"""Synthetic organisations, users and cases: realistic enough for demos, benchmarks and linkage tests.

Every name, NIK, phone and address is invented (Faker ``id_ID``). Distributions are rough public
proportions, not data: provinces by population (2020 census, in millions, the six Papua provinces
after the 2022 split), forms, ages, sexes and sources by the shares reported in ESKA research.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from faker import Faker

from jaga.accounts.models import Organisation, Role, User, UserRole
from jaga.cases.inputs import CaseInput, ChildInput, ConsentInput
from jaga.cases.services import case_register
from jaga.regions.models import Region
from jaga.synth.models import SyntheticPerson

PROVINCE_POPULATION = {
    "11": 5.27, "12": 14.80, "13": 5.53, "14": 6.39, "15": 3.55, "16": 8.47, "17": 2.01, "18": 9.01,
    "19": 1.46, "21": 2.06, "31": 10.56, "32": 48.27, "33": 36.52, "34": 3.67, "35": 40.67, "36": 11.90,
    "51": 4.32, "52": 5.32, "53": 5.33, "61": 5.41, "62": 2.67, "63": 4.07, "64": 3.77, "65": 0.70,
    "71": 2.62, "72": 2.99, "73": 9.07, "74": 2.62, "75": 1.17, "76": 1.42, "81": 1.85, "82": 1.28,
    "91": 1.03, "92": 0.56, "93": 0.52, "94": 1.35, "95": 1.41, "96": 0.60,
}  # fmt: skip
FORMS = {"online": 35, "prostitution": 30, "trafficking": 15, "child_marriage": 10, "travel_tourism": 5, "other": 5}
SOURCES = {"police": 25, "hotline": 20, "ngo_outreach": 15, "family": 12, "school": 8, "health_facility": 7,
           "online_platform": 6, "child": 4, "other": 3}  # fmt: skip
MODUS_BY_FORM = {
    "online": ["online_grooming", "sextortion"],
    "prostitution": ["app_prostitution", "debt_bondage"],
    "trafficking": ["deceptive_job_offer", "debt_bondage"],
    "travel_tourism": ["app_prostitution", "other"],
    "child_marriage": ["other"],
    "other": ["other"],
}
PLACE_BY_FORM = {
    "online": "online", "prostitution": "lodging", "trafficking": "entertainment_venue",
    "travel_tourism": "lodging", "child_marriage": "home", "other": "street",
}  # fmt: skip
NICKNAMES = ["Ayu", "Dewi", "Putri", "Nur", "Sri", "Ika", "Rina", "Adi", "Budi", "Eko", "Dimas", "Andi"]
DUPLICATE_SHARE = 0.12
SIBLING_SHARE = 0.04


def _weighted(rng: random.Random, table: dict[str, int] | dict[str, float]) -> str:
    return rng.choices(list(table), weights=list(table.values()))[0]


def synthetic_nik(rng: random.Random, regency: str, born: date, female: bool) -> str:
    day = born.day + (40 if female else 0)
    district, serial = rng.randint(1, 30), rng.randint(1, 9999)
    return f"{regency.replace('.', '')}{district:02d}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"


def _typo(rng: random.Random, name: str) -> str:
    """An old spelling, a swapped letter or a dropped prefix, as different agencies write names."""
    for old, new in (("u", "oe"), ("j", "dj"), ("y", "j"), ("kh", "ch")):
        if new in name.lower() and rng.random() < 0.5:
            return name.replace(new, old)
        if old in name.lower() and rng.random() < 0.3:
            return name.replace(old, new, 1)
    parts = name.split()
    if len(parts) > 1 and rng.random() < 0.5:
        return " ".join(parts[1:] + parts[:1])  # order swapped
    i = rng.randrange(max(len(name) - 1, 1))
    return name[:i] + name[i + 1 : i + 2] + name[i : i + 1] + name[i + 2 :]


@dataclass
class SynthResult:
    cases: int
    children: int
    organisations: int


def _unit_for(province: Region, units: dict[str | None, Organisation]) -> Organisation:
    if province.code not in units:
        units[province.code] = Organisation.objects.get_or_create(
            name=f"UPTD PPA {province.name} (sintetis)",
            defaults={"type": Organisation.Type.REGIONAL_SERVICE_UNIT, "jurisdiction": province},
        )[0]
    return units[province.code]


def _worker(organisation: Organisation, workers: dict[Any, User], seq: int) -> User:
    if organisation.pk not in workers:
        user = organisation.users.filter(role_grants__role=Role.CASEWORKER).first()
        if user is None:
            user = User.objects.create_user(
                f"caseworker.synth{seq}@jaga.example", None, full_name=f"Pekerja Kasus {seq}", organisation=organisation
            )
            UserRole.objects.create(user=user, role=Role.CASEWORKER)
        workers[organisation.pk] = user
    return workers[organisation.pk]


@transaction.atomic
def synth_cases(*, count: int, seed: int, today: date | None = None) -> SynthResult:
    """Creates ``count`` case records through the registry's own service (so every rule holds)."""
    rng = random.Random(seed)  # noqa: S311  (synthetic data, not security)
    fake = Faker("id_ID")
    fake.seed_instance(seed)
    today = today or date.today()
    provinces = {r.code: r for r in Region.objects.filter(level=Region.Level.PROVINCE)}
    regencies: dict[str, list[str]] = {}
    for code, parent in Region.objects.filter(level=Region.Level.REGENCY).values_list("code", "parent"):
        regencies.setdefault(str(parent), []).append(code)
    units = {o.jurisdiction_id: o for o in Organisation.objects.filter(
        type=Organisation.Type.REGIONAL_SERVICE_UNIT, jurisdiction__level=Region.Level.PROVINCE)}  # fmt: skip
    seconds = [o for o in Organisation.objects.filter(jurisdiction__isnull=True, type=Organisation.Type.NGO)]
    workers: dict[Any, User] = {}
    made = children = 0
    while made < count:
        province = provinces[_weighted(rng, PROVINCE_POPULATION)]
        regency = rng.choice(regencies[province.code])
        female = rng.random() < 0.8
        age = rng.choices(range(6, 18), weights=[1, 1, 1, 2, 3, 4, 6, 8, 10, 12, 12, 10])[0]
        registered = today - timedelta(days=rng.randint(0, 3 * 365))
        born = registered - timedelta(days=age * 365 + rng.randint(0, 364))
        form = _weighted(rng, FORMS)
        first = fake.first_name_female() if female else fake.first_name_male()
        last = fake.last_name_female() if female else fake.last_name_male()
        full_name = first if rng.random() < 0.2 else f"{first} {last}"  # many Indonesians have one name
        child = ChildInput(
            full_name=full_name,
            aliases=rng.choice(NICKNAMES) if rng.random() < 0.3 else "",
            nik=synthetic_nik(rng, regency, born, female) if rng.random() < 0.7 else "",
            date_of_birth=born if rng.random() < 0.8 else None,
            estimated_age=age,
            sex="female" if female else "male",
            address=fake.address().replace("\n", ", "),
            phone=" ".join(re.sub(r"[^0-9+]", " ", fake.phone_number()).split()) if rng.random() < 0.6 else "",
            guardian_name=f"{fake.first_name()} {fake.last_name()}" if rng.random() < 0.7 else "",
        )
        data = CaseInput(
            registered_on=registered,
            source=_weighted(rng, SOURCES),
            forms=[form] + (["online"] if form != "online" and rng.random() < 0.15 else []),
            modus=rng.choice(MODUS_BY_FORM[form]),
            place_type=PLACE_BY_FORM[form],
            exploitation_regency=regency,
            risk_level=rng.choice(["low", "medium", "high", ""]),
            child=child,
            consent=ConsentInput(given_by="guardian", services=True, sharing=rng.random() < 0.8, statistics=True),
        )
        unit = _unit_for(province, units)
        case = case_register(actor=_worker(unit, workers, len(workers) + 1), data=data)
        key = f"p{seed}-{children}"
        SyntheticPerson.objects.create(case=case, person_key=key, variant="original")
        made += 1
        children += 1
        if made < count and child.date_of_birth and rng.random() < SIBLING_SHARE:
            # A sister or brother exploited too, recorded by the same unit: the family name, address,
            # phone and guardian are shared, a twin shares the birth date; linkage must keep them apart.
            twin = rng.random() < 0.3
            sibling_female = rng.random() < 0.7
            sibling_first = fake.first_name_female() if sibling_female else fake.first_name_male()
            sibling_born = child.date_of_birth + timedelta(days=0 if twin else rng.randint(400, 1500))  # younger
            sibling = ChildInput(
                **{
                    **child.__dict__,
                    "full_name": f"{sibling_first} {full_name.split()[-1]}" if " " in full_name else sibling_first,
                    "aliases": "",
                    "nik": "",
                    "sex": "female" if sibling_female else "male",
                    "date_of_birth": sibling_born if sibling_born < registered else child.date_of_birth,
                }
            )
            sibling_case = case_register(
                actor=_worker(unit, workers, len(workers) + 1), data=CaseInput(**{**data.__dict__, "child": sibling})
            )
            SyntheticPerson.objects.create(
                case=sibling_case, person_key=f"{key}-s", variant="twin" if twin else "sibling"
            )
            made += 1
            children += 1
        if seconds and made < count and rng.random() < DUPLICATE_SHARE:
            # The same child, recorded by an NGO: nickname, typo, no NIK, a date a year off.
            other = rng.choice(seconds)
            variant = rng.choice(["nickname", "typo", "no_nik", "year_off"])
            copy = ChildInput(**{**child.__dict__})
            if variant == "nickname":
                copy.full_name = child.aliases or full_name.split()[0]
            elif variant == "typo":
                copy.full_name = _typo(rng, full_name)
            elif variant == "year_off" and child.date_of_birth:
                copy.date_of_birth = None
                copy.estimated_age = min(age + 1, 17)
            copy.nik = "" if variant != "typo" else child.nik
            duplicate = case_register(
                actor=_worker(other, workers, len(workers) + 1),
                data=CaseInput(**{**data.__dict__, "child": copy, "source": "ngo_outreach"}),
            )
            SyntheticPerson.objects.create(case=duplicate, person_key=key, variant=variant)
            made += 1
    return SynthResult(cases=made, children=children, organisations=len(units) + len(seconds))
