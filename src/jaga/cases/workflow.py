"""The case lifecycle as one state machine: which step may be taken from which status, by whom, and
where it leads.

A caseworker writes the assessment, the case plan and the closure request and sends each for
approval; a supervisor (``cases.approve``) approves it or returns it with a comment. The status
follows the approvals, so every status is reached by a step somebody can take:

    registered / reopened / transferred --assessment approved--> assessed
    assessed --case plan approved--> case plan --a service starts--> services
    any open status --closure approved--> closed --reopened by a supervisor--> reopened
    any open status --accepted as a transfer by another organisation--> transferred

An assessment may be revised while the case is assessed, and a plan while it is in plan or services;
approving a revision keeps the status. ``STEPS`` is the table; the services below are the only writers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jaga.accounts.models import User
from jaga.accounts.permissions import holders, user_has_perm
from jaga.audit.services import record
from jaga.cases import casetasks
from jaga.cases.access import is_owner
from jaga.cases.models import (
    Assessment,
    Case,
    CaseChange,
    CaseEvent,
    CasePlan,
    ClosureReason,
    ClosureRequest,
    Need,
    PlanAction,
    RiskLevel,
    Service,
    Status,
    Task,
)
from jaga.cases.timeline import case_event
from jaga.cases.work_models import Submitted
from jaga.notifications.models import Kind
from jaga.notifications.services import ITEMS as ITEM_LABELS
from jaga.notifications.services import notify

S = Status
OPEN_STATUSES = frozenset({S.REGISTERED, S.ASSESSED, S.CASE_PLAN, S.SERVICES, S.REOPENED, S.TRANSFERRED})


@dataclass(frozen=True)
class Step:
    name: str
    moves: dict[str, str]  # from status -> to status (the same status: the step does not move it)
    perm: str
    label: Any = field(compare=False)

    def allowed_from(self, status: str) -> bool:
        return status in self.moves


def _stay(statuses: Iterable[str]) -> dict[str, str]:
    return {status: status for status in statuses}


STEPS: dict[str, Step] = {
    step.name: step
    for step in (
        Step(
            "submit_assessment",
            _stay([S.REGISTERED, S.REOPENED, S.TRANSFERRED, S.ASSESSED]),
            "cases.edit",
            gettext_lazy("Send the assessment for approval"),
        ),
        Step(
            "approve_assessment",
            {S.REGISTERED: S.ASSESSED, S.REOPENED: S.ASSESSED, S.TRANSFERRED: S.ASSESSED, S.ASSESSED: S.ASSESSED},
            "cases.approve",
            gettext_lazy("Approve the assessment"),
        ),
        Step(
            "submit_plan",
            _stay([S.ASSESSED, S.CASE_PLAN, S.SERVICES]),
            "cases.edit",
            gettext_lazy("Send the case plan for approval"),
        ),
        Step(
            "approve_plan",
            {S.ASSESSED: S.CASE_PLAN, S.CASE_PLAN: S.CASE_PLAN, S.SERVICES: S.SERVICES},
            "cases.approve",
            gettext_lazy("Approve the case plan"),
        ),
        Step("start_services", {S.CASE_PLAN: S.SERVICES}, "cases.edit", gettext_lazy("Services have started")),
        Step("submit_closure", _stay(OPEN_STATUSES), "cases.edit", gettext_lazy("Ask to close the case")),
        Step(
            "approve_closure",
            {status: S.CLOSED for status in OPEN_STATUSES},
            "cases.approve",
            gettext_lazy("Approve the closure"),
        ),
        Step("return", _stay(OPEN_STATUSES), "cases.approve", gettext_lazy("Return for changes")),
        Step("reopen", {S.CLOSED: S.REOPENED}, "cases.approve", gettext_lazy("Reopen the case")),
        Step(
            "transfer",
            {status: S.TRANSFERRED for status in OPEN_STATUSES},
            "cases.accept_referral",
            gettext_lazy("Accept the case as a transfer"),
        ),
    )
}

ITEMS: dict[str, type[Submitted]] = {"assessment": Assessment, "plan": CasePlan, "closure": ClosureRequest}
TEXT_MAX = 5000


def may_take(user: User, case: Case, step_name: str) -> bool:
    """Whether ``user`` may take the step on ``case`` now (its status allows it and they hold its permission).

    Every step but the receiver's transfer is taken in the case's own organisation.
    """
    step = STEPS[step_name]
    if not step.allowed_from(case.status) or not user_has_perm(user, step.perm):
        return False
    return step_name == "transfer" or is_owner(user, case)


def _take(actor: User, case: Case, step_name: str) -> str:
    """Checks the step and returns the status it leads to (refusals: 403 for who, 400 for when)."""
    step = STEPS[step_name]
    if not user_has_perm(actor, step.perm) or (step_name != "transfer" and not is_owner(actor, case)):
        raise PermissionDenied
    if not step.allowed_from(case.status):
        raise ValidationError(
            _("This cannot be done while the case is %(status)s.") % {"status": case.get_status_display().lower()}
        )
    return step.moves[case.status]


def _move(actor: User, case: Case, to: str, *, closure_reason: str = "", detail: str = "") -> None:
    if to == case.status:
        return
    previous = case.move_to(to, closure_reason=closure_reason)
    case.save(update_fields=["status", "closure_reason", "updated_at"])
    case_event(
        case=case, kind=CaseEvent.Kind.STATUS_CHANGED, actor=actor, from_status=previous, to_status=to, detail=detail
    )


def current(case: Case, item: str) -> Submitted | None:
    """The newest assessment, plan or closure request of the case."""
    return ITEMS[item].objects.filter(case=case).order_by("-created_at").first()  # type: ignore[attr-defined]


def waiting(case: Case) -> list[Submitted]:
    """What of this case waits for a supervisor's approval."""
    return [
        entry
        for item in ITEMS
        if (entry := current(case, item)) is not None and entry.state == Submitted.State.SUBMITTED
    ]


