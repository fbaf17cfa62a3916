"""`jaga linkage encode`: turn a CSV of identifiers into keyed encodings, for data holders outside Jaga."""

from __future__ import annotations

import csv
import io
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jaga.linkage.encoding import COLUMNS, STANDARD, EncodingError, Keys, encode

MAX_LISTED = 20


def read_secret(path: str) -> Keys:
    try:
        secret = Path(path).read_bytes().strip()
    except OSError as exc:
        raise CommandError(f"--secret-file: cannot read {path} ({exc.strerror}).") from exc
    try:
        return Keys(secret)
    except ValueError as exc:
        raise CommandError(f"--secret-file: {exc}.") from exc


def parse_map(pairs: list[str]) -> dict[str, str]:
    """``STD=COLUMN`` pairs: the file's COLUMN holds the standard column STD."""
    mapping = {}
    for pair in pairs:
        standard, sep, column = pair.partition("=")
        if not sep or not column:
            raise CommandError(f"--map {pair}: write it as STANDARD=COLUMN, e.g. full_name=nama.")
        if standard not in ("id", *STANDARD):
            raise CommandError(f"--map {pair}: {standard} is not a standard column ({', '.join(['id', *STANDARD])}).")
        mapping[column] = standard
    return mapping


class Command(BaseCommand):
    help = (
        "Linkage without names. encode INPUT.csv --secret-file KEY --out ENCODED.csv [--map STD=COLUMN ...]: "
        f"reads an id column and any of {', '.join(STANDARD)}, writes only the id and keyed encodings."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["encode"])
        parser.add_argument("input")
        parser.add_argument("--secret-file", required=True, help="a file holding the linkage secret (16+ bytes)")
        parser.add_argument("--out", required=True, help="the encoded CSV to write")
        parser.add_argument("--map", action="append", default=[], metavar="STD=COLUMN")

    def handle(self, *args: Any, **options: Any) -> None:
        keys = read_secret(options["secret_file"])
        mapping = parse_map(options["map"])
        try:
            text = Path(options["input"]).read_bytes().decode("utf-8-sig")
        except OSError as exc:
            raise CommandError(f"{options['input']}: cannot read it ({exc.strerror}).") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"{options['input']}: not UTF-8 text; save it as CSV UTF-8.") from exc
        try:
            sample = text[:4096]
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample.strip() else csv.excel
        except csv.Error:
            dialect = csv.excel
        reader = csv.reader(io.StringIO(text), dialect)
        header = next(reader, None)
        if not header:
            raise CommandError(f"{options['input']}: the file is empty.")
        missing_mapped = [column for column in mapping if column not in header]
        if missing_mapped:
            raise CommandError(f"--map: the file has no column {', '.join(missing_mapped)}.")
        names = [mapping.get(column, column).strip() for column in header]
        unknown = [column for column, name in zip(header, names, strict=True) if name not in ("id", *STANDARD)]
        if unknown:
            raise CommandError(
                f"Unknown columns: {', '.join(unknown[:10])}. Rename them with --map STD=COLUMN, or remove them "
                f"(standard columns: id, {', '.join(STANDARD)})."
            )
        if "id" not in names:
            raise CommandError("The file has no id column (or map one with --map id=COLUMN).")
        if len(set(names)) != len(names):
            raise CommandError("Two columns have the same meaning; keep one.")
        errors: list[str] = []
        seen: dict[str, int] = {}
        rows = []
        for number, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            values = dict(zip(names, row, strict=False))
            record_id = values.get("id", "").strip()
            if not record_id:
                errors.append(f"row {number}: id is empty")
            elif record_id in seen:
                errors.append(f"row {number}: the same id as row {seen[record_id]}")
            else:
                seen[record_id] = number
            try:
                rows.append(encode(keys, record_id, values))
            except EncodingError as exc:
                errors.append(f"row {number}, column {exc}")
            if (number - 1) % 10_000 == 0:
                sys.stderr.write(f"{number - 1:,} rows encoded\n")
        if errors:
            listed = "\n".join(errors[:MAX_LISTED])
            more = f"\n... and {len(errors) - MAX_LISTED} more" if len(errors) > MAX_LISTED else ""
            raise CommandError(f"Nothing written: {len(errors)} problems.\n{listed}{more}")
        out = Path(options["out"])
        handle, temporary = tempfile.mkstemp(dir=out.parent if str(out.parent) else ".", suffix=".part")
        with os.fdopen(handle, "w", newline="", encoding="utf-8") as stream:
            writer = csv.DictWriter(stream, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows(rows)
        os.replace(temporary, out)  # whole or not at all
        self.stdout.write(f"{len(rows):,} records encoded into {out} (key check {keys.fingerprint})")
