"""Backups on schedule: one a day after the hour, rotation that keeps the newest of the last days,
weeks and months, a backup left by a dead worker marked failed, the system admins told once a day when
the last good backup is too old; the operations page and its button; /readyz's report."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from jaga.accounts.models import User
from jaga.audit.models import AuditEvent
from jaga.notifications.models import Kind, Notification
from jaga.operations.models import BackupRun
from jaga.operations.services import backup_run, backups_due, backups_prune

pytestmark = pytest.mark.django_db


@pytest.fixture
def folder(settings: Any, tmp_path: Path) -> Path:
    settings.JAGA_BACKUP_DIR = tmp_path / "backups"
    settings.JAGA_BACKUP_DIR.mkdir()
    settings.JAGA_BACKUP_HOUR = 2
    settings.TIME_ZONE = "Asia/Jakarta"
    return settings.JAGA_BACKUP_DIR


def at(day: int, hour: int) -> datetime:
    return timezone.make_aware(datetime(2026, 11, day, hour, 5))


def test_one_backup_a_day_after_the_hour_made_by_the_worker(folder: Path, system_admin: User) -> None:
    assert backups_due(at(20, 1)) == 0, "not before the hour"
    assert backups_due(at(20, 3)) == 1
    assert backups_due(at(20, 9)) == 0, "one a day"
    run = BackupRun.objects.get()
    assert run.scheduled and run.state == BackupRun.State.RUNNING
    done = backup_run(str(run.pk))
    assert done is not None and done.state == BackupRun.State.OK and Path(done.path).parent == folder
    assert done.rows > 0 and done.size == Path(done.path).stat().st_size
    assert AuditEvent.objects.filter(action="operations.backup.created", target_id=str(run.pk)).exists()
    assert backup_run(str(run.pk)) is None, "a backup runs once"
    assert backups_due(at(21, 3)) == 1, "and again the next day"


def test_rotation_keeps_the_newest_of_each_day_week_and_month(folder: Path, settings: Any) -> None:
    settings.JAGA_BACKUP_KEEP_DAILY, settings.JAGA_BACKUP_KEEP_WEEKLY, settings.JAGA_BACKUP_KEEP_MONTHLY = 3, 2, 2
    start = timezone.make_aware(datetime(2026, 9, 1, 3))
    for day in range(90):  # a backup each day, and a second one on the 10th
        for extra in (0, 1) if day == 9 else (0,):
            path = folder / f"b-{day}-{extra}.jgb"
            path.write_bytes(b"x")
            when = start + timedelta(days=day, hours=extra)
            BackupRun.objects.create(scheduled=True, state=BackupRun.State.OK, path=str(path), started_at=when)
    manual = BackupRun.objects.create(state=BackupRun.State.OK, path=str(folder.parent / "by-hand.jgb"))
    removed = backups_prune()
    kept = sorted(p.name for p in folder.iterdir())
    # The last 3 days (Nov 27-29), the newest of the last 2 ISO weeks (Nov 29 is a Sunday: its week
    # is Nov 23-29, the one before ends on Nov 22) and of the last 2 months (Nov 29, Oct 31).
    assert kept == ["b-60-0.jgb", "b-82-0.jgb", "b-87-0.jgb", "b-88-0.jgb", "b-89-0.jgb"], kept
    assert removed == 91 - 5 and BackupRun.objects.filter(state=BackupRun.State.PRUNED).count() == removed
    assert BackupRun.objects.get(pk=manual.pk).state == BackupRun.State.OK, "a backup made elsewhere by hand stays"
    assert AuditEvent.objects.filter(action="operations.backup.pruned").count() == removed


def test_a_backup_left_by_a_dead_worker_fails_and_the_admins_are_told_once_a_day(
    folder: Path, system_admin: User, caseworker_jakarta: User
) -> None:
    BackupRun.objects.create(scheduled=True, path=str(folder / "dead.jgb"), started_at=at(10, 3))
    backups_due(at(10, 12))
    assert BackupRun.objects.get(path__endswith="dead.jgb").state == BackupRun.State.FAILED
    told = Notification.objects.filter(kind=Kind.BACKUP_STALE)
    assert [n.user for n in told] == [system_admin], "no good backup at all: the system admins are told"
    backups_due(at(10, 12) + timedelta(minutes=30))
    assert told.count() == 1, "once a day"
    assert not BackupRun.objects.filter(state=BackupRun.State.RUNNING).exists(), "not again at once"
    backups_due(at(10, 14))
    assert BackupRun.objects.filter(state=BackupRun.State.RUNNING).count() == 1, "the day's backup, an hour later"
    assert not Notification.objects.filter(user=caseworker_jakarta).exists()


def test_the_operations_page_shows_the_backups_and_queues_one_by_hand(
    folder: Path, login_client: Callable[..., Client], system_admin: User, caseworker_jakarta: User
) -> None:
    admin = login_client(system_admin)
    page = admin.get("/operations/")
    assert page.status_code == 200 and "Belum ada cadangan yang baik" in page.content.decode()
    assert admin.post("/operations/backups/").status_code == 302
    run = BackupRun.objects.get()
    assert run.started_by == system_admin and not run.scheduled
    assert admin.post("/operations/backups/").status_code == 302 and BackupRun.objects.count() == 1, "one at a time"
    backup_run(str(run.pk))
    shown = admin.get("/operations/").content.decode()
    assert Path(run.path).name in shown and "Baik" in shown
    header = json.loads(Path(run.path).read_bytes().split(b"\n")[1])
    assert header["key_check"] in shown, "the page shows the check value the files carry"
    assert AuditEvent.objects.filter(action="operations.backup.requested", actor_id=system_admin.pk).exists()
    assert login_client(caseworker_jakarta).get("/operations/").status_code == 403
    home = admin.get("/").content.decode()
    assert "/operations/" in home


def test_readyz_reports_the_last_good_backup_and_the_disk(folder: Path, anonymous: Client) -> None:
    from jaga.core.models import WorkerBeat

    WorkerBeat.objects.create(worker_id="w", host="test", pid=1, started_at=timezone.now(), beat_at=timezone.now())
    body = anonymous.get("/readyz").json()
    assert body["backup"] == "none" and body["backup_age_hours"] is None
    assert body["disk"] == "ok" and body["disk_free_mb"] > 0
    BackupRun.objects.create(state=BackupRun.State.OK, path="x", finished_at=timezone.now() - timedelta(hours=30))
    late = anonymous.get("/readyz")
    assert late.status_code == 200 and late.json()["backup"] == "stale", "reported, not a reason to stop serving"
