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
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jaga.accounts.models import User
from jaga.accounts.permissions import holders, user_has_perm
from jaga.audit.services import record
from jaga.cases import casetasks, workflow
from jaga.cases.models import Case, CaseEvent, Child, Coworker, Referral, Status
from jaga.cases.timeline import case_event
from jaga.core.pagination import capped_count
from jaga.notifications.models import Kind
from jaga.notifications.services import notify

REASON_MAX = 300
HOME_CASELOAD = 6  # caseworkers shown on a supervisor's home, the busiest first (all on the caseload page)


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
        casetasks.lead_changed(case=case, before_id=before, by=actor)
    else:
        before = referral.assigned_to_id
        referral.assigned_to = assignee
        referral.save(update_fields=["assigned_to"])
    detail = _("%(name)s: %(reason)s") % {"name": assignee.full_name, "reason": reason.strip()}
    case_event(case=case, kind=CaseEvent.Kind.ASSIGNED, actor=actor, detail=detail)
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


@transaction.atomic
def coworker_add(*, actor: User, case: Case, user: User, request: HttpRequest | None = None) -> Coworker:
    """A supervisor adds a caseworker of the owning organisation beside the lead; they see the case from then on."""
    if not user_has_perm(actor, "cases.assign") or case.organisation_id != actor.organisation_id:
        raise PermissionDenied
    if case.status == Status.CLOSED:
        raise ValidationError({"user": [_("A closed case is not assigned; reopen it first.")]})
    if user.organisation_id != case.organisation_id or not user.is_active or not user_has_perm(user, "cases.edit"):
        raise ValidationError({"user": [_("Assign cases to an active caseworker of your organisation.")]})
    if user.pk == case.assigned_to_id or case.coworkers.filter(user=user).exists():
        raise ValidationError({"user": [_("%(name)s already works on this case.") % {"name": user.full_name}]})
    coworker = Coworker.objects.create(case=case, user=user, added_by=actor)
    detail = _("Co-worker: %(name)s") % {"name": user.full_name}
    case_event(case=case, kind=CaseEvent.Kind.ASSIGNED, actor=actor, detail=detail)
    notify(users=[user], kind=Kind.CASE_ASSIGNED, url=reverse("cases:detail", args=[case.pk]), reference=case.reference)
    record("cases.case.coworker_added", actor=actor, target=case, request=request, details={"user": str(user.pk)})
    return coworker


@transaction.atomic
def coworker_remove(*, actor: User, coworker: Coworker, request: HttpRequest | None = None) -> None:
    case = coworker.case
    if not user_has_perm(actor, "cases.assign") or case.organisation_id != actor.organisation_id:
        raise PermissionDenied
    detail = _("Co-worker removed: %(name)s") % {"name": coworker.user.full_name}
    case_event(case=case, kind=CaseEvent.Kind.ASSIGNED, actor=actor, detail=detail)
    record(
        "cases.case.coworker_removed",
        actor=actor,
        target=case,
        request=request,
        details={"user": str(coworker.user_id)},
    )
    coworker.delete()


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
    waiting = Q(organisation_id=user.organisation_id, assigned_to__isnull=True)
    if referred:  # a literal list: the database keeps to the queue's index (see visible_cases)
        waiting |= Q(pk__in=referred)
    return (
        Case.objects.filter(waiting)
        .exclude(status=Status.CLOSED)
        .select_related("exploitation_regency", "child")
        .defer(*(f"child__{name}" for name in Child.IDENTITY_FIELDS))  # the queue shows no identity
        .order_by("urgency", "registered_on", "created_at")
    )


def home_items(user: User) -> list[tuple[str, int, str]]:
    """What waits for ``user`` in the case registry, for the home page: (label, count, link)."""
    items: list[tuple[str, int, str]] = []
    if user_has_perm(user, "cases.view"):
        beside = list(Coworker.objects.filter(user=user).values_list("case_id", flat=True))
        led_or_beside = Q(assigned_to=user) | Q(pk__in=beside) if beside else Q(assigned_to=user)
        mine = capped_count(Case.objects.filter(led_or_beside).exclude(status=Status.CLOSED))
        mine += Referral.objects.filter(assigned_to=user, state=Referral.State.ACCEPTED).count()
        items.append((_("Open cases you work on"), mine, reverse("cases:list") + "?mine=1"))
        new = user.notifications.filter(kind=Kind.CASE_ASSIGNED, read_at__isnull=True).count()
        if new:
            items.append((_("New assignments"), new, reverse("notifications:list")))
    if user_has_perm(user, "cases.edit"):
        tasks = casetasks.tasks_of(user)
        late = capped_count(tasks.filter(due_on__lt=timezone.localdate()))
        items.append((_("Overdue tasks"), late, reverse("cases:tasks")))
        soon = capped_count(tasks.filter(due_on__gte=timezone.localdate(), due_on__lte=workflow.due_in(7)))
        items.append((_("Tasks due within 7 days"), soon, reverse("cases:tasks")))
        returned = len(workflow.returned_to(user))
        if returned:
            items.append((_("Returned to you for changes"), returned, reverse("cases:tasks")))
    if user_has_perm(user, "cases.assign"):
        waiting_cases = capped_count(intake_queue(user))
        items.append((_("Cases waiting in the intake queue"), waiting_cases, reverse("cases:queue")))
    if user_has_perm(user, "cases.approve"):
        items.append((_("Waiting for your approval"), workflow.waiting_count(user), reverse("cases:approvals")))
        late = capped_count(casetasks.team_overdue(user))
        items.append((_("Overdue tasks in your team"), late, reverse("cases:caseload")))
    if user_has_perm(user, "cases.view_all_org"):
        rows = casetasks.caseload(user.organisation_id, only_cases=True)
        busiest = sorted(rows, key=lambda row: -row["cases"])[:HOME_CASELOAD]
        for row in busiest:
            label = _("Open cases of %(name)s") % {"name": row["user"].full_name}
            if row["cases"] > casetasks.CASELOAD_CAP:
                label = _("Open cases of %(name)s (more than %(cap)s)") % {
                    "name": row["user"].full_name,
                    "cap": casetasks.CASELOAD_CAP,
                }
            items.append((label, min(row["cases"], casetasks.CASELOAD_CAP), reverse("cases:caseload")))
    if user_has_perm(user, "cases.accept_referral"):
        waiting = Referral.objects.filter(to_organisation_id=user.organisation_id, state=Referral.State.REQUESTED)
        items.append((_("Referrals waiting for your decision"), waiting.count(), reverse("cases:referrals")))
    return items
