from __future__ import annotations

import json
import secrets
import uuid
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from jaga.accounts.access import reauthenticated_recently, redirect_to_reauth, require_perm
from jaga.accounts.permissions import user_has_perm
from jaga.accounts.requests import AuthedHttpRequest
from jaga.audit.services import record
from jaga.cases import services
from jaga.cases.access import access_case, access_draft, is_owner, may_see_identity
from jaga.cases.details import legal_process_update, perpetrator_add, service_record_add
from jaga.cases.drafts import intake_draft_create, intake_draft_delete, intake_draft_save
from jaga.cases.facts import change_rows
from jaga.cases.forms import (
    AttachmentForm,
    CaseFilterForm,
    CaseIntakeForm,
    ConsentForm,
    LegalProcessForm,
    NoteForm,
    PerpetratorForm,
    ReferralForm,
    ServiceRecordForm,
)
from jaga.cases.forms_workflow import TaskForm
from jaga.cases.models import Case, IntakeDraft, Referral, Status
from jaga.cases.referrals import OPEN_STATES
from jaga.cases.selectors import case_list, overdue_among
from jaga.cases.views_assignment import AssignForm, CoworkerForm
from jaga.cases.views_workflow import case_work
from jaga.core import crypto
from jaga.core.forms import add_errors
from jaga.core.pagination import CappedPaginator

PAGE_SIZE = 25


def _form_errors(form: Any, exc: ValidationError) -> None:
    """Service errors are keyed by path (``child.nik``); form fields by name (``child_nik``)."""
    for key, errors in exc.message_dict.items():
        name = key.replace(".", "_")
        form.add_error(name if name in form.fields else None, errors)


SEARCHES_KEPT = 20


def _search_keep(request: HttpRequest, words: str) -> str:
    """What was searched for (a NIK, a name) stays in the session, encrypted; the URL carries a token."""
    token = secrets.token_urlsafe(9)
    searches = request.session.get("case_searches", {})
    searches[token] = crypto.encrypt(words, context="cases.search")
    request.session["case_searches"] = dict(list(searches.items())[-SEARCHES_KEPT:])
    return token


def _search_words(request: HttpRequest, token: str) -> str | None:
    sealed = request.session.get("case_searches", {}).get(token)
    try:
        return crypto.decrypt(sealed, context="cases.search") if sealed else None
    except crypto.DecryptionError:  # sealed under a key since retired: as good as expired
        return None


def _filtered_cases(request: HttpRequest) -> tuple[CaseFilterForm, dict[str, Any], Any]:
    """The list's filters from the query string (the page and its exports read the same ones); the
    search words from the session, named by the ``search`` token (never from the URL itself)."""
    data = request.GET.copy()
    data.pop("q", None)
    token = request.GET.get("search", "")
    if token:
        words = _search_words(request, token)
        if words is None:
            messages.info(request, _("That search has expired: search again."))
        else:
            data["q"] = words
    data.pop("search", None)
    data.pop("page", None)
    data.pop("identity", None)
    form = CaseFilterForm(data or None)
    filters = form.cleaned_data if form.is_valid() else {}
    cases = case_list(user=request.user, **{k: v for k, v in filters.items() if v not in (None, "")})
    return form, filters, cases


def _search_redirect(request: HttpRequest) -> HttpResponse | None:
    """A posted search: its filters into the URL, its words into the session (Post/Redirect/Get)."""
    form = CaseFilterForm(request.POST)
    if not form.is_valid():
        return None
    query = {k: v for k, v in request.POST.items() if k in form.fields and k != "q" and v}
    words = form.cleaned_data["q"].strip()
    if words:
        query["search"] = _search_keep(request, words)
    return redirect(f"{reverse('cases:list')}?{urlencode(query)}" if query else reverse("cases:list"))


