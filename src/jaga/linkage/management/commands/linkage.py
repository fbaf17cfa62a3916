"""`jaga linkage encode`: turn a CSV of identifiers into keyed encodings, for data holders outside Jaga."""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jaga.linkage import matching
from jaga.linkage.encoding import COLUMNS, STANDARD, EncodingError, Keys, encode, id_problem
from jaga.linkage.matching.model import MIN_TRAINING

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


def threshold(value: str) -> float | None:
    """A probability, or "auto" (chosen from the model)."""
    if value.strip().lower() == "auto":
        return None
    try:
        return float(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{value!r} is not a probability (0 to 1) or auto") from exc


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
        f"reads an id column and any of {', '.join(STANDARD)}, writes only the id and keyed encodings. "
        "match ENCODED_A.csv [ENCODED_B.csv] --out PAIRS.csv [--clusters CLUSTERS.csv]: de-duplicates one "
        "encoded file or links two. run: a linkage run over Jaga's own cases (for a scheduler). "
        "evaluate TEST.csv [TEST_B.csv] [--truth person] [--variations variations] [--json OUT]: matches plain "
        "test records (synthetic or public benchmark data, never real children) whose truth is known, and says "
        "precision, recall and F1, where the missed pairs were lost and recall by variation."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["encode", "match", "run", "evaluate"])
        parser.add_argument("input", nargs="*", help="encode: one CSV of identifiers; match: one or two encoded CSVs")
        parser.add_argument("--secret-file", help="encode: a file holding the linkage secret (16+ bytes)")
        parser.add_argument("--out", help="the CSV to write (encodings, or matched pairs)")
        parser.add_argument("--map", action="append", default=[], metavar="STD=COLUMN")
        parser.add_argument("--clusters", help="match: also write id,cluster (one cluster per person)")
        parser.add_argument("--truth", default="person", help="evaluate: the column that says who each record is")
        parser.add_argument(
            "--variations", default="variations", help="evaluate: a column of ;-separated labels per record"
        )
        parser.add_argument("--json", help="evaluate: also write the figures as JSON to this file")
        parser.add_argument(
            "--threshold",
            type=threshold,
            default=None,
            help="match probability (default: chosen from the trained model, as the run's notes say)",
        )
        parser.add_argument(
            "--review-threshold",
            type=threshold,
            default=None,
            help="pairs between this and --threshold are counted as uncertain, not matched (default: from the model)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "run":
            self.run()
            return
        if options["action"] == "evaluate":
            if not options["input"]:
                raise CommandError("evaluate needs one or two files of test records.")
            self.evaluate(options)
            return
        if not options["input"] or not options["out"]:
            raise CommandError(f"{options['action']} needs an input file and --out FILE.")
        if options["action"] == "match":
            self.match(options)
            return
        if len(options["input"]) != 1:
            raise CommandError("encode takes one input file.")
        if not options["secret_file"]:
            raise CommandError("encode needs --secret-file KEY.")
        keys = read_secret(options["secret_file"])
        mapping = parse_map(options["map"])
        out = Path(options["out"])
        errors: list[str] = []
        seen: dict[str, int] = {}
        count = 0
        # Streamed: each record is encoded and written as it is read (a million records need no more
        # memory than a thousand); the file appears under its name only if every row was good.
        with AtomicCsv(out, COLUMNS) as writer:
            for number, values in read_plain(options["input"][0], mapping):
                record_id = values.get("id", "").strip()
                if problem := id_problem(record_id, number, seen):
                    errors.append(f"row {number}: {problem}")
                try:
                    encoded = encode(keys, record_id, values)
                except EncodingError as exc:
                    errors.append(f"row {number}, column {exc}")
                    continue
                if not errors:
                    writer.writerow([encoded[c] for c in COLUMNS])
                count += 1
                if (number - 1) % 10_000 == 0:
                    sys.stderr.write(f"{number - 1:,} rows encoded\n")
            if errors:
                writer.abandon()
                listed = "\n".join(errors[:MAX_LISTED])
                more = f"\n... and {len(errors) - MAX_LISTED} more" if len(errors) > MAX_LISTED else ""
                raise CommandError(f"Nothing written: {len(errors)} problems.\n{listed}{more}")
        self.stdout.write(f"{count:,} records encoded into {out} (key check {keys.fingerprint})")

    def run(self) -> None:
        from django.core.exceptions import ValidationError

        from jaga.linkage.services import run_now

        try:
            run = run_now()
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            f"Linkage run {run.pk}: {run.records:,} records, {run.clusters:,} children, "
            f"{run.uncertain:,} pairs to review ({run.state})."
        )

    def evaluate(self, options: dict[str, Any]) -> None:
        from jaga.linkage import assess

        paths = options["input"]
        if not 1 <= len(paths) <= 2:
            raise CommandError("evaluate takes one file of test records (de-duplicate) or two (link).")
        try:
            thresholds = matching.Thresholds(options["threshold"], options["review_threshold"])
        except ValueError as exc:
            raise CommandError(f"--threshold/--review-threshold: {exc}.") from exc
        mapping = parse_map(options["map"])
        extra = (options["truth"], options["variations"])
        files = []
        for path in paths:
            rows, problems, seen = list[Any](), list[str](), dict[str, int]()
            for number, values in read_plain(path, mapping, extra=extra):
                if problem := id_problem(values.get("id", "").strip(), number, seen):
                    problems.append(f"{path} row {number}: {problem}")
                rows.append(values)
            if problems:
                raise CommandError(f"{len(problems)} problems.\n" + "\n".join(problems[:MAX_LISTED]))
            files.append(rows)
        try:
            report = assess.evaluate(
                files, thresholds=thresholds, truth=options["truth"], variations=options["variations"]
            )
        except matching.InputError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(report.text())
        if options["json"]:
            import json

            Path(options["json"]).write_text(json.dumps(report.as_dict(), indent=2), encoding="utf-8")

    def match(self, options: dict[str, Any]) -> None:

        paths = [Path(p) for p in options["input"]]
        if len(paths) > 2:
            raise CommandError("match takes one encoded file (de-duplicate) or two (link).")
        try:
            thresholds = matching.Thresholds(options["threshold"], options["review_threshold"])
        except ValueError as exc:
            raise CommandError(f"--threshold/--review-threshold: {exc}.") from exc
        labels = ["A", "B"][: len(paths)]
        fingerprint = None
        counts = []
        for label, path in zip(labels, paths, strict=True):
            try:
                records, fingerprint = matching.check_encoded_file(
                    path, label=f"{label} ({path.name})", fingerprint=fingerprint
                )
            except matching.InputError as exc:
                raise CommandError(f"Nothing written: {exc}") from exc
            counts.append(records)
        con = matching.connect()
        tables = ["file_a", "file_b"][: len(paths)]
        for table, path in zip(tables, paths, strict=True):
            matching.load_csv(con, table, path)

        def progress(stage: str, fraction: float) -> None:
            sys.stderr.write(f"[{fraction:4.0%}] {stage}\n")

        result = matching.run(con, tables, thresholds, progress=progress)
        two = len(tables) == 2

        def plain(key: str) -> str:
            return key.split(":", 1)[1] if two else key

        thresholds = result.thresholds  # as chosen from the model, where they were left open
        pair_rows = [(plain(p.a), plain(p.b), f"{p.probability:.4f}") for p in result.matched]
        write_atomically(Path(options["out"]), ["id_a", "id_b", "probability"], pair_rows)
        if options["clusters"]:
            names = {"file_a": "A", "file_b": "B"}
            numbers: dict[str, str] = {}
            rows = []
            for key in sorted(result.clusters, key=lambda k: (result.clusters[k], k)):
                cluster = numbers.setdefault(result.clusters[key], f"c{len(numbers) + 1}")
                rows.append((plain(key), cluster, *([names[key.split(":", 1)[0]]] if two else [])))
            header = ["id", "cluster", *(["file"] if two else [])]
            write_atomically(Path(options["clusters"]), header, [list(r) for r in rows])
        self.stdout.write(
            f"{result.records:,} records ({' + '.join(f'{c:,}' for c in counts)}), {result.scored_pairs:,} pairs "
            f"scored, {len(result.matched):,} pairs matched into {result.cluster_count:,} clusters "
            f"({result.records - result.cluster_count:,} duplicate records, "
            f"{(result.records - result.cluster_count) / result.records:.1%}). "
            f"Thresholds{' (chosen from the model)' if options['threshold'] is None else ''}: matched at probability "
            f">= {thresholds.match:.4f}; {result.uncertain_count:,} uncertain pairs between "
            f"{thresholds.review:.4f} and "
            f"{thresholds.match:.4f} were not matched; {len(result.refused):,} pairs above "
            "the threshold were refused because they would join evidence of two different people. "
            + (
                "Weights were learned from these records (EM)."
                if result.trained
                else f"Fewer than {MIN_TRAINING} records: the starting weights were used, not learned ones."
            )
        )
        for note in result.notes:  # what the model did with this input: fields left out, defaults used
            self.stderr.write(f"note: {note}")


