"""Training pages for programme officers: modules, sessions, participants, scores, certificates."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from jaga.accounts.access import require_perm
from jaga.accounts.requests import AuthedHttpRequest
from jaga.audit.services import record
from jaga.core.files import download
from jaga.core.forms import add_errors, set_choices
from jaga.core.qr import qr_data_uri
from jaga.core.tables import ImportFileError, table_response
from jaga.programs.access import access_record
from jaga.programs.training.certificates import certificate_pdf, certificate_revoke, certificates_issue
from jaga.programs.training.forms import (
    MaterialForm,
    ModuleForm,
    ParticipantForm,
    ParticipantImportForm,
    QuestionForm,
    RevokeForm,
    ScoreForm,
    SessionForm,
    TestsForm,
)
from jaga.programs.training.import_jobs import (
    participant_import_cancel,
    participant_import_create,
    participant_import_retry,
    participant_imports_expire_stale,
)
from jaga.programs.training.imports import import_template_xlsx
from jaga.programs.training.models import Certificate, Material, Module, Participant, TrainingSession
from jaga.programs.training.selectors import Gain, gain
from jaga.programs.training.services import (
    ParticipantInput,
    attendance_set,
    material_add,
    module_create,
    module_update,
    participant_add,
    participant_remove,
    question_add,
    question_set_active,
    score_enter,
    session_create,
    session_tests_set,
    session_update,
)


def _gain_rows(items: list[tuple[Any, Gain]]) -> list[tuple[Any, int | None, str]]:
    return [(label, round(g.mean_gain) if g.mean_gain is not None else None, _fmt(g.mean_gain)) for label, g in items]


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


@require_safe
@require_perm("programs.manage")
def training_view(request: AuthedHttpRequest) -> HttpResponse:
    from jaga.stats import charts

    modules = list(Module.objects.all())
    per_module = [(module, gain(Participant.objects.filter(session__module=module))) for module in modules]
    sessions = TrainingSession.objects.select_related("module", "region")
    if request.GET.get("format") == "xlsx":
        header = ["module", "starts_on", "ends_on", "place", "region", "participants", "attended", "mean_pre",
                  "mean_post", "mean_gain", "passed", "certificates"]  # fmt: skip
        rows = []
        for session in sessions:
            g = gain(session.participants.all())
            rows.append([session.module.title, session.starts_on, session.ends_on,
                         _("online") if session.online else session.place, session.region_id or "", g.participants,
                         g.attended, g.mean_pre, g.mean_post, g.mean_gain, g.passed, g.certificates])  # fmt: skip
        return table_response(header, rows, "xlsx", "jaga-training-sessions.xlsx", sheet="training sessions")
    chart = charts.bars(
        _("Mean knowledge gain per module (percentage points)"),
        _gain_rows([(module.title, g) for module, g in per_module]),
    )
    return render(
        request,
        "programs/training.html",
        {"per_module": per_module, "sessions": sessions, "chart": chart},
    )


@require_http_methods(["GET", "POST"])
@require_perm("programs.manage")
def module_create_view(request: AuthedHttpRequest, module_id: Any = None) -> HttpResponse:
    """A new module, or (with ``module_id``) the same form to change one."""
    module = access_record(request.user, Module, pk=module_id) if module_id else None
    # The form gets its own copy: a model form writes its data into its instance while it validates.
    form = ModuleForm(request.POST or None, instance=Module.objects.get(pk=module.pk) if module else None)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in ModuleForm.Meta.fields}
        try:
            if module is None:
                module = module_create(actor=request.user, request=request, **fields)
                messages.success(request, _("Module created. Add its materials and questions."))
            else:
                module_update(actor=request.user, module=module, request=request, **fields)
                messages.success(request, _("Module saved."))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return redirect("programs:module", module_id=module.pk)
    return render(request, "programs/module_form.html", {"form": form, "module": module})


@require_http_methods(["GET", "POST"])
@require_perm("programs.manage")
def module_detail_view(request: AuthedHttpRequest, module_id: Any) -> HttpResponse:
    module = access_record(request.user, Module, pk=module_id)
    material_form, question_form = MaterialForm(prefix="material"), QuestionForm(prefix="question")
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "material":
                material_form = MaterialForm(request.POST, request.FILES, prefix="material")
                if material_form.is_valid():
                    upload = material_form.cleaned_data["file"]
                    material = material_add(
                        actor=request.user,
                        module=module,
                        title=material_form.cleaned_data["title"],
                        changes=material_form.cleaned_data["changes"],
                        name=upload.name,
                        content=upload.read(),
                        request=request,
                    )
                    messages.success(request, _("Version %(version)s uploaded.") % {"version": material.version})
                    return redirect("programs:module", module_id=module.pk)
            elif action == "question":
                question_form = QuestionForm(request.POST, prefix="question")
                if question_form.is_valid():
                    data = question_form.cleaned_data
                    options = [data[f"option_{n}"] for n in range(1, 5)]
                    if not options[data["answer"] - 1].strip():
                        raise ValidationError({"answer": [_("The correct option is empty.")]})
                    question_add(
                        actor=request.user,
                        module=module,
                        text=data["text"],
                        options=[o for o in options if o.strip()],
                        answer=sum(1 for o in options[: data["answer"]] if o.strip()) - 1,  # among those given
                        request=request,
                    )
                    messages.success(request, _("Question added."))
                    return redirect("programs:module", module_id=module.pk)
            elif action in ("retire", "restore"):
                question = access_record(request.user, module.questions, pk=request.POST.get("question"))
                question_set_active(
                    actor=request.user,
                    question=question,
                    active=action == "restore",
                    request=request,
                )
                return redirect("programs:module", module_id=module.pk)
        except ValidationError as exc:
            add_errors(material_form if action == "material" else question_form, exc)
    sessions = module.sessions.select_related("region")
    return render(
        request,
        "programs/module_detail.html",
        {
            "module": module,
            "outline": [line for line in module.outline.splitlines() if line.strip()],
            "materials": module.materials.defer("content"),
            "questions": module.questions.all(),
            "sessions": sessions,
            "gain": gain(Participant.objects.filter(session__module=module)),
            "material_form": material_form,
            "question_form": question_form,
        },
        status=400 if material_form.errors or question_form.errors else 200,
    )


@require_safe
@require_perm("programs.manage")
def material_download_view(request: AuthedHttpRequest, material_id: Any) -> HttpResponse:
    material = access_record(request.user, Material, pk=material_id)
    return download(bytes(material.content), content_type=material.file_type, filename=material.file_name)


@require_http_methods(["GET", "POST"])
@require_perm("programs.manage")
def session_create_view(request: AuthedHttpRequest, session_id: Any = None) -> HttpResponse:
    """A new session, or (with ``session_id``) the same form to change one."""
    session = access_record(request.user, TrainingSession, pk=session_id) if session_id else None
    initial = {} if session else {"module": request.GET.get("module")}
    copy = TrainingSession.objects.get(pk=session.pk) if session else None  # see module_create_view
    form = SessionForm(request.POST or None, instance=copy, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in SessionForm.Meta.fields}
        organisations = list(fields.pop("organisations"))
        actor: Any = request.user
        try:
            if session is None:
                session = session_create(actor=actor, organisations=organisations, request=request, **fields)
                messages.success(
                    request, _("Session created. Add participants, or let them register from the test link.")
                )
            else:
                session_update(actor=actor, session=session, organisations=organisations, request=request, **fields)
                messages.success(request, _("Session saved."))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return redirect("programs:session", session_id=session.pk)
    return render(request, "programs/session_form.html", {"form": form, "session": session})


def _test_link(request: HttpRequest, session: TrainingSession) -> str:
    return request.build_absolute_uri(reverse("pelatihan:start", kwargs={"token": session.test_token}))


SESSION_FORMS = {
    "participant": ParticipantForm,
    "import": ParticipantImportForm,
    "score": ScoreForm,
    "tests": TestsForm,
}


@require_http_methods(["GET", "POST"])
@require_perm("programs.manage")
def session_detail_view(request: AuthedHttpRequest, session_id: Any) -> HttpResponse:
    session = access_record(request.user, TrainingSession.objects.select_related("module", "region"), pk=session_id)
    actor = request.user
    participants = list(
        session.participants.select_related("organisation", "certificate", "session__module").prefetch_related(
            "results"
        )
    )
    choices = [(str(p.pk), f"{p.code} · {p.full_name}") for p in participants]
    forms: dict[str, Any] = {
        "participant": ParticipantForm(prefix="participant"),
        "import": ParticipantImportForm(prefix="import"),
        "score": ScoreForm(prefix="score"),
        "tests": TestsForm(
            prefix="tests",
            initial={
                "pre": session.pre_test_open,
                "post": session.post_test_open,
                "self_registration": session.self_registration,
            },
        ),
    }
    forms["score"].fields["participant"].choices = choices
    participant_imports_expire_stale()
    if request.GET.get("format") == "xlsx":
        return _participants_xlsx(request, session, participants)
    if request.method == "POST":
        action = request.POST.get("action", "")
        form = None
        if action in SESSION_FORMS:
            form = forms[action] = SESSION_FORMS[action](request.POST, request.FILES, prefix=action)
            if action == "score":
                set_choices(form, "participant", choices)
        try:
            done = _session_action(request, session, action, form, participants)
        except ValidationError as exc:
            if form is not None:
                add_errors(form, exc)
            else:
                messages.error(request, " ".join(exc.messages))
        except ImportFileError as exc:
            if action == "import":
                forms["import"].add_error("file", str(exc))
            else:
                messages.error(request, str(exc))
        else:
            if done:
                messages.success(request, done)
                return redirect("programs:session", session_id=session.pk)
    link = _test_link(request, session)
    rows = []
    for participant in participants:
        scores = {result.kind: result for result in participant.results.all()}
        certificate = getattr(participant, "certificate", None)
        rows.append((participant, scores.get("pre"), scores.get("post"), certificate))
    record(
        "programs.training.participants_viewed",
        actor=actor,
        target=session,
        request=request,
        details={"participants": len(participants)},
    )
    return render(
        request,
        "programs/session_detail.html",
        {
            "session": session,
            "rows": rows,
            "gain": gain(session.participants.all()),
            "link": link,
            "qr": qr_data_uri(link),
            "forms": forms,
            "import_jobs": (jobs := _recent_imports(session)),
            "imports_running": any(job.running for job in jobs),
            "revoke_form": RevokeForm(),
        },
        status=400 if any(form.errors for form in forms.values()) else 200,
    )


def _recent_imports(session: TrainingSession) -> list[Any]:
    """The session's imports of the last day (at most three), newest first: progress, errors, retry."""
    since = timezone.now() - timedelta(days=1)
    return list(session.import_jobs.defer("data").filter(created_at__gte=since)[:3])


