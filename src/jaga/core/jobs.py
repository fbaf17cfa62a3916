"""Background jobs that end: a heartbeat while a job runs, and the sweep for tasks a dead worker held.

A job model (a ``FileJob``, a linkage run) has a ``heartbeat_at`` column. ``heartbeat`` keeps it fresh
from a thread while the job's own code runs, however long one step takes (a 60,000-row insert, a
linkage model's training); when the process dies the column stops moving and the job's sweep marks it
failed within ``JAGA_JOB_STALE_MINUTES``. ``tasks_expire_orphaned`` does the same for the queue's own
rows (a statistics refresh has no job row of its own): a task still "running" on a worker that no
longer beats is marked failed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, models
from django.utils import timezone

log = logging.getLogger(__name__)
BEAT_SECONDS = 30


@contextmanager
def heartbeat(model: type[models.Model], pk: object, every: float = BEAT_SECONDS) -> Iterator[None]:
    """Writes ``heartbeat_at`` of the row ``pk`` now and every ``every`` seconds until the block ends."""

    def touch() -> None:
        model._default_manager.filter(pk=pk).update(heartbeat_at=timezone.now())

    touch()
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(every):
                try:
                    close_old_connections()
                    touch()
                except DatabaseError:  # a lock held by the job itself (SQLite), a dropped connection
                    log.warning("job heartbeat not written", exc_info=True)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=beat, name=f"jaga-job-heartbeat-{pk}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=every + 5)


class WorkerStopped(RuntimeError):
    """The worker that ran a task stopped before the task finished."""


def tasks_expire_orphaned() -> int:
    """Queue rows still "running" on a worker whose heartbeat is older than ``JAGA_WORKER_SILENT_SECONDS``
    become failed, so that the admin page and ``/readyz`` tell the truth. Returns how many."""
    from django_tasks_db.models import DBTaskResult

    from jaga.core.models import WorkerBeat

    cutoff = timezone.now() - timedelta(seconds=settings.JAGA_WORKER_SILENT_SECONDS)
    alive = set(WorkerBeat.objects.filter(beat_at__gte=cutoff).values_list("worker_id", flat=True))
    known = set(WorkerBeat.objects.values_list("worker_id", flat=True))
    orphaned = []
    for result in DBTaskResult.objects.filter(status="RUNNING", started_at__lt=cutoff).only("id", "worker_ids"):
        worker = result.worker_ids[-1] if result.worker_ids else None
        # A task claimed by a worker that never beat (a `db_worker` run by hand) is left alone.
        if worker in known and worker not in alive:
            orphaned.append(result.pk)
    if orphaned:
        DBTaskResult.objects.filter(pk__in=orphaned, status="RUNNING").update(
            status="FAILED",
            finished_at=timezone.now(),
            exception_class_path=f"{WorkerStopped.__module__}.{WorkerStopped.__qualname__}",
            traceback="The worker stopped (its heartbeat ended) before this task finished.",
        )
    return len(orphaned)
