"""Backups: every table of the database in one compressed, encrypted file, and back.

The file is ``MAGIC``, one line of JSON (format, when, the backup key's check value, the nonce
prefix), then AES-256-GCM chunks of a zlib stream. The stream is JSON lines: a header (release,
database, applied migrations, the check values of the keys the data was encrypted with, the tables
and their columns), one line per row, and a footer with each table's row count and SHA-256 of its
lines. Rows are read in one snapshot (PostgreSQL: REPEATABLE READ READ ONLY; SQLite: one read
transaction under WAL), so the service keeps running. Encrypted columns are copied as the ciphertext
they are, never decrypted; file contents are already sealed in their columns. Keys are never in
the file: only check values, which tell a restore whether it has the right keys.

A restore goes into an empty database migrated by the same release, inside one transaction; the
counts and digests are checked before it commits. See docs/adr/0019-backup-and-restore.md.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import struct
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import IO, Any
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.apps import apps
from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.duration import duration_string

from jaga.core.crypto import parse_keys
from jaga.core.fields import EncryptedTextField

MAGIC = b"JAGA-BACKUP\n"
FORMAT = 1
CHUNK = 1 << 20  # plaintext bytes per encrypted chunk
BATCH = 1000  # rows per INSERT batch on restore
# What a new database makes itself (migrate), and what is only in flight or about this machine
# (sessions, the task queue, rate and idempotency windows, lockout counters, worker heartbeats, this
# server's own backup runs): not in a backup. The audit log keeps every login and lockout.
SKIPPED = {
    "contenttypes.contenttype",
    "auth.permission",
    "auth.group_permissions",
    "sessions.session",
    "django_tasks_database.dbtaskresult",
    "core.ratewindow",
    "core.idempotentrequest",
    "core.workerbeat",
    "axes.accessattempt",
    "axes.accessattemptexpiration",
    "axes.accessfailurelog",
    "axes.accesslog",
    "operations.backuprun",
}


class BackupError(Exception):
    """A backup that cannot be made, read or restored; the message says what to do."""


def backup_key() -> bytes:
    """The key backups are encrypted with (``JAGA_BACKUP_KEY``: 32 bytes, URL-safe base64)."""
    text = settings.JAGA_BACKUP_KEY
    if not text:
        raise BackupError("JAGA_BACKUP_KEY is not set: set it (or JAGA_BACKUP_KEY_FILE) to make or read backups.")
    try:
        key = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except ValueError as exc:
        raise BackupError("JAGA_BACKUP_KEY is not URL-safe base64 (`jaga keys generate` makes one).") from exc
    if len(key) != 32:
        raise BackupError("JAGA_BACKUP_KEY must be 32 bytes (`jaga keys generate` makes one).")
    return key


def check_value(key: bytes | str) -> str:
    """A key's check value: shows two parties hold the same key without revealing it."""
    raw = key.encode() if isinstance(key, str) else key
    return hmac.new(raw, b"jaga key check value", hashlib.sha256).hexdigest()[:16]


def key_checks() -> dict[str, str]:
    """The check values of the keys the database's contents depend on."""
    checks = {f"field key {version}": check_value(key) for version, key in parse_keys(settings.JAGA_FIELD_KEYS).items()}
    checks["blind index key"] = check_value(settings.JAGA_BLIND_INDEX_KEY)
    checks["linkage key"] = check_value(settings.JAGA_LINKAGE_KEY)
    checks["audit key"] = check_value(settings.JAGA_AUDIT_KEY)
    return checks


# --- The encrypted container -------------------------------------------------------------------------


class _SealedWriter:
    """Compresses and encrypts what is written, chunk by chunk; ``close`` writes the last chunk."""

    def __init__(self, out: IO[bytes], key: bytes) -> None:
        self.out, self.cipher = out, AESGCM(key)
        self.prefix = os.urandom(8)
        self.counter = 0
        self.pending = bytearray()
        self.zip = zlib.compressobj(6)
        head = {"format": FORMAT, "created_at": timezone.now().isoformat(), "key_check": check_value(key)}
        out.write(MAGIC + json.dumps({**head, "nonce_prefix": self.prefix.hex()}).encode() + b"\n")

    def write(self, data: bytes) -> None:
        self.pending += self.zip.compress(data)
        while len(self.pending) >= CHUNK:
            self._seal(bytes(self.pending[:CHUNK]), last=False)
            del self.pending[:CHUNK]

    def close(self) -> None:
        self.pending += self.zip.flush()
        self._seal(bytes(self.pending), last=True)

    def _seal(self, plain: bytes, *, last: bool) -> None:
        nonce = self.prefix + struct.pack(">I", self.counter)
        sealed = self.cipher.encrypt(nonce, plain, struct.pack(">I?", self.counter, last))
        self.out.write(struct.pack(">I", len(sealed)) + sealed)
        self.counter += 1


