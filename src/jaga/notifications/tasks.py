"""Background tasks of notifications, run by `jaga worker`."""

from __future__ import annotations

from django_tasks import task


@task()
def send_deliveries() -> int:
    from jaga.notifications.services import deliveries_send_due

    return deliveries_send_due()