@require_http_methods(["GET", "POST"])
@require_perm("cases.view")
def case_list_view(request: AuthedHttpRequest) -> HttpResponse:
    if request.method == "POST" and (done := _search_redirect(request)):
        return done
    form, filters, cases = _filtered_cases(request)
    if request.method == "POST":  # a search that did not validate: its errors, on the same page
        form = CaseFilterForm(request.POST)
        form.is_valid()
    page = CappedPaginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    if filters.get("q") and may_see_identity(request.user):
        # A search may have compared names: recorded, without the words searched for.
        record("cases.case.searched", actor=request.user, request=request, details={"results": page.paginator.count})
    query = request.GET.copy()
    query.pop("page", None)
    page.object_list = list(page.object_list)
    names, full = _child_names(request, page.object_list)
    late = overdue_among([case.pk for case in page.object_list])
    for case in page.object_list:
        case.child_label = names.get(str(case.pk), "—")
        case.overdue = case.pk in late
    return render(
        request,
        "cases/case_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "full_names": full,
            **_bulk_assign(request),
        },
        status=400 if request.method == "POST" else 200,
    )


def initials(name: str) -> str:
    """ "Sinta Maharani" -> "S. M.": enough to tell two rows apart, not enough to name the child."""
    return " ".join(f"{part[0].upper()}." for part in name.split() if part[:1].isalpha()) or "—"


def _child_names(request: HttpRequest, cases: list[Any]) -> tuple[dict[str, str], bool]:
    """The children of one page of the list: full names for those who may see identities and have
    re-authenticated in this session (each case's read audited), initials for everyone else."""
    from jaga.audit.services import record_many
    from jaga.cases.models import Child

    rows = Child.objects.filter(case__in=cases).values_list("case_id", "full_name", "erased_at")
    full = may_see_identity(request.user) and reauthenticated_recently(request)
    names = {
        str(case_id): "—" if erased else (name or "—") if full else initials(name or "")
        for case_id, name, erased in rows
    }
    if full and cases:
        record_many(
            "cases.case.identity_viewed", actor=request.user, targets=cases, request=request, details={"via": "list"}
        )
    return names, full


def _bulk_assign(request: AuthedHttpRequest) -> dict[str, Any]:
    """The form under the list that gives ticked cases to a caseworker, for those who assign."""
    if not user_has_perm(request.user, "cases.assign"):
        return {"assign_form": None}
    form = AssignForm(organisation_id=request.user.organisation_id)
    for field in form.fields.values():  # the inputs sit under the table, the form element above it
        field.widget.attrs["form"] = "assign-many"
    return {"assign_form": form}


@require_http_methods(["GET", "POST"])
@require_perm("cases.edit")
def case_create_view(request: AuthedHttpRequest, draft_id: Any = None) -> HttpResponse:
    """The intake form, one section at a time; the draft is kept (encrypted) after every step."""
    user = request.user
    if draft_id is None:
        if request.method == "GET":
            drafts = [(draft, _draft_name(draft)) for draft in user.intake_drafts.all()]
            return render(request, "cases/draft_list.html", {"drafts": drafts})
        draft = intake_draft_create(actor=user, request=request)
        return redirect("cases:draft", draft_id=draft.pk)
    draft = access_draft(user, draft_id)
    today = timezone.localdate().isoformat()
    stored: dict[str, Any] = {"registered_on": today, "consent_given_on": today, **json.loads(draft.data or "{}")}
    sections = CaseIntakeForm.SECTIONS
    step = min(draft.step, len(sections) - 1)
    if request.method == "POST":
        action = request.POST.get("action", "next")
        if action == "discard":  # asks first
            return render(request, "cases/draft_delete.html", {"draft": draft, "name": _draft_name(draft)})
        if action == "discard_confirmed":
            intake_draft_delete(actor=user, draft=draft, reason="discarded", request=request)
            messages.info(request, _("The draft is deleted."))
            return redirect("cases:create")
        names = sections[step][1]
        for name in names:  # what this step shows replaces what was stored for it
            values = request.POST.getlist(name)
            stored[name] = values if name == "forms" else (values[0] if values else "")
        form = CaseIntakeForm(stored)
        step_has_errors = any(name in form.errors for name in names)
        if action == "back" or (not step_has_errors and step < len(sections) - 1):
            next_step = max(step - 1, 0) if action == "back" else step + 1
            intake_draft_save(actor=user, draft=draft, data=stored, step=next_step, request=request)
            return redirect("cases:draft", draft_id=draft.pk)
        if not step_has_errors and form.is_valid():
            try:
                lead = False if form.cleaned_data.get("leave_for_supervisor") else None
                case = services.case_register(actor=user, data=form.to_input(), request=request, lead=lead)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                intake_draft_delete(actor=user, draft=draft, reason="registered", request=request)
                messages.success(request, _("Case %(reference)s is registered.") % {"reference": case.reference})
                return redirect("cases:detail", case_id=case.pk)
        # Show the first step that needs attention, with its errors.
        step = _first_step_with_errors(form, step)
        intake_draft_save(actor=user, draft=draft, data=stored, step=step, request=request)
        return _intake_page(request, draft, form, step)
    return _intake_page(request, draft, CaseIntakeForm(initial=stored), step)


