"""The hotline's limits: reports per address and in all, status checks per address, per hour.

The counters are core's (``core.ratelimit``): fixed windows in the database, shared by every process.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _

from jaga.audit.services import client_ip
from jaga.core.ratelimit import address_key, current, hit, seconds_to_next_window

__all__ = ["TOTAL", "current", "full", "hit", "refusal", "seconds_to_next_window"]  # with core's counters

TOTAL = "total"  # every accepted report, from any address


def full() -> str:
    return _("The hotline is receiving very many reports right now. Please try again in an hour, or call SAPA 129.")


def refusal(request: HttpRequest, kind: str) -> str | None:
    """Counts this request against its limits; answers why it is refused (for a 429), or None.

    ``submit``: reports per address, and accepted reports in all, per hour. ``status``: status
    checks per address per hour (the secret cannot be guessed by trying).
    """
    address = client_ip(request)
    if kind == "submit":
        if current(TOTAL) >= settings.JAGA_HOTLINE_LIMIT_TOTAL:  # a first look; report_submit counts for good
            return full()
        limit = settings.JAGA_HOTLINE_LIMIT_PER_ADDRESS
    else:
        limit = settings.JAGA_HOTLINE_STATUS_LIMIT
    if hit(address_key(kind, address)) > limit:
        return _("Too many attempts from your connection. Please try again in an hour, or call SAPA 129.")
    return None
