"""The annual report's pages for the people who make it: the list, and one edition's page with its
narrative, comments, workflow and files. The public archive is in ``public.py``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from jaga.accounts.access import require_perm
from jaga.accounts.permissions import user_has_perm
from jaga.accounts.requests import AuthedHttpRequest
from jaga.audit.services import record
from jaga.core.forms import add_errors
from jaga.core.lookups import one_or_404
from jaga.regions.models import Region
from jaga.reports import render as edition
from jaga.reports import services
from jaga.reports.forms import CommentForm, CorrectionsForm, NarrativeForm, ReportForm, ReturnForm
from jaga.reports.models import LANGS, AnnualReport, ReportComment, ReportFile

CONTENT_TYPES = {"pdf": "application/pdf", "html": "text/html; charset=utf-8", "data": "application/zip"}


@require_http_methods(["GET", "POST"])
@require_perm("reports.edit")
def report_list_view(request: AuthedHttpRequest) -> HttpResponse:
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        province = Region.objects.filter(code=data["province"]).first() if data["province"] else None
        try:
            report = services.report_create(
                actor=request.user, year=data["year"], scope=data["scope"], province=province, request=request
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The report is started: write its texts, then send it for approval."))
            return redirect("reports:detail", report_id=report.pk)
    reports = AnnualReport.objects.filter(owner=request.user.organisation).select_related("province", "organisation")
    return render(request, "reports/list.html", {"reports": reports, "form": form}, status=400 if form.errors else 200)


def _report(request: AuthedHttpRequest, report_id: Any) -> AnnualReport:
    """One of the user's organisation's reports (another organisation's is not found)."""
    return one_or_404(
        AnnualReport.objects.select_related("province", "organisation", "owner", "previous"),
        pk=report_id,
        owner=request.user.organisation_id,
    )


def _parts(report: AnnualReport, content: dict[str, Any]) -> list[tuple[str, Any]]:
    titles = {item["key"]: item["title"] for item in content["sections"]}
    return [
        ("general", _("The report as a whole")),
        ("foreword", _("Foreword")),
        ("messages", _("Key messages")),
        *((f"section:{key}", titles[key]) for key in titles),
    ]


ACTIONS = {
    "submit": (services.report_submit, _("Sent for approval.")),
    "approve": (services.report_approve, _("Approved: the figures are frozen as of now.")),
    "publish": (services.report_publish, _("The files are being made; the edition is published when they are.")),
    "files": (services.report_files_make, _("The files are being made; this page shows the progress.")),
}


@require_http_methods(["GET", "POST"])
@require_perm("reports.edit")
def report_detail_view(request: AuthedHttpRequest, report_id: Any) -> HttpResponse:
    report = _report(request, report_id)
    lang = translation.get_language() or "id"
    lang = lang if lang in LANGS else "id"
    content = services.content_of(report, lang)
    parts = _parts(report, content)
    comment, back, corrections = (
        CommentForm(parts=parts),
        ReturnForm(),
        CorrectionsForm(initial={"text": report.corrections}),
    )
    errors: list[str] = []
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action in ACTIONS:
                run, done = ACTIONS[action]
                run(actor=request.user, report=report, request=request)
                messages.success(request, done)
                return redirect("reports:detail", report_id=report.pk)
            if action == "narrative":
                key = request.POST.get("key", "")
                form = NarrativeForm(request.POST, prefix=key.replace(":", "-"))
                if form.is_valid():
                    texts = {"id": form.cleaned_data["text_id"], "en": form.cleaned_data["text_en"]}
                    services.narrative_save(actor=request.user, report=report, key=key, texts=texts, request=request)
                    messages.success(request, _("Saved."))
                    return redirect(f"{request.path}#part-{key.replace(':', '-')}")
            elif action == "comment":
                comment = CommentForm(request.POST, parts=parts)
                if comment.is_valid():
                    services.comment_add(actor=request.user, report=report, request=request, **comment.cleaned_data)
                    messages.success(request, _("Comment added."))
                    return redirect("reports:detail", report_id=report.pk)
            elif action == "resolve":
                item = one_or_404(ReportComment.objects.filter(report=report), pk=request.POST.get("comment"))
                services.comment_resolve(actor=request.user, comment=item, request=request)
                return redirect("reports:detail", report_id=report.pk)
            elif action == "return":
                back = ReturnForm(request.POST)
                if back.is_valid():
                    services.report_return(actor=request.user, report=report, request=request, **back.cleaned_data)
                    messages.success(request, _("Returned to the authors with your comment."))
                    return redirect("reports:detail", report_id=report.pk)
            elif action == "corrections":
                corrections = CorrectionsForm(request.POST)
                if corrections.is_valid():
                    services.corrections_save(
                        actor=request.user, report=report, text=corrections.cleaned_data["text"], request=request
                    )
                    messages.success(request, _("Saved."))
                    return redirect("reports:detail", report_id=report.pk)
            elif action == "correct":
                new = services.report_correct(actor=request.user, report=report, request=request)
                messages.success(request, _("Version %(v)s is started as a draft.") % {"v": new.version})
                return redirect("reports:detail", report_id=new.pk)
            else:
                raise Http404
        except ValidationError as exc:
            errors = exc.messages

    def narrative(key: str) -> NarrativeForm:
        initial = {"text_id": report.text(key, "id"), "text_en": report.text(key, "en")}
        return NarrativeForm(initial=initial, prefix=key.replace(":", "-"))

    sections = [
        {
            **item,
            "part": f"section:{item['key']}",
            "anchor": f"section-{item['key']}",
            "form": narrative(f"section:{item['key']}"),
            "blocks": [{**b, "svg": edition.chart(b)} for b in item["blocks"]],
        }
        for item in content["sections"]
    ]
    context = {
        "report": report,
        "sections": sections,
        "intro": [
            (
                key,
                label,
                NarrativeForm(
                    initial={"text_id": report.text(key, "id"), "text_en": report.text(key, "en")}, prefix=key
                ),
            )
            for key, label in parts[1:3]
        ],
        "comments": [(c, dict(parts).get(c.section, c.section)) for c in report.comments.select_related("created_by")],
        "comment": comment,
        "back": back,
        "corrections": corrections,
        "errors": errors,
        "head": user_has_perm(request.user, "reports.approve"),
        "files": report.files.order_by("lang", "kind").defer("data"),
    }
    status = 400 if errors or comment.errors or back.errors else 200
    return render(request, "reports/detail.html", context, status=status)


@require_safe
@require_perm("reports.edit")
def report_preview_view(request: AuthedHttpRequest, report_id: Any, lang: str) -> HttpResponse:
    """The HTML edition as it stands (live figures before approval), in one language."""
    report = _report(request, report_id)
    if lang not in LANGS:
        raise Http404
    page = edition.html(
        services.content_of(report, lang),
        narrative=report.narrative,
        lang=lang,
        state=report.state,
        extra=services.edition_extra(report, lang),
    )
    return edition_response(HttpResponse(page, content_type="text/html; charset=utf-8"), page)


def edition_response(response: HttpResponse, page: str) -> HttpResponse:
    """The HTML edition carries its styles inline (it is one file, also saved and printed): the page's
    policy allows exactly those style blocks, by their hashes, and still no script."""
    response._csp_update = {"style-src": edition.style_hashes(page)}  # type: ignore[attr-defined]  # django-csp
    return response


@require_safe
@require_perm("reports.edit")
def report_file_view(request: AuthedHttpRequest, report_id: Any, kind: str, lang: str) -> HttpResponse:
    report = _report(request, report_id)
    made = one_or_404(ReportFile.objects.filter(report=report), kind=kind, lang=lang)
    record(
        "reports.file.downloaded",
        actor=request.user,
        target=report,
        request=request,
        details={"kind": kind, "lang": lang},
    )
    return file_response(made)


def file_response(made: ReportFile) -> HttpResponse:
    response = HttpResponse(bytes(made.data), content_type=CONTENT_TYPES[made.kind])
    if made.kind == "html":
        edition_response(response, bytes(made.data).decode("utf-8"))
    disposition = "inline" if made.kind in ("pdf", "html") else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{made.filename}"'
    response["X-Content-SHA256"] = made.sha256
    return response
