"""Pages of the work on a case: the assessment, the plan and the closure request (written, sent,
approved or returned), reopening, tasks, what waits for approval, and the team's caseload.

The three written items hold free text about the child: their pages, like the notes, need a recent
re-authentication, and every read is audited.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jaga.accounts.access import reauthenticated_recently, redirect_to_reauth, require_perm
from jaga.accounts.permissions import user_has_perm
from jaga.accounts.requests import AuthedHttpRequest
from jaga.cases import casetasks, services, workflow
from jaga.cases.access import access_case, access_task
from jaga.cases.forms_workflow import AssessmentForm, ClosureForm, DecisionForm, PlanForm, ReopenForm, TaskForm
from jaga.cases.models import Case, Task
from jaga.cases.work_models import Submitted
from jaga.core.forms import add_errors
from jaga.core.pagination import CappedPaginator

TASKS_PAGE = 50
TEAM_OVERDUE_SHOWN = 50  # the caseload page lists the team's longest overdue tasks
FORMS: dict[str, Any] = {"assessment": AssessmentForm, "plan": PlanForm, "closure": ClosureForm}


def _form(item: str, request: AuthedHttpRequest, entry: Submitted | None, data: Any = None) -> Any:
    kwargs: dict[str, Any] = {}
    if item == "plan":
        kwargs["organisation_id"] = request.user.organisation_id
    if data is not None:
        return FORMS[item](data, **kwargs)
    if item == "closure":
        initial = {"reason": entry.reason, "outcome": entry.outcome} if entry is not None else {}  # type: ignore[attr-defined]
    else:
        initial = FORMS[item].initial_from(entry)
    return FORMS[item](initial=initial, **kwargs)


def _save(item: str, request: AuthedHttpRequest, case: Case, form: Any, submit: bool) -> None:
    actor, data = request.user, form.cleaned_data
    if item == "assessment":
        workflow.assessment_save(actor=actor, case=case, data=data, submit=submit, request=request)
    elif item == "plan":
        workflow.plan_save(
            actor=actor, case=case, goals=data["goals"], actions=form.actions(), submit=submit, request=request,
        )  # fmt: skip
    else:
        workflow.closure_request_save(
            actor=actor,
            case=case,
            reason=data["reason"],
            outcome=data["outcome"],
            request=request,
        )


@require_http_methods(["GET", "POST"])
@require_perm("cases.view")
def work_item_view(request: AuthedHttpRequest, case_id: Any, item: str) -> HttpResponse:
    """The case's assessment, plan or closure request: its writer edits and sends it; a supervisor decides."""
    if item not in FORMS:
        raise Http404
    case = access_case(request.user, case_id)
    if not reauthenticated_recently(request):
        return redirect_to_reauth(request)
    user = request.user
    entry = workflow.current(case, item)
    may_write = workflow.may_take(user, case, f"submit_{item}") and (
        entry is None or entry.state != Submitted.State.SUBMITTED
    )
    form = _form(item, request, entry)  # a revision starts from what was approved last
    if request.method == "POST":
        if not may_write:
            messages.error(request, _("This cannot be changed now."))
            return redirect("cases:work", case_id=case.pk, item=item)
        form = _form(item, request, entry, data=request.POST)
        submit = item == "closure" or "submit" in request.POST
        if form.is_valid():
            try:
                _save(item, request, case, form, submit)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                said = _("Sent for approval.") if submit else _("Saved as a draft.")
                messages.success(request, said)
                return redirect("cases:work", case_id=case.pk, item=item)
    services.case_viewed(actor=user, case=case, via=item, identity=True, request=request)
    decidable = (
        entry is not None
        and entry.state == Submitted.State.SUBMITTED
        and workflow.may_take(user, case, f"approve_{item}")
    )
    return render(
        request,
        f"cases/work_{item}.html",
        {
            "case": case,
            "item": item,
            "label": workflow.ITEM_LABELS[item],
            "entry": entry,
            "form": form if may_write else None,
            "decision_form": DecisionForm() if decidable else None,
            "history": workflow.ITEMS[item].objects.filter(case=case).exclude(pk=getattr(entry, "pk", None))[:10],  # type: ignore[attr-defined]
        },
        status=400 if form.errors else 200,
    )


