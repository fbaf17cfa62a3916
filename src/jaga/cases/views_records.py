"""A case's records beside its file: data-subject rights (supervisors), its facts, attachments, consent."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from jaga.accounts.access import reauthenticated_recently, redirect_to_reauth, require_perm
from jaga.accounts.requests import AuthedHttpRequest
from jaga.cases import attachments, services, subject
from jaga.cases.access import access_case, is_owner
from jaga.cases.facts import case_facts_update, change_rows, facts_of
from jaga.cases.forms import AttachmentForm, ConsentForm, EraseForm, FactsForm, SubjectCorrectForm
from jaga.cases.inputs import ChildInput, ConsentInput
from jaga.cases.views import _detail, _form_errors
from jaga.core.files import download
from jaga.core.forms import add_errors


@require_http_methods(["GET", "POST"])
@require_perm("cases.subject_rights")
def subject_view(request: AuthedHttpRequest, case_id: Any) -> HttpResponse:
    """The four rights on one page; each action needs a recent re-authentication."""
    case = access_case(request.user, case_id)
    if not is_owner(request.user, case):
        raise Http404  # the rights are exercised where the child's file is kept, not by a referral's receiver
    if not reauthenticated_recently(request):
        return redirect_to_reauth(request)
    child = case.child
    identity = services.identity_of(child)
    correct = SubjectCorrectForm(
        request.POST if request.POST.get("action") == "correct" else None,
        initial={**identity, "date_of_birth": identity["date_of_birth"] or None},
    )
    erase = EraseForm(request.POST if request.POST.get("action") == "erase" else None)
    action = request.POST.get("action")
    try:
        if action == "export":
            body = subject.subject_export(actor=request.user, case=case, request=request)
            response = HttpResponse(body, content_type="application/json; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="jaga-{case.reference}-data.json"'
            return response
        if action == "correct" and correct.is_valid():
            data = ChildInput(**correct.cleaned_data)
            subject.subject_correct(actor=request.user, case=case, data=data, request=request)
            messages.success(request, _("The child's identity is corrected."))
            return redirect("cases:subject", case_id=case.pk)
        if action in ("restrict", "unrestrict"):
            subject.subject_restrict(actor=request.user, case=case, restrict=action == "restrict", request=request)
            messages.success(request, _("The restriction is recorded."))
            return redirect("cases:subject", case_id=case.pk)
        if action == "erase" and erase.is_valid():
            subject.subject_erase(actor=request.user, case=case, confirm=erase.cleaned_data["confirm"], request=request)
            messages.success(request, _("The child's identity is erased; the anonymous statistics remain."))
            return redirect("cases:detail", case_id=case.pk)
    except ValidationError as exc:
        _form_errors(correct if action == "correct" else erase, exc)
    # The page shows the identity (in the correction form): a read like any other, audited.
    services.case_viewed(actor=request.user, case=case, via="data_subject", identity=True, request=request)
    return render(request, "cases/subject.html", {"case": case, "correct": correct, "erase": erase})


@require_http_methods(["GET", "POST"])
@require_perm("cases.edit")
def case_facts_view(request: AuthedHttpRequest, case_id: Any) -> HttpResponse:
    """Corrects the case's facts on a page of its own (two region lists would weigh down every case page);
    refused input answers 400 with the form as typed."""
    case = access_case(request.user, case_id)
    if not is_owner(request.user, case):
        raise PermissionDenied
    form = FactsForm(request.POST or None, initial=FactsForm.initial_from(facts_of(case)))
    if request.method == "POST" and form.is_valid():
        try:
            changed = case_facts_update(
                actor=request.user,
                case=case,
                changes=form.changes(),
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The facts are saved.") if changed else _("Nothing was changed."))
            return redirect("cases:detail", case_id=case.pk)
    context = {"case": case, "form": form, "changes": change_rows(case)}
    return render(request, "cases/facts.html", context, status=400 if form.errors else 200)


@require_POST
@require_perm("cases.edit")
def attachment_upload_view(request: AuthedHttpRequest, case_id: Any) -> HttpResponse:
    """A refused file answers 400 with the case page and the reason beside the upload field."""
    case = access_case(request.user, case_id)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            attachments.attachment_add(
                actor=request.user,
                case=case,
                filename=upload.name,
                data=upload.read(),
                request=request,
            )
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        else:
            messages.success(request, _("The document is attached (encrypted)."))
            return redirect("cases:detail", case_id=case.pk)
    return _detail(request, case, identity=False, attachment_form=form, status=400)


@require_safe
@require_perm("cases.view_identity")
def attachment_download_view(request: AuthedHttpRequest, case_id: Any, attachment_id: Any) -> HttpResponse:
    case = access_case(request.user, case_id)
    attachment = case.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    if not reauthenticated_recently(request):
        return redirect_to_reauth(request)
    data = attachments.attachment_read(actor=request.user, attachment=attachment, request=request)
    return download(data, content_type=attachment.content_type, filename=f"jaga-{attachment.pk}")


@require_POST
@require_perm("cases.edit")
def consent_view(request: AuthedHttpRequest, case_id: Any) -> HttpResponse:
    case = access_case(request.user, case_id)
    form = ConsentForm(request.POST, prefix="consent")
    if form.is_valid():
        try:
            services.consent_record(
                actor=request.user,
                case=case,
                consent=ConsentInput(**form.cleaned_data),
                request=request,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The consent is recorded."))
            return redirect("cases:detail", case_id=case.pk)
    return _detail(request, case, identity=False, bound={"consent": form}, status=400)
