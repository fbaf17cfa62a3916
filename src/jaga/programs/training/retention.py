"""Retention of training participants (through ``JAGA_RETENTION``): participants of a session that ended
before the cutoff lose their name, organisation and role; sex, attendance and scores stay for the
training statistics (a certificate checked later still says it is valid, without a name)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from jaga.audit.services import record_many
from jaga.programs.training.models import Participant, TrainingSession

LABEL = _("Training participants: names, organisations and roles erased, scores kept")


def due(cutoff: datetime) -> QuerySet[Any]:
    people = Participant.objects.filter(session__ends_on__lt=cutoff.date()).exclude(full_name="")
    return people.values_list("pk", flat=True)


@transaction.atomic
def erase(ids: list[Any]) -> int:
    sessions = list(TrainingSession.objects.filter(participants__pk__in=ids).distinct())
    done = Participant.objects.filter(pk__in=ids).update(full_name="", organisation_name="", role="")
    record_many("programs.training.retention_erased", actor=None, targets=sessions, details={"participants": done})
    return done
