"""The Code pages: the members' dashboard, one member, the yearly report."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jaga.accounts.access import require_perm
from jaga.accounts.requests import AuthedHttpRequest
from jaga.core.forms import add_errors
from jaga.core.tables import table_response
from jaga.programs.access import access_record
from jaga.programs.code import services as code
from jaga.programs.code.forms import CodeMemberForm, CodeReportForm, MembershipForm, ProgressForm, ReviewForm
from jaga.programs.code.models import CodeCriterion, CodeMember, CodeReport


@require_http_methods(["GET", "POST"])
@require_perm("programs.manage")
def code_dashboard_view(request: AuthedHttpRequest) -> HttpResponse:
    from jaga.stats import charts

    board = code.dashboard()
    if request.GET.get("format") == "xlsx":
        header = ["company", "sector", "membership", "member_since", *[f"criterion_{int(c)}" for c in CodeCriterion],
                  "latest_report", "latest_report_status"]  # fmt: skip
        rows = []
        for member in board.members:
            status = {p.criterion: p.status for p in member.progress.all()}
            latest = code.latest_report(member)
            rows.append([member.organisation.name, member.sector, member.status, member.joined_on,
                         *[status.get(int(c), "") for c in CodeCriterion],
                         latest.year if latest else "", latest.status if latest else ""])  # fmt: skip
        return table_response(header, rows, "xlsx", "jaga-the-code.xlsx", sheet="the code")
    form = CodeMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = code.member_add(actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Company added to The Code."))
            return redirect("programs:code_member", member_id=member.pk)
    chart = charts.bars(
        _("Member companies meeting each criterion"), [(label, n, str(n)) for _c, label, n in board.per_criterion]
    )
    members = [(m, code.met_count(m), code.latest_report(m)) for m in board.members]
    return render(
        request,
        "programs/code_dashboard.html",
        {"board": board, "rows": members, "chart": chart, "form": form, "six": len(CodeCriterion)},
    )


@require_http_methods(["GET", "POST"])
@require_perm("programs.manage")
def code_member_view(request: AuthedHttpRequest, member_id: Any) -> HttpResponse:
    member = access_record(request.user, CodeMember.objects.select_related("organisation"), pk=member_id)
    forms: dict[str, Any] = {
        "membership": MembershipForm(
            prefix="membership", initial={"status": member.status, "joined_on": member.joined_on}
        ),
        "progress": ProgressForm(prefix="progress"),
        "review": ReviewForm(prefix="review"),
    }
    if request.method == "POST":
        action = request.POST.get("action", "")
        form_class = {"membership": MembershipForm, "progress": ProgressForm, "review": ReviewForm}.get(action)
        if form_class is not None:
            form = forms[action] = form_class(request.POST, prefix=action)
            try:
                if form.is_valid():
                    _member_action(request, member, action, form.cleaned_data)
                    messages.success(request, _("Saved."))
                    return redirect("programs:code_member", member_id=member.pk)
            except ValidationError as exc:
                add_errors(form, exc)
    return render(
        request,
        "programs/code_member.html",
        {
            "member": member,
            "progress": member.progress.select_related("updated_by"),
            "reports": [(report, code.claims(report)) for report in member.reports.all()],
            "forms": forms,
        },
    )


def _member_action(request: HttpRequest, member: CodeMember, action: str, data: dict[str, Any]) -> None:
    actor: Any = request.user
    if action == "membership":
        code.membership_set(actor=actor, member=member, request=request, **data)
    elif action == "progress":
        code.progress_set(actor=actor, member=member, request=request, **data)
    else:
        report = access_record(request.user, member.reports, pk=request.POST.get("report"))
        code.report_review(
            actor=actor, report=report, verified=data["decision"] == "verify", note=data["note"], request=request
        )


@require_http_methods(["GET", "POST"])
@require_perm("programs.submit_code_report")
def code_report_view(request: AuthedHttpRequest) -> HttpResponse:
    """The company's page: where it stands on each criterion, and its annual report."""
    member = code.member_of(request.user)
    if member is None:
        return render(request, "programs/code_report.html", {"member": None})
    form = CodeReportForm(request.POST or None, initial={"year": code.report_year_default()})
    if request.method == "POST" and form.is_valid():
        try:
            code.report_submit(
                actor=request.user,
                data=code.ReportInput(
                    year=form.cleaned_data["year"],
                    staff_trained=form.cleaned_data["staff_trained"],
                    criteria=form.criteria(),
                ),
                request=request,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Report sent. A programme officer will verify it."))
            return redirect("programs:code_report")
    return render(
        request,
        "programs/code_report.html",
        {
            "member": member,
            "progress": member.progress.all(),
            "reports": [(report, code.claims(report)) for report in member.reports.all()],
            "form": form,
            "submitted": CodeReport.Status.SUBMITTED,
        },
    )