def _editable(actor: User, case: Case, item: str) -> Submitted:
    """The item to write into: the newest one when it is a draft or was returned, else a new one."""
    _take(actor, case, f"submit_{item}")
    entry = current(case, item)
    if entry is not None and entry.state == Submitted.State.SUBMITTED:
        raise ValidationError(
            _("The %(item)s already waits for a supervisor's approval.") % {"item": ITEM_LABELS[item]}
        )
    if entry is None or not entry.editable:
        entry = ITEMS[item](case=case, written_by=actor)  # type: ignore[misc]  # each item model has both
    return entry


def _text(errors: dict[str, list[str]], name: str, value: str, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        errors.setdefault(name, []).append(_("This field is required."))
    if len(value) > TEXT_MAX:
        errors.setdefault(name, []).append(_("Keep this under %(max)s characters.") % {"max": TEXT_MAX})
    return value


def _choice(errors: dict[str, list[str]], name: str, value: str, allowed: Iterable[str]) -> str:
    if value not in set(allowed):
        errors.setdefault(name, []).append(_("Choose one of the options."))
    return value


def _submit(actor: User, case: Case, entry: Submitted, *, submit: bool, request: HttpRequest | None) -> None:
    """Saves ``entry`` and, when ``submit``, sends it to the organisation's supervisors."""
    item = entry.ITEM
    if submit:
        entry.state = Submitted.State.SUBMITTED
        entry.submitted_by = actor
        entry.submitted_at = timezone.now()
    elif entry.state != Submitted.State.RETURNED:
        entry.state = Submitted.State.DRAFT
    entry.save()
    record(
        f"cases.{item}.{'submitted' if submit else 'saved'}",
        actor=actor,
        target=case,
        request=request,
        details={item: str(entry.pk)},
    )
    if not submit:
        return
    case_event(case=case, kind=CaseEvent.Kind.SUBMITTED, actor=actor, detail=str(ITEM_LABELS[item]))
    approvers = [user for user in holders(case.organisation_id, "cases.approve") if user != actor]
    notify(
        users=approvers,
        kind=Kind.APPROVAL_REQUESTED,
        url=reverse("cases:work", args=[case.pk, item]),
        reference=case.reference,
        item=item,
    )


@transaction.atomic
def assessment_save(
    *, actor: User, case: Case, data: dict[str, Any], submit: bool, request: HttpRequest | None = None
) -> Assessment:
    """Writes the assessment (needs by domain, risk rating, narrative); ``submit`` sends it for approval."""
    entry: Assessment = _editable(actor, case, "assessment")  # type: ignore[assignment]
    errors: dict[str, list[str]] = {}
    for domain in Assessment.DOMAINS:
        setattr(entry, domain, _choice(errors, domain, data.get(domain) or Need.NONE, Need.values))
    entry.risk_rating = _choice(errors, "risk_rating", data.get("risk_rating", ""), RiskLevel.values)
    entry.narrative = _text(errors, "narrative", data.get("narrative", ""), required=submit)
    if errors:
        raise ValidationError(errors)
    _submit(actor, case, entry, submit=submit, request=request)
    return entry


@dataclass(frozen=True)
class ActionInput:
    description: str
    due_on: date | None
    service: str = ""
    responsible: User | None = None


@transaction.atomic
def plan_save(
    *,
    actor: User,
    case: Case,
    goals: str,
    actions: list[ActionInput],
    submit: bool,
    request: HttpRequest | None = None,
) -> CasePlan:
    """Writes the case plan: its goals and actions (what, which service, who, by when)."""
    entry: CasePlan = _editable(actor, case, "plan")  # type: ignore[assignment]
    errors: dict[str, list[str]] = {}
    entry.goals = _text(errors, "goals", goals, required=True)
    if submit and not actions:
        errors["actions"] = [_("A plan needs at least one action.")]
    for number, action in enumerate(actions, start=1):
        where = f"action_{number}"
        if not action.description.strip():
            errors.setdefault(where, []).append(_("Action %(n)s: say what is to be done.") % {"n": number})
        if action.due_on is None:
            errors.setdefault(where, []).append(_("Action %(n)s: give a due date.") % {"n": number})
        if action.service and action.service not in Service.values:
            errors.setdefault(where, []).append(_("Action %(n)s: choose a service from the list.") % {"n": number})
        if action.responsible is not None and action.responsible.organisation_id != case.organisation_id:
            errors.setdefault(where, []).append(
                _("Action %(n)s: the responsible person must work for the case's organisation.") % {"n": number}
            )
    if errors:
        raise ValidationError(errors)
    _submit(actor, case, entry, submit=submit, request=request)
    entry.actions.all().delete()
    PlanAction.objects.bulk_create(
        [
            PlanAction(
                plan=entry,
                description=action.description.strip()[:TEXT_MAX],
                service=action.service,
                responsible=action.responsible,
                due_on=action.due_on,  # type: ignore[misc]  # checked above: every action has one
            )
            for action in actions
        ]
    )
    return entry


@transaction.atomic
def closure_request_save(
    *, actor: User, case: Case, reason: str, outcome: str, request: HttpRequest | None = None
) -> ClosureRequest:
    """Asks the supervisor to close the case, saying why and with what outcome for the child."""
    entry: ClosureRequest = _editable(actor, case, "closure")  # type: ignore[assignment]
    errors: dict[str, list[str]] = {}
    entry.reason = _choice(errors, "reason", reason, ClosureReason.values)
    entry.outcome = _text(errors, "outcome", outcome, required=True)
    if errors:
        raise ValidationError(errors)
    _submit(actor, case, entry, submit=True, request=request)
    return entry


def _only_approver(actor: User, case: Case) -> bool:
    return not holders(case.organisation_id, "cases.approve").exclude(pk=actor.pk).exists()


@transaction.atomic
def submission_decide(
    *, actor: User, entry: Submitted, approve: bool, comment: str = "", request: HttpRequest | None = None
) -> Submitted:
    """A supervisor approves what waits for approval (the status follows) or returns it with a comment.

    Nobody approves what they sent themselves, unless they are their organisation's only approver
    (a small unit): the audit row says so.
    """
    case: Case = entry.case  # type: ignore[attr-defined]
    item = entry.ITEM
    to = _take(actor, case, f"approve_{item}" if approve else "return")
    if entry.state != Submitted.State.SUBMITTED:
        raise ValidationError(_("Only what waits for approval can be decided."))
    own = entry.submitted_by_id == actor.pk
    if own and approve and not _only_approver(actor, case):
        raise ValidationError(_("Another supervisor must approve what you sent yourself."))
    comment = (comment or "").strip()
    if not approve and not comment:
        raise ValidationError({"comment": [_("Say what needs to change.")]})
    if len(comment) > TEXT_MAX:
        raise ValidationError({"comment": [_("Keep this under %(max)s characters.") % {"max": TEXT_MAX}]})
    entry.state = Submitted.State.APPROVED if approve else Submitted.State.RETURNED
    entry.decided_by = actor
    entry.decided_at = timezone.now()
    entry.comment = comment
    entry.save(update_fields=["state", "decided_by", "decided_at", "comment"])
    kind = CaseEvent.Kind.APPROVED if approve else CaseEvent.Kind.RETURNED
    case_event(case=case, kind=kind, actor=actor, detail=str(ITEM_LABELS[item]))
    if approve:
        _approved(actor, case, entry, to)
    record(
        f"cases.{item}.{'approved' if approve else 'returned'}",
        actor=actor,
        target=case,
        request=request,
        details={item: str(entry.pk), "self_approved": own and approve},
    )
    notify(
        users=[entry.submitted_by] if entry.submitted_by and not own else [],
        kind=Kind.SUBMISSION_APPROVED if approve else Kind.SUBMISSION_RETURNED,
        url=reverse("cases:work", args=[case.pk, item]),
        reference=case.reference,
        item=item,
    )
    return entry


def milestone(case: Case, field_name: str, day: date | None = None) -> None:
    """Records the first day the case reached a step (``assessed_on``, ``planned_on``, ``served_on``, ``closed_on``)."""
    if getattr(case, field_name) is None:
        setattr(case, field_name, day or timezone.localdate())
        case.save(update_fields=[field_name, "updated_at"])


def _approved(actor: User, case: Case, entry: Submitted, to: str) -> None:
    """What follows an approval: the status, the step's date, the risk level, the tasks."""
    milestone(case, {"assessment": "assessed_on", "plan": "planned_on", "closure": "closed_on"}[entry.ITEM])
    if isinstance(entry, Assessment):
        _move(actor, case, to)
        if entry.risk_rating != case.risk_level:
            CaseChange.objects.create(
                case=case, field="risk_level", old=case.risk_level, new=entry.risk_rating, by=actor,
                reason=_("Risk rating of the approved assessment"),
            )  # fmt: skip
            case.risk_level = entry.risk_rating
            case.save(update_fields=["risk_level", "updated_at"])
        casetasks.standard_done(case=case, kind=Task.Kind.ASSESSMENT, by=actor)
        if not case.plans.filter(state=Submitted.State.APPROVED).exists():
            casetasks.standard_due(case=case, kind=Task.Kind.PLAN, days=settings.JAGA_PLAN_DAYS, by=actor)
    elif isinstance(entry, CasePlan):
        _move(actor, case, to)
        casetasks.standard_done(case=case, kind=Task.Kind.PLAN, by=actor)
        casetasks.plan_tasks(case=case, plan=entry, by=actor)
    elif isinstance(entry, ClosureRequest):
        _move(actor, case, to, closure_reason=entry.reason)
        casetasks.case_tasks_close(case=case, by=actor)
        for other in waiting(case):
            other.state = Submitted.State.RETURNED
            other.comment = _("The case was closed.")
            other.save(update_fields=["state", "comment"])


@transaction.atomic
def case_start_services(*, actor: User, case: Case, request: HttpRequest | None = None) -> Case:
    """The first service has started: an approved plan moves into services."""
    to = _take(actor, case, "start_services")
    _move(actor, case, to)
    milestone(case, "served_on")
    record("cases.case.status_changed", actor=actor, target=case, request=request, details={"to": to})
    return case


def services_started(*, actor: User, case: Case, on: date | None = None) -> None:
    """Called when a service is recorded as ongoing or completed: the first service's date is kept, and a
    case in plan moves into services."""
    milestone(case, "served_on", min(on or timezone.localdate(), timezone.localdate()))
    if case.status == S.CASE_PLAN and user_has_perm(actor, "cases.edit") and is_owner(actor, case):
        _move(actor, case, S.SERVICES)


@transaction.atomic
def case_reopen(*, actor: User, case: Case, reason: str, request: HttpRequest | None = None) -> Case:
    """A supervisor reopens a closed case, saying why; its assessments, plans and tasks stay in its history."""
    to = _take(actor, case, "reopen")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the case is reopened.")]})
    if len(reason) > 200:
        raise ValidationError({"reason": [_("Keep the reason under %(max)s characters.") % {"max": 200}]})
    _move(actor, case, to, detail=reason)
    lead = case.assigned_to
    if lead is not None and lead.is_active:
        casetasks.standard_due(case=case, kind=Task.Kind.ASSESSMENT, days=settings.JAGA_ASSESSMENT_DAYS, by=actor)
    record("cases.case.reopened", actor=actor, target=case, request=request, details={"to": to})
    return case


def transferred(*, actor: User, case: Case) -> str:
    """The receiving supervisor accepted a transfer: the status it leads to (the referral service saves)."""
    return _take(actor, case, "transfer")


def due_in(days: int, start: date | None = None) -> date:
    return (start or timezone.localdate()) + timedelta(days=days)


def _waiting(user: User, model: type[Submitted]) -> Any:
    return model.objects.filter(  # type: ignore[attr-defined]
        case__organisation_id=user.organisation_id, state=Submitted.State.SUBMITTED
    )


def waiting_for(user: User, limit: int = 50) -> list[Submitted]:
    """What waits for this supervisor's approval in their organisation, the oldest ``limit`` first."""
    if not user_has_perm(user, "cases.approve"):
        return []
    entries: list[Submitted] = []
    for model in ITEMS.values():
        oldest = _waiting(user, model).select_related("case", "submitted_by").order_by("submitted_at")
        entries += list(oldest[:limit])
    return sorted(entries, key=lambda entry: entry.submitted_at or entry.created_at)[:limit]


def returned_to(user: User) -> list[Submitted]:
    """What a supervisor returned to this person for changes (their task list shows it first)."""
    return [
        entry
        for model in ITEMS.values()
        for entry in model.objects.filter(submitted_by=user, state=Submitted.State.RETURNED).select_related("case")  # type: ignore[attr-defined]
    ]


def waiting_count(user: User) -> int:
    if not user_has_perm(user, "cases.approve"):
        return 0
    return sum(_waiting(user, model).count() for model in ITEMS.values())
