"""Writing the audit log. Every service that changes or reveals something calls ``record``."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from jaga.audit.chain import GENESIS, Checkpoint, VerifyResult, canonical_many, link_hash, verify_rows
from jaga.audit.models import AuditEvent
from jaga.core.bulk import bulk_insert, instantiate
from jaga.core.client import client_address

# Any constant works: it names the lock that serialises appends to the chain on PostgreSQL.
_PG_LOCK_KEY = 7_310_411_245


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address behind any trusted proxies (``jaga.core.client``), or None without a request."""
    return client_address(request) if request is not None else None


def _check_details(value: Any, path: str = "details") -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{path}: keys must be strings")
            _check_details(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_details(item, f"{path}[{index}]")
    elif not (value is None or isinstance(value, str | bool | int)):
        # Floats and dates would not survive a database round trip byte for byte.
        raise TypeError(f"{path}: {type(value).__name__} is not allowed; use str or int")


def _append(entries: list[dict[str, Any]]) -> list[AuditEvent]:
    """Links ``entries`` to the chain's head and writes them, under the chain's lock."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
        last = AuditEvent.objects.order_by("-seq").only("seq", "hash").first()
        seq, prev_hash = (last.seq, last.hash) if last else (0, GENESIS)
        # Microseconds survive both databases; anything finer would break the hash on reload.
        created_at = timezone.now()
        rows = []
        contents = canonical_many(seq + 1, created_at, entries)
        for entry, content in zip(entries, contents, strict=True):
            seq += 1
            row_hash = link_hash(prev_hash, content)
            rows.append(
                instantiate(AuditEvent, seq=seq, created_at=created_at, prev_hash=prev_hash, hash=row_hash, **entry)
            )
            prev_hash = row_hash
        if len(rows) == 1:
            rows[0].save()
        else:
            bulk_insert(rows)
        return rows


def _actor_ids(actor: Any, organisation: Any = None) -> tuple[Any, Any]:
    actor_id = getattr(actor, "pk", None) if actor is not None and actor.is_authenticated else None
    organisation_id = getattr(organisation, "pk", organisation) if organisation is not None else None
    if organisation_id is None and actor_id is not None:
        organisation_id = actor.organisation_id
    return actor_id, uuid.UUID(str(organisation_id)) if organisation_id else None


def record(
    action: str,
    *,
    actor: Any = None,
    organisation: Any = None,
    target: Any = None,
    target_type: str = "",
    target_id: str = "",
    request: HttpRequest | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction.

    ``details`` must never hold a child's identity or other sensitive plain text: ids, codes,
    field names and counts only.
    """
    details = details or {}
    _check_details(details)
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
    actor_id, organisation_id = _actor_ids(actor, organisation)
    entry = {
        "action": action,
        "actor_id": actor_id,
        "organisation_id": organisation_id,
        "ip": client_ip(request),
        "target_type": target_type,
        "target_id": target_id,
        "details": details,
    }
    return _append([entry])[0]


def record_many(
    action: str,
    *,
    actor: Any,
    targets: list[Any],
    request: HttpRequest | None = None,
    details: dict[str, Any] | None = None,
) -> int:
    """One row per target, appended in one go (bulk writes such as imports)."""
    details = details or {}
    _check_details(details)
    actor_id, organisation_id = _actor_ids(actor)
    ip = client_ip(request)
    entries = [
        {
            "action": action,
            "actor_id": actor_id,
            "organisation_id": organisation_id,
            "ip": ip,
            "target_type": target._meta.label_lower,
            "target_id": str(target.pk),
            "details": details,
        }
        for target in targets
    ]
    return len(_append(entries)) if entries else 0


def audit_verify(*, checkpoint: Checkpoint | None = None) -> VerifyResult:
    """The whole chain, held to ``checkpoint`` or else to the newest signed checkpoint Jaga saved."""
    if checkpoint is None:
        checkpoint = saved_checkpoint()
    rows = AuditEvent.objects.order_by("seq").iterator(chunk_size=2000)
    return verify_rows(rows, checkpoint)


# --- Signed checkpoints, kept outside the database ----------------------------------------------------


KEEP_CHECKPOINTS = 500


def _mac(count: int, head: str, at: str) -> str:
    message = f"jaga-audit-checkpoint:{count}:{head}:{at}".encode()
    return hmac.new(settings.JAGA_AUDIT_KEY.encode(), message, hashlib.sha256).hexdigest()


def audit_checkpoint_save() -> Path:
    """Writes the chain's head, signed with ``JAGA_AUDIT_KEY``, to ``JAGA_AUDIT_CHECKPOINT_DIR``.

    Someone who can change the database cannot forge one without the key, which is kept outside it,
    so ``audit_verify`` then detects an emptied table, removed newest rows, or history rewritten.
    """
    head = audit_checkpoint()
    at = timezone.now().strftime("%Y%m%dT%H%M%S.%fZ")
    folder = Path(settings.JAGA_AUDIT_CHECKPOINT_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"checkpoint-{at}-{head.count}.json"
    body = {"count": head.count, "head": head.head, "at": at, "mac": _mac(head.count, head.head, at)}
    path.write_text(json.dumps(body), encoding="utf-8")
    for old in sorted(folder.glob("checkpoint-*.json"))[:-KEEP_CHECKPOINTS]:  # the newest ones say it all
        old.unlink(missing_ok=True)
    return path


def saved_checkpoints() -> tuple[list[Checkpoint], int]:
    """The signed checkpoints saved so far, oldest first, and how many files failed their signature."""
    folder = Path(settings.JAGA_AUDIT_CHECKPOINT_DIR)
    found: list[Checkpoint] = []
    forged = 0
    for path in sorted(folder.glob("checkpoint-*.json")) if folder.is_dir() else []:
        try:
            body = json.loads(path.read_text(encoding="utf-8"))
            valid = hmac.compare_digest(body["mac"], _mac(int(body["count"]), str(body["head"]), str(body["at"])))
        except (ValueError, KeyError, TypeError, OSError):
            valid = False
        if valid:
            found.append(Checkpoint(int(body["count"]), str(body["head"])))
        else:
            forged += 1
    return found, forged


def longest(checkpoints: list[Checkpoint]) -> Checkpoint | None:
    """The checkpoint with the most rows: a chain shorter than it, or different at its row, is broken."""
    return max(checkpoints, key=lambda c: c.count) if checkpoints else None


def saved_checkpoint() -> Checkpoint | None:
    """The longest valid signed checkpoint saved."""
    return longest(saved_checkpoints()[0])


def audit_checkpoint() -> Checkpoint:
    last = AuditEvent.objects.order_by("-seq").only("seq", "hash").first()
    return Checkpoint(last.seq, last.hash) if last else Checkpoint(0, GENESIS)
