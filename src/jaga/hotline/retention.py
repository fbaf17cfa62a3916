"""Retention of hotline reports (through ``JAGA_RETENTION``): a report closed before the cutoff loses
what a reporter wrote (description, contact, platform, addresses); its forms, place, age band, sex,
dates and outcomes stay for the statistics."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from jaga.audit.services import record_many
from jaga.hotline.models import Report, ReportUrl, State

LABEL = _("Closed hotline reports: what the reporter wrote erased, statistics kept")


def due(cutoff: datetime) -> QuerySet[Any]:
    reports = Report.objects.filter(state=State.CLOSED, closed_at__lt=cutoff).exclude(description="")
    return reports.values_list("pk", flat=True)


@transaction.atomic
def erase(ids: list[Any]) -> int:
    ReportUrl.objects.filter(report_id__in=ids).delete()
    done = Report.objects.filter(pk__in=ids).update(description="", contact="", platform="", contact_consent=False)
    record_many("hotline.retention.erased", actor=None, targets=list(Report.objects.filter(pk__in=ids)))
    return done
