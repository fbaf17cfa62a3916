"""What the operations of this server did: each backup, made by hand or on schedule."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jaga.core.models import UUIDModel


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
