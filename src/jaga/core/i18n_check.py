"""Fails when the Indonesian catalogue has an untranslated or fuzzy entry (used by `make check-i18n`)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

ENTRY = re.compile(r'^msgid ((?:".*"\n)+)(?:msgid_plural (?:".*"\n)+)?msgstr(?:\[0\])? ((?:".*"\n?)+)', re.M)


def _join(quoted: str) -> str:
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', quoted))


def untranslated(po_text: str) -> list[str]:
    """The msgids without a translation, or whose translation is only a fuzzy guess."""
    problems = []
    for block in po_text.split("\n\n"):
        match = ENTRY.search(block + "\n")
        if not match or not _join(match.group(1)):
            continue  # the header
        if not _join(match.group(2)) or "#, fuzzy" in block:
            problems.append(_join(match.group(1)))
    return problems


def main(path: str) -> int:
    problems = untranslated(Path(path).read_text(encoding="utf-8"))
    for msgid in problems:
        print(f"untranslated: {msgid}")
    print(f"{path}: {len(problems)} untranslated")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