def _session_action(
    request: HttpRequest, session: TrainingSession, action: str, form: Any, participants: list[Participant]
) -> str:
    """Does what the posted form asks; answers the message to show, or "" when the form has errors."""
    actor = request.user
    if form is not None and not form.is_valid():
        return ""
    if action == "participant":
        participant = participant_add(
            actor=actor,  # type: ignore[arg-type]
            session=session,
            data=ParticipantInput(**form.cleaned_data),
            request=request,
        )
        return _("Participant added with code %(code)s.") % {"code": participant.code}
    if action == "import":
        upload = form.cleaned_data["file"]
        participant_import_create(
            actor=actor,  # type: ignore[arg-type]
            session=session,
            filename=upload.name,
            data=upload.read(),
            request=request,
        )
        return _("The file is being checked and imported in the background; this page shows how it goes.")
    if action in ("import_retry", "import_cancel"):
        job = access_record(request.user, session.import_jobs.defer("data"), pk=request.POST.get("job"))
        if action == "import_retry":
            participant_import_retry(actor=actor, job=job, request=request)  # type: ignore[arg-type]
            return _("The import is queued again.")
        participant_import_cancel(actor=actor, job=job, request=request)  # type: ignore[arg-type]
        return _("The import is cancelled and its file erased.")
    if action == "score":
        participant = next(p for p in participants if str(p.pk) == form.cleaned_data["participant"])
        score_enter(
            actor=actor,  # type: ignore[arg-type]
            participant=participant,
            kind=form.cleaned_data["kind"],
            score=form.cleaned_data["score"],
            request=request,
        )
        return _("Score saved.")
    if action == "tests":
        session_tests_set(
            actor=actor,  # type: ignore[arg-type]
            session=session,
            pre=form.cleaned_data["pre"],
            post=form.cleaned_data["post"],
            self_registration=form.cleaned_data["self_registration"],
            request=request,
        )
        return _("Tests updated.")
    if action == "attendance":
        present = {str(p.pk) for p in participants} & set(request.POST.getlist("present"))
        count = attendance_set(actor=actor, session=session, present=present, request=request)  # type: ignore[arg-type]
        return _("Attendance saved: %(count)s present.") % {"count": count}
    if action == "certificates":
        count = certificates_issue(actor=actor, session=session, request=request)  # type: ignore[arg-type]
        return _("%(count)s certificates issued.") % {"count": count}
    if action == "remove":
        participant = access_record(request.user, session.participants, pk=request.POST.get("participant"))
        participant_remove(actor=actor, participant=participant, request=request)  # type: ignore[arg-type]
        return _("Participant removed.")
    if action == "revoke":
        certificate = access_record(
            request.user, Certificate, participant__session=session, pk=request.POST.get("certificate")
        )
        certificate_revoke(
            actor=actor,  # type: ignore[arg-type]
            certificate=certificate,
            reason=request.POST.get("reason", ""),
            request=request,
        )
        return _("Certificate revoked.")
    raise PermissionDenied


