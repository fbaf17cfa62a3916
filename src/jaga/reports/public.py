"""The public archive of annual reports (/laporan/): every published edition with its PDF, HTML and
data in both languages; a corrected edition stays, marked as superseded, beside its correction."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from jaga.core.doors import public
from jaga.core.lookups import one_or_404
from jaga.reports.models import LANGS, AnnualReport, ReportFile
from jaga.reports.views import file_response

EXTENSIONS = {"pdf": "pdf", "html": "html", "zip": "data"}


def published() -> QuerySet[AnnualReport]:
    states = [AnnualReport.State.PUBLISHED, AnnualReport.State.SUPERSEDED]
    return AnnualReport.objects.filter(state__in=states).select_related("province", "organisation", "correction")


@require_safe
@public("published annual reports")
def archive_view(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/archive.html", {"editions": published()})


@require_safe
@public("published annual reports")
def edition_view(request: HttpRequest, report_id: Any) -> HttpResponse:
    edition = one_or_404(published(), pk=report_id)
    files = edition.files.defer("data").order_by("lang", "kind")
    return render(request, "reports/edition_page.html", {"edition": edition, "files": files})


@require_safe
@public("published annual reports")
def edition_file_view(request: HttpRequest, report_id: Any, lang: str, ext: str) -> HttpResponse:
    if lang not in LANGS or ext not in EXTENSIONS:
        raise Http404
    edition = one_or_404(published(), pk=report_id)
    return file_response(one_or_404(ReportFile.objects.filter(report=edition), kind=EXTENSIONS[ext], lang=lang))
