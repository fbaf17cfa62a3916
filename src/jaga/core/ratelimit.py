"""Fixed-window counters in the database: every server process shares them, on SQLite and PostgreSQL.

The hotline counts reports and status checks with them (``hotline.ratelimit`` holds its limits), and
the public training pages count their tries. One statement per hit (``INSERT ... ON CONFLICT DO
UPDATE ... RETURNING``), so two simultaneous requests cannot both take the last place.
"""

from __future__ import annotations

import time

from django.db import connection

from jaga.core.crypto import blind_index
from jaga.core.models import RateWindow

_TABLE = RateWindow._meta.db_table
PERIOD = 3600  # every limit counts per clock hour


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
    return blind_index(address or "unknown", purpose=f"rate-{kind}")


def seconds_to_next_window() -> int:
    return PERIOD - int(time.time()) % PERIOD
