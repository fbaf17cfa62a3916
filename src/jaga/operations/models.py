"""What the operations of this server did: each backup, made by hand or on schedule."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jaga.core.fields import EncryptedTextField
from jaga.core.models import UUIDModel

NOTICE_WITHIN = timedelta(hours=72)  # UU 27/2022 art. 46: 3 x 24 hours


class BackupRun(UUIDModel):
    """One backup: where it went, how big, how many rows, and whether it was good (read back whole)."""

    class State(models.TextChoices):
        RUNNING = "running", _("Running")
        OK = "ok", _("Good")
        FAILED = "failed", _("Failed")
        PRUNED = "pruned", _("Removed by rotation")

    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    scheduled = models.BooleanField(default=False)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.RUNNING)
    path = models.CharField(max_length=500)
    size = models.BigIntegerField(default=0)
    rows = models.BigIntegerField(default=0)
    tables = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"backup {self.started_at:%Y-%m-%d %H:%M} {self.state}"


class Breach(UUIDModel):
    """A personal-data breach, suspected or confirmed (UU 27/2022 on personal data protection, art. 46:
    the authority and the people affected are told within 3 x 24 hours of it being found)."""

    class State(models.TextChoices):
        SUSPECTED = "suspected", _("Suspected")
        CONFIRMED = "confirmed", _("Confirmed")
        DISMISSED = "dismissed", _("Dismissed (not a breach)")
        CLOSED = "closed", _("Closed")

    class Signal(models.TextChoices):
        REPORTED = "reported", _("Reported by a person")
        MASS_EXPORT = "mass_export", _("Many exports by one account")
        DENIED_READS = "denied_reads", _("Many refused requests from one account or address")
        AUDIT_CHAIN = "audit_chain", _("The audit log's chain is broken")
        BACKUP_FAILED = "backup_failed", _("A backup failed")

    class Data(models.TextChoices):
        IDENTITY = "identity", _("Children's identities")
        CASE_FACTS = "case_facts", _("Case facts")
        HOTLINE = "hotline", _("Hotline reports")
        PARTICIPANTS = "participants", _("Training participants and contact people")
        ACCOUNTS = "accounts", _("User accounts")
        AVAILABILITY = "availability", _("Availability (data lost or unreachable)")
        OTHER = "other", _("Other")

    reference = models.CharField(max_length=20, unique=True)
    found_at = models.DateTimeField(default=timezone.now)
    signal = models.CharField(max_length=20, choices=Signal.choices, default=Signal.REPORTED)
    signal_key = models.CharField(max_length=80, blank=True)  # which account or address raised it
    state = models.CharField(max_length=10, choices=State.choices, default=State.SUSPECTED)
    title = models.CharField(_("what happened, in a line"), max_length=200)
    data = models.JSONField(_("data concerned"), default=list)
    subjects = models.PositiveIntegerField(_("people affected (estimate)"), default=0)
    cause = EncryptedTextField(_("cause and what is known"), blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    authority_notified_at = models.DateTimeField(null=True, blank=True)
    authority_reference = models.CharField(max_length=100, blank=True)
    subjects_notified_at = models.DateTimeField(null=True, blank=True)
    subjects_notified = models.PositiveIntegerField(default=0)
    closed_at = models.DateTimeField(null=True, blank=True)
    reminded = models.JSONField(default=list)  # the reminders already sent ("24h", "6h", "late")

    class Meta:
        ordering = ["-found_at"]

    def __str__(self) -> str:
        return self.reference

    @property
    def deadline(self) -> Any:
        return self.found_at + NOTICE_WITHIN

    @property
    def open(self) -> bool:
        return self.state in (self.State.SUSPECTED, self.State.CONFIRMED)


class BreachEvent(UUIDModel):
    """The breach's timeline: what was decided, found, sent and when; texts are encrypted."""

    class Kind(models.TextChoices):
        RECORDED = "recorded", _("Recorded")
        NOTE = "note", _("Note or evidence")
        CONFIRMED = "confirmed", _("Confirmed")
        DISMISSED = "dismissed", _("Dismissed")
        AUTHORITY = "authority", _("Authority notified")
        SUBJECTS = "subjects", _("People affected notified")
        REMINDER = "reminder", _("Reminder sent")
        CLOSED = "closed", _("Closed")

    breach = models.ForeignKey(Breach, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    text = EncryptedTextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at"]


class RetentionRule(models.Model):
    """How long one kind of record is kept after it ends (``JAGA_RETENTION`` names the kinds)."""

    kind = models.CharField(max_length=40, primary_key=True)
    keep_months = models.PositiveIntegerField(_("kept for (months)"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.kind}: {self.keep_months} months"


class LegalHold(UUIDModel):
    """A record that must not be erased whatever its period (a court case, an investigation)."""

    kind = models.CharField(max_length=40)
    target_id = models.CharField(_("record id"), max_length=64)
    reason = models.CharField(_("reason"), max_length=300)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    placed_at = models.DateTimeField(default=timezone.now)
    released_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"hold {self.kind} {self.target_id}"


class RetentionRun(UUIDModel):
    """One pass of the retention sweep: how many records of each kind it erased."""

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    counts = models.JSONField(default=dict)

    class Meta:
        ordering = ["-started_at"]
