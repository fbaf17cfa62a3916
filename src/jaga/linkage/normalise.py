"""Identifiers in one canonical form before they are encoded: Indonesian names, dates, numbers."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

# Titles and honorifics that say nothing about who the child is.
HONORIFICS = frozenset(
    {
        "an",
        "anak",
        "bapak",
        "bpk",
        "bp",
        "pak",
        "ibu",
        "bu",
        "sdr",
        "sdri",
        "saudara",
        "saudari",
        "nn",
        "nona",
        "tn",
        "tuan",
        "ny",
        "nyonya",
        "dik",
        "adik",
        "kak",
        "mas",
        "mbak",
        "teh",
        "bang",
        "dr",
        "drs",
        "ir",
        "h",
        "hj",
        "haji",
        "hajah",
        "hajjah",
        "ust",
        "ustadz",
        "ustazah",
        "spd",
        "se",
        "sh",
        "st",
        "amd",
    }
)
PATRONYMIC = frozenset({"bin", "binti", "bt", "bte"})
# Old (pre-1972) spellings and their EYD forms, inside words: Djoko -> Joko, Soeharto -> Suharto,
# Tjahjono -> Cahyono (in an old-spelled word a lone j was the modern y).
OLD_PAIRS = {"dj": "\x01", "tj": "\x02", "sj": "\x03", "nj": "\x04"}
NEW_PAIRS = {"\x01": "j", "\x02": "c", "\x03": "sy", "\x04": "ny"}
# One canonical form for common variants of whole name tokens.
TOKENS = {
    **dict.fromkeys(
        ["mohammad", "mohamad", "muhamad", "mochammad", "mochamad", "moch", "moh", "muh", "mohd"], "muhammad"
    ),
    **dict.fromkeys(["nur", "nurul", "noer"], "nur"),
    **dict.fromkeys(["abd", "abdul"], "abdul"),
}
ABBREVIATIONS = {
    "jl": "jalan",
    "jln": "jalan",
    "gg": "gang",
    "kel": "kelurahan",
    "kec": "kecamatan",
    "kab": "kabupaten",
    "ds": "desa",
    "no": "nomor",
    "blk": "blok",
    "perum": "perumahan",
}


def _ascii_words(text: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.findall(r"[a-z0-9]+", plain)


def name_tokens(text: str) -> list[str]:
    """Lower-case ASCII words without honorifics, in modern spelling, with doubled letters single.
    What follows "bin" or "binti" (son or daughter of) is the father's name, not the child's."""
    tokens: list[str] = []
    for word in _ascii_words(text):
        if word in PATRONYMIC and tokens:
            break
        if word in HONORIFICS or word.isdigit():
            continue
        tokens.append(TOKENS.get(word) or _modern(word))
    return tokens


def _modern(word: str) -> str:
    old = any(pair in word for pair in (*OLD_PAIRS, "oe"))
    for pair, mark in OLD_PAIRS.items():
        word = word.replace(pair, mark)
    if old:
        word = word.replace("j", "y")
    for mark, new in NEW_PAIRS.items():
        word = word.replace(mark, new)
    word = word.replace("oe", "u").replace("ch", "kh")
    word = re.sub(r"(.)\1+", r"\1", word)
    return TOKENS.get(word, word)


def name(text: str) -> str:
    return " ".join(name_tokens(text))


def address(text: str) -> str:
    return " ".join(ABBREVIATIONS.get(word, word) for word in _ascii_words(text))


def digits(text: str) -> str:
    return re.sub(r"\D", "", text or "")


def phone(text: str) -> str:
    number = digits(text)
    if number.startswith("62"):
        number = "0" + number[2:]
    return number if len(number) >= 8 else ""


def sex(text: str) -> str | None:
    """'f', 'm', '' (unknown), or None when the value is not a sex at all."""
    value = text.strip().lower()
    if value in ("f", "female", "p", "perempuan", "wanita", "girl"):
        return "f"
    if value in ("m", "male", "l", "laki-laki", "laki", "pria", "boy", "lk"):
        return "m"
    if value in ("", "u", "unknown", "tidak diketahui", "-"):
        return ""
    return None


@dataclass(frozen=True)
class Born:
    """A birth date as far as it is known: the whole date, a year only, or a year estimated from an age."""

    year: int
    month: int | None = None
    day: int | None = None
    estimated: bool = False  # the year comes from an age a worker estimated

    @property
    def exact(self) -> date | None:
        return date(self.year, self.month, self.day) if self.month and self.day else None


_DATE_FORMATS = [  # (pattern, order of its groups): ISO first, then as Indonesian agencies write dates
    (re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"), "ymd"),
    (re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})"), "dmy"),
    (re.compile(r"(\d{4})[-/.](\d{1,2})"), "ym"),
    (re.compile(r"(\d{4})"), "y"),
]
# A day and month that Indonesian registers write when only the year is known (civil registry
# practice for people without a birth certificate): such a date says the year, not the day.
PLACEHOLDER_DAYS = {(1, 1), (12, 31)}


def birth_date(text: str) -> Born | None:
    """A birth date written YYYY-MM-DD, DD-MM-YYYY, DD/MM/YYYY (the day first, as in Indonesia),
    YYYY-MM or YYYY alone; raises ValueError for anything else (empty means none). 1 January and 31
    December count as a year only (see PLACEHOLDER_DAYS)."""
    value = text.strip()
    if not value:
        return None
    for pattern, order in _DATE_FORMATS:
        found = pattern.fullmatch(value)
        if not found:
            continue
        parts = dict(zip(order, (int(g) for g in found.groups()), strict=True))
        year, month, day = parts["y"], parts.get("m"), parts.get("d")
        if not 1900 <= year <= 2100:
            raise ValueError("the year is not a birth year")
        if month is not None and not 1 <= month <= 12:
            raise ValueError("the month is not 1 to 12")
        if day is not None:
            date(year, month or 1, day)  # raises ValueError for 31 February
            if (month, day) in PLACEHOLDER_DAYS:
                return Born(year)
        return Born(year, month, day)
    raise ValueError("not a date (YYYY-MM-DD, DD/MM/YYYY, DD-MM-YYYY or a year)")


def estimated_birth(age: str, recorded_on: str) -> Born | None:
    """The birth year of a child whose age was estimated (in years) on ``recorded_on`` (a date as
    ``birth_date`` reads it); raises ValueError when either cannot be read."""
    value = age.strip()
    if not value:
        return None
    if not value.isdigit() or int(value) > 25:
        raise ValueError("the age is not a number of years up to 25")
    recorded = birth_date(recorded_on) if recorded_on.strip() else None
    if recorded is None:
        raise ValueError("an age needs the date it was recorded (recorded_on)")
    return Born(recorded.year - int(value), estimated=True)
