"""Refusals in the audit log: every 401, 403, 404 (for signed-in users) and 429, with a guard and an alert.

ASVS 4.0.3 V7.1.3 and V7.2.2 ask that access-control failures be logged. A refusal row says who
(actor or address), which route (its pattern, never the path's values or the query string, which may
hold secrets), which object the route named (an ``*_id`` in the URL) and the status. A flood from one
account or address is recorded up to ``JAGA_AUDIT_REFUSALS_PER_MINUTE`` rows a minute, so that it
cannot bloat the log; reaching ``JAGA_REFUSAL_ALERT`` refusals in ten minutes writes one
``security.alert.refusal_burst`` row and emails the system admins.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import DatabaseError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from jaga.audit.models import AuditEvent
from jaga.audit.services import client_ip, record

log = logging.getLogger(__name__)

REFUSED = {
    401: "security.access.unauthenticated",
    403: "security.access.denied",
    404: "security.access.not_found",
    429: "security.access.rate_limited",
}
REFUSAL_PREFIX = "security.access."
BURST_ACTION = "security.alert.refusal_burst"
BURST_WINDOW = timedelta(minutes=10)
# Paths whose refusals say nothing about access control.
QUIET_PREFIXES = ("/static/", "/favicon.ico", "/robots.txt")


def _target(kwargs: dict[str, Any]) -> tuple[str, str]:
    """The object a route named by an ``*_id`` (never a token or other value of the path)."""
    for name, value in kwargs.items():
        if name.endswith("_id"):
            return name.removesuffix("_id"), str(value)[:64]
    return "", ""


def _same_source(actor_id: Any, address: str | None) -> Q:
    return Q(actor_id=actor_id) if actor_id else Q(actor_id__isnull=True, ip=address)


def refusal_record(request: HttpRequest, status: int) -> AuditEvent | None:
    """One audit row for a refused request, unless this source already filled its rows for the minute."""
    user = getattr(request, "user", None)
    actor = user if user is not None and user.is_authenticated else None
    address = client_ip(request)
    now = timezone.now()
    source = _same_source(actor.pk if actor else None, address)
    recent = AuditEvent.objects.filter(source, action__startswith=REFUSAL_PREFIX)
    if recent.filter(created_at__gte=now - timedelta(minutes=1)).count() >= settings.JAGA_AUDIT_REFUSALS_PER_MINUTE:
        return None
    match = getattr(request, "resolver_match", None)
    target_type, target_id = _target(match.kwargs if match else {})
    event = record(
        REFUSED[status],
        actor=actor,
        request=request,
        target_type=target_type,
        target_id=target_id,
        details={"status": status, "method": request.method or "", "route": match.route if match else ""},
    )
    if recent.filter(created_at__gte=now - BURST_WINDOW).count() == settings.JAGA_REFUSAL_ALERT:
        _alert(actor=actor, address=address, request=request)
    return event


def _alert(*, actor: Any, address: str | None, request: HttpRequest) -> None:
    from jaga.accounts.models import Role, User

    record(
        BURST_ACTION,
        actor=actor,
        request=request,
        details={"refusals": settings.JAGA_REFUSAL_ALERT, "minutes": int(BURST_WINDOW.total_seconds() // 60)},
    )
    admins = list(
        User.objects.filter(is_active=True, role_grants__role=Role.SYSTEM_ADMIN).values_list("email", flat=True)
    )
    who = f"account {actor.email}" if actor is not None else f"address {address or 'unknown'}"
    body = (
        f"Jaga refused {settings.JAGA_REFUSAL_ALERT} requests from {who} within "
        f"{int(BURST_WINDOW.total_seconds() // 60)} minutes. Look at the audit log (filter: refusals) and "
        "decide whether to deactivate the account or block the address."
    )
    if admins:
        send_mail("[Jaga] Many refused requests", body, None, admins, fail_silently=True)


class RefusalAuditMiddleware:
    """Writes the refusal rows; never turns an answer into an error."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        status = response.status_code
        if status in REFUSED and not request.path.startswith(QUIET_PREFIXES):
            user = getattr(request, "user", None)
            signed_in = user is not None and user.is_authenticated
            # A 404 of someone not signed in is a wrong address, not a refused access.
            if status != 404 or signed_in:
                try:
                    refusal_record(request, status)
                except DatabaseError:
                    log.exception("could not audit a refused request")
        return response
