"""The breach register's pages (system admins): the list with each open breach's clock, a new breach,
one breach with its timeline and the next step, and the register as a file for the data protection
officer."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from jaga.accounts.access import require_perm
from jaga.accounts.requests import AuthedHttpRequest
from jaga.audit.services import record
from jaga.core.forms import add_errors
from jaga.core.lookups import one_or_404
from jaga.core.tables import table_response
from jaga.operations import breaches
from jaga.operations.forms import BreachForm, CloseForm, DecideForm, NoteForm, NoticeForm
from jaga.operations.models import Breach

REGISTER_HEADER = ["reference", "found_at", "signal", "state", "data", "people_affected", "authority_notified_at",
                   "authority_notified_late", "people_notified", "closed_at"]  # fmt: skip


@require_http_methods(["GET", "POST"])
@require_perm("operations.breaches")
def breach_list_view(request: AuthedHttpRequest) -> HttpResponse:
    form = BreachForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            fields = dict(form.cleaned_data)
            fields["data"] = fields.pop("concerned")
            breach = breaches.breach_record(actor=request.user, request=request, **fields)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, _("Breach %(reference)s recorded; the clock runs.") % {"reference": breach.reference}
            )
            return redirect("operations:breach", breach_id=breach.pk)
    rows = [(breach, breaches.hours_left(breach)) for breach in Breach.objects.all()[:200]]
    status = 400 if form.errors else 200
    return render(request, "operations/breaches.html", {"form": form, "rows": rows}, status=status)


@require_http_methods(["GET", "POST"])
@require_perm("operations.breaches")
def breach_detail_view(request: AuthedHttpRequest, breach_id: Any) -> HttpResponse:
    breach = one_or_404(Breach.objects.all(), pk=breach_id)
    forms = {"decide": DecideForm(), "note": NoteForm(), "notice": NoticeForm(), "close": CloseForm()}
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action in forms:
            form = forms[action] = {"decide": DecideForm, "note": NoteForm, "notice": NoticeForm,
                                    "close": CloseForm}[action](request.POST)  # fmt: skip
            if form.is_valid():
                data = form.cleaned_data
                try:
                    if action == "decide":
                        breaches.breach_decide(actor=request.user, breach=breach, confirm=data["decision"] == "confirm",
                                               reason=data["reason"], request=request)  # fmt: skip
                    elif action == "note":
                        breaches.breach_note(actor=request.user, breach=breach, text=data["text"], request=request)
                    elif action == "notice":
                        breaches.breach_notified(actor=request.user, breach=breach, whom=data["whom"], on=data["on"],
                                                 reference=data["reference"], count=data["count"] or 0,
                                                 request=request)  # fmt: skip
                    else:
                        breaches.breach_close(actor=request.user, breach=breach, summary=data["summary"],
                                              request=request)  # fmt: skip
                except ValidationError as exc:
                    add_errors(form, exc)
                else:
                    messages.success(request, _("Saved."))
                    return redirect("operations:breach", breach_id=breach.pk)
    record("operations.breach.viewed", actor=request.user, target=breach, request=request,
           details={"reference": breach.reference})  # fmt: skip
    context = {"breach": breach, "events": breach.events.select_related("by"), "forms": forms,
               "hours_left": breaches.hours_left(breach)}  # fmt: skip
    status = 400 if any(f.errors for f in forms.values()) else 200
    return render(request, "operations/breach.html", context, status=status)


@require_safe
@require_perm("operations.breaches")
def breach_register_view(request: AuthedHttpRequest) -> HttpResponse:
    record("operations.breach.register_exported", actor=request.user, request=request)
    return table_response(REGISTER_HEADER, breaches.register_rows(), "csv", "jaga-breach-register.csv",
                          sheet="breaches")  # fmt: skip
