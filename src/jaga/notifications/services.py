"""Telling people: a notification in the app and, through the outbox, by email or a webhook.

``notify`` is called inside the transaction of the event it tells about, so that a rolled-back
event tells nobody. Deliveries are sent by the background worker (a task queued after the commit,
and the worker's sweep every minute for those that failed): each is claimed before it is sent,
retried with a growing pause up to ``MAX_ATTEMPTS``, and marked sent once. Texts are made from a
case reference, an organisation's name and a service: never from a child's identity.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import urllib.request
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from jaga.accounts.models import User
from jaga.notifications.models import Delivery, Kind, Notification, Preference

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=10)  # a claimed delivery not marked sent by then is tried again

TEXTS: dict[str, Any] = {
    Kind.CASE_ASSIGNED: _("Case %(reference)s is assigned to you."),
    Kind.REFERRAL_RECEIVED: _("%(organisation)s refers case %(reference)s to your organisation (%(service)s)."),
    Kind.REFERRAL_ACCEPTED: _("%(organisation)s accepted the referral of case %(reference)s."),
    Kind.REFERRAL_DECLINED: _("%(organisation)s declined the referral of case %(reference)s."),
    Kind.REFERRAL_ENDED: _("The referral of case %(reference)s has ended."),
    Kind.HOTLINE_CONVERTED: _("A hotline report became case %(reference)s at your unit."),
    Kind.APPROVAL_REQUESTED: _("Case %(reference)s: the %(item)s waits for your approval."),
    Kind.SUBMISSION_APPROVED: _("Case %(reference)s: the %(item)s is approved."),
    Kind.SUBMISSION_RETURNED: _("Case %(reference)s: the %(item)s is returned for changes."),
    Kind.TASK_ASSIGNED: _("Case %(reference)s: a task is given to you."),
    Kind.TASKS_OVERDUE: _("You have %(count)s overdue tasks."),
    Kind.BACKUP_STALE: _("The last good backup is %(count)s hours old: see the operations page."),
    Kind.BREACH_RAISED: _(
        "Possible personal-data breach %(reference)s: if it is one, the notices are due within 3 x 24 hours."
    ),
    Kind.BREACH_DEADLINE: _("Breach %(reference)s: %(count)s hours left to notify the authority."),
    Kind.REPORT_SUBMITTED: _("The annual report %(reference)s waits for your approval."),
    Kind.REPORT_RETURNED: _("The annual report %(reference)s is returned for changes."),
    Kind.REPORT_PUBLISHED: _("The annual report %(reference)s is published."),
}
ALLOWED_PARAMS = {"reference", "organisation", "service", "item", "count"}
# Codes a notification may carry for "item", read in the reader's language.
ITEMS = {
    "assessment": _("assessment"),
    "plan": _("case plan"),
    "closure": _("closure request"),
}


def readable(params: dict[str, str]) -> dict[str, str]:
    """The params with codes turned into words of the reader's language."""
    if "item" in params:
        return {**params, "item": str(ITEMS.get(params["item"], params["item"]))}
    return params


def notify(*, users: Iterable[User], kind: str, url: str, **params: str) -> list[Notification]:
    """A notification for each of ``users`` (once each, the actor included only if listed), and their
    deliveries. ``params`` fill the kind's text and may only be a reference, an organisation, a service."""
    if set(params) - ALLOWED_PARAMS:
        raise ValueError(f"a notification takes only {sorted(ALLOWED_PARAMS)}")
    if "item" in params and params["item"] not in ITEMS:
        raise ValueError(f"unknown item {params['item']!r}")
    if "count" in params and not str(params["count"]).isdigit():
        raise ValueError("a count is a number")
    str(TEXTS[kind]) % params  # every placeholder filled, now rather than when it is read
    people = {user.pk: user for user in users if user is not None and user.is_active}
    made = Notification.objects.bulk_create(
        [Notification(user=user, kind=kind, url=url, params=params) for user in people.values()]
    )
    quiet = set(Preference.objects.filter(user_id__in=people, email=False).values_list("user_id", flat=True))
    deliveries = [Delivery(notification=n, channel=Delivery.Channel.EMAIL) for n in made if n.user_id not in quiet]
    if settings.JAGA_NOTIFY_WEBHOOK_URL:
        deliveries += [Delivery(notification=n, channel=Delivery.Channel.WEBHOOK) for n in made]
    Delivery.objects.bulk_create(deliveries)
    if deliveries:
        from jaga.notifications.tasks import send_deliveries

        transaction.on_commit(send_deliveries.enqueue, robust=True)  # the sweep catches a queue that failed
    return made


def notifications_mark_read(*, user: User, ids: Iterable[str] | None = None) -> int:
    """Marks the user's notifications read: those named, or all."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


def deliveries_send_due() -> int:
    """Sends every delivery that is due (the worker: after each event, and every minute). Returns how many sent."""
    sent = 0
    due = Delivery.objects.filter(state=Delivery.State.PENDING, next_attempt_at__lte=timezone.now())
    for delivery_id in list(due.values_list("pk", flat=True)[:500]):
        sent += _send_one(delivery_id)
    return sent


def _send_one(delivery_id: int) -> int:
    now = timezone.now()
    with transaction.atomic():  # claim it: another worker, or this one after a crash, waits for the lease
        claimed = Delivery.objects.filter(
            pk=delivery_id, state=Delivery.State.PENDING, next_attempt_at__lte=now
        ).update(next_attempt_at=now + LEASE, attempts=F("attempts") + 1)
    if not claimed:
        return 0
    delivery = Delivery.objects.select_related("notification__user").get(pk=delivery_id)
    try:
        _deliver(delivery)
    except Exception as exc:  # a mail server or gateway that fails: tried again later
        failed = delivery.attempts >= MAX_ATTEMPTS
        Delivery.objects.filter(pk=delivery_id).update(
            state=Delivery.State.FAILED if failed else Delivery.State.PENDING,
            next_attempt_at=now + timedelta(minutes=2**delivery.attempts),
            last_error=type(exc).__name__[:200],
        )
        log.warning("notification delivery %s failed (%s)", delivery_id, type(exc).__name__)
        return 0
    Delivery.objects.filter(pk=delivery_id).update(state=Delivery.State.SENT, sent_at=timezone.now())
    return 1


def _deliver(delivery: Delivery) -> None:
    notification = delivery.notification
    user = notification.user
    with translation.override(settings.LANGUAGE_CODE):
        text, kind = notification.text, str(Kind(notification.kind).label)
    link = settings.JAGA_PUBLIC_URL.rstrip("/") + notification.url
    if delivery.channel == Delivery.Channel.EMAIL:
        message = EmailMessage(
            subject=f"Jaga: {kind}",
            body=f"{text}\n\n{link}\n",
            to=[user.email],
            headers={"Message-ID": f"<jaga-{notification.pk}-{delivery.channel}@jaga>"},  # the same on a retry
        )
        message.send(fail_silently=False)
        return
    body = json.dumps(
        {"id": str(notification.pk), "kind": notification.kind, "text": text, "url": link, "recipient": user.email}
    ).encode()
    signature = hmac.new(settings.JAGA_NOTIFY_WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
    request = urllib.request.Request(  # noqa: S310 (settings allow only an http(s) URL)
        settings.JAGA_NOTIFY_WEBHOOK_URL,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "X-Jaga-Signature": f"sha256={signature}"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 (an https URL the admin configured)
        if answer.status >= 300:
            raise OSError(f"webhook answered {answer.status}")
