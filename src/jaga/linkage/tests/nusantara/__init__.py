"""A second generator of Indonesian child records, written apart from ``jaga synth`` and
``jaga.synth.evaluation`` so that a matcher tuned on one is checked on the other (the linkage issue:
"an evaluation that cannot flatter"). It imports nothing from Jaga: its own name pools, its own error
model, drawn from the variations in ``../shared/design/DOMAIN.md`` and general knowledge of how
Indonesian agencies write children down:

- names from several naming cultures (Javanese single names and birth-order prefixes, Sundanese,
  Balinese birth-order names shared by very many children, Batak, Minahasa and Ambon clan names
  shared by families, Arabic-derived multi-part names, Chinese-Indonesian family names, modern names);
- call names (panggilan) made from the name (a syllable doubled, a shortened word) or a common pet
  name, written instead of the name, beside it, or in an alias column;
- variant and old spellings (y/i, a trailing h, z/s, f/p, kh/h, doubled letters, oe/u, dj/j, tj/c),
  names in another order, honorifics and "bin/binti", capitals, typos;
- birth dates as each agency writes them (DD/MM/YYYY, DD-MM-YYYY, YYYY-MM-DD), a year only, 1 January
  for an unknown day, an age estimated by a worker instead of a date, a day and month swapped, one digit
  mistyped;
- NIK on a minority of records, sometimes mistyped, sometimes the family card number (the same for
  siblings); phones of guardians, callers and shelters; shelter addresses shared by unrelated children;
  children who move regency;
- siblings who share a guardian, a phone, an address and (in clan cultures) a family name, and twins
  who also share a birth date.

Five kinds of agency write differently (a regional service unit, the police, the hotline, an NGO
shelter, a hospital). Every record carries ``person`` (the truth) and ``variations`` (how this record
differs from the child: the labels recall is broken down by). Every value is invented.
"""

# ruff: noqa: SIM905 (name pools as one string each: hundreds of names read better as text than as a column)
from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from .names import (
    ARABIC_M,
    CULTURES,
    HONORIFICS,
    JAVANESE_M,
    OLD_SPELLINGS,
    PROVINCES,
    SOUND_SWAPS,
    STREETS,
    VILLAGE_WORDS,
    _call_name,
    _name,
)


@dataclass
class Child:
    key: str
    culture: str
    tokens: list[str]  # the whole name, in order
    given_count: int  # how many leading tokens are given names (the rest are a family or clan name)
    call_name: str
    born: date
    female: bool
    nik: str
    family_card: str
    guardian_phone: str
    home: tuple[str, str, str]  # regency code, address, postcode
    twin: bool = False
    sibling: bool = False
    moves_to: tuple[str, str, str] | None = None
    labels: set[str] = field(default_factory=set)


def _regency(rng: random.Random) -> str:
    province = rng.choices(list(PROVINCES), weights=list(PROVINCES.values()))[0]
    return f"{province}.{rng.choice([rng.randint(1, 20), rng.randint(71, 75)]):02d}"


def _home(rng: random.Random, regency: str | None = None) -> tuple[str, str, str]:
    regency = regency or _regency(rng)
    if rng.random() < 0.5:
        address = f"{rng.choice(STREETS)} No. {rng.randint(1, 120)}"
    else:
        address = f"Dusun {rng.choice(VILLAGE_WORDS)} RT {rng.randint(1, 12):03d} RW {rng.randint(1, 8):03d}"
    address += f", Desa {rng.choice(VILLAGE_WORDS)}"
    return regency, address, f"{rng.randint(10, 99)}{rng.randint(100, 999)}"


def _phone(rng: random.Random) -> str:
    return f"08{rng.choice(['11', '12', '13', '21', '22', '52', '53', '57', '77', '78', '81', '95', '96'])}" + "".join(
        str(rng.randint(0, 9)) for _ in range(rng.choice([7, 8]))
    )


def _nik(rng: random.Random, regency: str, born: date, female: bool) -> str:
    region = regency.replace(".", "") + f"{rng.randint(1, 30):02d}"
    day = born.day + (40 if female else 0)
    return f"{region}{day:02d}{born.month:02d}{born.year % 100:02d}{rng.randint(1, 9999):04d}"


