"""Who works on a case: supervisors assign and reassign, with a reason; the intake queue holds the rest.

A case's lead caseworker is ``Case.assigned_to`` (the owning organisation's); a case referred to
another organisation and accepted there gets that organisation's caseworker in
``Referral.assigned_to``. Caseworkers see only what they lead or were assigned (``access.py``);
a case nobody leads waits in the unit's intake queue, the most urgent and oldest first.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case as When_
from django.db.models import IntegerField, QuerySet, Value, When
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from jaga.accounts.models import User
from jaga.accounts.permissions import holders, user_has_perm
from jaga.audit.services import record
from jaga.cases.models import Case, CaseEvent, Referral, RiskLevel, Status
from jaga.notifications.models import Kind
from jaga.notifications.services import notify

REASON_MAX = 300


def assignable_caseworkers(organisation_id: Any) -> QuerySet[User]:
    """The active people of an organisation who may lead a case (they hold ``cases.edit``)."""
    return holders(organisation_id, "cases.edit")


def _check(actor: User, case: Case, assignee: User, reason: str) -> Referral | None:
    """The referral through which ``actor`` assigns (None: the owner's own case); refusals name the field."""
    if not user_has_perm(actor, "cases.assign"):
        raise PermissionDenied
    referral = None
    if case.organisation_id != actor.organisation_id:
        accepted = case.referrals.filter(to_organisation_id=actor.organisation_id, state=Referral.State.ACCEPTED)
        referral = accepted.first()
        if referral is None:
            raise PermissionDenied
    if case.status == Status.CLOSED:
        raise ValidationError({"assignee": [_("A closed case is not assigned; reopen it first.")]})
    errors: dict[str, list[str]] = {}
    if not reason.strip():
        errors["reason"] = [_("Say why the case is assigned (the caseworker and the timeline see it).")]
    elif len(reason) > REASON_MAX:
        errors["reason"] = [_("Keep the reason under %(max)s characters.") % {"max": REASON_MAX}]
    if (
        assignee.organisation_id != actor.organisation_id
        or not assignee.is_active
        or not user_has_perm(assignee, "cases.edit")
    ):
        errors["assignee"] = [_("Assign cases to an active caseworker of your organisation.")]
    if errors:
        raise ValidationError(errors)
    return referral


def _assign(*, actor: User, case: Case, assignee: User, reason: str, request: HttpRequest | None) -> None:
    referral = _check(actor, case, assignee, reason)
    if referral is None:
        before = case.assigned_to_id
        case.assigned_to = assignee
        case.save(update_fields=["assigned_to", "updated_at"])
    else:
        before = referral.assigned_to_id
        referral.assigned_to = assignee
        referral.save(update_fields=["assigned_to"])
    detail = _("%(name)s: %(reason)s") % {"name": assignee.full_name, "reason": reason.strip()}
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.ASSIGNED, by=actor, detail=detail[:200])
    if assignee != actor:
        notify(
            users=[assignee],
            kind=Kind.CASE_ASSIGNED,
            url=reverse("cases:detail", args=[case.pk]),
            reference=case.reference,
        )
    record(
        "cases.case.assigned",
        actor=actor,
        target=case,
        request=request,
        details={
            "to": str(assignee.pk),
            "from": str(before) if before else None,
            "via": "referral" if referral else "owner",
        },
    )


@transaction.atomic
def case_assign(*, actor: User, case: Case, assignee: User, reason: str, request: HttpRequest | None = None) -> Case:
    """A supervisor makes ``assignee`` the case's caseworker (or reassigns it), with a reason."""
    _assign(actor=actor, case=case, assignee=assignee, reason=reason, request=request)
    return case


@transaction.atomic
def cases_assign(
    *, actor: User, cases: Iterable[Case], assignee: User, reason: str, request: HttpRequest | None = None
) -> int:
    """Several cases to one caseworker: all assigned or, when one is refused, none."""
    count = 0
    for case in cases:
        _assign(actor=actor, case=case, assignee=assignee, reason=reason, request=request)
        count += 1
    return count


URGENCY = When_(
    When(risk_level=RiskLevel.HIGH, then=Value(0)),
    When(risk_level=RiskLevel.MEDIUM, then=Value(1)),
    When(risk_level=RiskLevel.LOW, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


def intake_queue(user: User) -> QuerySet[Case]:
    """The unit's cases that nobody works on: its own unassigned open cases and the referrals it
    accepted without a caseworker, the most urgent (risk) and then the oldest first."""
    if not user_has_perm(user, "cases.assign"):
        return Case.objects.none()
    referred = list(
        Referral.objects.filter(
            to_organisation_id=user.organisation_id, state=Referral.State.ACCEPTED, assigned_to__isnull=True
        ).values_list("case_id", flat=True)
    )
    from django.db.models import Q

    waiting = Q(organisation_id=user.organisation_id, assigned_to__isnull=True) | Q(pk__in=referred)
    return (
        Case.objects.filter(waiting)
        .exclude(status=Status.CLOSED)
        .select_related("exploitation_regency", "child")
        .annotate(urgency=URGENCY)
        .order_by("urgency", "registered_on", "created_at")
    )


def home_items(user: User) -> list[tuple[str, int, str]]:
    """What waits for ``user`` in the case registry, for the home page: (label, count, link)."""
    items: list[tuple[str, int, str]] = []
    if user_has_perm(user, "cases.view"):
        mine = Case.objects.filter(assigned_to=user).exclude(status=Status.CLOSED).count()
        mine += Referral.objects.filter(assigned_to=user, state=Referral.State.ACCEPTED).count()
        items.append((_("Open cases you work on"), mine, reverse("cases:list") + "?mine=1"))
    if user_has_perm(user, "cases.assign"):
        items.append((_("Cases waiting in the intake queue"), intake_queue(user).count(), reverse("cases:queue")))
    if user_has_perm(user, "cases.accept_referral"):
        waiting = Referral.objects.filter(to_organisation_id=user.organisation_id, state=Referral.State.REQUESTED)
        items.append((_("Referrals waiting for your decision"), waiting.count(), reverse("cases:referrals")))
    return items
