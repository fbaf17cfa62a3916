"""The personal-data breach register (UU 27/2022, art. 46): a breach recorded by a person or raised by
Jaga on signs it can see, decided (a breach or not), the authority and the people affected notified
within 3 x 24 hours of it being found (reminders before the clock runs out), and closed. Every step is
on the breach's timeline and in the audit log; free texts are encrypted and never in an audit row."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jaga.accounts.models import User
from jaga.accounts.permissions import holders, user_has_perm
from jaga.audit.models import AuditEvent
from jaga.audit.services import audit_verify, record
from jaga.notifications.models import Kind
from jaga.notifications.services import notify
from jaga.operations.models import Breach, BreachEvent

EXPORT_ACTIONS = (
    "cases.export.downloaded",
    "cases.subject.exported",
    "stats.research_extract.downloaded",
    "programs.training.participants_exported",
)
REFUSAL_BURST = "security.alert.refusal_burst"
REMINDERS = (("24h", timedelta(hours=24)), ("6h", timedelta(hours=6)), ("late", timedelta(0)))
TITLE_MAX = 200


def _check(actor: User) -> None:
    if not user_has_perm(actor, "operations.breaches"):
        raise PermissionDenied


def _keepers() -> list[User]:
    """Who keeps the register, in every organisation: they are told of each breach and deadline."""
    return list(holders(None, "operations.breaches"))


def _event(breach: Breach, kind: str, by: User | None, text: str = "") -> None:
    BreachEvent.objects.create(breach=breach, kind=kind, by=by, text=text.strip())


def _new(*, found_at: datetime, **fields: Any) -> Breach:
    year = timezone.localtime(found_at).year
    for _attempt in range(5):
        number = Breach.objects.filter(reference__startswith=f"BR-{year}-").count() + 1
        try:
            with transaction.atomic():
                return Breach.objects.create(reference=f"BR-{year}-{number:03d}", found_at=found_at, **fields)
        except IntegrityError:  # two at once took the same number: take the next
            continue
    raise RuntimeError("no free breach reference")


def _problems(title: str, data: list[str], subjects: int, found_at: datetime) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [_("Say in a line what happened.")]
    elif len(title) > TITLE_MAX:
        errors["title"] = [_("Keep it under %(max)s characters.") % {"max": TITLE_MAX}]
    if not data or any(item not in Breach.Data.values for item in data):
        errors["data"] = [_("Choose the data concerned (Other if none fits).")]
    if subjects < 0:
        errors["subjects"] = [_("A number of people, 0 if not known yet.")]
    if found_at > timezone.now():
        errors["found_at"] = [_("The time it was found cannot be in the future.")]
    return errors


@transaction.atomic
def breach_record(
    *,
    actor: User,
    title: str,
    data: list[str],
    subjects: int = 0,
    cause: str = "",
    found_at: datetime | None = None,
    request: HttpRequest | None = None,
) -> Breach:
    """A suspected breach reported by a person; the 3 x 24-hour clock starts when it was found."""
    _check(actor)
    found_at = found_at or timezone.now()
    errors = _problems(title, data, subjects, found_at)
    if errors:
        raise ValidationError(errors)
    breach = _new(found_at=found_at, title=title.strip(), data=sorted(set(data)), subjects=subjects,
                  cause=cause.strip(), reported_by=actor)  # fmt: skip
    _event(breach, BreachEvent.Kind.RECORDED, actor, cause)
    record("operations.breach.recorded", actor=actor, target=breach, request=request,
           details={"reference": breach.reference, "data": breach.data, "subjects": subjects})  # fmt: skip
    notify(users=_keepers(), kind=Kind.BREACH_RAISED, url=reverse("operations:breach", args=[breach.pk]),
           reference=breach.reference)  # fmt: skip
    return breach


@transaction.atomic
def breach_raise(*, signal: str, key: str, title: str, data: list[str], now: datetime | None = None) -> Breach | None:
    """A suspected breach Jaga raises itself on a sign; one per sign and key while it is open."""
    now = now or timezone.now()
    if Breach.objects.filter(
        signal=signal, signal_key=key, state__in=[Breach.State.SUSPECTED, Breach.State.CONFIRMED]
    ).exists():
        return None
    breach = _new(found_at=now, title=title[:TITLE_MAX], data=data, signal=signal, signal_key=key)
    _event(breach, BreachEvent.Kind.RECORDED, None, title)
    record("operations.breach.raised", actor=None, target=breach,
           details={"reference": breach.reference, "signal": signal})  # fmt: skip
    notify(users=_keepers(), kind=Kind.BREACH_RAISED, url=reverse("operations:breach", args=[breach.pk]),
           reference=breach.reference)  # fmt: skip
    return breach


@transaction.atomic
def breach_decide(
    *, actor: User, breach: Breach, confirm: bool, reason: str, request: HttpRequest | None = None
) -> None:
    """A suspected breach is confirmed (the notices are due) or dismissed (with the reason)."""
    _check(actor)
    if breach.state != Breach.State.SUSPECTED:
        raise ValidationError(_("Only a suspected breach is confirmed or dismissed."))
    if not confirm and not reason.strip():
        raise ValidationError({"reason": [_("Say why it is not a breach: the register keeps the reason.")]})
    breach.state = Breach.State.CONFIRMED if confirm else Breach.State.DISMISSED
    if not confirm:
        breach.closed_at = timezone.now()
    breach.save(update_fields=["state", "closed_at"])
    _event(breach, BreachEvent.Kind.CONFIRMED if confirm else BreachEvent.Kind.DISMISSED, actor, reason)
    record("operations.breach.decided", actor=actor, target=breach, request=request,
           details={"reference": breach.reference, "state": breach.state})  # fmt: skip


@transaction.atomic
def breach_note(*, actor: User, breach: Breach, text: str, request: HttpRequest | None = None) -> None:
    """A note or a piece of evidence on the timeline (encrypted; the audit row says only that it was added)."""
    _check(actor)
    if not text.strip():
        raise ValidationError({"text": [_("Write the note.")]})
    _event(breach, BreachEvent.Kind.NOTE, actor, text)
    record("operations.breach.noted", actor=actor, target=breach, request=request,
           details={"reference": breach.reference})  # fmt: skip


@transaction.atomic
def breach_notified(
    *,
    actor: User,
    breach: Breach,
    whom: str,
    on: datetime,
    reference: str = "",
    count: int = 0,
    request: HttpRequest | None = None,
) -> None:
    """The notice to the authority (with its reference) or to the people affected (how many) was sent."""
    _check(actor)
    if breach.state != Breach.State.CONFIRMED:
        raise ValidationError(_("Notices are recorded for a confirmed breach."))
    if on > timezone.now() or on < breach.found_at:
        raise ValidationError({"on": [_("The notice was sent after the breach was found and not in the future.")]})
    if whom == "authority":
        breach.authority_notified_at, breach.authority_reference = on, reference.strip()[:100]
        kind, fields = BreachEvent.Kind.AUTHORITY, ["authority_notified_at", "authority_reference"]
    elif whom == "subjects":
        if count < 1:
            raise ValidationError({"count": [_("How many people were told?")]})
        breach.subjects_notified_at, breach.subjects_notified = on, count
        kind, fields = BreachEvent.Kind.SUBJECTS, ["subjects_notified_at", "subjects_notified"]
    else:
        raise ValueError(whom)
    breach.save(update_fields=fields)
    late = on > breach.deadline
    _event(breach, kind, actor, reference)
    record("operations.breach.notified", actor=actor, target=breach, request=request,
           details={"reference": breach.reference, "whom": whom, "late": late})  # fmt: skip


@transaction.atomic
def breach_close(*, actor: User, breach: Breach, summary: str, request: HttpRequest | None = None) -> None:
    """A confirmed breach is closed once the authority was told, with what was done."""
    _check(actor)
    if breach.state != Breach.State.CONFIRMED:
        raise ValidationError(_("Only a confirmed breach is closed (a suspected one is confirmed or dismissed)."))
    if breach.authority_notified_at is None:
        raise ValidationError(_("Record the notice to the authority first."))
    if not summary.strip():
        raise ValidationError({"summary": [_("Say what was done and what changes so that it does not happen again.")]})
    breach.state, breach.closed_at = Breach.State.CLOSED, timezone.now()
    breach.save(update_fields=["state", "closed_at"])
    _event(breach, BreachEvent.Kind.CLOSED, actor, summary)
    record("operations.breach.closed", actor=actor, target=breach, request=request,
           details={"reference": breach.reference})  # fmt: skip


def breaches_remind(now: datetime | None = None) -> int:
    """The worker's sweep: before the 3 x 24 hours run out (a day left, six hours left, and when they
    have), the system admins are told, once each, for every open breach the authority was not told of."""
    now = now or timezone.now()
    sent = 0
    for breach in Breach.objects.filter(state__in=[Breach.State.SUSPECTED, Breach.State.CONFIRMED],
                                        authority_notified_at__isnull=True):  # fmt: skip
        due = [name for name, before in REMINDERS if now >= breach.deadline - before and name not in breach.reminded]
        if not due:
            continue
        name = due[-1]  # only the most pressing one when several are due at once
        with transaction.atomic():
            breach.reminded = [*breach.reminded, *due]
            breach.save(update_fields=["reminded"])
            hours = max(0, int((breach.deadline - now).total_seconds() // 3600))
            _event(breach, BreachEvent.Kind.REMINDER, None, name)
            notify(users=_keepers(), kind=Kind.BREACH_DEADLINE, url=reverse("operations:breach", args=[breach.pk]),
                   reference=breach.reference, count=str(hours))  # fmt: skip
        sent += 1
    return sent


def breach_signals(now: datetime | None = None) -> int:
    """The worker's sweep: raises a suspected breach on the signs Jaga sees in its audit log (many exports
    by one account in an hour, a burst of refused requests), and once a day on a broken audit chain.
    A failed backup raises one where it fails. Answers how many it raised."""
    now = now or timezone.now()
    hour = AuditEvent.objects.filter(created_at__gte=now - timedelta(hours=1))
    raised = 0
    exports = (
        hour.filter(action__in=EXPORT_ACTIONS, actor_id__isnull=False)
        .values("actor_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=settings.JAGA_BREACH_EXPORTS_PER_HOUR)
    )
    for row in exports:
        title = _("%(n)s exports in an hour by one account: a copy may have left.") % {"n": row["n"]}
        raised += breach_raise(signal=Breach.Signal.MASS_EXPORT, key=str(row["actor_id"]), title=title,
                               data=[Breach.Data.IDENTITY, Breach.Data.CASE_FACTS], now=now) is not None  # fmt: skip
    for burst in hour.filter(action=REFUSAL_BURST).values("actor_id", "ip").distinct():
        key = str(burst["actor_id"] or burst["ip"] or "unknown")
        title = _("Many refused requests from one account or address: someone may be trying to read data.")
        raised += breach_raise(signal=Breach.Signal.DENIED_READS, key=key, title=title,
                               data=[Breach.Data.OTHER], now=now) is not None  # fmt: skip
    local = timezone.localtime(now)
    today, midnight = local.date(), local.replace(hour=0, minute=0, second=0, microsecond=0)
    if not AuditEvent.objects.filter(action="operations.audit_chain.checked", created_at__gte=midnight).exists():
        result = audit_verify()
        record("operations.audit_chain.checked", actor=None, details={"ok": result.ok})
        if not result.ok:
            title = _("The audit log's chain is broken: rows may have been changed or removed.")
            raised += breach_raise(signal=Breach.Signal.AUDIT_CHAIN, key=str(today), title=title,
                                   data=[Breach.Data.OTHER], now=now) is not None  # fmt: skip
    return raised


def breaches_sweep() -> int:
    """Both sweeps, for ``JAGA_WORKER_SWEEPS``."""
    return breach_signals() + breaches_remind()


def hours_left(breach: Breach, now: datetime | None = None) -> int:
    return int((breach.deadline - (now or timezone.now())).total_seconds() // 3600)


def register_rows() -> list[list[Any]]:
    """The register for the data protection officer: dates, states, categories and counts, no texts."""
    rows = []
    for breach in Breach.objects.all().order_by("found_at"):
        rows.append([
            breach.reference, breach.found_at.isoformat(timespec="minutes"), breach.get_signal_display(),
            breach.get_state_display(), ", ".join(breach.data), breach.subjects,
            breach.authority_notified_at.isoformat(timespec="minutes") if breach.authority_notified_at else "",
            "yes" if breach.authority_notified_at and breach.authority_notified_at > breach.deadline else "",
            breach.subjects_notified, breach.closed_at.isoformat(timespec="minutes") if breach.closed_at else "",
        ])  # fmt: skip
    return rows
