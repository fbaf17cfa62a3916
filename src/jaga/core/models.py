from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jaga.core.fields import EncryptedTextField


class UUIDModel(models.Model):
    """A row named by a random UUID: an id in a URL or an export says nothing about how many rows there are
    or in which order they came."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)

    class Meta:
        abstract = True


class Created(UUIDModel):
    """... and when it was made."""

    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class CreatedBy(Created):
    """... and by whom (kept when the account goes: the row stays, without its author)."""

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        abstract = True


class IdempotentRequest(models.Model):
    """The first answer to a create sent with an ``Idempotency-Key``, so that a retry gets it again.

    The answer holds no identity (creates never echo one); the request is kept only as a keyed hash,
    to tell a retry from another request that reuses the key.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    route = models.CharField(max_length=60)
    key = models.CharField(max_length=100)
    request_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "route", "key"], name="idempotent_request_unique")]

    def __str__(self) -> str:
        return f"{self.route} {self.key}"


class WorkerBeat(models.Model):
    """A background worker's sign of life, written every ``BEAT_SECONDS`` by ``jaga worker``."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=200)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"worker {self.worker_id} on {self.host}"


class FileJob(models.Model):
    """A file imported in the background: checked whole, then imported whole (cases, participants).

    The file is kept encrypted while the job runs and erased when it ends; a worker writes
    ``heartbeat_at`` while it runs the job (``jaga.core.jobs.heartbeat``), so a job whose worker died
    is found by ``stale()`` and marked failed, to be retried or cancelled.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        VALIDATING = "validating", _("Checking rows")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Not imported: see the errors")
        CANCELLED = "cancelled", _("Cancelled")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    filename = EncryptedTextField()
    data = models.BinaryField()
    state = models.CharField(max_length=12, choices=State.choices, default=State.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    checked_rows = models.PositiveIntegerField(default=0)
    imported = models.PositiveIntegerField(default=0)
    # [[row, column, message], ...]: messages say which rule failed, never the value.
    errors = models.JSONField(default=list, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Set by the worker at every step: a running job whose heartbeat stops was left by a worker that died.
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    ENCRYPTED_BLOB_FIELD = "data"
    STOPPED = "worker"  # the column of the one error of a job whose work stopped (not its rows)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"import {self.pk} ({self.state})"

    @property
    def crypto_context(self) -> str:
        return f"{self._meta.label_lower}:{self.pk}"

    @property
    def running(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.VALIDATING, self.State.IMPORTING)

    @property
    def percent(self) -> int:
        return int(100 * self.checked_rows / self.total_rows) if self.total_rows else 0

    @property
    def retryable(self) -> bool:
        """Failed for a reason other than its rows (the worker stopped), with the file still kept."""
        return self.state == self.State.FAILED and self.stopped

    @property
    def stopped(self) -> bool:
        return bool(self.errors) and self.errors[0][:2] == [0, self.STOPPED]

    @classmethod
    def stale(cls) -> Q:
        """Jobs a dead worker left behind: taken and silent, or never taken, for ``JAGA_JOB_STALE_MINUTES``.
        A queued job with a heartbeat was taken by a worker that died before it started the first step."""
        cutoff = timezone.now() - timedelta(minutes=settings.JAGA_JOB_STALE_MINUTES)
        waiting = Q(state=cls.State.QUEUED) & (
            Q(created_at__lt=cutoff, heartbeat_at__isnull=True) | Q(heartbeat_at__lt=cutoff)
        )
        silent = Q(state__in=[cls.State.VALIDATING, cls.State.IMPORTING]) & (
            Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff)
        )
        return waiting | silent

    def mark_stopped(self, why: str) -> None:
        """Failed because its work stopped, not because of its rows; the file is kept for a retry."""
        self.state, self.finished_at = self.State.FAILED, timezone.now()
        self.errors, self.error_count = [[0, self.STOPPED, why]], 1
        self.save(update_fields=["state", "finished_at", "errors", "error_count"])

    def mark_queued_again(self) -> None:
        if not self.retryable or not self.data:
            raise ValueError("only a stopped job with its file can be queued again")
        self.state, self.finished_at, self.heartbeat_at = self.State.QUEUED, None, None
        self.errors, self.error_count, self.checked_rows, self.created_at = [], 0, 0, timezone.now()
        self.save()

    def mark_cancelled(self) -> None:
        if not (self.state == self.State.QUEUED or self.retryable):
            raise ValueError("only a waiting or stopped job can be cancelled")
        self.state, self.finished_at, self.data = self.State.CANCELLED, timezone.now(), b""
        self.save(update_fields=["state", "finished_at", "data"])

    def advance(self, **fields: object) -> None:
        """Saves the given fields with a fresh heartbeat (the worker calls it at every step)."""
        fields["heartbeat_at"] = timezone.now()
        for name, value in fields.items():
            setattr(self, name, value)
        self.save(update_fields=list(fields))

    @classmethod
    def erase_old_files(cls) -> int:
        """Files of failed jobs nobody retried are erased after ``JAGA_JOB_KEEP_HOURS``."""
        old = timezone.now() - timedelta(hours=settings.JAGA_JOB_KEEP_HOURS)
        return (
            cls._default_manager.filter(state=cls.State.FAILED, finished_at__lt=old).exclude(data=b"").update(data=b"")
        )


class RateWindow(models.Model):
    """Counts of events per key (a keyed hash of an address, or a total) per fixed time window, shared
    by every server process through the database (``core.ratelimit``). Addresses are never stored."""

    name = models.CharField(max_length=64)
    slot = models.BigIntegerField()  # the window's number: seconds since the epoch // period
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "slot"], name="core_rate_name_slot")]

    def __str__(self) -> str:
        return f"{self.slot}: {self.count}"
