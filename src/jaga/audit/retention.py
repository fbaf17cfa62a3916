"""The audit log's retention (through ``JAGA_RETENTION``): rows older than the period are counted and
shown, never removed by Jaga: the hash chain cannot lose a row without every later row failing to
verify. Rows past their period are archived with a backup and removed by a database administrator."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from jaga.audit.models import AuditEvent

LABEL = _("Audit log: rows past the period are counted, kept in the chain, archived with backups")
ERASES = False


def due(cutoff: datetime) -> QuerySet[Any]:
    return AuditEvent.objects.filter(created_at__lt=cutoff).values_list("seq", flat=True)
