"""Retention of survey responses (through ``JAGA_RETENTION``): a response is erased (its answers
destroyed; the row stays, marked, so that counts of what was collected remain) when its study's retention
date has passed, or, at the latest, the period after it was given."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jaga.audit.services import record_many
from jaga.research.models import Response, Study

LABEL = _("Survey responses: answers erased at the study's retention date (or after this period at the latest)")


def due(cutoff: datetime) -> QuerySet[Any]:
    today = timezone.localdate()
    responses = Response.objects.filter(erased_at__isnull=True).filter(
        Q(study__retention_until__lt=today) | Q(created_at__lt=cutoff)
    )
    return responses.values_list("pk", flat=True)


@transaction.atomic
def erase(ids: list[Any]) -> int:
    done = Response.objects.filter(pk__in=ids).update(answers="", participant_code="", erased_at=timezone.now())
    studies = Study.objects.filter(responses__pk__in=ids).distinct()
    record_many("research.retention.erased", actor=None, targets=list(studies))
    return done
