"""Tasks on a case: standard deadlines, the case plan's actions, and tasks added by hand.

Standard deadlines (days, in settings): the assessment ``JAGA_ASSESSMENT_DAYS`` after registration
(or after the case reaches a caseworker, for a case that waited), the plan ``JAGA_PLAN_DAYS`` after
the assessment is approved, a follow-up visit ``JAGA_FOLLOW_UP_DAYS`` after the plan is approved.
Cases imported from history get no standard task until a supervisor assigns them.
A task is overdue when it is still to do after its due date; the worker tells each owner once a
day how many of theirs are overdue (``overdue_digest``).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jaga.accounts.models import User
from jaga.accounts.permissions import user_has_perm
from jaga.audit.services import record
from jaga.cases.access import may_edit_case
from jaga.cases.models import Case, CasePlan, Status, Task
from jaga.core.pagination import capped_subquery
from jaga.notifications.models import Kind, Notification
from jaga.notifications.services import notify

TITLE_MAX = 200
CASELOAD_CAP = 200  # per person: counted up to here, then "200+"
STANDARD_OWNED_BY_LEAD = (Task.Kind.ASSESSMENT, Task.Kind.PLAN, Task.Kind.FOLLOW_UP)
NEEDS_ASSESSMENT = (Status.REGISTERED, Status.REOPENED, Status.TRANSFERRED)


def open_tasks() -> QuerySet[Task]:
    return Task.objects.filter(state=Task.State.OPEN)


def overdue(today: date | None = None) -> QuerySet[Task]:
    return open_tasks().filter(due_on__lt=today or timezone.localdate())


def _due(start: date, days: int) -> date:
    """``days`` after ``start``; when that has already passed (a case that waited), ``days`` from today."""
    today = timezone.localdate()
    due = start + timedelta(days=days)
    return due if due >= today else today + timedelta(days=days)


def standard_due(*, case: Case, kind: str, days: int, by: User | None, start: date | None = None) -> Task | None:
    """The case's standard task of ``kind``, owned by its lead, unless one is already to do."""
    if open_tasks().filter(case=case, kind=kind).exists():
        return None
    return Task.objects.create(
        case=case,
        kind=kind,
        owner=case.assigned_to,
        due_on=_due(start or timezone.localdate(), days),
        created_by=by,
    )


def standard_done(*, case: Case, kind: str, by: User | None) -> int:
    return (
        open_tasks().filter(case=case, kind=kind).update(state=Task.State.DONE, closed_by=by, closed_at=timezone.now())
    )


def case_tasks_close(*, case: Case, by: User | None) -> int:
    """A closed case has nothing left to do."""
    return open_tasks().filter(case=case).update(state=Task.State.NOT_NEEDED, closed_by=by, closed_at=timezone.now())


def plan_tasks(*, case: Case, plan: CasePlan, by: User | None) -> list[Task]:
    """An approved plan's actions become tasks (the plan it replaces leaves its own as not needed)."""
    replaced = open_tasks().filter(case=case, kind__in=[Task.Kind.PLAN_ACTION, Task.Kind.FOLLOW_UP])
    replaced.update(state=Task.State.NOT_NEEDED, closed_by=by, closed_at=timezone.now())
    tasks = [
        Task(
            case=case,
            kind=Task.Kind.PLAN_ACTION,
            title=action.description[:TITLE_MAX],
            owner=action.responsible or case.assigned_to,
            due_on=action.due_on,
            plan_action=action,
            created_by=by,
        )
        for action in plan.actions.all()
    ]
    tasks.append(
        Task(
            case=case,
            kind=Task.Kind.FOLLOW_UP,
            owner=case.assigned_to,
            due_on=timezone.localdate() + timedelta(days=settings.JAGA_FOLLOW_UP_DAYS),
            created_by=by,
        )
    )
    made = Task.objects.bulk_create(tasks)
    others = {task.owner for task in made if task.owner is not None and task.owner != by}
    if others:
        notify(users=others, kind=Kind.TASK_ASSIGNED, url=reverse("cases:tasks"), reference=case.reference)
    return made


def lead_changed(*, case: Case, before_id: Any, by: User) -> None:
    """A new lead takes over the standard tasks the old one (or nobody) held; a case that waits for
    its assessment gets the task now if it has none (one that waited in the queue, or came from an import)."""
    open_tasks().filter(case=case, kind__in=STANDARD_OWNED_BY_LEAD).filter(
        Q(owner__isnull=True) | Q(owner_id=before_id)
    ).update(owner=case.assigned_to)
    if case.status in NEEDS_ASSESSMENT and not case.assessments.filter(state="approved").exists():
        standard_due(
            case=case, kind=Task.Kind.ASSESSMENT, days=settings.JAGA_ASSESSMENT_DAYS, by=by, start=case.registered_on
        )