def _child(rng: random.Random, key: str, today: date, family: Child | None = None, twin: bool = False) -> Child:
    culture = family.culture if family else rng.choices(list(CULTURES), weights=list(CULTURES.values()))[0]
    female = rng.random() < 0.75
    clan = None
    if family and culture in ("batak", "east", "chinese"):
        clan = family.tokens[family.given_count :]
    tokens, given = _name(rng, culture, female, clan)
    if family:
        for _attempt in range(10):  # a sibling never has the same name
            if tokens != family.tokens:
                break
            tokens, given = _name(rng, culture, female, clan)
    if family is None:
        born = today - timedelta(days=rng.randint(6 * 365, 18 * 365 - 1))
        home, phone = _home(rng), _phone(rng)
        card = "".join(str(rng.randint(0, 9)) for _ in range(16))
    else:
        born = family.born if twin else family.born + timedelta(days=rng.choice([-1, 1]) * rng.randint(300, 2500))
        born = min(born, today - timedelta(days=5 * 365))
        home, phone, card = family.home, family.guardian_phone, family.family_card
    child = Child(
        key=key,
        culture=culture,
        tokens=tokens,
        given_count=min(given, len(tokens)),
        call_name=_call_name(rng, tokens, female),
        born=born,
        female=female,
        nik=_nik(rng, home[0], born, female),
        family_card=card,
        guardian_phone=phone,
        home=home,
        twin=twin,
        sibling=family is not None,
    )
    if rng.random() < 0.15:
        child.moves_to = _home(rng, _regency(rng) if rng.random() < 0.7 else None)
    return child


@dataclass(frozen=True)
class Agency:
    kind: str
    date_format: str  # strftime pattern of exact dates
    sex_codes: tuple[str, str]  # (female, male)
    nik_rate: float
    dob_rate: float  # an exact date
    call_name_rate: float  # the call name written as the name
    year_only_rate: float
    estimated_rate: float  # an age estimated by the worker instead of a date
    address_rate: float
    phone_rate: float
    regency_rate: float
    split_names: bool = False  # exports given and family name apart
    jan_first: bool = False  # writes a year-only date as 1 January of that year
    shelter: bool = False


AGENCIES = [
    Agency("service_unit", "%d-%m-%Y", ("P", "L"), 0.45, 0.7, 0.05, 0.1, 0.05, 0.9, 0.6, 0.95),
    Agency(
        "police", "%Y-%m-%d", ("Perempuan", "Laki-laki"), 0.6, 0.85, 0.0, 0.05, 0.02, 0.95, 0.5, 0.9, split_names=True
    ),
    Agency("hotline", "%d/%m/%Y", ("perempuan", "laki-laki"), 0.05, 0.2, 0.45, 0.1, 0.5, 0.4, 0.8, 0.6),
    Agency("shelter", "%d/%m/%Y", ("F", "M"), 0.15, 0.4, 0.2, 0.25, 0.2, 0.95, 0.7, 0.9, jan_first=True, shelter=True),
    Agency("hospital", "%d/%m/%Y", ("P", "L"), 0.25, 0.9, 0.02, 0.03, 0.03, 0.8, 0.8, 0.9),
]


SHELTERS = 60  # shelters in the country; their address and phone are shared by unrelated children


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 3:
        return word
    i = rng.randrange(1, len(word))
    kind = rng.random()
    if kind < 0.3 and i < len(word) - 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind < 0.55:
        return word[:i] + word[i + 1 :]
    if kind < 0.75:
        return word[:i] + rng.choice("aiueonrstkmlh") + word[i:]
    keyboard = {"a": "s", "s": "a", "i": "o", "o": "i", "u": "y", "n": "m", "m": "n", "e": "r", "r": "t", "t": "r"}
    return word[:i] + keyboard.get(word[i].lower(), "a") + word[i + 1 :]


