"""A session's participants imported from a spreadsheet by the background worker, all or none.

The web request only stores the file (encrypted) and queues the job; the worker reads it with the
same checks as a case import (size, zip ratio, duplicated columns, formulas without values) and the
same field limits as the forms, then imports every row or none. A job whose worker died is marked
failed by the sweep, to be retried or cancelled from the session page; its file is erased when the
job ends in any way.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jaga.accounts.models import User
from jaga.audit.services import record
from jaga.core import crypto
from jaga.core.jobs import heartbeat
from jaga.core.tables import MAX_FILE_BYTES, ImportFileError
from jaga.programs.access import require_manager
from jaga.programs.training.imports import ImportRejected, participants_import
from jaga.programs.training.models import ParticipantImportJob, TrainingSession

Job = ParticipantImportJob


def participant_import_create(
    *, actor: User, session: TrainingSession, filename: str, data: bytes, request: Any = None
) -> Job:
    """Stores the file encrypted and queues its import; nothing is read in the web request."""
    from jaga.programs.training.tasks import run_participant_import

    require_manager(actor)
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(_("The file is larger than 50 MB. Split it into smaller files."))
    with transaction.atomic():
        job = Job(session=session, created_by=actor, filename=filename[:200])
        job.data = crypto.encrypt_bytes(data, context=job.crypto_context)
        job.save()
        record(
            "programs.training.import_started",
            actor=actor,
            target=session,
            request=request,
            details={"job": str(job.pk), "bytes": len(data)},
        )
        run_participant_import.enqueue(str(job.pk))  # in the job's transaction: both are stored, or neither
    return job


def _stopped(job: Job, why: str) -> None:
    job.mark_stopped(why)
    record("programs.training.import_stopped", actor=job.created_by, target=job.session, details={"job": str(job.pk)})


def participant_imports_expire_stale() -> int:
    """The sweep (``JAGA_WORKER_SWEEPS``): jobs a dead worker left behind become failed, old files erased."""
    why = _("The background work stopped before this import finished. Nothing was imported: retry or cancel.")
    expired = 0
    for job in Job.objects.defer("data").select_related("created_by", "session").filter(Job.stale()):
        with transaction.atomic():
            _stopped(job, str(why))
        expired += 1
    Job.erase_old_files()
    return expired


def _locked(actor: User, job: Job) -> Job:
    require_manager(actor)
    return Job.objects.select_for_update().select_related("session").get(pk=job.pk)


@transaction.atomic
def participant_import_retry(*, actor: User, job: Job, request: Any = None) -> Job:
    """A job the worker could not finish, queued again with the same file."""
    from jaga.programs.training.tasks import run_participant_import

    job = _locked(actor, job)
    if not job.retryable or not job.data:
        raise ImportFileError(_("Only an import that stopped can be retried; upload the file again."))
    job.mark_queued_again()
    record(
        "programs.training.import_retried",
        actor=actor,
        target=job.session,
        request=request,
        details={"job": str(job.pk)},
    )
    run_participant_import.enqueue(str(job.pk))  # in the job's transaction: both are stored, or neither
    return job


@transaction.atomic
def participant_import_cancel(*, actor: User, job: Job, request: Any = None) -> Job:
    """A waiting or stopped job is dropped and its file erased."""
    job = _locked(actor, job)
    if not (job.state == Job.State.QUEUED or job.retryable):
        raise ImportFileError(_("This import can no longer be cancelled."))
    job.mark_cancelled()
    record(
        "programs.training.import_cancelled",
        actor=actor,
        target=job.session,
        request=request,
        details={"job": str(job.pk)},
    )
    return job


def participant_import_run(job_id: str) -> Job:
    """What the worker does. An error on the way marks the job failed to retry (the sweep, if even that fails)."""
    job = Job.objects.select_related("created_by", "session").get(pk=job_id)
    if job.state != Job.State.QUEUED:
        return job  # cancelled meanwhile, or taken by another worker
    try:
        with heartbeat(Job, job.pk):
            return _run(job)
    except Exception:
        connection.close_if_unusable_or_obsolete()
        _stopped(job, str(_("The import stopped on an error. Nothing was imported: retry or cancel.")))
        raise


def _run(job: Job) -> Job:
    data = crypto.decrypt_bytes(bytes(job.data), context=job.crypto_context)
    job.advance(state=Job.State.VALIDATING, total_rows=max(data.count(b"\n"), 1))
    actor = job.created_by
    errors: list[tuple[int, str, str]] = []
    try:
        if actor is None or not actor.is_active:
            raise PermissionDenied
        with transaction.atomic():
            count = participants_import(actor=actor, session=job.session, data=data)
            job.advance(
                state=Job.State.DONE,
                imported=count,
                total_rows=count,
                checked_rows=count,
                finished_at=timezone.now(),
                data=b"",
            )
    except ImportRejected as exc:
        errors = list(exc.errors)
    except ImportFileError as exc:
        errors = [(0, "", str(exc))]
    except PermissionDenied:
        errors = [(0, "", _("The person who started the import can no longer import."))]
    if errors:
        rows = len({row for row, _column, _message in errors if row})
        job.advance(
            state=Job.State.FAILED,
            total_rows=rows,
            checked_rows=rows,
            errors=[list(e) for e in errors[:1000]],
            error_count=len(errors),
            finished_at=timezone.now(),
            data=b"",
        )
        record(
            "programs.training.import_failed",
            actor=actor,
            target=job.session,
            details={"job": str(job.pk), "errors": len(errors)},
        )
    return job
