from __future__ import annotations

from contextlib import contextmanager
from io import StringIO
from itertools import pairwise
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError

from jaga.audit.chain import Checkpoint
from jaga.audit.models import AppendOnlyError, AuditEvent
from jaga.audit.services import audit_checkpoint, audit_verify, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain() -> list[AuditEvent]:
    return [record("test.event.happened", details={"n": n, "label": f"row {n}"}) for n in range(1, 8)]


@contextmanager
def tampering() -> Any:
    """Lets a test play the attacker with direct SQL, even past the PostgreSQL trigger."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        try:
            yield cursor
        finally:
            if connection.vendor == "postgresql":
                cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")


def verify_command(*args: str) -> tuple[int, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("audit", "verify", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), err.getvalue()
    return 0, out.getvalue()


def test_it_verifies_an_untouched_chain(chain: list[AuditEvent]) -> None:
    result = audit_verify()
    assert result.ok and result.count == 7
    code, output = verify_command()
    assert code == 0 and "intact: 7 rows" in output


def test_it_links_each_row_to_the_one_before(chain: list[AuditEvent]) -> None:
    for before, after in pairwise(chain):
        assert after.prev_hash == before.hash
        assert after.seq == before.seq + 1


def test_it_detects_an_edited_row(chain: list[AuditEvent]) -> None:
    with tampering() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = %s WHERE seq = 4", ["test.event.innocent"])
    code, output = verify_command()
    assert code == 1
    assert "BROKEN at row 4" in output and "content does not match" in output


def test_it_detects_edited_details(chain: list[AuditEvent]) -> None:
    with tampering() as cursor:
        cursor.execute("UPDATE audit_auditevent SET details = %s WHERE seq = 2", ['{"n": 2, "label": "row two"}'])
    result = audit_verify()
    assert not result.ok and result.broken_seq == 2


def test_it_detects_a_deleted_row(chain: list[AuditEvent]) -> None:
    with tampering() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq = 3")
    code, output = verify_command()
    assert code == 1 and "BROKEN at row 4" in output


def test_it_detects_a_deleted_row_even_when_the_numbers_are_closed_up(chain: list[AuditEvent]) -> None:
    with tampering() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq = 3")
        for seq in range(4, 8):
            cursor.execute("UPDATE audit_auditevent SET seq = %s WHERE seq = %s", [seq - 1, seq])
    result = audit_verify()
    assert not result.ok and result.broken_seq == 3


def test_it_detects_reordered_rows(chain: list[AuditEvent]) -> None:
    with tampering() as cursor:
        cursor.execute("UPDATE audit_auditevent SET seq = 1000 WHERE seq = 5")
        cursor.execute("UPDATE audit_auditevent SET seq = 5 WHERE seq = 6")
        cursor.execute("UPDATE audit_auditevent SET seq = 6 WHERE seq = 1000")
    result = audit_verify()
    assert not result.ok and result.broken_seq == 5


def test_it_detects_an_inserted_row(chain: list[AuditEvent]) -> None:
    fourth = AuditEvent.objects.get(seq=4)
    with tampering() as cursor:
        for seq in range(7, 4, -1):
            cursor.execute("UPDATE audit_auditevent SET seq = %s WHERE seq = %s", [seq + 1, seq])
        cursor.execute(
            "INSERT INTO audit_auditevent (seq, created_at, action, target_type, target_id, details, prev_hash, hash)"
            " VALUES (5, %s, 'test.event.forged', '', '', '{}', %s, %s)",
            [fourth.created_at, fourth.hash, "f" * 64],
        )
    code, output = verify_command()
    assert code == 1 and "BROKEN at row 5" in output


def test_it_detects_truncation_against_a_checkpoint(chain: list[AuditEvent]) -> None:
    checkpoint = str(audit_checkpoint())
    assert checkpoint.startswith("7:")
    with tampering() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq >= 6")
    assert audit_verify().ok, "without a checkpoint a cut-off tail looks like a shorter log"
    code, output = verify_command("--checkpoint", checkpoint)
    assert code == 1 and "checkpoint has 7 rows, the log 5" in output


def test_it_detects_a_rewritten_history_against_a_checkpoint(chain: list[AuditEvent]) -> None:
    checkpoint = Checkpoint.parse(str(audit_checkpoint()))
    with tampering() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")
    for n in range(1, 9):  # an attacker rebuilds a valid chain from scratch
        record("test.event.rewritten", details={"n": n})
    assert audit_verify().ok
    result = audit_verify(checkpoint=checkpoint)
    assert not result.ok and result.broken_seq == 7


def test_it_accepts_a_chain_that_grew_after_the_checkpoint(chain: list[AuditEvent]) -> None:
    checkpoint = audit_checkpoint()
    record("test.event.later")
    assert audit_verify(checkpoint=checkpoint).ok


def test_it_rejects_a_malformed_checkpoint() -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="COUNT:HASH"):
        call_command("audit", "verify", "--checkpoint", "banana")


def test_it_prints_the_checkpoint(chain: list[AuditEvent]) -> None:
    out = StringIO()
    call_command("audit", "checkpoint", stdout=out)
    assert out.getvalue().strip() == f"7:{chain[-1].hash}"


def test_the_model_refuses_updates_and_deletes(chain: list[AuditEvent]) -> None:
    row = AuditEvent.objects.get(seq=1)
    row.action = "test.event.changed"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_postgresql_refuses_update_and_delete(chain: list[AuditEvent]) -> None:
    for statement in (
        "UPDATE audit_auditevent SET action = 'x' WHERE seq = 1",
        "DELETE FROM audit_auditevent WHERE seq = 1",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
    assert audit_verify().ok


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_postgresql_refuses_truncate(chain: list[AuditEvent]) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_no_truncate")
        cursor.execute("TRUNCATE audit_auditevent")
    assert audit_verify().ok and audit_verify().count == len(chain)


def test_it_refuses_details_that_would_not_hash_the_same_after_a_round_trip() -> None:
    with pytest.raises(TypeError, match="float"):
        record("test.event.bad", details={"ratio": 0.5})


def test_bulk_appends_keep_the_chain_intact(chain: list[AuditEvent]) -> None:
    from jaga.audit.services import record_many

    assert record_many("test.event.bulk", actor=None, targets=chain[:3], details={"batch": 1}) == 3
    record("test.event.after")
    result = audit_verify()
    assert result.ok and result.count == 11


def test_canonical_many_is_canonical_row_by_row() -> None:
    from datetime import UTC, datetime

    from jaga.audit.chain import canonical, canonical_many

    when = datetime(2026, 11, 29, 1, 2, 3, 456789, tzinfo=UTC)
    common: dict[str, Any] = {"action": "cases.case.registered", "actor_id": "a1", "organisation_id": None,
                              "ip": "10.0.0.1", "target_type": "cases.case",
                              "details": {"via": "import", "seq": 0, "note": 'quote " and ü'}}  # fmt: skip
    same = [{**common, "target_id": target} for target in ["c1", 'odd "id"', "ü\u0000"]]
    mixed = [*same, {**common, "target_id": "c4", "details": {}}]
    for entries in (same, mixed, same[:1], []):
        expected = [canonical(seq=7 + n, created_at=when, **entry) for n, entry in enumerate(entries)]
        assert canonical_many(7, when, entries) == expected


def _empty_the_log() -> None:
    """What someone with write access to the database could do (on PostgreSQL, past the triggers)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_no_update_delete")
        cursor.execute("DELETE FROM audit_auditevent")


