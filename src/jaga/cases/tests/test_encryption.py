"""Identities are ciphertext at rest: in the SQLite file, in a pg_dump, and after key rotation."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from jaga.accounts.models import User
from jaga.cases.models import Case, Child
from jaga.core import crypto
from jaga.core.keys import keys_rotate

PLANTED_NAMES = ["Sinta Maharani Uji", "Wayan Plantedname", "Dewi Rahasia Ujicoba"]
PLANTED_NIKS = ["3171074508120003", "5171015506110002", "3273014409130001"]


def plant(register_case: Callable[..., Case], actor: User) -> None:
    for name, nik, regency in zip(PLANTED_NAMES, PLANTED_NIKS, ["31.71", "51.71", "32.73"], strict=True):
        born = f"20{nik[10:12]}-{nik[8:10]}-{int(nik[6:8]) - 40:02d}"
        from datetime import date

        register_case(
            actor,
            exploitation_regency=regency,
            child={"full_name": name, "nik": nik, "date_of_birth": date.fromisoformat(born), "phone": "081299887766"},
        )


def assert_absent(blob: bytes) -> None:
    for secret in [*PLANTED_NAMES, *PLANTED_NIKS, "081299887766"]:
        assert secret.encode() not in blob, f"{secret} found in plain text"


def test_no_identity_in_the_sqlite_file(tmp_path: Path) -> None:
    """A real file, written by a separate `jaga` process, as `make run` would."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JAGA_", "DATABASE_URL", "DJANGO_"))}
    env["JAGA_DATA_DIR"] = str(tmp_path)
    script = f"""
from datetime import date
from jaga.synth.demo import demo_seed
from jaga.accounts.models import User
from jaga.cases.services import case_register
from jaga.factories import case_input
demo_seed(password="demo-pass-12345", cases=50)
actor = User.objects.get(email="caseworker.jakarta@jaga.example")
for name, nik in zip({PLANTED_NAMES!r}, {PLANTED_NIKS!r}):
    born = date(int("20" + nik[10:12]), int(nik[8:10]), int(nik[6:8]) - 40)
    case_register(actor=actor, data=case_input(child={{"full_name": name, "nik": nik, "date_of_birth": born,
                                                     "phone": "081299887766"}}))
from jaga.cases.models import Child
print(sorted(c.full_name for c in Child.objects.all()))
"""
    for args in (["migrate", "--noinput"], ["shell", "-c", script]):
        result = subprocess.run([sys.executable, "-m", "jaga", *args], env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
    assert "Sinta Maharani Uji" in result.stdout, "the application itself reads the names back"
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import sqlite3,sys; sqlite3.connect(sys.argv[1]).execute('PRAGMA wal_checkpoint(TRUNCATE)')",
            str(tmp_path / "jaga.sqlite3"),
        ],
        check=True,
    )
    blob = b"".join(p.read_bytes() for p in tmp_path.glob("jaga.sqlite3*"))
    assert len(blob) > 100_000
    assert_absent(blob)
    assert b"penginapan oleh orang dewasa" not in blob and b"https://sosmed-" not in blob, "reports are encrypted too"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump needs PostgreSQL")
def test_no_identity_in_a_pg_dump(caseworker_jakarta: User, register_case: Callable[..., Case]) -> None:
    plant(register_case, caseworker_jakarta)
    settings = connection.settings_dict
    dump = subprocess.run(
        ["pg_dump", "-h", settings["HOST"] or "127.0.0.1", "-U", settings["USER"] or "postgres", settings["NAME"]],
        capture_output=True,
        check=True,
        env={**os.environ, "PGPASSWORD": settings["PASSWORD"] or ""},
    ).stdout
    assert b"cases_child" in dump and len(dump) > 10_000
    assert_absent(dump)


@pytest.mark.django_db
def test_a_ciphertext_moved_to_another_field_or_altered_does_not_decrypt(
    caseworker_jakarta: User, register_case: Callable[..., Case]
) -> None:
    case = register_case(caseworker_jakarta)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT full_name FROM cases_child WHERE case_id = %s",
            [case.pk.hex if connection.vendor == "sqlite" else case.pk],
        )
        token = cursor.fetchone()[0]
    assert token.startswith("v1:")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token, context="cases.child.guardian_name")
    altered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(altered, context="cases.child.full_name")


@pytest.mark.django_db
def test_rotation_re_encrypts_everything_and_resumes(
    settings: Any, caseworker_jakarta: User, register_case: Callable[..., Case]
) -> None:
    for _n in range(5):
        register_case(caseworker_jakarta)
    new = f"2:{crypto.new_key()}"
    settings.JAGA_FIELD_KEYS = f"{new},{settings.JAGA_FIELD_KEYS}"
    seen: list[str] = []
    result = keys_rotate(batch_size=2, progress=seen.append)
    assert result.rows >= 5 and any("cases.Child" in line for line in seen)
    with connection.cursor() as cursor:
        cursor.execute("SELECT full_name, nik FROM cases_child")
        assert all(value.startswith("v2:") for row in cursor.fetchall() for value in row if value)
    assert keys_rotate().rows == 0, "a second run finds nothing left to do"
    settings.JAGA_FIELD_KEYS = new  # the old key is gone: everything must read with the new one
    assert {c.full_name for c in Child.objects.all()} == {"Sinta Maharani Uji"}


def test_malformed_keys_stop_start_up_naming_the_variable(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JAGA_", "DATABASE_URL", "DJANGO_"))}
    env.update({"JAGA_DATA_DIR": str(tmp_path), "JAGA_FIELD_KEYS": "1:tooshort"})
    result = subprocess.run([sys.executable, "-m", "jaga", "check"], env=env, capture_output=True, text=True)
    assert result.returncode != 0 and "Setting JAGA_FIELD_KEYS:" in result.stderr


def test_a_legal_outcome_where_a_name_may_be_typed_is_stored_encrypted(
    caseworker_jakarta: User, register_case: Callable[..., Case]
) -> None:
    from django.db import connection

    from jaga.cases.details import legal_process_update

    case = register_case(caseworker_jakarta)
    legal_process_update(actor=caseworker_jakarta, case=case, stage="verdict", outcome="Pelaku Budi Santoso divonis")
    with connection.cursor() as cursor:
        cursor.execute("SELECT outcome FROM cases_legalprocess")
        (stored,) = cursor.fetchone()
    assert stored.startswith("v1:") and "Budi" not in stored
    case.legal.refresh_from_db()
    assert case.legal.outcome == "Pelaku Budi Santoso divonis"


def test_the_legal_outcome_keeps_its_200_character_limit_in_the_form_and_the_api() -> None:
    from jaga.cases.api import LegalProcessSerializer
    from jaga.cases.forms import LegalProcessForm

    for text, ok in (("x" * 200, True), ("x" * 201, False)):
        assert LegalProcessForm({"stage": "verdict", "outcome": text}).is_valid() is ok
        assert LegalProcessSerializer(data={"stage": "verdict", "outcome": text}).is_valid() is ok