def read_plain(path: str, mapping: dict[str, str], *, extra: tuple[str, ...] = ()) -> Iterator[tuple[int, dict]]:
    """The rows of a CSV of identifiers as (row number, standard column -> value). Columns are named
    by the standard names (after ``mapping``); ``extra`` columns are kept too (evaluation: the truth);
    any other column is refused, or, with ``extra``, ignored."""
    try:
        stream = Path(path).open(encoding="utf-8-sig", newline="")  # noqa: SIM115 (closed below)
        sample = stream.read(4096)
        stream.seek(0)
    except OSError as exc:
        raise CommandError(f"{path}: cannot read it ({exc.strerror}).") from exc
    except UnicodeDecodeError as exc:
        raise CommandError(f"{path}: not UTF-8 text; save it as CSV UTF-8.") from exc
    with stream:
        yield from _rows(path, stream, sample, mapping, extra)


def _rows(path: str, stream: Any, sample: str, mapping: dict[str, str], extra: tuple[str, ...]) -> Iterator:
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample.strip() else csv.excel
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(stream, dialect)
    header = next(reader, None)
    if not header:
        raise CommandError(f"{path}: the file is empty.")
    missing_mapped = [column for column in mapping if column not in header]
    if missing_mapped:
        raise CommandError(f"--map: the file has no column {', '.join(missing_mapped)}.")
    names = [mapping.get(column, column).strip() for column in header]
    known = ("id", *STANDARD, *extra)
    unknown = [column for column, name in zip(header, names, strict=True) if name not in known]
    if unknown and not extra:
        raise CommandError(
            f"Unknown columns: {', '.join(unknown[:10])}. Rename them with --map STD=COLUMN, or remove them "
            f"(standard columns: id, {', '.join(STANDARD)})."
        )
    if "id" not in names:
        raise CommandError(f"{path}: the file has no id column (or map one with --map id=COLUMN).")
    missing_extra = [column for column in extra[:1] if column not in names]
    if missing_extra:
        raise CommandError(f"{path}: the file has no {missing_extra[0]} column (the truth to score against).")
    if len(set(names)) != len(names):
        raise CommandError("Two columns have the same meaning; keep one.")
    number = 1
    try:
        for number, row in enumerate(reader, start=2):
            if any(cell.strip() for cell in row):
                yield number, {name: value for name, value in zip(names, row, strict=False) if name in known}
    except UnicodeDecodeError as exc:
        raise CommandError(f"{path}: not UTF-8 text after row {number}; save it as CSV UTF-8.") from exc


class AtomicCsv:
    """A CSV written under a temporary name and put in place on leaving the block, unless abandoned
    (or an error left it): readers never see half a file."""

    def __init__(self, path: Path, header: list[str]) -> None:
        self.path, self.header = path, header

    def __enter__(self) -> AtomicCsv:
        handle, self.temporary = tempfile.mkstemp(
            dir=self.path.parent if str(self.path.parent) else ".", suffix=".part"
        )
        self.stream = os.fdopen(handle, "w", newline="", encoding="utf-8")
        self.writer = csv.writer(self.stream)
        self.writer.writerow(self.header)
        self.abandoned = False
        return self

    def writerow(self, row: list) -> None:
        self.writer.writerow(row)

    def abandon(self) -> None:
        self.abandoned = True

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        self.stream.close()
        if kind is None and not self.abandoned:
            os.replace(self.temporary, self.path)
        else:
            os.unlink(self.temporary)


def write_atomically(path: Path, header: list[str], rows: list) -> None:
    """Writes the whole file or nothing."""
    handle, temporary = tempfile.mkstemp(dir=path.parent if str(path.parent) else ".", suffix=".part")
    with os.fdopen(handle, "w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        writer.writerows(rows)
    os.replace(temporary, path)
