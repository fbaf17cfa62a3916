"""Backups proven by restoring them: the demo's database backed up while it could be written, the file
checked for every planted identity in plain text, restored into an empty database on the same kind of
database, the audit chain verified, and every table compared with the original through a second
backup's digests. Then what must be refused: a changed byte, a cut file, another key, a database that
is not empty."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from jaga.core.tests.servers import jaga_env
from jaga.operations import backup

PLANTED_NAME = "Zulaikha Pratiwi Tanudjaja"
PLANTED_NIK = "3171074508120099"
PLANT = f"""
from jaga.accounts.models import User
from jaga.cases.services import case_register
from jaga.factories import case_input
worker = User.objects.get(email="caseworker.jakarta@jaga.example")
case_register(actor=worker, data=case_input(child={{"full_name": "{PLANTED_NAME}", "nik": "{PLANTED_NIK}"}}))
"""


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "jaga", *args], capture_output=True, text=True, env=jaga_env(env), timeout=600
    )
    assert result.returncode == 0, f"jaga {' '.join(args)}: {result.stderr[-2000:]}"
    return result


@pytest.fixture
def databases(tmp_path: Path) -> Iterator[tuple[dict[str, str], dict[str, str]]]:
    """Two servers' environments with the same keys: the original and a new, empty one. On the
    PostgreSQL run both are PostgreSQL databases, else SQLite files."""
    keys = {
        "SECRET_KEY": "k" * 50,
        "JAGA_FIELD_KEYS": "1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",
        "JAGA_BLIND_INDEX_KEY": "b" * 40,
        "JAGA_LINKAGE_KEY": "l" * 40,
        "JAGA_AUDIT_KEY": "a" * 40,
        "JAGA_BACKUP_KEY": "ISEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8",
    }
    names = ("jaga_backup_source", "jaga_backup_target")
    if connection.vendor == "postgresql":
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as admin:
            for name in names:
                admin.execute(f"DROP DATABASE IF EXISTS {name}")
                admin.execute(f"CREATE DATABASE {name}")
        urls = [f"postgres://postgres@127.0.0.1:5432/{name}" for name in names]
    else:
        urls = [f"sqlite:///{tmp_path / name}.sqlite3" for name in names]
    envs = [
        {**keys, "JAGA_DATA_DIR": str(tmp_path / name), "DATABASE_URL": url}
        for name, url in zip(names, urls, strict=True)
    ]
    yield envs[0], envs[1]
    if connection.vendor == "postgresql":
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as admin:
            for name in names:
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_a_backup_of_the_demo_restores_into_an_empty_database_table_for_table(
    databases: tuple[dict[str, str], dict[str, str]], tmp_path: Path
) -> None:
    source, target = databases
    run("migrate", "--noinput", env=source)
    run("demo", "seed", env=source)
    run("shell", "-c", PLANT, env=source)
    made = tmp_path / "jaga.jgb"
    run("backup", "create", "--out", str(made), env=source)
    content = made.read_bytes()
    for planted in (PLANTED_NAME, PLANTED_NIK, "Tanudjaja"):
        assert planted.encode() not in content and planted.encode("utf-16-le") not in content
    original = json.loads(run("backup", "verify", str(made), "--json", env=source).stdout)
    assert original["counts"]["cases_case"] > 100 and original["counts"]["audit_auditevent"] > 100

    run("migrate", "--noinput", env=target)
    restored = run("backup", "restore", str(made), env=target)
    assert "every count matches" in restored.stdout
    assert "audit log intact" in run("audit", "verify", env=target).stdout
    again = tmp_path / "again.jgb"
    run("backup", "create", "--out", str(again), env=target)
    copy = json.loads(run("backup", "verify", str(again), "--json", env=target).stdout)
    # The restore wrote one audit row of its own (operations.backup.restored); every other table is
    # the same, row for row and byte for byte (encrypted columns included: copied, never re-encrypted).
    assert copy["counts"]["audit_auditevent"] == original["counts"]["audit_auditevent"] + 1
    differ = {t for t in original["counts"] if original["digests"][t] != copy["digests"][t]}
    assert differ == {"audit_auditevent"}, differ
    assert copy["counts"] == {**original["counts"], "audit_auditevent": copy["counts"]["audit_auditevent"]}
    assert original["header"]["keys"] == copy["header"]["keys"] and "JAGA" not in json.dumps(original["header"])

    again_into_filled = subprocess.run(
        [sys.executable, "-m", "jaga", "backup", "restore", str(made)],
        capture_output=True, text=True, env=jaga_env(target), timeout=300,
    )  # fmt: skip
    assert again_into_filled.returncode == 1 and "empty database" in again_into_filled.stderr
    other_key = {**target, "JAGA_AUDIT_KEY": "z" * 40}
    refused = subprocess.run(
        [sys.executable, "-m", "jaga", "backup", "verify", str(made)],
        capture_output=True, text=True, env=jaga_env({**other_key, "JAGA_BACKUP_KEY": "A" * 43}), timeout=300,
    )  # fmt: skip
    assert refused.returncode == 1 and "another JAGA_BACKUP_KEY" in refused.stderr


@pytest.mark.django_db
def test_a_changed_byte_or_a_cut_file_is_refused(tmp_path: Path, caseworker_jakarta: object) -> None:
    made = tmp_path / "b.jgb"
    manifest = backup.dump(made)
    assert manifest.counts["accounts_user"] >= 1 and backup.read(made).digests == manifest.digests
    data = made.read_bytes()
    changed = tmp_path / "changed.jgb"
    changed.write_bytes(data[:-40] + bytes([data[-40] ^ 1]) + data[-39:])
    with pytest.raises(backup.BackupError, match="does not decrypt"):
        backup.read(changed)
    cut = tmp_path / "cut.jgb"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(backup.BackupError):
        backup.read(cut)
    with pytest.raises(backup.BackupError, match="not a Jaga backup"):
        (tmp_path / "x.jgb").write_bytes(b"PK\x03\x04 something else")
        backup.read(tmp_path / "x.jgb")


@pytest.mark.django_db
def test_a_restore_checks_keys_and_emptiness_before_it_writes(
    tmp_path: Path, caseworker_jakarta: object, settings: object
) -> None:
    made = tmp_path / "b.jgb"
    backup.dump(made)
    with pytest.raises(backup.BackupError, match="empty database"):
        backup.restore(made)
    settings.JAGA_LINKAGE_KEY = "another linkage key, long enough to be one"  # type: ignore[attr-defined]
    with pytest.raises(backup.BackupError, match="linkage key"):
        backup.restore(made)
