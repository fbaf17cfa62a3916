"""Referrals and transfers between organisations: requested, decided, ended; a transfer moves the case."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jaga.accounts.models import Organisation, User
from jaga.accounts.permissions import holders, user_has_perm
from jaga.audit.services import record
from jaga.cases import casetasks, workflow
from jaga.cases.models import (
    Case,
    CaseEvent,
    Consent,
    Referral,
    Service,
    Status,
)
from jaga.cases.offers import check_provides
from jaga.cases.services import _next_number
from jaga.cases.timeline import case_event
from jaga.notifications.models import Kind
from jaga.notifications.services import notify


def sharing_allowed(case: Case) -> bool:
    """Consent to sharing, or a recorded lawful basis where nobody could consent (UU PDP)."""
    consent = case.consents.first()
    if consent is None:
        return False
    return consent.sharing or (consent.given_by == Consent.GivenBy.NOBODY and bool(consent.lawful_basis))


def _event(case: Case, kind: str, actor: User, detail: str = "") -> None:
    case_event(case=case, kind=kind, actor=actor, detail=detail)


@transaction.atomic
def referral_request(
    *,
    actor: User,
    case: Case,
    to_organisation: Organisation,
    service: str,
    is_transfer: bool = False,
    reason: str = "",
    request: HttpRequest | None = None,
) -> Referral:
    """The owning organisation asks another for a service (or to take the case over)."""
    if not user_has_perm(actor, "cases.edit") or case.organisation_id != actor.organisation_id:
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if to_organisation.pk == case.organisation_id:
        errors["to_organisation"] = [_("Choose another organisation than your own.")]
    elif not to_organisation.is_active:
        errors["to_organisation"] = [_("That organisation is deactivated.")]
    if service not in Service.values:
        errors["service"] = [_("Choose a service.")]
    if not sharing_allowed(case):
        errors["__all__"] = [
            _("Sharing needs the consent of the child or guardian, or a recorded lawful basis. Record it first.")
        ]
    if case.referrals.filter(to_organisation=to_organisation, state__in=OPEN_STATES).exists():
        errors.setdefault("to_organisation", []).append(_("This organisation already has an open referral."))
    if errors:
        raise ValidationError(errors)
    check_provides(to_organisation, service)
    referral = Referral.objects.create(
        case=case,
        from_organisation=case.organisation,
        to_organisation=to_organisation,
        service=service,
        is_transfer=is_transfer,
        reason=reason.strip(),
        requested_by=actor,
    )
    _event(case, CaseEvent.Kind.REFERRAL_REQUESTED, actor, f"{to_organisation.name} · {service}")
    record(
        "cases.referral.requested",
        actor=actor,
        target=referral,
        request=request,
        details={"case": str(case.pk), "to": str(to_organisation.pk), "service": service, "transfer": is_transfer},
    )
    notify(
        users=holders(to_organisation.pk, "cases.accept_referral"),
        kind=Kind.REFERRAL_RECEIVED,
        url=reverse("cases:referrals"),
        reference=case.reference,
        organisation=case.organisation.name,
        service=str(Service(service).label),
    )
    return referral


@transaction.atomic
def referral_decide(
    *,
    actor: User,
    referral: Referral,
    accept: bool,
    assignee: User | None = None,
    reason: str = "",
    request: HttpRequest | None = None,
) -> Referral:
    """The receiving organisation's supervisor accepts (which grants access) or declines; accepting,
    they may name the caseworker who takes the case (otherwise it waits in their intake queue)."""
    if referral.to_organisation_id != actor.organisation_id or not user_has_perm(actor, "cases.accept_referral"):
        raise PermissionDenied
    if referral.state != Referral.State.REQUESTED:
        raise ValidationError(_("This referral was already answered."))
    if not accept and not reason.strip():
        raise ValidationError({"reason": [_("Say why you decline: the organisation that asked sees it.")]})
    if len(reason) > 500:
        raise ValidationError({"reason": [_("Keep the reason under %(max)s characters.") % {"max": 500}]})
    referral.decide(accept=accept, by=actor)
    referral.decline_reason = "" if accept else reason.strip()
    referral.save(update_fields=["state", "decided_by", "decided_at", "decline_reason"])
    case = referral.case
    kind = CaseEvent.Kind.REFERRAL_ACCEPTED if accept else CaseEvent.Kind.REFERRAL_DECLINED
    _event(case, kind, actor, referral.to_organisation.name)
    record(
        "cases.referral.accepted" if accept else "cases.referral.declined",
        actor=actor,
        target=referral,
        request=request,
        details={"case": str(case.pk)},
    )
    notify(
        users=[referral.requested_by] if referral.requested_by else [],
        kind=Kind.REFERRAL_ACCEPTED if accept else Kind.REFERRAL_DECLINED,
        url=reverse("cases:detail", args=[case.pk]),
        reference=case.reference,
        organisation=referral.to_organisation.name,
    )
    if accept and referral.is_transfer:
        _transfer(actor=actor, case=case, referral=referral, request=request)
    if accept and assignee is not None:
        from jaga.cases.assignment import case_assign

        case_assign(actor=actor, case=case, assignee=assignee, reason=_("Referral accepted"), request=request)
    return referral


def _transfer(*, actor: User, case: Case, referral: Referral, request: HttpRequest | None) -> None:
    """Ownership moves; the case gets a reference in its new organisation and the old one is kept in the timeline."""
    old_reference, old_organisation = case.reference, case.organisation
    year = timezone.localdate().year
    number = _next_number(referral.to_organisation, year)
    case.organisation = referral.to_organisation
    case.year, case.number, case.reference = year, number, f"{year}-{number:05d}"
    case.assigned_to = None
    casetasks.case_tasks_close(case=case, by=actor)  # the old organisation's; the new lead gets their own
    previous = case.move_to(workflow.transferred(actor=actor, case=case))
    case.save()
    referral.end(state=Referral.State.COMPLETED)
    referral.save(update_fields=["state", "ended_at"])
    case_event(
        case=case,
        kind=CaseEvent.Kind.TRANSFERRED,
        actor=actor,
        from_status=previous,
        to_status=Status.TRANSFERRED,
        detail=f"{old_organisation.name} {old_reference} → {case.organisation.name} {case.reference}",
    )
    record(
        "cases.case.transferred",
        actor=actor,
        target=case,
        request=request,
        details={"from": str(old_organisation.pk), "to": str(case.organisation_id), "old_reference": old_reference},
    )


@transaction.atomic
def referral_end(*, actor: User, referral: Referral, state: str, request: HttpRequest | None = None) -> Referral:
    """Completion (by either side) or revocation (by the owner) ends the receiving organisation's access."""
    if state not in (Referral.State.COMPLETED, Referral.State.REVOKED):
        raise ValueError(state)
    sides = {referral.case.organisation_id}
    if state == Referral.State.COMPLETED:
        sides.add(referral.to_organisation_id)
    if actor.organisation_id not in sides or not user_has_perm(actor, "cases.edit"):
        raise PermissionDenied
    if referral.state not in OPEN_STATES:
        raise ValidationError(_("This referral has already ended."))
    referral.end(state=state)
    referral.save(update_fields=["state", "ended_at"])
    kind = CaseEvent.Kind.REFERRAL_COMPLETED if state == Referral.State.COMPLETED else CaseEvent.Kind.REFERRAL_REVOKED
    _event(referral.case, kind, actor, referral.to_organisation.name)
    record(
        f"cases.referral.{state}",
        actor=actor,
        target=referral,
        request=request,
        details={"case": str(referral.case_id)},
    )
    told = [user for user in (referral.requested_by, referral.assigned_to) if user is not None and user != actor]
    notify(
        users=told,
        kind=Kind.REFERRAL_ENDED,
        url=reverse("cases:referrals"),
        reference=referral.case.reference,
    )
    return referral


OPEN_STATES = (Referral.State.REQUESTED, Referral.State.ACCEPTED)
