from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from jaga.accounts.access import require_login, require_perm
from jaga.accounts.permissions import user_has_perm
from jaga.accounts.requests import AuthedHttpRequest
from jaga.core.doors import public
from jaga.core.pagination import CappedPaginator
from jaga.hotline import ratelimit, services, stats
from jaga.hotline.access import access_report
from jaga.hotline.forms import AssignForm, CategoriseForm, OutcomeForm, QueueFilterForm, ReportForm, StatusForm
from jaga.hotline.models import Channel, Outcome, Report
from jaga.hotline.triage import (
    duplicate_counts,
    outcome_record,
    queue,
    related_reports,
    report_assign,
    report_categorise,
    report_close,
    report_open,
    report_reopen,
)

PAGE_SIZE = 25


def _too_many(request: HttpRequest, template: str, context: dict[str, Any], reason: str) -> HttpResponse:
    response = render(request, template, {**context, "refusal": reason}, status=429)
    response["Retry-After"] = str(ratelimit.seconds_to_next_window())
    return response


@require_http_methods(["GET", "POST"])
@never_cache
@sensitive_post_parameters()
@public("the public hotline: anyone may report")
def report_view(request: HttpRequest) -> HttpResponse:
    """/lapor/: anyone may report, without an account; the code and secret are shown once."""
    form = ReportForm(request.POST or None)
    if request.method == "POST":
        if form.is_robot():
            # Robots get what a person gets, with a code that leads nowhere: nothing tells them they were caught.
            decoy = {"code": services.new_code(), "secret": secrets.token_urlsafe(12)}
            return render(request, "hotline/report_done.html", decoy, status=201)
        if form.is_valid():
            # Only a report that would be stored counts against the hour's limits: a person correcting
            # a field is not refused for it.
            reason = ratelimit.refusal(request, "submit")
            if reason:
                return _too_many(request, "hotline/report_form.html", {"form": form}, reason)
            try:
                submitted = services.report_submit(form.to_input(), channel=Channel.WEB)
            except services.HotlineFull:
                return _too_many(request, "hotline/report_form.html", {"form": form}, ratelimit.full())
            return render(
                request,
                "hotline/report_done.html",
                {
                    "code": submitted.report.tracking_code,
                    "secret": submitted.secret,
                    "in_danger": form.cleaned_data["in_danger"],
                },
                status=201,
            )
    return render(request, "hotline/report_form.html", {"form": form}, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@never_cache
@sensitive_post_parameters()
@public("a reporter follows a report with its code")
def status_view(request: HttpRequest) -> HttpResponse:
    form = StatusForm(request.POST or None)
    context: dict[str, Any] = {"form": form}
    if request.method == "POST":
        reason = ratelimit.refusal(request, "status")
        if reason:
            return _too_many(request, "hotline/status.html", context, reason)
        if form.is_valid():
            state = services.report_status(form.cleaned_data["code"], form.cleaned_data["secret"])
            if state is None:
                form.add_error(None, _("No report matches this code and secret. Check both and try again."))
            else:
                context["state"] = Report(state=state).get_state_display()
    return render(request, "hotline/status.html", context)


@require_safe
@require_perm("hotline.triage")
def queue_view(request: AuthedHttpRequest) -> HttpResponse:
    # The default filter holds on every page: a page link without "state" still means the open reports.
    form = QueueFilterForm({"state": "open", **request.GET.dict()})
    filters = form.cleaned_data if form.is_valid() else {"state": "open"}
    if filters.get("code"):  # a tracking code read over the phone: straight to its report
        code = services.normalise_code(filters["code"])
        found = Report.objects.filter(tracking_code=code).values_list("pk", flat=True).first() if code else None
        if found is not None:
            return redirect("hotline:detail", report_id=found)
        form.add_error("code", _("No report has this tracking code."))
    reports = queue(
        state=filters.get("state", ""),
        flag=filters.get("flag", ""),
        mine_for=request.user if filters.get("mine") else None,
    ).annotate(url_count=Count("urls"))
    page = CappedPaginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    duplicates = duplicate_counts([report.pk for report in page.object_list])
    for report in page.object_list:
        report.duplicates = duplicates.get(report.pk, 0)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "hotline/queue.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "this_hour": ratelimit.current(ratelimit.TOTAL),
            "alert_at": settings.JAGA_HOTLINE_ALERT_PER_HOUR,
        },
    )


