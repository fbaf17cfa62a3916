from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jaga.accounts.access import reauthenticated_recently, redirect_to_reauth, require_perm
from jaga.accounts.permissions import user_has_perm
from jaga.cases import services
from jaga.cases.access import access_case, may_see_identity
from jaga.cases.forms import CaseFilterForm, CaseIntakeForm, NoteForm, StatusForm
from jaga.cases.models import TRANSITIONS, Case
from jaga.cases.selectors import case_list

PAGE_SIZE = 25


def _form_errors(form: Any, exc: ValidationError) -> None:
    """Service errors are keyed by path (``child.nik``); form fields by name (``child_nik``)."""
    for key, errors in exc.message_dict.items():
        name = key.replace(".", "_")
        form.add_error(name if name in form.fields else None, errors)


@require_perm("cases.view")
def case_list_view(request: HttpRequest) -> HttpResponse:
    form = CaseFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    cases = case_list(user=request.user, **{k: v for k, v in filters.items() if v not in (None, "")})
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "cases/case_list.html", {"form": form, "page": page, "query": query.urlencode()})


@require_perm("cases.edit")
@require_http_methods(["GET", "POST"])
def case_create_view(request: HttpRequest) -> HttpResponse:
    form = CaseIntakeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_register(actor=request.user, data=form.to_input(), request=request)  # type: ignore[arg-type]
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Case %(reference)s is registered.") % {"reference": case.reference})
            return redirect("cases:detail", case_id=case.pk)
    return render(request, "cases/case_form.html", {"form": form})


def _detail(request: HttpRequest, case: Case, *, identity: bool) -> HttpResponse:
    services.case_viewed(actor=request.user, case=case, via="page", identity=identity, request=request)  # type: ignore[arg-type]
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "child": case.child,
            "identity": services.identity_of(case.child) if identity else None,
            "notes": case.notes.all() if identity else None,
            "may_reveal": may_see_identity(request.user),
            "consent": case.consents.first(),
            "events": case.events.select_related("by"),
            "status_form": StatusForm(),
            "next_statuses": TRANSITIONS.get(case.status, ()),
            "may_close": user_has_perm(request.user, "cases.approve_closure"),
            "note_form": NoteForm(),
        },
    )


@require_perm("cases.view")
def case_detail_view(request: HttpRequest, case_id: Any) -> HttpResponse:
    """The case with identity fields masked; every view is audited."""
    return _detail(request, access_case(request.user, case_id), identity=False)


@require_perm("cases.view_identity")
def case_identity_view(request: HttpRequest, case_id: Any) -> HttpResponse:
    """The same page with the child's identity and the notes, after a recent re-authentication.

    Scope first, so that a case outside it answers 404 before anything asks for a password.
    """
    case = access_case(request.user, case_id)
    if not reauthenticated_recently(request):
        return redirect_to_reauth(request)
    return _detail(request, case, identity=True)


@require_perm("cases.edit")
@require_POST
def case_status_view(request: HttpRequest, case_id: Any) -> HttpResponse:
    case = access_case(request.user, case_id)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.case_change_status(
                actor=request.user,  # type: ignore[arg-type]
                case=case,
                status=form.cleaned_data["status"],
                closure_reason=form.cleaned_data["closure_reason"],
                request=request,
            )
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, error)
        else:
            messages.success(request, _("The status is changed."))
    else:
        messages.error(request, _("Choose a status."))
    return redirect("cases:detail", case_id=case.pk)


@require_perm("cases.edit")
@require_POST
def note_add_view(request: HttpRequest, case_id: Any) -> HttpResponse:
    case = access_case(request.user, case_id)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.note_add(actor=request.user, case=case, text=form.cleaned_data["text"], request=request)  # type: ignore[arg-type]
        messages.success(request, _("The note is saved."))
    else:
        messages.error(request, _("Write the note first."))
    return redirect("cases:identity", case_id=case.pk)