@require_POST
@require_perm("cases.approve")
def decide_view(request: AuthedHttpRequest, case_id: Any, item: str) -> HttpResponse:
    if item not in FORMS:
        raise Http404
    case = access_case(request.user, case_id)
    entry = workflow.current(case, item)
    form = DecisionForm(request.POST)
    if entry is None or not form.is_valid():
        messages.error(request, _("Nothing to decide."))
        return redirect("cases:work", case_id=case.pk, item=item)
    approve = request.POST.get("decision") == "approve"
    try:
        workflow.submission_decide(
            actor=request.user,
            entry=entry,
            approve=approve,
            comment=form.cleaned_data["comment"],
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("cases:work", case_id=case.pk, item=item)
    messages.success(request, _("Approved.") if approve else _("Returned with your comment."))
    return redirect("cases:detail", case_id=case.pk)


@require_POST
@require_perm("cases.approve")
def reopen_view(request: AuthedHttpRequest, case_id: Any) -> HttpResponse:
    case = access_case(request.user, case_id)
    form = ReopenForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say why the case is reopened."))
        workflow.case_reopen(actor=request.user, case=case, reason=form.cleaned_data["reason"], request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The case is reopened."))
    return redirect("cases:detail", case_id=case.pk)


@require_POST
@require_perm("cases.edit")
def start_services_view(request: AuthedHttpRequest, case_id: Any) -> HttpResponse:
    case = access_case(request.user, case_id)
    try:
        workflow.case_start_services(actor=request.user, case=case, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The case is now in services."))
    return redirect("cases:detail", case_id=case.pk)


@require_POST
@require_perm("cases.edit")
def task_add_view(request: AuthedHttpRequest, case_id: Any) -> HttpResponse:
    case = access_case(request.user, case_id)
    form = TaskForm(request.POST, organisation_id=request.user.organisation_id)
    if form.is_valid():
        try:
            casetasks.task_add(actor=request.user, case=case, request=request, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The task is added."))
            return redirect("cases:detail", case_id=case.pk)
    # Back to the case page, which shows the form again with what was typed and its errors.
    from jaga.cases.views import _detail  # the case page shows this module's panel

    return _detail(request, case, identity=False, task_form=form, status=400)


@require_POST
@require_perm("cases.edit")
def task_close_view(request: AuthedHttpRequest, task_id: Any) -> HttpResponse:
    task = access_task(request.user, task_id)  # the task's case must be in scope: 404 otherwise
    try:
        casetasks.task_close(actor=request.user, task=task, state=request.POST.get("state", ""), request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The task is closed."))
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/cases/") and "//" not in back else "cases:tasks")


@require_GET
@require_perm("cases.edit")
def tasks_view(request: AuthedHttpRequest) -> HttpResponse:
    """The user's work: what was returned to them, then their open tasks, the most overdue first."""
    user = request.user
    returned = workflow.returned_to(user)
    page = CappedPaginator(casetasks.tasks_of(user), TASKS_PAGE).get_page(request.GET.get("page"))
    return render(
        request, "cases/tasks.html", {"page": page, "returned": returned, "today": timezone.localdate(), "query": ""}
    )


@require_GET
@require_perm("cases.approve")
def approvals_view(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    entries = workflow.waiting_for(user)
    return render(request, "cases/approvals.html", {"entries": entries, "total": workflow.waiting_count(user)})


@require_GET
@require_perm("cases.view_all_org")
def caseload_view(request: AuthedHttpRequest) -> HttpResponse:
    """Per caseworker of the unit: open cases, high-risk cases, tasks to do and overdue; then the overdue tasks."""
    user = request.user
    return render(
        request,
        "cases/caseload.html",
        {
            "rows": casetasks.caseload(user.organisation_id),
            "overdue": casetasks.team_overdue(user)[:TEAM_OVERDUE_SHOWN],
            "today": timezone.localdate(),
        },
    )


def case_work(request: HttpRequest, case: Case) -> dict[str, Any]:
    """The case page's work panel: the next steps this user may take, what waits, the tasks."""
    user = request.user
    steps = {name: workflow.may_take(user, case, name) for name in workflow.STEPS}  # type: ignore[arg-type]
    items = [(item, workflow.ITEM_LABELS[item], workflow.current(case, item)) for item in workflow.ITEMS]
    may_add_task = case.status != "closed" and user_has_perm(user, "cases.edit")
    return {
        "steps": steps,
        "items": items,
        "tasks": case.tasks.filter(state=Task.State.OPEN).select_related("owner"),
        "today": timezone.localdate(),
        "reopen_form": ReopenForm() if steps["reopen"] else None,
        "may_add_task": may_add_task,
    }