def _detail(request: HttpRequest, report: Report, **forms: Any) -> HttpResponse:
    outcome_forms = {
        kind: forms.get(f"outcome_{kind}") or OutcomeForm(report=report, kind=kind) for kind in Outcome.Kind.values
    }
    context = {
        "report": report,
        "urls": list(report.urls.all()),
        "outcomes": list(report.outcomes.select_related("url", "by")),
        "events": list(report.events.select_related("by")),
        "related": related_reports(report),
        "assign_form": forms.get("assign") or AssignForm(initial={"assigned_to": report.assigned_to_id}),
        "categorise_form": forms.get("categorise")
        or CategoriseForm(initial={"forms": report.forms, "flags": report.flags}),
        "outcome_forms": outcome_forms,
    }
    return render(request, "hotline/detail.html", context, status=400 if any(f.errors for f in forms.values()) else 200)


@require_safe
@require_perm("hotline.triage")
def detail_view(request: AuthedHttpRequest, report_id: Any) -> HttpResponse:
    try:
        report = report_open(actor=request.user, report_id=report_id, request=request)
    except Report.DoesNotExist as exc:
        raise Http404 from exc
    return _detail(request, report)


@require_POST
@require_perm("hotline.triage")
def action_view(request: AuthedHttpRequest, report_id: Any, action: str) -> HttpResponse:
    report = access_report(request.user, report_id)
    user = request.user
    form: Any
    try:
        if action == "assign":
            form = AssignForm(request.POST)
            if not form.is_valid():
                return _detail(request, report, assign=form)
            report_assign(actor=user, report=report, to=form.cleaned_data["assigned_to"], request=request)
        elif action == "take":
            report_assign(actor=user, report=report, to=user, request=request)
        elif action == "categorise":
            form = CategoriseForm(request.POST)
            if not form.is_valid():
                return _detail(request, report, categorise=form)
            report_categorise(
                actor=user,
                report=report,
                forms=form.cleaned_data["forms"],
                flags=form.cleaned_data["flags"],
                request=request,
            )
        elif action in Outcome.Kind.values:
            form = OutcomeForm(request.POST, report=report, kind=action)
            if not form.is_valid():
                return _detail(request, report, **{f"outcome_{action}": form})
            try:
                outcome = outcome_record(actor=user, report=report, data=form.to_input(), request=request)
            except ValidationError as exc:
                form.add_service_errors(exc)
                return _detail(request, report, **{f"outcome_{action}": form})
            if action == Outcome.Kind.CASE:  # say where the case went
                said = _("The report is now case %(reference)s at %(unit)s; its supervisors are told.")
                messages.success(
                    request, said % {"reference": outcome.reference, "unit": form.cleaned_data["organisation"]}
                )
                return redirect("hotline:detail", report_id=report.pk)
        elif action == "close":
            report_close(actor=user, report=report, request=request)
        elif action == "reopen":
            report_reopen(actor=user, report=report, request=request)
        else:
            return redirect("hotline:detail", report_id=report.pk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("hotline:detail", report_id=report.pk)
    messages.success(request, _("Saved."))
    return redirect("hotline:detail", report_id=report.pk)


@require_safe
@require_login
def stats_view(request: AuthedHttpRequest) -> HttpResponse:
    if not (user_has_perm(request.user, "hotline.triage") or user_has_perm(request.user, "stats.view")):
        raise PermissionDenied
    return render(request, "hotline/stats.html", {"stats": stats.report_statistics()})
