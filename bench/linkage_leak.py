"""What the encodings of version 2 let an attacker without the secret learn, measured (ADR 0011).

On 100,000 records of the second generator (src/jaga/linkage/tests/nusantara/; BENCH_LEAK_RECORDS),
encoded as ``jaga linkage encode`` encodes them, it measures per encoded column:

- whether any plain identifier of a record appears in its encoded row (it must not);
- how many distinct values the column has, and the share of records whose value is shared by at least
  10 and by at least 100 records: equal values are visible without the key, so a frequency attack with
  outside statistics (the most common names, birth years) can guess what the most frequent ones are;
- for the bit counts added in version 2 (how many bits each filter's bigrams set): how much they say
  about a name's length, as the entropy of the count and the correlation with the number of bigrams.

The section is written into docs/benchmarks.md between markers.
"""

from __future__ import annotations

import math
import os
import sys
import tempfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RECORDS = int(os.environ.get("BENCH_LEAK_RECORDS", "100000"))
START, END = "<!-- linkage-leak:start -->", "<!-- linkage-leak:end -->"


def entropy(counts: Counter) -> float:
    total = sum(counts.values())
    return -sum(n / total * math.log2(n / total) for n in counts.values())


def main() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT / "bench"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jaga.settings")
    os.environ.setdefault("JAGA_DATA_DIR", tempfile.mkdtemp())
    import django

    django.setup()
    from run import machine

    from jaga.linkage import assess, encoding, normalise
    from jaga.linkage.tests import nusantara

    rows = nusantara.generate(RECORDS, seed=RECORDS + 7)
    keys = encoding.Keys(b"leak-measurement-secret-0123456789")
    encoded = assess.encode_all(keys, rows, Counter())

    # A plain value of six characters or more (as written, lower-cased, or as a normalised name word)
    # searched in the record's own encoded row, and, for what chance gives in 1,700 characters of base64
    # and hex, in another record's row: shorter strings turn up in random base64 by chance.
    def found(row: dict, out: dict) -> int:
        text = " ".join(str(v) for v in out.values())
        pieces = {
            p for value in encoding.plain_values(row) for p in [value, value.lower(), *normalise.name_tokens(value)]
        }
        return sum(1 for piece in pieces if len(piece) >= 6 and piece in text)

    leaks = sum(found(row, out) for row, out in zip(rows, encoded, strict=True))
    chance = sum(found(row, out) for row, out in zip(rows, encoded[1:] + encoded[:1], strict=True))
    lines = [
        START,
        "## Linkage encodings (version 2): what they show without the secret",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()}, by `make bench`",
        "(`bench/linkage_leak.py`), on",
        f"{RECORDS:,} records of the second generator encoded as `jaga linkage encode` does (ADR 0011 states",
        "the threat model). Plain identifiers of six characters or more (names, normalised name words, NIK, phone,",
        f"address, birth date) found in the record's own encoded row: **{leaks}** (in another record's row, which is",
        f"what chance gives: {chance}).",
        "",
        "| column | what it encodes | distinct values | records whose value 10+ records share | 100+ share |",
        "|---|---|---|---|---|",
    ]
    described = {
        "name_bf": "whole name filter", "first_bf": "given name filter", "last_bf": "family name filter",
        "alias_bf": "aliases filter", "address_bf": "address filter", "dob": "birth date", "dob_y": "birth year",
        "dob_w0": "birth-year window", "dob_ym": "year and month", "sex": "sex", "nik": "NIK", "phone": "phone",
        "regency": "regency", "words": "name words (each)",
    }  # fmt: skip
    for column, label in described.items():
        if column == "words":
            values = Counter(word for out in encoded for word in out[column].split())
            per_record = [[values[w] for w in out[column].split()] for out in encoded]
            counted = [max(f) for f in per_record if f]
        else:
            values = Counter(out[column] for out in encoded if out[column])
            counted = [values[out[column]] for out in encoded if out[column]]
        ten = sum(1 for n in counted if n >= 10) / len(encoded)
        hundred = sum(1 for n in counted if n >= 100) / len(encoded)
        lines.append(f"| `{column}` | {label} | {len(values):,} | {ten:.0%} | {hundred:.0%} |")
    # The counts: how much a filter's bit count says about the name's length.
    grams, counts = [], []
    for row, out in zip(rows, encoded, strict=True):
        if out["name_n"]:
            name = row.get("full_name") or f"{row.get('given_name', '')} {row.get('family_name', '')}"
            grams.append(len(encoding.bigrams(normalise.name(name))))
            counts.append(int(out["name_n"]))
    mean_g, mean_c = sum(grams) / len(grams), sum(counts) / len(counts)
    cov = sum((g - mean_g) * (c - mean_c) for g, c in zip(grams, counts, strict=True))
    corr = cov / math.sqrt(sum((g - mean_g) ** 2 for g in grams) * sum((c - mean_c) ** 2 for c in counts))
    lines += [
        "",
        f"Bit counts (`name_n`, new in version 2): {len(set(counts)):,} distinct values, entropy "
        f"{entropy(Counter(counts)):.1f} bits per record; correlation with the number of bigrams in the name "
        f"{corr:.3f}, so the count tells the name's length to about one bigram (as an unbalanced filter's weight",
        "does in CLK encodings); it says nothing about which bigrams. Frequent values are what a frequency attack",
        "can target: the given-name filter and the name words (Siti, Putri, Muhammad) more than the whole-name",
        "filter; the windows and years are shared by thousands (a birth year is not secret from an age band).",
        END,
    ]
    text = "\n".join(lines)
    path = ROOT / "docs" / "benchmarks.md"
    current = path.read_text(encoding="utf-8")
    if START in current:
        before, rest = current.split(START, 1)
        current = before.rstrip("\n") + "\n\n" + text + rest.split(END, 1)[1]
    else:
        current = current.rstrip("\n") + "\n\n" + text + "\n"
    path.write_text(current, encoding="utf-8")
    print(text)
    if leaks > chance + 3:
        raise SystemExit(f"{leaks} plain identifiers found in the encodings (chance: {chance})")


if __name__ == "__main__":
    main()
