"""Keyed encodings of a person's identifiers: what linkage compares instead of names.

For each record: balanced, keyed-permuted Bloom filters of name and address bigrams (similarity
survives typos and spelling variants), keyed hashes of exact fields and of birth-date parts, and
keyed blocking keys. Every hash is keyed (BLAKE2b in keyed mode, a PRF) with subkeys of the linkage
secret: without it nobody can build a filter for a guessed name. The method and what an attacker
with the encodings alone can learn are in docs/adr/0011-linkage-encodings.md.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from jaga.linkage import normalise

VERSION = "jaga-linkage-2"
# field -> (filter length in bits, bit positions per bigram); recorded in the fingerprint.
FILTERS = {"name": (1000, 20), "first": (500, 15), "last": (500, 15), "address": (1000, 10)}
# dob, dob_md, dob_dm, dob_ym, dob_yd: a whole birth date and its parts (two of three parts agreeing is a
# one-digit typo); dob_y: the year, also of a year-only or estimated date; dob_w0..2: the year in three
# windows of three years offset by one, so that two years at most two apart share one (an estimate).
EXACT = ["dob", "dob_y", "dob_md", "dob_dm", "dob_ym", "dob_yd", "dob_w0", "dob_w1", "dob_w2", "sex", "nik",
         "phone", "postcode", "regency"]  # fmt: skip
BLOCKS = ["b_dob", "b_nik", "b_phone", "b_last_yob", "b_first_dmy", "b_regency_yob"]
# alias_bf holds nicknames and aliases in the name filter's space, so either can match the other's name.
BLOOM_COLUMNS = ["name_bf", "alias_bf", "first_bf", "last_bf", "address_bf"]
# How many bits each filter's bigrams set (a number from 0 to L; it says roughly how long the text is).
COUNTS = [column.replace("_bf", "_n") for column in BLOOM_COLUMNS]
HASHES = [*EXACT, *BLOCKS]
# words: the keyed hashes of each word of the name and the aliases (space-separated), for blocking on a
# word the two names share (a call name that is one of the names, a name shortened, another order).
WORDS = "words"
COLUMNS = ["id", "fp", *BLOOM_COLUMNS, *HASHES, WORDS, *COUNTS]
STANDARD = [
    "given_name",
    "family_name",
    "full_name",
    "aliases",
    "date_of_birth",
    "age",
    "recorded_on",
    "sex",
    "nik",
    "phone",
    "address",
    "postcode",
    "regency_code",
]


class Keys:
    """Subkeys of one linkage secret, one per use, so that no two encodings share a hash function."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("the linkage secret must be at least 16 bytes")
        self._master = hashlib.blake2b(secret, person=b"jaga-linkage").digest()
        self._subkeys: dict[str, bytes] = {}
        self.fingerprint = self.mac("fingerprint", f"{VERSION}|{sorted(FILTERS.items())}|{COLUMNS}")[:16]

    def subkey(self, purpose: str) -> bytes:
        key = self._subkeys.get(purpose)
        if key is None:
            key = self._subkeys[purpose] = hashlib.blake2b(purpose.encode(), key=self._master, digest_size=32).digest()
        return key

    def mac(self, purpose: str, value: str) -> str:
        return hashlib.blake2b(value.encode(), key=self.subkey(purpose), digest_size=16).hexdigest()


def bigrams(text: str) -> set[str]:
    """Padded character bigrams of each word: 'budi' -> _b bu ud di i_."""
    grams: set[str] = set()
    for word in text.split():
        padded = f"_{word}_"
        grams.update(padded[i : i + 2] for i in range(len(padded) - 1))
    return grams


@dataclass
class _Filter:
    """One field's filter under one key: where each bigram's bits land once balanced and permuted.

    The balanced filter is the L bits followed by their complement; the keyed permutation shuffles
    those 2L bits. Setting original bit i sets output bit inv[i] and clears output bit inv[L + i],
    so a bigram's effect is a pair of masks, computed once per bigram and cached.
    """

    length: int
    positions: int
    key: bytes
    inverse: list[int]
    empty: int  # the output for no bits set: every complement bit is 1
    masks: dict[str, tuple[int, int]]

    def gram_masks(self, gram: str) -> tuple[int, int]:
        cached = self.masks.get(gram)
        if cached is None:
            top = 2 * self.length - 1
            digest = hashlib.blake2b(gram.encode(), key=self.key, digest_size=2 * self.positions).digest()
            set_mask = clear_mask = 0
            for n in range(self.positions):  # independent 16-bit positions: no double hashing to exploit
                bit = int.from_bytes(digest[2 * n : 2 * n + 2], "big") % self.length
                set_mask |= 1 << (top - self.inverse[bit])
                clear_mask |= 1 << (top - self.inverse[self.length + bit])
            cached = self.masks[gram] = (set_mask, clear_mask)
        return cached


