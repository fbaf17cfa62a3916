from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from jaga.accounts.models import User
from jaga.audit.models import AuditEvent


def audit_event_list(
    *,
    action: str = "",
    security: bool = False,
    actor_email: str = "",
    organisation: Any = None,
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.all()
    if action:
        events = events.filter(action__startswith=action)
    if security:  # refusals (security.access.*) and alerts (security.alert.*)
        events = events.filter(action__startswith="security.")
    if actor_email:
        events = events.filter(actor_id__in=User.objects.filter(email__iexact=actor_email).values("pk"))
    if organisation is not None:
        events = events.filter(organisation_id=organisation.pk)
    zone = timezone.get_current_timezone()
    if since:
        events = events.filter(created_at__gte=datetime.combine(since, time.min, tzinfo=zone))
    if until:
        events = events.filter(created_at__lte=datetime.combine(until, time.max, tzinfo=zone))
    return events.order_by("-seq")