def _open_lines(path: Path, key: bytes) -> Iterator[bytes]:
    """The plaintext lines of a backup file; raises BackupError if any byte was changed or cut."""
    with path.open("rb") as stream:
        if stream.read(len(MAGIC)) != MAGIC:
            raise BackupError(f"{path}: not a Jaga backup.")
        head = json.loads(stream.readline())
        if head.get("format") != FORMAT:
            raise BackupError(f"{path}: backup format {head.get('format')} is not one this release reads.")
        if head.get("key_check") != check_value(key):
            raise BackupError(f"{path}: made with another JAGA_BACKUP_KEY (check value {head.get('key_check')}).")
        cipher, prefix = AESGCM(key), bytes.fromhex(head["nonce_prefix"])
        unzip, buffer, counter, last = zlib.decompressobj(), b"", 0, False
        while not last:
            size_bytes = stream.read(4)
            if len(size_bytes) < 4:
                raise BackupError(f"{path}: the file ends before its last part: it was cut short.")
            sealed = stream.read(struct.unpack(">I", size_bytes)[0])
            for flag in (False, True):
                try:
                    plain = cipher.decrypt(
                        prefix + struct.pack(">I", counter), sealed, struct.pack(">I?", counter, flag)
                    )
                except InvalidTag:
                    continue
                last = flag
                break
            else:
                raise BackupError(f"{path}: part {counter + 1} does not decrypt: the file was changed or damaged.")
            counter += 1
            buffer += unzip.decompress(plain)
            *lines, buffer = buffer.split(b"\n")
            yield from lines
        buffer += unzip.flush()
        if buffer.strip():
            yield from buffer.split(b"\n")
        if stream.read(1):
            raise BackupError(f"{path}: data after the last part: the file was changed.")


# --- Tables ---------------------------------------------------------------------------------------


def backed_up_models() -> list[type[models.Model]]:
    """Every model with a table of its own (many-to-many tables included), in a stable order."""
    found = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and model._meta.label_lower not in SKIPPED
    ]
    return sorted(found, key=lambda model: model._meta.db_table)