def _page_parts(request: HttpRequest, case: Case) -> dict[str, Any]:
    """What the apps above cases add to its page (JAGA_CASE_PAGE_PARTS: linkage's "known elsewhere" and
    referral asks): cases does not import them."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    parts: dict[str, Any] = {}
    for path in settings.JAGA_CASE_PAGE_PARTS:
        parts.update(import_string(path)(request.user, case))
    return parts


def _draft_name(draft: IntakeDraft) -> str:
    """A draft named by what it holds, never by the child: date, source, place and how far it got."""
    from jaga.cases.models import Source
    from jaga.regions.models import Region

    data = json.loads(draft.data or "{}")
    parts = [data.get("registered_on") or ""]
    parts.append(str(dict(Source.choices).get(data.get("source", ""), "")))
    regency = data.get("exploitation_regency")
    if regency:
        parts.append(Region.objects.filter(code=regency).values_list("name", flat=True).first() or "")
    step = _("step %(n)s of %(total)s") % {"n": draft.step + 1, "total": len(CaseIntakeForm.SECTIONS)}
    return " · ".join([part for part in parts if part] + [step])


def _first_step_with_errors(form: CaseIntakeForm, default: int) -> int:
    for index, (_title, names) in enumerate(CaseIntakeForm.SECTIONS):
        if any(name in form.errors for name in names) or (index == 0 and form.non_field_errors()):
            return index
    return default


def _intake_page(request: HttpRequest, draft: IntakeDraft, form: CaseIntakeForm, step: int) -> HttpResponse:
    title, names = form.SECTIONS[step]
    return render(
        request,
        "cases/case_form.html",
        {
            "form": form,
            "draft": draft,
            "step": step,
            "steps": [section_title for section_title, _names in form.SECTIONS],
            "title": title,
            "fields": [form[name] for name in names],
            "last": step == len(form.SECTIONS) - 1,
            "show_errors": form.is_bound,
        },
    )


def _assignment(request: HttpRequest, case: Case) -> dict[str, Any]:
    """Who works on the case in the viewer's organisation (the lead, or the caseworker the receiving
    organisation gave a referred case to), and the form to change it for those who assign."""
    user = request.user
    lead = case.assigned_to
    if case.organisation_id != user.organisation_id:  # type: ignore[union-attr]
        referral = case.referrals.filter(to_organisation_id=user.organisation_id, state=Referral.State.ACCEPTED)  # type: ignore[union-attr]
        lead = getattr(referral.select_related("assigned_to").first(), "assigned_to", None)
    may_assign = user_has_perm(user, "cases.assign") and case.status != Status.CLOSED
    form = AssignForm(organisation_id=user.organisation_id) if may_assign else None  # type: ignore[union-attr]
    beside = may_assign and is_owner(user, case)
    return {
        "lead": lead,
        "assign_form": form,
        "coworkers": case.coworkers.select_related("user") if is_owner(user, case) else [],
        "coworker_form": CoworkerForm(organisation_id=user.organisation_id) if beside else None,  # type: ignore[union-attr]
    }


def _detail(
    request: AuthedHttpRequest,
    case: Case,
    *,
    identity: bool,
    attachment_form: Any = None,
    task_form: Any = None,
    bound: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The case page; ``bound`` holds a refused small form (note, consent, referral, a part), shown again
    with what was typed and its errors."""
    bound = bound or {}
    services.case_viewed(actor=request.user, case=case, via="page", identity=identity, request=request)
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
            "work": case_work(request, case),
            "task_form": task_form or TaskForm(organisation_id=request.user.organisation_id),
            "note_form": bound.get("note") or NoteForm(),
            "owner": is_owner(request.user, case),
            "referrals": case.referrals.select_related("to_organisation"),
            "open_states": OPEN_STATES,
            "perpetrators": case.perpetrators.all(),
            "attachments": case.attachments.defer("data"),
            "attachment_form": attachment_form or AttachmentForm(),
            "consent_form": bound.get("consent") or ConsentForm(prefix="consent"),
            "service_records": case.services.select_related("provider"),
            "legal": getattr(case, "legal", None),
            "bound": bound,
            "part_forms": {
                "perpetrator": bound.get("perpetrator") or PerpetratorForm(prefix="perpetrator"),
                "service": bound.get("service") or ServiceRecordForm(prefix="service"),
                # Pre-filled from the record, but never with its encrypted field on a masked page.
                "legal": bound.get("legal")
                or LegalProcessForm(
                    prefix="legal",
                    instance=getattr(case, "legal", None),
                    initial=None if identity else {"police_report_number": ""},
                ),
            },
            "referral_form": (bound.get("referral") or ReferralForm(case=case, initial=_referral_initial(request)))
            if is_owner(request.user, case)
            else None,
            **_page_parts(request, case),
            **_assignment(request, case),
            "changes": change_rows(case),
        },
        status=status,
    )


