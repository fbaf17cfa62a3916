"""Identifiers in one canonical form before they are encoded: Indonesian names, dates, numbers."""

from __future__ import annotations

import re
import unicodedata
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
    """Lower-case ASCII words without honorifics, in modern spelling, with doubled letters single."""
    tokens = []
    for word in _ascii_words(text):
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


def birth_date(text: str) -> date | None:
    """A YYYY-MM-DD date; raises ValueError for anything else (empty means none)."""
    value = text.strip()
    if not value:
        return None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("not YYYY-MM-DD")
    return date.fromisoformat(value)
