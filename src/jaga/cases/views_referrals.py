"""Referral pages: a referral asked from a case, decided by the receiving organisation, listed for both."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from jaga.accounts.access import require_perm
from jaga.accounts.permissions import user_has_perm
from jaga.accounts.requests import AuthedHttpRequest
from jaga.cases.access import access_case, access_referral
from jaga.cases.assignment import assignable_caseworkers
from jaga.cases.forms import ReferralForm
from jaga.cases.models import Referral
from jaga.cases.referrals import referral_decide, referral_end, referral_request
from jaga.cases.views import _detail, _flash_errors
from jaga.core.forms import add_errors


@require_POST
@require_perm("cases.edit")
def referral_create_view(request: AuthedHttpRequest, case_id: Any) -> HttpResponse:
    case = access_case(request.user, case_id)
    form = ReferralForm(request.POST, case=case)
    if not form.is_valid():
        return _detail(request, case, identity=False, bound={"referral": form}, status=400)
    try:
        referral_request(
            actor=request.user,
            case=case,
            to_organisation=form.cleaned_data["to_organisation"],
            service=form.cleaned_data["service"],
            is_transfer=form.cleaned_data["is_transfer"],
            reason=form.cleaned_data["reason"],
            request=request,
        )
    except ValidationError as exc:
        add_errors(form, exc)
        return _detail(request, case, identity=False, bound={"referral": form}, status=400)
    messages.success(request, _("The referral is sent. The other organisation's supervisor will answer it."))
    return redirect("cases:detail", case_id=case.pk)


@require_POST
@require_perm("cases.view")
def referral_action_view(request: AuthedHttpRequest, referral_id: Any) -> HttpResponse:
    referral = access_referral(request.user, referral_id)
    action = request.POST.get("action")
    try:
        if action in ("accept", "decline"):
            assignee = _chosen_caseworker(request) if action == "accept" else None
            referral_decide(
                actor=request.user,
                referral=referral,
                accept=action == "accept",
                assignee=assignee,
                reason=request.POST.get("reason", ""),
                request=request,
            )
        elif action in ("complete", "revoke"):
            state = Referral.State.COMPLETED if action == "complete" else Referral.State.REVOKED
            referral_end(actor=request.user, referral=referral, state=state, request=request)
        else:
            messages.error(request, _("Unknown action."))
            return redirect("cases:referrals")
    except ValidationError as exc:
        _flash_errors(request, exc)
    except PermissionDenied:
        messages.error(request, _("Your role does not allow this."))
    else:
        messages.success(request, _("The referral is updated."))
    if request.POST.get("back") == "case" and referral.case.organisation_id == request.user.organisation_id:
        return redirect("cases:detail", case_id=referral.case_id)
    return redirect("cases:referrals")


def _chosen_caseworker(request: AuthedHttpRequest) -> Any:
    """The caseworker picked when accepting a referral (none: the intake queue); refused if not of the unit."""
    chosen = request.POST.get("assignee", "")
    if not chosen:
        return None
    workers = assignable_caseworkers(request.user.organisation_id)
    assignee = next((worker for worker in workers if str(worker.pk) == chosen), None)
    if assignee is None:
        raise ValidationError(_("Assign cases to an active caseworker of your organisation."))
    return assignee


@require_safe
@require_perm("cases.view")
def referral_list_view(request: AuthedHttpRequest) -> HttpResponse:
    organisation_id = request.user.organisation_id
    base = Referral.objects.select_related("case", "from_organisation", "to_organisation")
    return render(
        request,
        "cases/referral_list.html",
        {
            "incoming": base.filter(to_organisation_id=organisation_id)
            .select_related("case__child", "case__exploitation_regency")
            .prefetch_related("case__form_links", "case__consents"),
            "outgoing": base.filter(from_organisation_id=organisation_id),
            "may_decide": (may_decide := user_has_perm(request.user, "cases.accept_referral")),
            "caseworkers": assignable_caseworkers(organisation_id) if may_decide else [],
        },
    )
