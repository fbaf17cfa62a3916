"""The background worker shows it is alive, and sweeps up jobs a dead worker left behind."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from jaga.accounts.models import User
from jaga.core.models import WorkerBeat

pytestmark = pytest.mark.django_db(transaction=True)


def run_worker() -> None:
    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def test_readyz_answers_503_until_a_worker_beats_then_200(anonymous: Client, settings: Any) -> None:
    silent = anonymous.get("/readyz")
    assert silent.status_code == 503 and silent.json()["worker"] == "silent"
    run_worker()
    ready = anonymous.get("/readyz")
    body = ready.json()
    assert ready.status_code == 200 and (body["database"], body["worker"]) == ("ok", "ok")
    assert 0 <= body["worker_last_seen_seconds"] < 30
    WorkerBeat.objects.update(beat_at=timezone.now() - timedelta(seconds=settings.JAGA_WORKER_SILENT_SECONDS + 1))
    assert anonymous.get("/readyz").status_code == 503


def test_the_worker_fails_a_job_a_dead_worker_left_and_the_admin_sees_the_worker(
    login_client: Callable[..., Client], caseworker_jakarta: User, system_admin: User
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jaga.cases.models import ImportJob

    client = login_client(caseworker_jakarta)
    client.post("/cases/imports/", {"file": SimpleUploadedFile("a.csv", b"registered_on\n2024-01-01\n")})
    ImportJob.objects.update(state="importing", heartbeat_at=timezone.now() - timedelta(minutes=30))
    run_worker()
    assert ImportJob.objects.get().state == "failed", "swept by the worker, without anyone opening a page"
    page = login_client(system_admin).get("/audit/").content.decode()
    assert "Pekerja latar belakang: terakhir terlihat" in page


def test_every_kind_of_job_a_dead_worker_left_is_failed_by_the_sweep(
    caseworker_jakarta: User, programme_officer: User, linkage_officer: User, register_case: Any
) -> None:
    """A participant import, a linkage run and a queued task (a statistics refresh) held by a worker that
    died: one sweep marks each failed, so that pages stop waiting and a new run can start."""
    from django_tasks_db.models import DBTaskResult

    from jaga.linkage import services as linkage
    from jaga.linkage.models import LinkageRun
    from jaga.programs.training.models import Module, ParticipantImportJob, TrainingSession
    from jaga.stats.tasks import refresh_statistics

    long_ago = timezone.now() - timedelta(minutes=30)
    module = Module.objects.create(title="Modul", audience="police", created_by=programme_officer)
    session = TrainingSession.objects.create(
        module=module, starts_on="2026-01-05", ends_on="2026-01-06", trainers="Tim", test_token="t" * 20
    )
    job = ParticipantImportJob.objects.create(
        session=session,
        created_by=programme_officer,
        filename="p.csv",
        data=b"x",
        state="validating",
        heartbeat_at=long_ago,
    )
    alive = LinkageRun.objects.create(
        match_threshold=0.9, review_threshold=0.5, state="running", heartbeat_at=timezone.now()
    )
    dead = LinkageRun.objects.create(match_threshold=0.9, review_threshold=0.5, state="running", heartbeat_at=long_ago)
    task = refresh_statistics.enqueue()
    WorkerBeat.objects.create(worker_id="gone", host="h", pid=1, started_at=long_ago, beat_at=long_ago)
    DBTaskResult.objects.filter(pk=task.id).update(status="RUNNING", started_at=long_ago, worker_ids=["gone"])

    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    job.refresh_from_db()
    assert job.state == "failed" and job.retryable, "a participant import can be retried"
    assert LinkageRun.objects.get(pk=dead.pk).state == "failed"
    assert LinkageRun.objects.get(pk=alive.pk).state == "running", "a run that still beats is left alone"
    assert DBTaskResult.objects.get(pk=task.id).status == "FAILED"
    LinkageRun.objects.filter(pk=alive.pk).update(state="done")
    assert linkage.run_start(actor=linkage_officer).pk not in (alive.pk, dead.pk), "a new run can start"


def test_the_heartbeat_moves_while_a_long_step_runs() -> None:
    """The job's own code may sit in one step for minutes (a big insert, a model's training): the beat
    comes from a thread, so the job is not mistaken for a dead one."""
    import time

    from jaga.core.jobs import heartbeat
    from jaga.linkage.models import LinkageRun

    run = LinkageRun.objects.create(match_threshold=0.9, review_threshold=0.5, state="running")
    with heartbeat(LinkageRun, run.pk, every=0.2):
        first = LinkageRun.objects.get(pk=run.pk).heartbeat_at
        time.sleep(0.7)  # the "long step"
        later = LinkageRun.objects.get(pk=run.pk).heartbeat_at
    assert first is not None and later > first
