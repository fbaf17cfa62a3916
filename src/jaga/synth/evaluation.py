"""Synthetic evaluation sets for linkage: invented children recorded by several organisations.

Each child may be reported by one to four organisations, each writing her down in its own way:
typos, old spellings, names in another order, a nickname instead of the name, an honorific,
missing fields, a birth date with day and month swapped or a year off, a new address. Families
make it hard: siblings share a family name, an address, a phone and a guardian, and twins share a
birth date as well. The ``person`` column is the truth that precision and recall are measured
against. Every value is invented (Faker's ``id_ID`` name lists); nothing here is real data.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from faker.providers.person.id_ID import Provider as Names

from jaga.synth.cases import NICKNAMES, PROVINCE_POPULATION, synthetic_nik

STREETS = ["Melati", "Mawar", "Kenanga", "Merdeka", "Sudirman", "Diponegoro", "Gatot Subroto", "Pahlawan",
           "Ahmad Yani", "Cempaka", "Anggrek", "Flamboyan", "Veteran", "Imam Bonjol", "Gajah Mada"]  # fmt: skip
HONORIFICS = ["An.", "Sdri.", "Sdr.", "Adik", "Nn."]
FIELDS = ["id", "organisation", "person", "full_name", "aliases", "date_of_birth", "sex", "nik", "phone", "address",
          "regency_code"]  # fmt: skip
PROVINCES = list(PROVINCE_POPULATION)
WEIGHTS = list(PROVINCE_POPULATION.values())


@dataclass
class Person:
    key: str
    first: str
    last: str
    nickname: str
    born: date
    female: bool
    nik: str
    phone: str
    address: str
    regency: str


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.random()
    if kind < 0.35:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]  # two letters swapped
    if kind < 0.65:
        return word[:i] + word[i + 1 :]  # one dropped
    if kind < 0.85:
        return word[:i] + word[i] + word[i:]  # one doubled
    return word[:i] + rng.choice("aiueo") + word[i + 1 :]  # a vowel changed


def _old_spelling(word: str) -> str:
    for new, old in (("u", "oe"), ("j", "dj"), ("c", "tj"), ("y", "j")):
        if new in word:
            return word.replace(new, old, 1)
    return word


def _address(rng: random.Random) -> str:
    street, number = rng.choice(STREETS), rng.randint(1, 150)
    return f"Jl. {street} No. {number}, RT {rng.randint(1, 15):02d}/RW {rng.randint(1, 9):02d}"


def _regency(rng: random.Random) -> str:
    province = rng.choices(PROVINCES, weights=WEIGHTS)[0]
    return f"{province}.{rng.choice([rng.randint(1, 25), rng.randint(71, 79)]):02d}"


def _phone(rng: random.Random) -> str:
    return f"08{rng.randint(11, 99)}{rng.randint(10_000_000, 99_999_999)}"


def _person(rng: random.Random, key: str, today: date, family: Person | None = None, twin: bool = False) -> Person:
    female = rng.random() < 0.8
    first = rng.choice(Names.first_names_female if female else Names.first_names_male)
    if family is not None:
        while first == family.first:
            first = rng.choice(Names.first_names_female if female else Names.first_names_male)
        born = family.born if twin else family.born + timedelta(days=rng.choice([-1, 1]) * rng.randint(330, 2000))
        last, address, regency, phone = family.last, family.address, family.regency, family.phone
    else:
        last = rng.choice(Names.last_names_female if female else Names.last_names_male) if rng.random() < 0.8 else ""
        born = today - timedelta(days=rng.randint(5 * 365, 18 * 365 - 1))
        address, regency, phone = _address(rng), _regency(rng), _phone(rng)
    return Person(
        key=key,
        first=first,
        last=last,
        nickname=rng.choice(NICKNAMES) if rng.random() < 0.3 else "",
        born=born,
        female=female,
        nik=synthetic_nik(rng, regency, born, female),
        phone=phone,
        address=address,
        regency=regency,
    )


def _record(rng: random.Random, person: Person, record_id: str, organisation: int, first_report: bool) -> dict:
    """How one organisation writes the child down: the first report is the cleanest."""
    messy = 0.0 if first_report else 1.0
    first, last = person.first, person.last
    if rng.random() < 0.25 * messy:
        first = _typo(rng, first)
    if last and rng.random() < 0.15 * messy:
        last = _typo(rng, last)
    if rng.random() < 0.1 * messy:
        first, last = _old_spelling(first), _old_spelling(last)
    full_name = f"{first} {last}".strip()
    if last and rng.random() < 0.1 * messy:
        full_name = f"{last} {first}"  # order swapped
    if rng.random() < 0.08 * messy and person.nickname:
        full_name = person.nickname  # known by the nickname only
    if rng.random() < 0.05:
        full_name = f"{rng.choice(HONORIFICS)} {full_name}"
    born = person.born
    dob = born.isoformat() if rng.random() < (0.85 if first_report else 0.65) else ""
    if dob and rng.random() < 0.05 * messy and born.day <= 12:
        dob = date(born.year, born.day, born.month).isoformat()  # day and month swapped
    elif dob and rng.random() < 0.05 * messy:
        dob = date(born.year + rng.choice([-1, 1]), born.month, min(born.day, 28)).isoformat()
    nik = person.nik if rng.random() < (0.6 if first_report else 0.35) else ""
    if nik and rng.random() < 0.03 * messy:
        nik = nik[:-3] + f"{rng.randint(0, 999):03d}"  # a digit mistyped
    phone = person.phone if rng.random() < 0.5 else ""
    if phone and rng.random() < 0.15 * messy:
        phone = _phone(rng)  # a new number
    address = person.address if rng.random() < 0.85 - 0.25 * messy else _address(rng)  # moved, or another
    return {
        "id": record_id,
        "organisation": organisation,
        "person": person.key,
        "full_name": full_name,
        "aliases": person.nickname if rng.random() < 0.5 else "",
        "date_of_birth": dob,
        "sex": ("perempuan" if person.female else "laki-laki") if rng.random() < 0.95 else "",
        "nik": nik,
        "phone": phone,
        "address": address if rng.random() < 0.9 else "",
        "regency_code": person.regency if rng.random() < 0.9 else "",
    }


def generate(records: int, *, seed: int = 1, organisations: int = 40, today: date | None = None) -> list[dict]:
    """About ``records`` records of invented children; about a fifth of children are recorded twice or more."""
    rng = random.Random(seed)  # noqa: S311  (synthetic data, not security)
    today = today or date(2026, 1, 1)
    rows: list[dict] = []
    people = 0
    previous: Person | None = None
    while len(rows) < records:
        if previous is not None and rng.random() < 0.12:
            person = _person(rng, f"p{people}", today, family=previous, twin=rng.random() < 0.2)
        else:
            person = _person(rng, f"p{people}", today)
        people += 1
        reports = rng.choices([1, 2, 3, 4], weights=[80, 14, 4, 2])[0]
        for n, organisation in enumerate(rng.sample(range(organisations), reports)):
            rows.append(_record(rng, person, f"r{len(rows)}", organisation, first_report=n == 0))
        previous = person
    rng.shuffle(rows)
    return rows[:records]


def write(rows: list[dict], path: Path, *, truth: bool = False) -> None:
    """The records as a CSV in the encoder's standard columns (with ``person`` and ``organisation`` when ``truth``)."""
    fields = FIELDS if truth else [f for f in FIELDS if f not in ("person", "organisation")]
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def true_pairs(rows: list[dict]) -> set[tuple[str, str]]:
    by_person: dict[str, list[str]] = {}
    for row in rows:
        by_person.setdefault(row["person"], []).append(row["id"])
    pairs: set[tuple[str, str]] = set()
    for ids in by_person.values():
        ids.sort()
        pairs.update((a, b) for i, a in enumerate(ids) for b in ids[i + 1 :])
    return pairs


def scores(found: set[tuple[str, str]], truth: set[tuple[str, str]]) -> dict[str, float]:
    """Precision, recall and F1 of the pairs found (each pair as (smaller id, larger id))."""
    hits = len(found & truth)
    precision = hits / len(found) if found else 1.0
    recall = hits / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}
