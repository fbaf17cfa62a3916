"""Backups as the service runs them: made by hand or every day, read back whole before they count as
good, rotated, and reported (the operations page, /readyz, a notice to the system admins when the
last good one is too old). Every backup and every removal has its audit row."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from jaga.accounts.models import User
from jaga.accounts.permissions import holders, user_has_perm
from jaga.audit.services import record
from jaga.notifications.models import Kind, Notification
from jaga.notifications.services import notify
from jaga.operations import backup
from jaga.operations.breaches import breach_raise
from jaga.operations.models import BackupRun, Breach

STALE_RUN = timedelta(hours=6)  # a backup still running after this died with its worker
RETRY_AFTER = timedelta(hours=1)  # a failed scheduled backup is tried again after this


def _new_path(now: datetime) -> Path:
    """Where a backup made now goes in ``JAGA_BACKUP_DIR`` (UTC time in the name: rotation reads it)."""
    return settings.JAGA_BACKUP_DIR / f"jaga-{now:%Y%m%dT%H%M%SZ}.jgb"


def backup_create(
    *, actor: User | None, out: Path | None = None, scheduled: bool = False, request: HttpRequest | None = None
) -> BackupRun:
    """Writes a backup (into ``JAGA_BACKUP_DIR`` unless ``out``), reads it back whole, and records it.
    A failure is recorded too, with its reason, and raised again."""
    if actor is not None and not user_has_perm(actor, "operations.backup"):
        raise PermissionDenied
    path = out or _new_path(timezone.now())
    run = BackupRun.objects.create(started_by=actor, scheduled=scheduled, path=str(path))
    return _backup_execute(run, request=request)


def _backup_execute(run: BackupRun, *, request: HttpRequest | None = None) -> BackupRun:
    path = Path(run.path)
    try:
        backup.dump(path)
        manifest = backup.read(path)
    except Exception as exc:
        reason = str(exc)[:400] if isinstance(exc, backup.BackupError | OSError) else type(exc).__name__
        BackupRun.objects.filter(pk=run.pk).update(
            state=BackupRun.State.FAILED, error=reason, finished_at=timezone.now()
        )
        record("operations.backup.failed", actor=run.started_by, target=run, request=request, details={"error": reason})
        breach_raise(signal=Breach.Signal.BACKUP_FAILED, key=str(run.pk), title=f"A backup failed: {reason}"[:200],
                     data=[Breach.Data.AVAILABILITY])  # fmt: skip
        raise
    run.state, run.finished_at = BackupRun.State.OK, timezone.now()
    run.size, run.rows, run.tables = path.stat().st_size, manifest.rows, len(manifest.counts)
    run.save(update_fields=["state", "finished_at", "size", "rows", "tables"])
    record(
        "operations.backup.created",
        actor=run.started_by,
        target=run,
        request=request,
        details={"file": path.name, "size": run.size, "rows": run.rows, "scheduled": run.scheduled},
    )
    return run


@transaction.atomic
def backup_queue(*, actor: User, request: HttpRequest | None = None) -> BackupRun:
    """A backup by hand from the operations page, made by the worker (one at a time)."""
    if not user_has_perm(actor, "operations.backup"):
        raise PermissionDenied
    running = BackupRun.objects.filter(state=BackupRun.State.RUNNING).first()
    if running is not None:
        return running
    run = BackupRun.objects.create(started_by=actor, path=str(_new_path(timezone.now())))
    record("operations.backup.requested", actor=actor, target=run, request=request)
    from jaga.operations.tasks import run_backup

    run_backup.enqueue(str(run.pk))  # in the run's transaction: both are stored, or neither
    return run


def backup_run(run_id: str) -> BackupRun | None:
    """The worker's task: the queued backup ``run_id``, unless it already ran."""
    run = BackupRun.objects.filter(pk=run_id, state=BackupRun.State.RUNNING, finished_at__isnull=True).first()
    if run is None:
        return None
    try:
        return _backup_execute(run)
    except Exception:  # recorded as failed; the page and the notice say so
        return BackupRun.objects.get(pk=run.pk)


def last_good() -> BackupRun | None:
    return BackupRun.objects.filter(state=BackupRun.State.OK).order_by("-finished_at").first()


def _kept(runs: list[BackupRun]) -> set[Any]:
    """Grandfather-father-son: the newest backup of each of the last days, ISO weeks and months."""
    keep: set[Any] = set()
    for period, count in (
        (lambda d: d.date(), settings.JAGA_BACKUP_KEEP_DAILY),
        (lambda d: d.isocalendar()[:2], settings.JAGA_BACKUP_KEEP_WEEKLY),
        (lambda d: (d.year, d.month), settings.JAGA_BACKUP_KEEP_MONTHLY),
    ):
        seen: list[Any] = []
        for run in runs:  # newest first
            when = timezone.localtime(run.started_at)
            if period(when) not in seen and len(seen) < count:
                seen.append(period(when))
                keep.add(run.pk)
    return keep


