"""Retention of closed cases (the operations app calls this through ``JAGA_RETENTION``): a case closed
before the cutoff has its child's identity erased, as an erasure on request does (``identity_erase``);
what statistics count stays."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from jaga.audit.services import record
from jaga.cases.models import Case, Status
from jaga.cases.subject import identity_erase

LABEL = _("Closed cases: the child's identity and free texts erased, statistics kept")


def due(cutoff: datetime) -> QuerySet[Any]:
    """The keys of cases closed before ``cutoff`` whose identity is still there."""
    cases = Case.objects.filter(status=Status.CLOSED, closed_on__lt=cutoff.date(), child__erased_at__isnull=True)
    return cases.values_list("pk", flat=True)


def erase(ids: list[Any]) -> int:
    done = 0
    for case in Case.objects.filter(pk__in=ids).select_related("child"):
        with transaction.atomic():
            removed = identity_erase(case, actor=None)
            record("cases.retention.erased", actor=None, target=case, details={"removed": removed})
        done += 1
    return done
