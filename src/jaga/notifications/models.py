"""What a user is told: a notification in the app, and its deliveries by email or webhook (the outbox).

A notification's text names a case by its reference and says what happened; it never carries a
child's identity (``notify`` refuses text that was not built from a reference and a kind).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jaga.core.models import Created


class Kind(models.TextChoices):
    CASE_ASSIGNED = "case_assigned", _("Case assigned to you")
    REFERRAL_RECEIVED = "referral_received", _("Referral received")
    REFERRAL_ACCEPTED = "referral_accepted", _("Referral accepted")
    REFERRAL_DECLINED = "referral_declined", _("Referral declined")
    REFERRAL_ENDED = "referral_ended", _("Referral completed or revoked")
    HOTLINE_CONVERTED = "hotline_converted", _("Hotline report converted into a case at your unit")
    APPROVAL_REQUESTED = "approval_requested", _("Approval requested")
    SUBMISSION_APPROVED = "submission_approved", _("Approved")
    SUBMISSION_RETURNED = "submission_returned", _("Returned for changes")
    TASK_ASSIGNED = "task_assigned", _("Task given to you")
    TASKS_OVERDUE = "tasks_overdue", _("Overdue tasks (daily digest)")
    BACKUP_STALE = "backup_stale", _("No good backup for too long")
    BREACH_RAISED = "breach_raised", _("Possible personal-data breach")
    BREACH_DEADLINE = "breach_deadline", _("Breach notice due")
    REPORT_SUBMITTED = "report_submitted", _("Annual report waiting for approval")
    REPORT_RETURNED = "report_returned", _("Annual report returned for changes")
    REPORT_PUBLISHED = "report_published", _("Annual report published")


class Notification(Created):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    # What the text is made from (a case reference, an organisation's name, a service): never an identity.
    params = models.JSONField(default=dict)
    url = models.CharField(max_length=200)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return f"{self.kind} for {self.user_id}"

    @property
    def text(self) -> str:
        """The sentence, in the reader's language."""
        from jaga.notifications.services import TEXTS, readable

        return str(TEXTS[self.kind]) % readable(self.params)


class Delivery(models.Model):
    """One notification to send by one channel: sent by the worker, retried, never sent twice."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        WEBHOOK = "webhook", _("Webhook (SMS/WhatsApp gateway)")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="delivery_due")]
        constraints = [models.UniqueConstraint(fields=["notification", "channel"], name="delivery_once_per_channel")]

    def __str__(self) -> str:
        return f"{self.channel} delivery ({self.state})"


class Preference(models.Model):
    """How a user wants to be told, beyond the app (which always shows everything)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    email = models.BooleanField(_("also by email"), default=True)

    def __str__(self) -> str:
        return f"preferences of {self.user_id}"