def _referral_initial(request: HttpRequest) -> dict[str, Any]:
    """``?refer_to=ORGANISATION`` (from an ask found by linkage) preselects the organisation."""
    try:
        return {"to_organisation": uuid.UUID(request.GET.get("refer_to", ""))}
    except ValueError:
        return {}


@require_safe
@require_perm("cases.view")
def case_detail_view(request: AuthedHttpRequest, case_id: Any) -> HttpResponse:
    """The case with identity fields masked; every view is audited."""
    return _detail(request, access_case(request.user, case_id), identity=False)


@require_safe
@require_perm("cases.view_identity")
def case_identity_view(request: AuthedHttpRequest, case_id: Any) -> HttpResponse:
    """The same page with the child's identity and the notes, after a recent re-authentication.

    Scope first, so that a case outside it answers 404 before anything asks for a password.
    """
    case = access_case(request.user, case_id)
    if not reauthenticated_recently(request):
        return redirect_to_reauth(request)
    return _detail(request, case, identity=True)


@require_POST
@require_perm("cases.edit")
def note_add_view(request: AuthedHttpRequest, case_id: Any) -> HttpResponse:
    case = access_case(request.user, case_id)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.note_add(actor=request.user, case=case, text=form.cleaned_data["text"], request=request)
        messages.success(request, _("The note is saved."))
        return redirect("cases:identity", case_id=case.pk)
    if not reauthenticated_recently(request):
        return redirect_to_reauth(request)
    return _detail(request, case, identity=True, bound={"note": form}, status=400)


def _flash_errors(request: HttpRequest, exc: ValidationError) -> None:
    for error in exc.messages:
        messages.error(request, error)


# The parts of a case added from its page: (form, service, what the caseworker is told).
PARTS: dict[str, tuple[Any, Any, Any]] = {
    "perpetrator": (PerpetratorForm, perpetrator_add, gettext_lazy("The perpetrator is recorded.")),
    "service": (ServiceRecordForm, service_record_add, gettext_lazy("The service is recorded.")),
    "legal": (LegalProcessForm, legal_process_update, gettext_lazy("The legal process is updated.")),
}


@require_POST
@require_perm("cases.edit")
def case_part_view(request: AuthedHttpRequest, case_id: Any, part: str) -> HttpResponse:
    case = access_case(request.user, case_id)
    if part not in PARTS:
        raise Http404
    form_class, service, done = PARTS[part]
    form = form_class(request.POST, prefix=part)
    if form.is_valid():
        try:
            service(actor=request.user, case=case, request=request, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("cases:detail", case_id=case.pk)
    return _detail(request, case, identity=False, bound={part: form}, status=400)
