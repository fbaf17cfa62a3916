"""``jaga worker``: the background worker (django-tasks' ``db_worker``) with a heartbeat and the sweeps.

Beside the worker's loop a thread writes a heartbeat every ``BEAT_SECONDS`` (``/readyz`` and the
audit page show it) and runs ``JAGA_WORKER_SWEEPS`` every minute: the functions that find jobs a
dead worker left behind and mark them failed. If the worker's loop dies the process exits, the
heartbeat stops, and the service manager (or `make run`'s loop) starts it again.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from typing import Any

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from jaga.core.jobs import BEAT_SECONDS
from jaga.core.models import WorkerBeat

log = logging.getLogger(__name__)
SWEEP_SECONDS = 60


def beat(worker_id: str, started_at: Any) -> None:
    WorkerBeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "host": socket.gethostname()[:200],
            "pid": os.getpid(),
            "started_at": started_at,
            "beat_at": timezone.now(),
        },
    )


def sweep() -> None:
    for path in settings.JAGA_WORKER_SWEEPS:
        try:
            import_string(path)()
        except Exception:  # one failing sweep must not stop the others, nor the heartbeat
            log.exception("sweep %s failed", path)


class Command(DbWorkerCommand):
    help = "Run the background worker, with a heartbeat and the sweeps for jobs left behind."

    def handle(self, *args: Any, **options: Any) -> None:
        worker_id = options.get("worker_id") or uuid.uuid4().hex[:16]
        options["worker_id"] = worker_id
        started_at = timezone.now()
        stop = threading.Event()

        def life(last_sweep: float) -> None:
            while not stop.wait(BEAT_SECONDS):
                try:
                    close_old_connections()
                    beat(worker_id, started_at)
                    if time.monotonic() - last_sweep >= SWEEP_SECONDS:
                        sweep()
                        last_sweep = time.monotonic()
                except DatabaseError:
                    log.exception("worker heartbeat failed")
            connection.close()

        beat(worker_id, started_at)  # the first beat and sweep before any task, in this thread
        sweep()

        thread = threading.Thread(target=life, args=(time.monotonic(),), name="jaga-worker-heartbeat", daemon=True)
        thread.start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