_FILTER_CACHE: dict[tuple[str, str], _Filter] = {}


def _filter(keys: Keys, field: str) -> _Filter:
    cached = _FILTER_CACHE.get((keys.fingerprint, field))
    if cached is None:
        length, positions = FILTERS[field]
        # A keyed permutation of the balanced filter's 2L bits (Fisher-Yates driven by the key).
        order = list(range(2 * length))
        stream = hashlib.blake2b(b"permutation", key=keys.subkey(f"perm-{field}"), digest_size=64).digest()
        counter = 0
        for i in range(2 * length - 1, 0, -1):
            if len(stream) < 4:
                counter += 1
                stream = hashlib.blake2b(
                    counter.to_bytes(8, "big"), key=keys.subkey(f"perm-{field}"), digest_size=64
                ).digest()
            j = int.from_bytes(stream[:4], "big") % (i + 1)
            stream = stream[4:]
            order[i], order[j] = order[j], order[i]
        inverse = [0] * (2 * length)
        for position, source in enumerate(order):
            inverse[source] = position
        top = 2 * length - 1
        empty = sum(1 << (top - inverse[length + i]) for i in range(length))
        cached = _Filter(length, positions, keys.subkey(f"bf-{field}"), inverse, empty, {})
        _FILTER_CACHE[(keys.fingerprint, field)] = cached
    return cached


def bloom(keys: Keys, field: str, text: str) -> str:
    """A balanced Bloom filter (the bits, then their complement) of the text's bigrams, keyed and
    permuted, base64. Empty text gives an empty string (missing, not 'no bigrams')."""
    return bloom_counted(keys, field, text)[0]


