"""Pages of assignment: a supervisor gives one case (from its page) or many (from the intake queue)."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from jaga.accounts.access import require_perm
from jaga.accounts.models import User
from jaga.accounts.requests import AuthedHttpRequest
from jaga.cases.access import access_case
from jaga.cases.assignment import (
    REASON_MAX,
    assignable_caseworkers,
    cases_assign,
    coworker_add,
    coworker_remove,
    intake_queue,
)
from jaga.cases.models import Case, Coworker
from jaga.core.forms import add_errors, set_queryset
from jaga.core.pagination import COUNT_CAP, capped_count

QUEUE_SHOWN = 50  # the most urgent; assigning them brings the next


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField[User](label=gettext_lazy("Caseworker"), queryset=None)
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=REASON_MAX,
        help_text=gettext_lazy("The caseworker and the case timeline see it."),
    )

    def __init__(self, *args: Any, organisation_id: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = set_queryset(self, "assignee", assignable_caseworkers(organisation_id))
        field.label_from_instance = lambda obj: obj.full_name  # type: ignore[method-assign]


class CoworkerForm(forms.Form):
    user = forms.ModelChoiceField[User](label=gettext_lazy("Co-worker"), queryset=None)

    def __init__(self, *args: Any, organisation_id: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        field.queryset = assignable_caseworkers(organisation_id)  # type: ignore[attr-defined]
        field.label_from_instance = lambda user: user.full_name  # type: ignore[attr-defined]


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _ticked(request: HttpRequest, cases: QuerySet[Case]) -> list[Case]:
    """The ticked cases among ``cases`` (anything else ticked, a forged id too, is not seen)."""
    chosen = [value for value in request.POST.getlist("case") if _is_uuid(value)]
    return list(cases.filter(pk__in=chosen)) if chosen else []


def _give(request: AuthedHttpRequest, form: AssignForm, cases: list[Case], *, one: bool = False) -> None:
    """Assigns ``cases`` as the valid ``form`` says, all or none, and says so; a refusal raises ValidationError."""
    count = cases_assign(
        actor=request.user,
        cases=cases,
        assignee=form.cleaned_data["assignee"],
        reason=form.cleaned_data["reason"],
        request=request,
    )
    name = form.cleaned_data["assignee"].full_name
    said = _("The case is assigned to %(name)s.") if one else _("%(count)s cases assigned to %(name)s.")
    messages.success(request, said % {"count": count, "name": name})


def _form_errors(form: forms.Form) -> str:
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


@require_POST
@require_perm("cases.assign")
def case_assign_view(request: AuthedHttpRequest, case_id: Any) -> HttpResponse:
    case = access_case(request.user, case_id)
    form = AssignForm(request.POST, organisation_id=request.user.organisation_id)
    try:
        if not form.is_valid():
            raise ValidationError(_form_errors(form))
        _give(request, form, [case], one=True)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("cases:detail", case_id=case.pk)


@require_POST
@require_perm("cases.assign")
def cases_assign_view(request: AuthedHttpRequest) -> HttpResponse:
    """Ticked cases of the case list, given to one caseworker: all or none, each with the reason."""
    form = AssignForm(request.POST, organisation_id=request.user.organisation_id)
    cases = _ticked(request, Case.objects.visible_to(request.user))
    try:
        if not cases:
            raise ValidationError(_("Tick at least one case."))
        if not form.is_valid():
            raise ValidationError(_form_errors(form))
        _give(request, form, cases)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/cases/") and "//" not in back else "cases:list")


@require_http_methods(["GET", "POST"])
@require_perm("cases.assign")
def intake_queue_view(request: AuthedHttpRequest) -> HttpResponse:
    """The unit's unassigned cases, most urgent and oldest first; tick some and give them to a caseworker."""
    user = request.user
    queue = intake_queue(user)
    form = AssignForm(request.POST or None, organisation_id=user.organisation_id)
    chosen: set[str] = set()
    if request.method == "POST":
        cases = _ticked(request, queue)
        chosen = {str(case.pk) for case in cases}
        if not cases:
            form.add_error(None, _("Tick at least one case."))
        if form.is_valid() and cases:
            try:
                _give(request, form, cases)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                return redirect("cases:queue")
    total = capped_count(queue)
    return render(
        request,
        "cases/intake_queue.html",
        {"cases": queue[:QUEUE_SHOWN], "total": total, "capped": total > COUNT_CAP, "form": form, "chosen": chosen},
        status=400 if form.errors else 200,
    )


@require_POST
@require_perm("cases.assign")
def coworker_add_view(request: AuthedHttpRequest, case_id: Any) -> HttpResponse:
    case = access_case(request.user, case_id)
    form = CoworkerForm(request.POST, organisation_id=request.user.organisation_id)
    try:
        if not form.is_valid():
            raise ValidationError(_form_errors(form))
        coworker_add(actor=request.user, case=case, user=form.cleaned_data["user"], request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(name)s now works on this case.") % {"name": form.cleaned_data["user"].full_name})
    return redirect("cases:detail", case_id=case.pk)


@require_POST
@require_perm("cases.assign")
def coworker_remove_view(request: AuthedHttpRequest, case_id: Any, coworker_id: int) -> HttpResponse:
    case = access_case(request.user, case_id)
    coworker = Coworker.objects.filter(case=case, pk=coworker_id).select_related("case", "user").first()
    if coworker is not None:
        coworker_remove(actor=request.user, coworker=coworker, request=request)
        messages.success(request, _("The co-worker is removed from the case."))
    return redirect("cases:detail", case_id=case.pk)
