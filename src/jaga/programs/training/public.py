"""Public training pages, without an account: the participants' test link and the certificate check.

Rate-limited per client and per session; a participant is remembered in the session only by their code.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from jaga.audit.services import client_ip, record
from jaga.core import ratelimit
from jaga.core.doors import public
from jaga.core.forms import add_errors
from jaga.programs.training.assessment import (
    is_test_open,
    participant_for_code,
    questions,
    session_for_token,
    submit_test,
)
from jaga.programs.training.certificates import certificate_lookup
from jaga.programs.training.forms import CodeEntryForm, SelfRegisterForm, TestForm, VerifyForm
from jaga.programs.training.models import Participant, Score, TrainingSession
from jaga.programs.training.services import ParticipantInput, participant_add
from jaga.programs.training.views import certificate_response


def _session_key(session: TrainingSession) -> str:
    return f"training-participant-{session.pk}"


def too_many(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    context["refusal"] = _("Too many attempts from your connection. Please try again in an hour.")
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(ratelimit.seconds_to_next_window())
    return response


def limited(request: HttpRequest, kind: str, limit: int) -> bool:
    return ratelimit.hit(ratelimit.address_key(kind, client_ip(request))) > limit


def _public_session(token: str) -> TrainingSession:
    session = session_for_token(token)
    if session is None:
        raise Http404
    return session


def _remember(request: HttpRequest, session: TrainingSession, participant: Participant) -> None:
    """The participant of this session, for this browser: in the session (a new key), never in the URL."""
    request.session.cycle_key()
    request.session[_session_key(session)] = str(participant.pk)


def _me(request: HttpRequest, session: TrainingSession) -> Participant | None:
    participant_id = request.session.get(_session_key(session))
    if not participant_id:
        return None
    return (
        session.participants.select_related("session__module", "organisation", "certificate")
        .filter(pk=participant_id)
        .first()
    )


@require_http_methods(["GET", "POST"])
@never_cache
@public("a participant's test: the token is the key")
def test_start_view(request: HttpRequest, token: str) -> HttpResponse:
    """/pelatihan/<link>/: a participant says who they are (code) or registers, then takes an open test."""
    session = _public_session(token)
    code_form = CodeEntryForm(prefix="code")
    register_form = SelfRegisterForm(prefix="register")
    context: dict[str, Any] = {"session": session, "code_form": code_form, "register_form": register_form}
    if request.method == "POST":
        if limited(request, "training-test", settings.JAGA_TRAINING_TEST_LIMIT):
            return too_many(request, "programs/test_start.html", context)
        if request.POST.get("action") == "register":
            context["register_form"] = register_form = SelfRegisterForm(request.POST, prefix="register")
            if not session.self_registration:
                register_form.add_error(None, _("This session does not take registrations. Ask your trainer."))
            elif register_form.is_valid():
                try:
                    participant = participant_add(
                        actor=None,
                        session=session,
                        data=ParticipantInput(**register_form.cleaned_data),
                        request=request,
                    )
                except ValidationError as exc:
                    add_errors(register_form, exc)
                else:
                    _remember(request, session, participant)
                    request.session["training-new-code"] = participant.code
                    return redirect("pelatihan:start", token=token)
        else:
            context["code_form"] = code_form = CodeEntryForm(request.POST, prefix="code")
            if code_form.is_valid():
                found = participant_for_code(session, code_form.cleaned_data["code"])
                if found is None:
                    code_form.add_error(
                        "code", _("No participant of this session has this code. Check it with your trainer.")
                    )
                else:
                    _remember(request, session, found)
                    return redirect("pelatihan:start", token=token)
        return render(request, "programs/test_start.html", context, status=400)
    me = _me(request, session)
    if me is not None:
        taken = {result.kind: result for result in me.results.all()}
        context.update(
            {
                "me": me,
                "new_code": request.session.pop("training-new-code", None),
                "tests": [
                    (kind, label, is_test_open(session, kind), taken.get(kind)) for kind, label in Score.Kind.choices
                ],
                "certificate": getattr(me, "certificate", None),
            }
        )
    return render(request, "programs/test_start.html", context)


@require_http_methods(["GET", "POST"])
@never_cache
@public("a participant's test: the token is the key")
def test_take_view(request: HttpRequest, token: str, kind: str) -> HttpResponse:
    session = _public_session(token)
    me = _me(request, session)
    if me is None or kind not in Score.Kind.values:
        return redirect("pelatihan:start", token=token)
    if not is_test_open(session, kind) or me.results.filter(kind=kind).exists() or not questions(session):
        return redirect("pelatihan:start", token=token)
    return take_test(request, me, kind, title=session.module.title, done=redirect("pelatihan:start", token=token))


def take_test(request: HttpRequest, me: Participant, kind: str, *, title: str, done: HttpResponse) -> HttpResponse:
    """A participant's test page: the questions, then the score on the server and ``done`` (a redirect
    back to where they came from), or the form again with what is wrong. The session's test link and
    the self-paced course both take tests here."""
    form = TestForm(questions(me.session), request.POST or None)
    context = {"title": title, "kind_label": Score.Kind(kind).label, "form": form}
    if request.method == "POST" and form.is_valid():
        try:
            result = submit_test(
                session=me.session,
                participant=me,
                kind=kind,
                answers={name: value for name, value in form.cleaned_data.items() if value},
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return render(request, "programs/test_take.html", context, status=400)
        messages.success(
            request,
            _("Thank you. You answered %(correct)s of %(asked)s questions correctly (%(score)s%%).")
            % {"correct": result.correct, "asked": result.asked, "score": result.score},
        )
        return done
    return render(request, "programs/test_take.html", context)


@require_safe
@never_cache
@public("a participant's certificate: the token is the key")
def test_certificate_view(request: HttpRequest, token: str) -> HttpResponse:
    return own_certificate_response(request, _me(request, _public_session(token)))


def own_certificate_response(request: HttpRequest, me: Participant | None) -> HttpResponse:
    """The PDF of the participant's own certificate (this browser's participant); 404 when there is none
    or it was revoked. The session's test link and the self-paced course both hand it out here."""
    certificate = getattr(me, "certificate", None) if me else None
    if certificate is None or certificate.revoked_at:
        raise Http404
    return certificate_response(request, certificate)


@require_http_methods(["GET", "POST"])
@never_cache
@public("anyone verifies a certificate by its code")
def verify_view(request: HttpRequest, code: str = "") -> HttpResponse:
    """/sertifikat/: anyone checks a certificate's code. A wrong code reveals nothing; tries are limited."""
    form = VerifyForm(request.POST or ({"code": code} if code else None))
    context: dict[str, Any] = {"form": form}
    if form.is_bound:
        if limited(request, "certificate-check", settings.JAGA_CERTIFICATE_CHECK_LIMIT):
            return too_many(request, "programs/verify.html", context)
        if form.is_valid():
            certificate = certificate_lookup(form.cleaned_data["code"])
            if certificate is None:
                context["unknown"] = True
            else:
                context["certificate"] = certificate
                record(
                    "programs.training.certificate_checked",
                    target=certificate.participant.session,
                    request=request,
                    details={"certificate": str(certificate.pk), "valid": certificate.revoked_at is None},
                )
    status = 404 if context.get("unknown") else 200
    return render(request, "programs/verify.html", context, status=status)