def bloom_counted(keys: Keys, field: str, text: str) -> tuple[str, int]:
    """``bloom`` and how many of the filter's L bits the bigrams set (0 for empty text). A balanced
    filter always has L ones, so two short names share most of their complement bits; with the
    counts, matching computes the Dice coefficient of the bigram bits themselves (ADR 0011)."""
    grams = bigrams(text)
    if not grams:
        return "", 0
    spec = _filter(keys, field)
    set_bits = clear_bits = 0
    for gram in grams:
        set_mask, clear_mask = spec.gram_masks(gram)
        set_bits |= set_mask
        clear_bits |= clear_mask
    packed = ((spec.empty | set_bits) & ~clear_bits).to_bytes(2 * spec.length // 8 + 1, "big")
    return base64.b64encode(packed).decode(), set_bits.bit_count()


def similarity(a: str, b: str, field: str, a_bits: int, b_bits: int) -> float | None:
    """Dice coefficient of the bigram bits of two balanced filters, from their common ones and how
    many bits each set (``bloom_counted``); None if either is missing. With L the filter's length,
    common ones = 2 |A and B| + L - |A| - |B|."""
    if not a or not b:
        return None
    x, y = int.from_bytes(base64.b64decode(a), "big"), int.from_bytes(base64.b64decode(b), "big")
    return dice(x, y, a_bits, b_bits, FILTERS[field][0])


def dice(x: int, y: int, x_bits: int, y_bits: int, length: int) -> float:
    """The Dice coefficient of two balanced filters' bigram bits (see ``similarity``)."""
    total = x_bits + y_bits
    return ((x & y).bit_count() - length + total) / total if total else 1.0


def id_problem(record_id: str, row: int, seen: dict[str, int]) -> str:
    """What is wrong with a record's id ("" if nothing); remembers it in ``seen`` (id -> row)."""
    if not record_id:
        return "id is empty"
    if record_id in seen:
        return f"the same id as row {seen[record_id]}"
    seen[record_id] = row
    return ""


class EncodingError(ValueError):
    """A value that cannot be encoded; the message names the column and why, never the value."""

    def __init__(self, column: str, why: str) -> None:
        super().__init__(f"{column}: {why}")
        self.column = column


def encode(keys: Keys, record_id: str, values: dict[str, str]) -> dict[str, str]:
    """One record's encodings from its standard columns (any subset; empty values allowed)."""
    full = normalise.name_tokens(values.get("full_name", ""))
    given = normalise.name_tokens(values.get("given_name", "")) or full[:1]
    family = normalise.name_tokens(values.get("family_name", "")) or (full[-1:] if len(full) > 1 else [])
    tokens = full or [*given, *family]
    alias_tokens = normalise.name_tokens(values.get("aliases", ""))
    try:
        born = normalise.birth_date(values.get("date_of_birth", ""))
    except ValueError as exc:
        raise EncodingError("date_of_birth", f"{exc}") from exc
    if born is None:
        try:
            born = normalise.estimated_birth(values.get("age", ""), values.get("recorded_on", ""))
        except ValueError as exc:
            raise EncodingError("age", f"{exc}") from exc
    sex = normalise.sex(values.get("sex", ""))
    if sex is None:
        raise EncodingError("sex", "use female/male (or perempuan/laki-laki), or leave it empty")
    nik = normalise.digits(values.get("nik", ""))
    if nik and len(nik) != 16:
        raise EncodingError("nik", "a NIK has 16 digits")
    regency = values.get("regency_code", "").strip()
    if regency and not (len(regency) == 5 and regency[2] == "." and regency.replace(".", "").isdigit()):
        raise EncodingError("regency_code", "is not a regency code such as 51.71")
    postcode = normalise.digits(values.get("postcode", ""))
    phone = normalise.phone(values.get("phone", ""))

    def h(purpose: str, value: str) -> str:
        return keys.mac(purpose, value) if value else ""

    exact = born.exact if born else None
    dob = exact.isoformat() if exact else ""
    year = str(born.year) if born else ""
    first, last = (given[0] if given else ""), (family[-1] if family else "")
    filters = {
        "name": bloom_counted(keys, "name", " ".join(tokens)),
        "alias": bloom_counted(keys, "name", " ".join(alias_tokens)),
        "first": bloom_counted(keys, "first", first),
        "last": bloom_counted(keys, "last", last),
        "address": bloom_counted(keys, "address", normalise.address(values.get("address", ""))),
    }
    out = {
        "id": record_id,
        "fp": keys.fingerprint,
        **{f"{name}_bf": bits for name, (bits, _count) in filters.items()},
        **{f"{name}_n": str(count) if count else "" for name, (_bits, count) in filters.items()},
        "dob": h("dob", dob),
        "dob_y": h("dob_y", year),
        "dob_md": h("dob_md", f"{exact.month:02d}-{exact.day:02d}" if exact else ""),
        "dob_dm": h("dob_md", f"{exact.day:02d}-{exact.month:02d}" if exact and exact.day <= 12 else ""),
        "dob_ym": h("dob_ym", f"{exact.year}-{exact.month:02d}" if exact else ""),
        "dob_yd": h("dob_yd", f"{exact.year}--{exact.day:02d}" if exact else ""),
        **{f"dob_w{k}": h(f"dob_w{k}", str((born.year + k) // 3) if born else "") for k in range(3)},
        "sex": h("sex", sex),
        "nik": h("nik", nik),
        "phone": h("phone", phone),
        "postcode": h("postcode", postcode),
        "regency": h("regency", regency),
        "b_dob": h("b_dob", dob),
        "b_nik": h("b_nik", nik),
        "b_phone": h("b_phone", phone),
        "b_last_yob": h("b_last_yob", f"{last[:3]}|{year}" if last and year else ""),
        "b_first_dmy": h("b_first_dmy", f"{first[:2]}|{dob}" if first and dob else ""),
        "b_regency_yob": h("b_regency_yob", f"{regency}|{year}" if regency and year else ""),
        WORDS: " ".join(sorted({keys.mac("word", word) for word in [*tokens, *alias_tokens] if len(word) > 1})),
    }
    return out


def encode_lenient(keys: Keys, record_id: str, values: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """``encode``, leaving out each value the encoder refuses (linkage on the rest) rather than failing:
    the encodings and the columns left out. For stored cases and evaluation files; an export being
    encoded for sending refuses such a row instead (``jaga linkage encode``)."""
    values, dropped = dict(values), list[str]()
    while True:
        try:
            return encode(keys, record_id, values), dropped
        except EncodingError as exc:
            dropped.append(exc.column)
            values[exc.column] = ""


def plain_values(values: dict[str, str]) -> Iterable[str]:
    """The identifying strings of a record worth searching for in an output (tests, self-checks)."""
    for column in ("given_name", "family_name", "full_name", "aliases", "nik", "phone", "address", "date_of_birth"):
        value = values.get(column, "").strip()
        if len(value) >= 4:
            yield value