def _respell(rng: random.Random, word: str, pairs: list[tuple[str, str]]) -> str:
    lower = word.lower()
    options = [(a, b) for a, b in pairs if a in lower]
    if not options:
        if rng.random() < 0.5:
            return word + "h" if word[-1] in "aiu" else word
        return word[:-1] if word.endswith("h") else word
    a, b = rng.choice(options)
    at = lower.index(a)
    out = word[:at] + b + word[at + len(a) :]
    return out[0].upper() + out[1:]


def _digit_typo(rng: random.Random, born: date) -> date:
    for _ in range(20):
        part = rng.choice(["day", "month", "year"])
        try:
            if part == "day":
                return born.replace(
                    day=int(
                        rng.choice(
                            [
                                str(born.day % 10),
                                f"{rng.randint(0, 2)}{born.day % 10}",
                                f"{born.day // 10}{rng.randint(0, 9)}",
                            ]
                        )
                    )
                )
            if part == "month":
                return born.replace(month=rng.choice([m for m in range(1, 13) if abs(m - born.month) in (1, 2, 3)]))
            return born.replace(year=born.year + rng.choice([-1, 1, -10, 10]) if rng.random() < 0.7 else born.year)
        except ValueError:
            continue
    return born


def _record(
    rng: random.Random, child: Child, agency: Agency, number: int, recorded: date, first: bool, postcodes: float
) -> dict:
    labels: list[str] = []
    tokens = list(child.tokens)
    if len(tokens) == 1 or (child.culture == "balinese" and len(tokens) <= 3):
        labels.append("single_name" if len(tokens) == 1 else "shared_order_name")
    care = 0.5 if first else 1.0  # the first record of a child is a little cleaner
    if rng.random() < 0.12 * care:
        i = rng.randrange(len(tokens))
        tokens[i] = _respell(rng, tokens[i], SOUND_SWAPS)
        labels.append("spelling")
    if rng.random() < 0.05 * care:
        i = rng.randrange(len(tokens))
        tokens[i] = _respell(rng, tokens[i], OLD_SPELLINGS)
        labels.append("old_spelling")
    if rng.random() < 0.1 * care:
        i = rng.randrange(len(tokens))
        tokens[i] = _typo(rng, tokens[i])
        labels.append("typo")
    if len(tokens) > 2 and rng.random() < 0.12 * care:
        tokens = tokens[: rng.choice([1, 2])]  # the name shortened: the last words left out
        labels.append("shortened")
    if len(tokens) > 1 and rng.random() < 0.06 * care:
        tokens = tokens[1:] + tokens[:1]
        labels.append("order")
    name = " ".join(tokens)
    aliases = ""
    if rng.random() < agency.call_name_rate:
        name = child.call_name
        labels.append("call_name")
    elif rng.random() < 0.2:
        aliases = child.call_name
    if rng.random() < 0.06:
        name = f"{rng.choice(HONORIFICS)} {name}"
    if rng.random() < 0.04 and not child.female:
        name += " bin " + rng.choice(JAVANESE_M + ARABIC_M)
    elif rng.random() < 0.04 and child.female:
        name += " binti " + rng.choice(JAVANESE_M + ARABIC_M)
    if rng.random() < 0.15:
        name = name.upper()
    born, dob, age = child.born, "", ""
    roll = rng.random()
    if roll < agency.year_only_rate:
        dob = (
            f"01/01/{born.year}"
            if agency.jan_first
            else str(born.year + (rng.choice([-1, 1]) if rng.random() < 0.2 else 0))
        )
        labels.append("year_only")
    elif roll < agency.year_only_rate + agency.estimated_rate:
        real = (recorded - born).days // 365
        age = str(max(1, real + rng.choice([-2, -1, 0, 0, 0, 1, 1, 2])))
        labels.append("estimated_age")
    elif roll < agency.year_only_rate + agency.estimated_rate + agency.dob_rate:
        written = born
        if rng.random() < 0.06 * care and born.day <= 12 and born.day != born.month:
            written = date(born.year, born.day, born.month)
            labels.append("dob_swapped")
        elif rng.random() < 0.06 * care:
            written = _digit_typo(rng, born)
            if written != born:
                labels.append("dob_typo")
        dob = written.strftime(agency.date_format)
    else:
        labels.append("no_dob")
    nik = ""
    if rng.random() < agency.nik_rate:
        nik = child.nik
        if rng.random() < 0.04 * care:
            i = rng.randrange(12, 16)
            nik = nik[:i] + str((int(nik[i]) + rng.randint(1, 9)) % 10) + nik[i + 1 :]
            labels.append("nik_typo")
        elif rng.random() < 0.03:
            nik = child.family_card  # the family card number written as the NIK: siblings share it
            labels.append("family_card")
    else:
        labels.append("no_nik")
    home = child.home
    if child.moves_to and not first and rng.random() < 0.6:
        home = child.moves_to
        labels.append("moved")
    regency, address, postcode = home
    phone = child.guardian_phone if rng.random() < agency.phone_rate else ""
    if agency.shelter:
        shelter = rng.randrange(SHELTERS)
        shelter_rng = random.Random(f"shelter-{shelter}")
        regency, address, postcode = _home(shelter_rng)
        address = f"Rumah Aman {shelter + 1}, {address}"
        phone = _phone(shelter_rng) if rng.random() < 0.7 else phone
        labels.append("shelter")
    elif agency.kind == "hotline" and phone and rng.random() < 0.5:
        phone = _phone(rng)  # the caller's number
        labels.append("caller_phone")
    if phone and rng.random() < 0.3:
        phone = "+62 " + phone[1:4] + "-" + phone[4:]
    sex = agency.sex_codes[0 if child.female else 1]
    if rng.random() < 0.05:
        sex = ""
    elif rng.random() < 0.005:
        sex = agency.sex_codes[1 if child.female else 0]
        labels.append("sex_wrong")
    if child.twin:
        labels.append("twin")
    if child.sibling:
        labels.append("sibling")
    row = {
        "id": f"{agency.kind[:3]}-{number}",
        "agency": agency.kind,
        "person": child.key,
        "variations": ";".join(sorted(set(labels))),
        "full_name": name,
        "given_name": "",
        "family_name": "",
        "aliases": aliases,
        "date_of_birth": dob,
        "age": age,
        "recorded_on": recorded.isoformat() if age else "",
        "sex": sex,
        "nik": nik,
        "phone": phone,
        "address": address if rng.random() < agency.address_rate else "",
        "postcode": postcode if rng.random() < postcodes else "",
        "regency_code": regency if rng.random() < agency.regency_rate else "",
    }
    if agency.split_names and "call_name" not in labels:
        words = name.split()
        cut = child.given_count if "order" not in labels and "shortened" not in labels else 1
        row["given_name"], row["family_name"] = " ".join(words[:cut]), " ".join(words[cut:])
        row["full_name"] = ""
    return row


