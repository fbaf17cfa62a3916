"""Fixed-window counters in the database: every server process shares them, on SQLite and PostgreSQL.

The hotline's limits are here, and the training pages count their public tries with ``hit`` too.

One statement per hit (``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``), so two simultaneous
requests cannot both take the last place.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db import connection
from django.http import HttpRequest
from django.utils.translation import gettext as _

from jaga.audit.services import client_ip
from jaga.core.crypto import blind_index
from jaga.hotline.models import RateWindow

_TABLE = RateWindow._meta.db_table
PERIOD = 3600  # every limit counts per clock hour
TOTAL = "total"


def hit(key: str) -> int:
    """Counts one more event for ``key`` in the current window and answers the new count."""
    slot = int(time.time()) // PERIOD
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_TABLE} (name, slot, count) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (name, slot) DO UPDATE SET count = {_TABLE}.count + 1 RETURNING count",
            [key, slot],
        )
        (count,) = cursor.fetchone()
    if count == 1:  # a key's first event in a new window: forget windows older than the previous one
        RateWindow.objects.filter(slot__lt=slot - 1).delete()
    return count


def current(key: str) -> int:
    slot = int(time.time()) // PERIOD
    return RateWindow.objects.filter(name=key, slot=slot).values_list("count", flat=True).first() or 0


def address_key(kind: str, address: str | None) -> str:
    """An address is never stored: only a keyed hash of it, per kind of limit."""
    return blind_index(address or "unknown", purpose=f"hotline-rate-{kind}")


def seconds_to_next_window() -> int:
    return PERIOD - int(time.time()) % PERIOD


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
