"""Retention on schedule: each kind of record (``JAGA_RETENTION``: closed cases, hotline reports, training
participants, the audit log) is kept for its period after it ends, then erased by its own app (the
identity and free texts go, what statistics count stays), unless a legal hold keeps it. The system
admin sets the periods and the holds; the page shows what goes now and within the next 30 days before
it goes; each run is recorded with its counts and audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import import_module
from types import ModuleType
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from jaga.accounts.models import User
from jaga.accounts.permissions import user_has_perm
from jaga.audit.services import record
from jaga.operations.models import LegalHold, RetentionRule, RetentionRun

MIN_MONTHS = 1
MAX_MONTHS = 600
BATCH = 500


@dataclass
class Kind:
    name: str
    label: Any
    months: int
    erases: bool
    module: ModuleType


def kinds() -> list[Kind]:
    rules = dict(RetentionRule.objects.values_list("kind", "keep_months"))
    found = []
    for name, (path, default) in settings.JAGA_RETENTION.items():
        module = import_module(path)
        found.append(Kind(name, module.LABEL, rules.get(name, default), getattr(module, "ERASES", True), module))
    return found


def cutoff(months: int, now: datetime) -> datetime:
    return now - timedelta(days=round(months * 30.44))


def held(kind: str) -> set[str]:
    return {
        str(t)
        for t in LegalHold.objects.filter(kind=kind, released_at__isnull=True).values_list("target_id", flat=True)
    }


def _due_ids(kind: Kind, now: datetime) -> list[Any]:
    keep = held(kind.name)
    return [pk for pk in kind.module.due(cutoff(kind.months, now)) if str(pk) not in keep]


def _due_count(kind: Kind, now: datetime, keep: set[str]) -> int:
    due = kind.module.due(cutoff(kind.months, now))
    if not keep:
        return int(due.count())
    return sum(1 for pk in due.iterator() if str(pk) not in keep)


def forecast(now: datetime | None = None) -> list[tuple[Kind, int, int, int]]:
    """For the page: each kind with how many records are due now and how many more within 30 days (held
    records left out of both, since the run leaves them), and how many are held."""
    now = now or timezone.now()
    rows = []
    for kind in kinds():
        keep = held(kind.name)
        due_now = _due_count(kind, now, keep)
        soon = _due_count(kind, now + timedelta(days=30), keep)
        rows.append((kind, due_now, max(0, soon - due_now), len(keep)))
    return rows


def retention_run(now: datetime | None = None) -> RetentionRun:
    """Erases what is due of every kind that erases (the audit log is counted only), in batches."""
    now = now or timezone.now()
    run = RetentionRun.objects.create(started_at=now)
    counts: dict[str, int] = {}
    for kind in kinds():
        if not kind.erases:
            continue
        ids = _due_ids(kind, now)
        done = 0
        for start in range(0, len(ids), BATCH):
            done += kind.module.erase(ids[start : start + BATCH])
        counts[kind.name] = done
    run.counts, run.finished_at = counts, timezone.now()
    run.save(update_fields=["counts", "finished_at"])
    record("operations.retention.ran", actor=None, target=run, details={"erased": counts})
    return run


def retention_due(now: datetime | None = None) -> int:
    """The worker's sweep: one retention run a day, an hour after the backup hour (after the backup)."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    if local.hour < (settings.JAGA_BACKUP_HOUR + 1) % 24:
        return 0
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if RetentionRun.objects.filter(started_at__gte=start).exists():
        return 0
    return sum(retention_run(now).counts.values())


def _check(actor: User) -> None:
    if not user_has_perm(actor, "operations.retention"):
        raise PermissionDenied


@transaction.atomic
def retention_set(*, actor: User, kind: str, months: int, request: HttpRequest | None = None) -> RetentionRule:
    _check(actor)
    if kind not in settings.JAGA_RETENTION:
        raise ValidationError({"kind": [_("Not a kind of record Jaga keeps.")]})
    if not MIN_MONTHS <= months <= MAX_MONTHS:
        raise ValidationError(
            {"months": [_("From %(min)s to %(max)s months.") % {"min": MIN_MONTHS, "max": MAX_MONTHS}]}
        )
    before = RetentionRule.objects.filter(kind=kind).values_list("keep_months", flat=True).first()
    rule, _created = RetentionRule.objects.update_or_create(
        kind=kind, defaults={"keep_months": months, "updated_by": actor, "updated_at": timezone.now()}
    )
    record("operations.retention.set", actor=actor, request=request,
           details={"kind": kind, "months": months, "before": before if before is not None else ""})  # fmt: skip
    return rule


@transaction.atomic
def hold_place(*, actor: User, kind: str, target_id: str, reason: str, request: HttpRequest | None = None) -> LegalHold:
    _check(actor)
    errors: dict[str, list[str]] = {}
    if kind not in settings.JAGA_RETENTION:
        errors["kind"] = [_("Not a kind of record Jaga keeps.")]
    if not target_id.strip():
        errors["target_id"] = [_("Give the record's id (from its page's address or the audit log).")]
    if not reason.strip():
        errors["reason"] = [_("Say why it is held: a court case, an investigation.")]
    if errors:
        raise ValidationError(errors)
    hold = LegalHold.objects.create(
        kind=kind, target_id=target_id.strip(), reason=reason.strip()[:300], placed_by=actor
    )
    record("operations.retention.held", actor=actor, target=hold, request=request,
           details={"kind": kind, "record": hold.target_id})  # fmt: skip
    return hold


@transaction.atomic
def hold_release(*, actor: User, hold: LegalHold, request: HttpRequest | None = None) -> None:
    _check(actor)
    if hold.released_at is not None:
        raise ValidationError(_("This hold was already released."))
    hold.released_at = timezone.now()
    hold.save(update_fields=["released_at"])
    record("operations.retention.released", actor=actor, target=hold, request=request,
           details={"kind": hold.kind, "record": hold.target_id})  # fmt: skip
