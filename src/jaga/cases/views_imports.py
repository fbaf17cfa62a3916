"""Imports and exports of cases: the jobs with their progress and errors, the templates, the export."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from jaga.accounts.access import reauthenticated_recently, redirect_to_reauth, require_perm
from jaga.accounts.requests import AuthedHttpRequest
from jaga.cases import exports, imports
from jaga.cases.access import may_see_identity
from jaga.cases.forms import ImportForm
from jaga.cases.models import ImportJob
from jaga.cases.views import _filtered_cases
from jaga.core.tables import ImportFileError, csv_download


@require_http_methods(["GET", "POST"])
@require_perm("cases.edit")
def import_list_view(request: AuthedHttpRequest) -> HttpResponse:
    imports.import_jobs_expire_stale()
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = imports.import_job_create(
                actor=request.user,
                filename=upload.name,
                data=upload.read(),
                request=request,
            )
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("cases:import", job_id=job.pk)
    jobs = ImportJob.objects.filter(organisation_id=request.user.organisation_id).defer("data")[:20]
    context = {"form": form, "jobs": jobs, "columns": imports.COLUMNS}
    return render(request, "cases/import_list.html", context, status=400 if form.errors else 200)


def _job_for(request: AuthedHttpRequest, job_id: Any) -> ImportJob:
    job = ImportJob.objects.defer("data").filter(pk=job_id, organisation_id=request.user.organisation_id).first()
    if job is None:
        raise Http404
    return job


@require_http_methods(["GET", "POST"])
@require_perm("cases.edit")
def import_detail_view(request: AuthedHttpRequest, job_id: Any) -> HttpResponse:
    """Progress while the worker runs (the page refreshes itself, no script), then the outcome; a job
    the worker could not finish can be retried or cancelled here."""
    imports.import_jobs_expire_stale()
    job = _job_for(request, job_id)
    if request.method == "POST":
        action = request.POST.get("action")
        service = {"retry": imports.import_job_retry, "cancel": imports.import_job_cancel}.get(action or "")
        if service is None:
            return HttpResponse(status=400)
        try:
            service(actor=request.user, job=job, request=request)
        except ImportFileError as exc:
            messages.error(request, str(exc))
        return redirect("cases:import", job_id=job.pk)
    keeps_file = ImportJob.objects.filter(pk=job.pk).exclude(data=b"").exists()
    return render(request, "cases/import_detail.html", {"job": job, "keeps_file": keeps_file})


@require_safe
@require_perm("cases.edit")
def import_errors_view(request: AuthedHttpRequest, job_id: Any) -> HttpResponse:
    job = _job_for(request, job_id)
    response = HttpResponse(
        csv_download([_("Row"), _("Column"), _("Message")], job.errors), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="jaga-import-{job.pk}-errors.csv"'
    return response


@require_safe
@require_perm("cases.edit")
def import_template_view(request: AuthedHttpRequest, kind: str) -> HttpResponse:
    if kind == "csv":
        response = HttpResponse(imports.template_csv(), content_type="text/csv; charset=utf-8")
    elif kind == "xlsx":
        response = HttpResponse(
            imports.template_xlsx(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="jaga-cases-template.{kind}"'
    return response


@require_safe
@require_perm("cases.view")
def case_export_view(request: AuthedHttpRequest, fmt: str) -> HttpResponse:
    """The cases in the list (same filters); identity columns only on request, for allowed roles,
    after a recent re-authentication."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    identity = request.GET.get("identity") == "1"
    if identity:
        if not may_see_identity(request.user):
            raise PermissionDenied
        if not reauthenticated_recently(request):
            return redirect_to_reauth(request)
    _form, _filters, cases = _filtered_cases(request)
    data = exports.export_cases(actor=request.user, cases=cases, fmt=fmt, identity=identity, request=request)
    content_type = (
        "text/csv; charset=utf-8"
        if fmt == "csv"
        else ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    )
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="jaga-cases-{timezone.localdate().isoformat()}.{fmt}"'
    return response