FIELDS = (
    "id agency person variations full_name given_name family_name aliases date_of_birth age "
    "recorded_on sex nik phone address postcode regency_code"
).split()


def generate(records: int, *, seed: int = 7, today: date = date(2026, 6, 30), postcodes: float = 0.15) -> list[dict]:
    """About ``records`` records of invented children, each reported by one to five agencies; about
    a quarter of the children have a sibling in the set, a few a twin. ``postcodes``: the share of
    records with a postcode (agencies rarely write one)."""
    rng = random.Random(seed)
    rows: list[dict] = []
    previous: Child | None = None
    people = 0
    while len(rows) < records:
        if previous is not None and rng.random() < 0.18:
            child = _child(rng, f"n{people}", today, family=previous, twin=rng.random() < 0.15)
        else:
            child = _child(rng, f"n{people}", today)
        people += 1
        reports = rng.choices([1, 2, 3, 4, 5], weights=[62, 24, 9, 4, 1])[0]
        agencies = rng.sample(AGENCIES, reports)
        recorded = today - timedelta(days=rng.randint(0, 900))
        for n, agency in enumerate(agencies):
            when = recorded + timedelta(days=rng.randint(0, 120) * n)
            rows.append(_record(rng, child, agency, len(rows), min(when, today), first=n == 0, postcodes=postcodes))
        previous = child
    rng.shuffle(rows)
    return rows[:records]


def write(rows: list[dict], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(rows)
