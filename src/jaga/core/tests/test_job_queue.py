"""A job and its task are stored together (the reliability review: jobs stuck when a process dies)."""

from __future__ import annotations

from typing import Any

import pytest

from jaga.accounts.models import User

pytestmark = pytest.mark.django_db


def test_every_job_is_stored_with_its_task_in_one_transaction(
    caseworker_jakarta: User, programme_officer: User, linkage_officer: User, system_admin: User
) -> None:
    """A process killed between a job's commit and a task queued after it left the job waiting for good
    (the soak's web kills found one). The queue is in the database: each job's task is written in the
    job's own transaction, so neither exists without the other. The test runs inside a transaction
    that never commits, so a task queued "after the commit" would not be here."""
    from django_tasks_db.models import DBTaskResult

    from jaga.cases.imports import import_job_create
    from jaga.linkage.services import run_start
    from jaga.operations.services import backup_queue
    from jaga.programs.training.import_jobs import participant_import_create
    from jaga.programs.training.models import Module, TrainingSession

    def queued(task: str, pk: Any) -> bool:
        return any(r.args_kwargs["args"] == [str(pk)] for r in DBTaskResult.objects.filter(task_path__endswith=task))

    job = import_job_create(actor=caseworker_jakarta, filename="a.csv", data=b"registered_on\n2024-01-01\n")
    assert queued("run_import", job.pk)
    run = run_start(actor=linkage_officer)
    assert queued("run_linkage", run.pk)
    backup = backup_queue(actor=system_admin)
    assert queued("run_backup", backup.pk)
    module = Module.objects.create(title="Modul", audience="police", created_by=programme_officer)
    session = TrainingSession.objects.create(
        module=module, starts_on="2026-01-05", ends_on="2026-01-06", trainers="Tim", test_token="u" * 20
    )
    participants = participant_import_create(
        actor=programme_officer, session=session, filename="p.csv", data=b"full_name,sex\nA,female\n"
    )
    assert queued("run_participant_import", participants.pk)


def test_a_job_taken_by_a_worker_that_died_before_its_first_step_is_swept(caseworker_jakarta: User) -> None:
    """The worker had claimed the job (its heartbeat began) and died before moving it to "validating": the job
    stayed "queued" with a heartbeat, which the sweep did not look at, so it waited for ever (the soak found
    one on PostgreSQL). Now it is failed like any job left behind, to be retried."""
    from datetime import timedelta

    from django.utils import timezone

    from jaga.cases.imports import import_job_create, import_jobs_expire_stale
    from jaga.cases.models import ImportJob

    job = import_job_create(actor=caseworker_jakarta, filename="a.csv", data=b"registered_on\n2024-01-01\n")
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=30))
    assert import_jobs_expire_stale() == 1
    job.refresh_from_db()
    assert job.state == "failed" and job.retryable
