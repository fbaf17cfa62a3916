"""Advocacy pages: the board of asks by stage, a new ask, one ask with its activities."""

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
from jaga.core.forms import add_errors
from jaga.core.tables import table_response
from jaga.programs.access import access_record
from jaga.programs.advocacy import services as advocacy
from jaga.programs.advocacy.forms import ActivityForm, AskForm, BoardFilterForm, StageForm
from jaga.programs.advocacy.models import Ask


@require_safe
@require_perm("programs.manage")
def advocacy_board_view(request: AuthedHttpRequest) -> HttpResponse:
    form = BoardFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    asks = Ask.objects.select_related("lead", "region")
    if filters.get("level"):
        asks = asks.filter(level=filters["level"])
    if filters.get("kind"):
        asks = asks.filter(kind=filters["kind"])
    if request.GET.get("format") == "xlsx":
        header = ["institution", "level", "region", "ask", "kind", "lead", "stage", "stage_since"]
        rows = [
            [
                a.institution,
                a.level,
                a.region.name if a.region else "",
                a.title,
                a.kind,
                a.lead.name,
                a.stage,
                a.stage_since,
            ]
            for a in asks
        ]
        return table_response(header, rows, "xlsx", "jaga-advocacy.xlsx", sheet="advocacy")
    query = request.GET.copy()
    query.pop("format", None)
    return render(
        request,
        "programs/advocacy_board.html",
        {"form": form, "columns": advocacy.board(asks), "query": query.urlencode()},
    )


@require_http_methods(["GET", "POST"])
@require_perm("programs.manage")
def ask_create_view(request: AuthedHttpRequest) -> HttpResponse:
    form = AskForm(request.POST or None, initial={"lead": request.user.organisation_id})
    if request.method == "POST" and form.is_valid():
        try:
            ask = advocacy.ask_create(
                actor=request.user,
                data=advocacy.AskInput(**form.cleaned_data),
                request=request,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The ask is on the board."))
            return redirect("programs:ask", ask_id=ask.pk)
    return render(request, "programs/ask_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@require_perm("programs.manage")
def ask_detail_view(request: AuthedHttpRequest, ask_id: Any) -> HttpResponse:
    ask = access_record(request.user, Ask.objects.select_related("lead", "region"), pk=ask_id)
    activity_form, stage_form = ActivityForm(prefix="activity"), StageForm(prefix="stage")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "activity":
                activity_form = ActivityForm(request.POST, prefix="activity")
                if activity_form.is_valid():
                    advocacy.activity_add(actor=request.user, ask=ask, request=request, **activity_form.cleaned_data)
                    messages.success(request, _("Activity recorded."))
                    return redirect("programs:ask", ask_id=ask.pk)
            elif action == "stage":
                stage_form = StageForm(request.POST, prefix="stage")
                if stage_form.is_valid():
                    advocacy.stage_move(actor=request.user, ask=ask, request=request, **stage_form.cleaned_data)
                    messages.success(request, _("Stage changed."))
                    return redirect("programs:ask", ask_id=ask.pk)
        except ValidationError as exc:
            add_errors(activity_form if action == "activity" else stage_form, exc)
    return render(
        request,
        "programs/ask_detail.html",
        {
            "ask": ask,
            "activities": ask.activities.all(),
            "changes": ask.stage_changes.select_related("by"),
            "activity_form": activity_form,
            "stage_form": stage_form,
        },
    )