def _participants_xlsx(request: HttpRequest, session: TrainingSession, participants: list[Participant]) -> HttpResponse:
    header = ["code", "full_name", "organisation", "role", "sex", "attended", "pre_score", "post_score", "certificate"]
    rows = []
    for p in participants:
        scores = {result.kind: result.score for result in p.results.all()}
        certificate = getattr(p, "certificate", None)
        valid = certificate.code if certificate and not certificate.revoked_at else ""
        rows.append([p.code, p.full_name, p.organisation_label, p.role, p.sex, p.attended, scores.get("pre"),
                     scores.get("post"), valid])  # fmt: skip
    record(
        "programs.training.participants_exported",
        actor=request.user,
        target=session,
        request=request,
        details={"participants": len(rows)},
    )
    return table_response(header, rows, "xlsx", f"jaga-participants-{session.starts_on}.xlsx", sheet="participants")


@require_safe
@require_perm("programs.manage")
def import_template_view(request: AuthedHttpRequest) -> HttpResponse:
    response = HttpResponse(
        import_template_xlsx(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="jaga-participants-template.xlsx"'
    return response


def certificate_response(request: HttpRequest, certificate: Certificate) -> HttpResponse:
    verify = request.build_absolute_uri(reverse("sertifikat:check", kwargs={"code": certificate.code}))
    response = HttpResponse(certificate_pdf(certificate, verify), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="sertifikat-{certificate.code}.pdf"'
    return response


@require_safe
@require_perm("programs.manage")
def certificate_pdf_view(request: AuthedHttpRequest, certificate_id: Any) -> HttpResponse:
    certificate = access_record(
        request.user,
        Certificate.objects.select_related("participant__session__module"),
        pk=certificate_id,
        revoked_at=None,
    )
    return certificate_response(request, certificate)