def test_a_signed_checkpoint_saved_outside_the_database_reveals_an_emptied_log(chain: list[AuditEvent]) -> None:
    from jaga.audit.services import audit_checkpoint_save

    audit_checkpoint_save()
    assert audit_verify().ok
    _empty_the_log()
    result = audit_verify()
    assert not result.ok and f"the checkpoint has {len(chain)} rows, the log 0" in result.reason


def test_a_forged_checkpoint_is_ignored(chain: list[AuditEvent], audit_checkpoints: Any) -> None:
    import json

    from jaga.audit.services import audit_checkpoint_save, saved_checkpoints

    path = audit_checkpoint_save()
    body = json.loads(path.read_text())
    forged = audit_checkpoints / "checkpoint-99999999T000000.000000Z-0.json"
    forged.write_text(json.dumps({**body, "count": 0, "head": "0" * 64, "at": "99999999T000000.000000Z"}))
    found, bad = saved_checkpoints()
    assert [c.count for c in found] == [len(chain)] and bad == 1
    _empty_the_log()
    assert not audit_verify().ok, "the forged, empty checkpoint does not excuse the emptied log"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="roles exist on PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_the_application_role_cannot_rewrite_or_empty_the_audit_log() -> None:
    import uuid

    import psycopg
    from django.core.management import call_command

    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if not cursor.fetchone()[0]:
            pytest.skip("creating a role needs a superuser")
        role = f"jaga_app_{uuid.uuid4().hex[:8]}"
        cursor.execute(f"CREATE ROLE {role} LOGIN")
    try:
        call_command("grant_app_role", role, verbosity=0)
        record("test.event.one")
        params = connection.settings_dict
        with psycopg.connect(
            host=params["HOST"], port=params["PORT"] or 5432, dbname=params["NAME"], user=role, autocommit=True
        ) as app:
            assert app.execute("SELECT count(*) FROM audit_auditevent").fetchone()[0] == 1, "it reads"
            for statement, refusal in [
                ("UPDATE audit_auditevent SET action = 'x'", "append-only"),
                ("DELETE FROM audit_auditevent", "append-only"),
                ("TRUNCATE audit_auditevent", "permission denied"),
                ("ALTER TABLE audit_auditevent DISABLE TRIGGER ALL", "must be owner"),
                ("DROP TABLE audit_auditevent", "must be owner"),
            ]:
                with pytest.raises(psycopg.Error, match=refusal):
                    app.execute(statement)
        assert audit_verify().ok
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP OWNED BY {role}")
            cursor.execute(f"DROP ROLE {role}")