def backups_prune() -> int:
    """Removes the scheduled backups in ``JAGA_BACKUP_DIR`` that rotation no longer keeps."""
    folder = settings.JAGA_BACKUP_DIR.resolve()
    runs = [
        run
        for run in BackupRun.objects.filter(state=BackupRun.State.OK, scheduled=True).order_by("-started_at")
        if Path(run.path).resolve().parent == folder
    ]
    keep = _kept(runs)
    removed = 0
    for run in runs:
        if run.pk in keep:
            continue
        Path(run.path).unlink(missing_ok=True)
        BackupRun.objects.filter(pk=run.pk).update(state=BackupRun.State.PRUNED)
        record("operations.backup.pruned", actor=None, target=run, details={"file": Path(run.path).name})
        removed += 1
    return removed


def backups_due(now: datetime | None = None) -> int:
    """The worker's sweep (every minute): once a day after ``JAGA_BACKUP_HOUR``, queue the day's backup;
    mark a backup whose worker died as failed; rotate; tell the system admins, once a day, when the
    last good backup is older than ``JAGA_BACKUP_STALE_HOURS``. Answers how many backups it queued."""
    now = now or timezone.now()
    BackupRun.objects.filter(state=BackupRun.State.RUNNING, started_at__lt=now - STALE_RUN).update(
        state=BackupRun.State.FAILED, error="stopped: the worker stopped", finished_at=now
    )
    queued = 0
    local = timezone.localtime(now)
    if settings.JAGA_BACKUP_SCHEDULED and settings.JAGA_BACKUP_KEY and local.hour >= settings.JAGA_BACKUP_HOUR:
        day_start = local.replace(hour=settings.JAGA_BACKUP_HOUR, minute=0, second=0, microsecond=0)
        scheduled = BackupRun.objects.filter(scheduled=True, started_at__gte=day_start)
        done_or_doing = scheduled.filter(state__in=[BackupRun.State.OK, BackupRun.State.RUNNING]).exists()
        failed_lately = scheduled.filter(state=BackupRun.State.FAILED, finished_at__gte=now - RETRY_AFTER).exists()
        if not done_or_doing and not failed_lately:  # a failed one is tried again an hour later
            from jaga.operations.tasks import run_backup

            with transaction.atomic():
                run = BackupRun.objects.create(scheduled=True, path=str(_new_path(now)), started_at=now)
                run_backup.enqueue(str(run.pk))  # in the run's transaction: both are stored, or neither
            queued = 1
    backups_prune()
    _tell_if_stale(now)
    return queued


def _tell_if_stale(now: datetime) -> None:
    report = backup_report(now)
    if report["backup"] == "ok":
        return
    since = now - timedelta(hours=24)
    if Notification.objects.filter(kind=Kind.BACKUP_STALE, created_at__gte=since).exists():
        return  # once a day
    hours = report["backup_age_hours"]
    notify(
        users=list(holders(None, "operations.backup")),
        kind=Kind.BACKUP_STALE,
        url=reverse("operations:overview"),
        count=str(hours or 0),
    )


def backup_report(now: datetime | None = None) -> dict[str, Any]:
    """For /readyz and the page: how old the last good backup is, and whether that is too old."""
    now = now or timezone.now()
    good = last_good()
    age = int((now - good.finished_at).total_seconds() // 3600) if good and good.finished_at else None
    state = "none" if age is None else ("ok" if age < settings.JAGA_BACKUP_STALE_HOURS else "stale")
    return {"backup": state, "backup_age_hours": age}


def home_items(user: User) -> list[tuple[str, int, str]]:
    """On a system admin's home page: the backup to see to, when the last good one is too old."""
    if not user_has_perm(user, "operations.backup"):
        return []
    from django.utils.translation import gettext as _

    late = 0 if backup_report()["backup"] == "ok" else 1
    items = [
        (str(_("Backups to see to (none for a day or the last one failed)")), late, reverse("operations:overview"))
    ]
    if user_has_perm(user, "operations.breaches"):
        still_open = Breach.objects.filter(state__in=[Breach.State.SUSPECTED, Breach.State.CONFIRMED]).count()
        items.append(
            (str(_("Open breaches (notices due within 3 x 24 hours)")), still_open, reverse("operations:breaches"))
        )
    return items