@transaction.atomic
def task_add(
    *, actor: User, case: Case, title: str, owner: User, due_on: date | None, request: HttpRequest | None = None
) -> Task:
    """A task by hand, for oneself or a colleague of one's organisation who works on cases."""
    if not may_edit_case(actor, case):
        raise PermissionDenied
    if case.status == Status.CLOSED:
        raise ValidationError(_("A closed case has no tasks; reopen it first."))
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = [_("Say what is to be done.")]
    elif len(title) > TITLE_MAX:
        errors["title"] = [_("Keep this under %(max)s characters.") % {"max": TITLE_MAX}]
    if due_on is None:
        errors["due_on"] = [_("Give a due date.")]
    elif due_on < timezone.localdate():
        errors["due_on"] = [_("The due date cannot be in the past.")]
    if owner.organisation_id != actor.organisation_id or not owner.is_active or not user_has_perm(owner, "cases.edit"):
        errors["owner"] = [_("Give the task to an active caseworker of your organisation.")]
    if errors:
        raise ValidationError(errors)
    assert due_on is not None  # checked above
    task = Task.objects.create(
        case=case, kind=Task.Kind.MANUAL, title=title, owner=owner, due_on=due_on, created_by=actor
    )
    record("cases.task.added", actor=actor, target=case, request=request, details={"task": str(task.pk)})
    if owner != actor:
        notify(users=[owner], kind=Kind.TASK_ASSIGNED, url=reverse("cases:tasks"), reference=case.reference)
    return task


@transaction.atomic
def task_close(*, actor: User, task: Task, state: str, request: HttpRequest | None = None) -> Task:
    """Marks a task done or not needed (its owner, or anyone who works on the case)."""
    if task.owner_id != actor.pk and not may_edit_case(actor, task.case):
        raise PermissionDenied
    if state not in (Task.State.DONE, Task.State.NOT_NEEDED):
        raise ValidationError({"state": [_("Choose done or not needed.")]})
    if task.state != Task.State.OPEN:
        raise ValidationError(_("This task is already closed."))
    task.state, task.closed_by, task.closed_at = state, actor, timezone.now()
    task.save(update_fields=["state", "closed_by", "closed_at"])
    record(
        "cases.task.closed",
        actor=actor,
        target=task.case,
        request=request,
        details={"task": str(task.pk), "state": state},
    )
    return task


def tasks_of(user: User) -> QuerySet[Task]:
    """The user's open tasks, the most overdue first."""
    return open_tasks().filter(owner=user).select_related("case").order_by("due_on", "pk")


def team_overdue(user: User) -> QuerySet[Task]:
    """Overdue tasks across the supervisor's organisation."""
    team = overdue().filter(owner__organisation_id=user.organisation_id).select_related("case", "owner")
    return team.order_by("due_on")  # read in the order of the (state, due date) index, to its first rows


def caseload(organisation_id: Any, *, only_cases: bool = False) -> list[dict[str, Any]]:
    """Per caseworker of the organisation: open cases led, high-risk ones among them, tasks to do and
    overdue. Each count is read from an index per person and stops past ``CASELOAD_CAP`` (shown "200+":
    far beyond any workable caseload), so that a unit with a million cases answers as fast as a small one."""
    from jaga.accounts.permissions import holders

    today = timezone.localdate()
    led = Case.objects.filter(assigned_to=OuterRef("pk")).exclude(status=Status.CLOSED)
    todo = open_tasks().filter(owner=OuterRef("pk"))
    counts = {"n_cases": capped_subquery(led, CASELOAD_CAP)}
    if not only_cases:  # the home shows the open cases only; the caseload page all four
        counts |= {
            "n_high": capped_subquery(led.filter(risk_level="high"), CASELOAD_CAP),
            "n_tasks": capped_subquery(todo, CASELOAD_CAP),
            "n_late": capped_subquery(todo.filter(due_on__lt=today), CASELOAD_CAP),
        }
    people = holders(organisation_id, "cases.edit").annotate(**counts)

    def shown(n: int) -> str:
        return f"{CASELOAD_CAP}+" if n > CASELOAD_CAP else str(n)

    return [
        {
            "user": p,
            "cases": p.n_cases,
            "high_risk": getattr(p, "n_high", 0),
            "tasks": getattr(p, "n_tasks", 0),
            "overdue": getattr(p, "n_late", 0),
            "shown": {name: shown(getattr(p, f"n_{name}", 0)) for name in ("cases", "high", "tasks", "late")},
        }
        for p in people
    ]


def overdue_digest(now: datetime | None = None) -> int:
    """Once a day, after ``JAGA_DIGEST_HOUR`` (local time), tells each owner of overdue tasks how many
    (the worker's sweep runs it every minute; a digest already sent today is not sent again)."""
    now = timezone.localtime(now or timezone.now())
    if now.hour < settings.JAGA_DIGEST_HOUR:
        return 0
    midnight = timezone.make_aware(datetime.combine(now.date(), time.min), now.tzinfo)
    told = Notification.objects.filter(kind=Kind.TASKS_OVERDUE, created_at__gte=midnight).values_list(
        "user_id", flat=True
    )
    counts = (
        overdue(now.date())
        .filter(owner__isnull=False, owner__is_active=True)
        .exclude(owner_id__in=told)
        .values("owner")
        .annotate(n=Count("pk"))
    )
    sent = 0
    for row in counts:
        with transaction.atomic():
            owner = User.objects.get(pk=row["owner"])
            notify(users=[owner], kind=Kind.TASKS_OVERDUE, url=reverse("cases:tasks"), count=str(row["n"]))
        sent += 1
    return sent