def _columns(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    """The stored columns (a generated column is computed by the database, never written)."""
    return [f for f in model._meta.concrete_fields if not getattr(f, "generated", False)]


class _Encoder(json.JSONEncoder):
    """JSON for stored values, without loss: times to the microsecond (the audit chain hashes them)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime | date | time):
            return o.isoformat()
        if isinstance(o, timedelta):
            return duration_string(o)
        if isinstance(o, UUID | Decimal):
            return str(o)
        return super().default(o)


def _rows(model: type[models.Model]) -> Iterator[tuple[Any, ...]]:
    """The rows as stored: encrypted columns as their ciphertext (cast to text, never decrypted)."""
    raw = {f"_raw_{f.attname}": Cast(f.attname, models.TextField()) for f in _columns(model)
           if isinstance(f, EncryptedTextField)}  # fmt: skip
    names = [f"_raw_{f.attname}" if isinstance(f, EncryptedTextField) else f.attname for f in _columns(model)]
    rows = model._base_manager.annotate(**raw).order_by("pk").values_list(*names)
    return rows.iterator(chunk_size=2000)


def _plain(value: Any) -> Any:
    if isinstance(value, memoryview | bytes | bytearray):
        return {"$b": base64.b64encode(bytes(value)).decode()}
    return value


def _stored(field: models.Field[Any, Any], value: Any) -> Any:
    """A value from the file as the database takes it."""
    if isinstance(value, dict) and set(value) == {"$b"} and not isinstance(field, models.JSONField):
        value = base64.b64decode(value["$b"])
    if value is None or isinstance(field, EncryptedTextField):
        return value  # ciphertext goes back as it was
    return field.get_db_prep_save(field.to_python(value), connection)


@dataclass
class Manifest:
    header: dict[str, Any]
    counts: dict[str, int] = field(default_factory=dict)
    digests: dict[str, str] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


def _header() -> dict[str, Any]:
    applied = sorted(MigrationRecorder(connection).applied_migrations())
    return {
        "jaga_backup": FORMAT,
        "created_at": timezone.now().isoformat(),
        "vendor": connection.vendor,
        "migrations": [f"{app}.{name}" for app, name in applied],
        "keys": key_checks(),
        "tables": {model._meta.db_table: [f.column for f in _columns(model)] for model in backed_up_models()},
    }


def dump(path: Path, progress: Callable[[str], None] = lambda _table: None) -> Manifest:
    """Writes the backup to ``path`` (through a temporary file in the same folder, renamed at the end)."""
    key = backup_key()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    encoder = _Encoder(ensure_ascii=False, separators=(",", ":"))
    outer = connection.in_atomic_block  # inside a caller's transaction (the demo's): its snapshot is used
    try:
        with partial.open("wb") as out, transaction.atomic():
            os.chmod(partial, 0o600)
            if connection.vendor == "postgresql" and not outer:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            writer = _SealedWriter(out, key)
            manifest = Manifest(header=_header())
            writer.write(encoder.encode(manifest.header).encode() + b"\n")
            for model in backed_up_models():
                table = model._meta.db_table
                progress(table)
                digest, count = hashlib.sha256(), 0
                for row in _rows(model):
                    line = encoder.encode({"t": table, "r": [_plain(v) for v in row]}).encode() + b"\n"
                    digest.update(line)
                    writer.write(line)
                    count += 1
                manifest.counts[table], manifest.digests[table] = count, digest.hexdigest()
            footer = {"end": True, "counts": manifest.counts, "digests": manifest.digests}
            writer.write(encoder.encode(footer).encode() + b"\n")
            writer.close()
            out.flush()
            os.fsync(out.fileno())
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return manifest


def read(path: Path) -> Manifest:
    """Reads a whole backup without a database: every part decrypts, every table's count and digest
    match its footer. Answers the manifest; raises BackupError naming what is wrong."""
    manifest: Manifest | None = None
    digests: dict[str, Any] = {}
    counts: dict[str, int] = {}
    footer: dict[str, Any] | None = None
    for line in _open_lines(path, backup_key()):
        if not line:
            continue
        if manifest is None:
            manifest = Manifest(header=json.loads(line))
            if manifest.header.get("jaga_backup") != FORMAT:
                raise BackupError(f"{path}: no backup header.")
            continue
        if footer is not None:
            raise BackupError(f"{path}: rows after the end.")
        if line.startswith(b'{"end"'):
            footer = json.loads(line)
            continue
        table = json.loads(line)["t"]
        digests.setdefault(table, hashlib.sha256()).update(line + b"\n")
        counts[table] = counts.get(table, 0) + 1
    if manifest is None or footer is None:
        raise BackupError(f"{path}: the backup has no end: it was cut short.")
    for table in manifest.header["tables"]:
        expected, got = footer["counts"].get(table, 0), counts.get(table, 0)
        if expected != got or (got and footer["digests"].get(table) != digests[table].hexdigest()):
            raise BackupError(f"{path}: table {table} does not match its count or digest.")
    manifest.counts, manifest.digests = footer["counts"], footer["digests"]
    return manifest


def restore(path: Path, progress: Callable[[str], None] = lambda _table: None) -> Manifest:
    """Restores ``path`` into this (migrated, empty) database in one transaction; checks first that
    the keys and the migrations are the backup's, and after that every count matches."""
    manifest = read(path)
    header = manifest.header
    if header["keys"] != key_checks():
        here = key_checks()
        differ = sorted(name for name in {*header["keys"], *here} if header["keys"].get(name) != here.get(name))
        raise BackupError(
            f"The keys differ from the backup's ({', '.join(differ)}): set the keys the data was encrypted with."
        )
    applied = {f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations()}
    if set(header["migrations"]) != applied:
        missing, extra = sorted(set(header["migrations"]) - applied), sorted(applied - set(header["migrations"]))
        raise BackupError(
            "Restore with the release that made the backup, into a database migrated by it, then upgrade. "
            f"Migrations the backup has and this database lacks: {missing[:5] or 'none'}; "
            f"this database has and the backup lacks: {extra[:5] or 'none'}."
        )
    by_table = {model._meta.db_table: model for model in backed_up_models()}
    if set(header["tables"]) - set(by_table):
        raise BackupError(f"Tables this release does not have: {sorted(set(header['tables']) - set(by_table))}.")
    filled = [table for table, model in by_table.items() if model._base_manager.exists()]
    if filled:
        raise BackupError(
            f"A restore goes into an empty database (run `jaga migrate` on a new one); these tables hold rows: "
            f"{', '.join(filled[:5])}{' ...' if len(filled) > 5 else ''}."
        )
    quote = connection.ops.quote_name
    with transaction.atomic():
        batch: list[list[Any]] = []
        current: str | None = None
        fields: list[models.Field[Any, Any]] = []

        def flush() -> None:
            if batch and current is not None:
                columns = ", ".join(quote(name) for name in header["tables"][current])
                marks = ", ".join(["%s"] * len(header["tables"][current]))
                with connection.cursor() as cursor:
                    cursor.executemany(
                        f"INSERT INTO {quote(current)} ({columns}) VALUES ({marks})",  # noqa: S608 (names from the models)
                        batch,
                    )
                batch.clear()

        for line in _open_lines(path, backup_key()):
            if not line or line.startswith((b'{"jaga_backup"', b'{"end"')):
                continue
            row = json.loads(line)
            if row["t"] != current:
                flush()
                current = row["t"]
                progress(current)
                model_fields = {f.column: f for f in _columns(by_table[current])}
                fields = [model_fields[column] for column in header["tables"][current]]
            batch.append([_stored(f, value) for f, value in zip(fields, row["r"], strict=True)])
            if len(batch) >= BATCH:
                flush()
        flush()
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), list(by_table.values())):
                cursor.execute(sql)
        for table in header["tables"]:
            found = by_table[table]._base_manager.count()
            if found != manifest.counts.get(table, 0):
                raise BackupError(f"Table {table}: {found} rows restored, the backup has {manifest.counts[table]}.")
    return manifest
