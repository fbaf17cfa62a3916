"""Writes on cases. Each checks the rules of the case registry and writes its audit row."""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import F
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jaga.accounts.models import Organisation, User
from jaga.accounts.permissions import holders, user_has_perm
from jaga.audit.services import record, record_many
from jaga.cases import casetasks, workflow
from jaga.cases.models import (
    AgeBand,
    Case,
    CaseCounter,
    CaseEvent,
    CaseForm,
    Child,
    Consent,
    Form,
    IntakeDraft,
    LegalProcess,
    Modus,
    Note,
    Perpetrator,
    PlaceType,
    Referral,
    Service,
    ServiceRecord,
    Sex,
    Source,
    Status,
    Task,
)
from jaga.cases.nik import NikError, normalise_nik, parse_nik, regency_codes
from jaga.cases.offers import check_provides
from jaga.core import events
from jaga.core.bulk import bulk_insert, gc_paused, instantiate
from jaga.core.crypto import blind_index, blind_indexes
from jaga.notifications.models import Kind
from jaga.notifications.services import notify

ADULT_AGE = 18


@dataclass
class ChildInput:
    full_name: str = ""
    aliases: str = ""
    nik: str = ""
    date_of_birth: date | None = None
    estimated_age: int | None = None
    sex: str = Sex.UNKNOWN
    address: str = ""
    phone: str = ""
    guardian_name: str = ""
    guardian_relationship: str = ""
    disability: bool | None = None
    schooling: str = ""
    nationality: str = "ID"


@dataclass
class ConsentInput:
    given_by: str = ""
    services: bool = False
    sharing: bool = False
    statistics: bool = False
    given_on: date | None = None
    lawful_basis: str = ""
    justification: str = ""


@dataclass
class CaseInput:
    registered_on: date | None = None
    source: str = ""
    forms: list[str] = field(default_factory=list)
    exploitation_regency: str = ""
    residence_regency: str = ""
    exploitation_date: date | None = None
    modus: str = ""
    place_type: str = ""
    risk_level: str = ""
    child: ChildInput = field(default_factory=ChildInput)
    consent: ConsentInput = field(default_factory=ConsentInput)


def nik_index(nik: str) -> str:
    return blind_index(normalise_nik(nik), purpose="nik") if nik else ""


def nik_indexes(nik: str) -> list[str]:
    """What a NIK is looked up by: its index under each blind-index key in use (``crypto.blind_indexes``)."""
    return blind_indexes(normalise_nik(nik), purpose="nik") if nik else []


def phone_index(phone: str) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit())
    if digits.startswith("62"):
        digits = "0" + digits[2:]
    return blind_index(digits, purpose="phone") if digits else ""


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def age_band(age: int | None) -> str:
    if age is None:
        return ""
    return AgeBand.UNDER_10 if age < 10 else AgeBand.FROM_10 if age < 15 else AgeBand.FROM_15


@functools.cache
def _allowed(choices: type[models.Choices]) -> tuple[frozenset[str], str]:
    """A choice class's values as a set and as the list a message names (computed once: imports ask per row)."""
    return frozenset(choices.values), ", ".join(choices.values)


def _choice(
    errors: dict[str, list[str]], key: str, value: str, choices: type[models.Choices], *, required: bool
) -> None:
    if not value:
        if required:
            errors.setdefault(key, []).append(_("This field is required."))
        return
    allowed, listed = _allowed(choices)
    if value not in allowed:
        # The value is not repeated: imports keep these messages, and a misplaced name must not be among them.
        errors.setdefault(key, []).append(_("Use one of: %(choices)s.") % {"choices": listed})


PHONE = re.compile(r"\+?[0-9 ]{3,30}")
# What the intake form allows for the child's texts: a longer value (from an import or the API) is
# refused with a message, never cut.
TEXT_LIMITS = {
    "full_name": 200,
    "aliases": 300,
    "address": 500,
    "phone": 30,
    "guardian_name": 200,
    "guardian_relationship": 30,
    "schooling": 20,
}


def validate_case_input(data: CaseInput, *, today: date | None = None, regencies: frozenset[str] | None = None) -> None:
    """Every rule of a new case, all errors at once keyed by field path (``child.nik``).

    Raises ValidationError when anything is wrong. Bulk callers pass ``regencies`` (the set of
    regency codes, from ``regency_codes()``) so that no query is made per row.
    """
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if data.registered_on is None:
        errors["registered_on"] = [_("This field is required.")]
    elif data.registered_on > today:
        errors["registered_on"] = [_("The registration date cannot be in the future.")]
    _choice(errors, "source", data.source, Source, required=True)
    if not data.forms:
        errors["forms"] = [_("Choose at least one form of exploitation.")]
    for form in data.forms:
        _choice(errors, "forms", form, Form, required=True)
    _choice(errors, "modus", data.modus, Modus, required=False)
    _choice(errors, "place_type", data.place_type, PlaceType, required=False)
    _choice(errors, "child.sex", data.child.sex, Sex, required=True)
    regencies = regencies if regencies is not None else regency_codes()
    for key, code, required in (
        ("exploitation_regency", data.exploitation_regency, True),
        ("residence_regency", data.residence_regency, False),
    ):
        if not code:
            if required:
                errors[key] = [_("This field is required.")]
            continue
        if code not in regencies:
            errors[key] = [_("This is not a regency/city code (for example 31.71 for Jakarta Pusat).")]
    reference_day = data.exploitation_date or data.registered_on or today
    if data.exploitation_date and data.exploitation_date > today:
        errors["exploitation_date"] = [_("The date of exploitation cannot be in the future.")]
    child = data.child
    if child.date_of_birth is not None:
        if child.date_of_birth > today:
            errors["child.date_of_birth"] = [_("The date of birth cannot be in the future.")]
        elif age_on(child.date_of_birth, reference_day) >= ADULT_AGE:
            errors["child.date_of_birth"] = [
                _("The child was 18 or older at the time of exploitation: Jaga records children's cases only.")
            ]
    elif child.estimated_age is not None and not (0 <= child.estimated_age < ADULT_AGE):
        errors["child.estimated_age"] = [_("An estimated age is between 0 and 17.")]
    if child.nik:
        try:
            info = parse_nik(child.nik, regencies=regencies)
        except NikError as exc:
            errors["child.nik"] = [str(exc)]
        else:
            born = info.birth_date(not_after=today)
            if child.date_of_birth and born != child.date_of_birth:
                errors.setdefault("child.nik", []).append(
                    _("The birth date in the NIK (%(nik_date)s) differs from the date of birth.")
                    % {"nik_date": born.isoformat() if born else "?"}
                )
            if child.sex in (Sex.FEMALE, Sex.MALE) and info.female != (child.sex == Sex.FEMALE):
                errors.setdefault("child.nik", []).append(_("The NIK's birth day says the other sex."))
    if child.phone and not PHONE.fullmatch(child.phone.strip()):
        errors["child.phone"] = [_("Use only digits, spaces and + in a phone number (for example +62 812 3456 7890).")]
    for name, limit in TEXT_LIMITS.items():
        value = getattr(child, name) or ""
        if len(value.strip()) > limit:
            errors.setdefault(f"child.{name}", []).append(
                _("This is %(length)s characters long; the limit is %(limit)s.")
                % {"length": len(value), "limit": limit}
            )
    _check_consent(errors, data.consent, prefix="consent.")
    if errors:
        raise ValidationError(errors)


def _check_consent(errors: dict[str, list[str]], consent: ConsentInput, *, prefix: str) -> None:
    """Consent from the guardian or the child, or where nobody can give it, a lawful basis and why."""
    _choice(errors, f"{prefix}given_by", consent.given_by, Consent.GivenBy, required=True)
    if consent.given_by == Consent.GivenBy.NOBODY:
        _choice(errors, f"{prefix}lawful_basis", consent.lawful_basis, Consent.LawfulBasis, required=True)
        if not consent.justification.strip():
            errors[f"{prefix}justification"] = [
                _("Without consent, say why (for example: the guardian is the suspected perpetrator).")
            ]


@transaction.atomic
def consent_record(*, actor: User, case: Case, consent: ConsentInput, request: HttpRequest | None = None) -> Consent:
    """A new consent (or its withdrawal, or a lawful basis) replaces the previous one from now on."""
    if not user_has_perm(actor, "cases.edit") or case.organisation_id != actor.organisation_id:
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    _check_consent(errors, consent, prefix="")
    if errors:
        raise ValidationError(errors)
    row = _build_consent(case=case, consent=consent, actor=actor, default_date=timezone.localdate())
    row.save()
    statistics_flag_update(case)
    CaseEvent.objects.create(
        case=case, kind=CaseEvent.Kind.CONSENT_RECORDED, by=actor, detail=row.get_given_by_display()
    )
    record(
        "cases.consent.recorded",
        actor=actor,
        target=case,
        request=request,
        details={"given_by": row.given_by, "sharing": row.sharing, "statistics": row.statistics},
    )
    return row


def statistics_flag_update(case: Case) -> None:
    """Whether statistics count the case, after its consent or restriction changed."""
    latest = Consent.objects.filter(case=case).order_by("-recorded_at", "-pk").first()
    allowed = latest is not None and (latest.statistics or latest.given_by == Consent.GivenBy.NOBODY)
    flag = allowed and case.restricted_at is None
    if case.in_statistics != flag:
        case.in_statistics = flag
        Case.objects.filter(pk=case.pk).update(in_statistics=flag)


def _next_number(organisation: Organisation, year: int) -> int:
    counter, _created = CaseCounter.objects.select_for_update().get_or_create(organisation=organisation, year=year)
    CaseCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db(fields=["last"])
    return counter.last


@dataclass
class _Built:
    """The rows one new case consists of, built in memory (single and bulk registration share them)."""

    case: Case
    forms: list[CaseForm]
    child: Child
    consent: Consent
    event: CaseEvent


def _build_consent(
    *, case: Case, consent: ConsentInput, actor: User, default_date: date, now: datetime | None = None
) -> Consent:
    nobody = consent.given_by == Consent.GivenBy.NOBODY
    return instantiate(
        Consent,
        case_id=case.pk,
        given_by=consent.given_by,
        services=consent.services,
        sharing=consent.sharing,
        statistics=consent.statistics,
        given_on=consent.given_on or default_date,
        lawful_basis=consent.lawful_basis if nobody else "",
        justification=consent.justification.strip() if nobody else "",
        recorded_by_id=actor.pk,
        recorded_at=now or timezone.now(),
    )


def _build_case(
    *, actor: User, organisation: Organisation, data: CaseInput, number: int, now: datetime, lead: bool
) -> _Built:
    """``now`` is shared by every row built together (a bulk insert then prepares it once). ``lead``:
    the actor becomes the case's caseworker; otherwise the case waits in the unit's intake queue."""
    assert data.registered_on is not None
    year = data.registered_on.year
    case = instantiate(
        Case,
        organisation_id=organisation.pk,
        reference=f"{year}-{number:05d}",
        year=year,
        number=number,
        registered_on=data.registered_on,
        exploitation_date=data.exploitation_date,
        source=data.source,
        modus=data.modus,
        place_type=data.place_type,
        exploitation_regency_id=data.exploitation_regency,
        residence_regency_id=data.residence_regency or None,
        risk_level=data.risk_level,
        assigned_to_id=actor.pk if lead else None,
        created_by_id=actor.pk,
        created_at=now,
        in_statistics=data.consent.statistics or data.consent.given_by == Consent.GivenBy.NOBODY,
    )
    child = data.child
    age = age_on(child.date_of_birth, data.registered_on) if child.date_of_birth else child.estimated_age
    return _Built(
        case=case,
        forms=[instantiate(CaseForm, case_id=case.pk, form=form) for form in sorted(set(data.forms))],
        child=instantiate(
            Child,
            case_id=case.pk,
            full_name=child.full_name.strip(),
            aliases=child.aliases.strip(),
            nik=normalise_nik(child.nik),
            nik_index=nik_index(child.nik),
            date_of_birth=child.date_of_birth.isoformat() if child.date_of_birth else "",
            address=child.address.strip(),
            phone=child.phone.strip(),
            phone_index=phone_index(child.phone),
            guardian_name=child.guardian_name.strip(),
            guardian_relationship=child.guardian_relationship,
            age_at_registration=age,
            age_is_estimated=child.date_of_birth is None and age is not None,
            age_band=age_band(age),
            sex=child.sex,
            disability=child.disability,
            schooling=child.schooling,
            nationality=child.nationality or "ID",
        ),
        consent=_build_consent(case=case, consent=data.consent, actor=actor, default_date=data.registered_on, now=now),
        event=instantiate(
            CaseEvent,
            case_id=case.pk,
            kind=CaseEvent.Kind.REGISTERED,
            by_id=actor.pk,
            to_status=Status.REGISTERED,
            at=now,
        ),
    )


@transaction.atomic
def case_register(
    *,
    actor: User,
    data: CaseInput,
    request: HttpRequest | None = None,
    organisation: Organisation | None = None,
    from_hotline: bool = False,
    lead: bool | None = None,
) -> Case:
    """Registers a child's case in the actor's organisation, with consent or a lawful basis.

    ``from_hotline``: a hotline operator converts a report into a case of another organisation
    (a service unit), unassigned until that organisation's supervisor assigns it. ``lead=False``: a
    caseworker leaves the case in the intake queue instead of leading it.
    """
    organisation = organisation or actor.organisation
    if from_hotline:
        if not user_has_perm(actor, "hotline.triage") or not organisation.is_active:
            raise PermissionDenied
    elif not user_has_perm(actor, "cases.edit") or organisation.pk != actor.organisation_id:
        raise PermissionDenied
    validate_case_input(data)
    assert data.registered_on is not None
    number = _next_number(organisation, data.registered_on.year)
    # A caseworker who registers a case leads it; a supervisor's, and a hotline conversion, wait in the
    # unit's intake queue for a supervisor to assign them.
    lead = lead is not False and not from_hotline and not user_has_perm(actor, "cases.assign")
    built = _build_case(actor=actor, organisation=organisation, data=data, number=number, now=timezone.now(), lead=lead)
    case, consent = built.case, data.consent
    case.save(force_insert=True)
    CaseForm.objects.bulk_create(built.forms)
    built.child.save(force_insert=True)
    events.child_identity_changed.send(sender=type(built.child), child=built.child)
    built.consent.save(force_insert=True)
    built.event.save(force_insert=True)
    if lead:
        casetasks.standard_due(
            case=case, kind=Task.Kind.ASSESSMENT, days=settings.JAGA_ASSESSMENT_DAYS, by=actor, start=case.registered_on
        )
    record(
        "cases.case.registered",
        actor=actor,
        target=case,
        request=request,
        details={
            "forms": sorted(set(data.forms)),
            "consent": consent.given_by,
            "regency": case.exploitation_regency_id,
            **({"from": "hotline"} if from_hotline else {}),
        },
    )
    if from_hotline:  # the unit's supervisors find it in their intake queue
        notify(
            users=holders(organisation.pk, "cases.assign"),
            kind=Kind.HOTLINE_CONVERTED,
            url=reverse("cases:queue"),
            reference=case.reference,
        )
    if consent.given_by == Consent.GivenBy.NOBODY:
        record(
            "cases.consent.lawful_basis_recorded",
            actor=actor,
            target=case,
            request=request,
            details={"lawful_basis": consent.lawful_basis},
        )
    return case


@transaction.atomic
def note_add(*, actor: User, case: Case, text: str, request: HttpRequest | None = None) -> Note:
    if not user_has_perm(actor, "cases.edit"):
        raise PermissionDenied
    if not text.strip():
        raise ValidationError({"text": _("Write the note first.")})
    note = Note.objects.create(case=case, text=text.strip(), author=actor)
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.NOTE_ADDED, by=actor)
    record("cases.note.added", actor=actor, target=case, request=request, details={"note": note.pk})
    return note


def case_viewed(*, actor: User, case: Case, via: str, identity: bool, request: HttpRequest | None = None) -> None:
    """Every read of a case writes one audit row, saying whether identity fields were shown."""
    record(
        "cases.case.identity_viewed" if identity else "cases.case.viewed",
        actor=actor,
        target=case,
        request=request,
        details={"via": via},
    )


def identity_of(child: Child) -> dict[str, Any]:
    return {name: getattr(child, name) for name in Child.IDENTITY_FIELDS}


# --- Intake drafts: an intake form in progress holds an identity, so its writes are audited too -------


@transaction.atomic
def intake_draft_create(*, actor: User, request: HttpRequest | None = None) -> IntakeDraft:
    draft = IntakeDraft.objects.create(user=actor)
    record("cases.draft.created", actor=actor, target=draft, request=request)
    return draft


@transaction.atomic
def intake_draft_save(
    *, actor: User, draft: IntakeDraft, data: dict[str, Any], step: int, request: HttpRequest | None = None
) -> IntakeDraft:
    """Keeps what was typed so far (encrypted) and the step to show next; only its owner may."""
    if draft.user_id != actor.pk:
        raise PermissionDenied
    draft.data, draft.step = json.dumps(data), step
    draft.save()
    record("cases.draft.saved", actor=actor, target=draft, request=request, details={"step": step})
    return draft


@transaction.atomic
def intake_draft_delete(*, actor: User, draft: IntakeDraft, reason: str, request: HttpRequest | None = None) -> None:
    """``reason``: "discarded" by the person, or "registered" once the case exists."""
    if draft.user_id != actor.pk:
        raise PermissionDenied
    record("cases.draft.deleted", actor=actor, target=draft, request=request, details={"reason": reason})
    draft.delete()


# --- Referrals and transfers -----------------------------------------------------------------------


def sharing_allowed(case: Case) -> bool:
    """Consent to sharing, or a recorded lawful basis where nobody could consent (UU PDP)."""
    consent = case.consents.first()
    if consent is None:
        return False
    return consent.sharing or (consent.given_by == Consent.GivenBy.NOBODY and bool(consent.lawful_basis))


def _event(case: Case, kind: str, actor: User, detail: str = "") -> None:
    CaseEvent.objects.create(case=case, kind=kind, by=actor, detail=detail[:200])


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
        users=[referral.requested_by],
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
    CaseEvent.objects.create(
        case=case,
        kind=CaseEvent.Kind.TRANSFERRED,
        by=actor,
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


# --- Perpetrators, services received, legal process ----------------------------------------------


def _check_case_edit(actor: User, case: Case) -> None:
    """Owner or an organisation with an accepted referral may add to a case."""
    from jaga.cases.access import may_edit_case

    if not may_edit_case(actor, case):
        raise PermissionDenied


def _full_clean(instance: Any) -> None:
    try:
        instance.full_clean(exclude=["case"])
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from exc


@transaction.atomic
def perpetrator_add(*, actor: User, case: Case, request: HttpRequest | None = None, **fields: Any) -> Perpetrator:
    _check_case_edit(actor, case)
    perpetrator = Perpetrator(case=case, **fields)
    _full_clean(perpetrator)
    perpetrator.save()
    _event(case, CaseEvent.Kind.PERPETRATOR_ADDED, actor, perpetrator.get_role_display())
    record(
        "cases.perpetrator.added",
        actor=actor,
        target=case,
        request=request,
        details={"role": perpetrator.role, "origin": perpetrator.origin},
    )
    return perpetrator


@transaction.atomic
def service_record_add(*, actor: User, case: Case, request: HttpRequest | None = None, **fields: Any) -> ServiceRecord:
    _check_case_edit(actor, case)
    entry = ServiceRecord(case=case, **fields)
    _full_clean(entry)
    if entry.started_on and entry.ended_on and entry.ended_on < entry.started_on:
        raise ValidationError({"ended_on": _("The end cannot be before the start.")})
    entry.save()
    _event(case, CaseEvent.Kind.SERVICE_RECORDED, actor, entry.get_service_display())
    if entry.state in (ServiceRecord.State.ONGOING, ServiceRecord.State.COMPLETED):
        workflow.services_started(actor=actor, case=case, on=entry.started_on)
    record(
        "cases.service.recorded",
        actor=actor,
        target=case,
        request=request,
        details={"service": entry.service, "state": entry.state},
    )
    return entry


@transaction.atomic
def legal_process_update(*, actor: User, case: Case, request: HttpRequest | None = None, **fields: Any) -> LegalProcess:
    _check_case_edit(actor, case)
    legal = LegalProcess.objects.filter(case=case).first() or LegalProcess(case=case)
    if not fields.get("police_report_number"):
        fields.pop("police_report_number", None)  # masked forms send it empty: keep what is recorded
    for name, value in fields.items():
        setattr(legal, name, value)
    _full_clean(legal)
    legal.save()
    _event(case, CaseEvent.Kind.LEGAL_UPDATED, actor, legal.get_stage_display())
    record("cases.legal.updated", actor=actor, target=case, request=request, details={"stage": legal.stage})
    return legal


# --- Bulk registration (imports) --------------------------------------------------------------------


@transaction.atomic
def cases_bulk_register(
    *, actor: User, inputs: list[CaseInput], request: HttpRequest | None = None, details: dict[str, Any] | None = None
) -> list[Case]:
    """Registers already-validated cases in one transaction: all of them, or none.

    The same records as ``case_register`` (references, forms, child, consent, timeline, one audit
    row per case), written in bulk.
    """
    if not user_has_perm(actor, "cases.edit"):
        raise PermissionDenied
    organisation = actor.organisation
    regencies = regency_codes()
    for data in inputs:  # the caller validated; refuse rather than write a half-checked row
        if data.registered_on is None or data.exploitation_regency not in regencies:
            raise ValidationError(_("The rows were not validated."))
    numbers: dict[int, int] = {}
    for year in sorted({data.registered_on.year for data in inputs if data.registered_on}):
        count = sum(1 for data in inputs if data.registered_on and data.registered_on.year == year)
        counter, _created = CaseCounter.objects.select_for_update().get_or_create(organisation=organisation, year=year)
        numbers[year] = counter.last
        CaseCounter.objects.filter(pk=counter.pk).update(last=F("last") + count)
    now = timezone.now()
    with gc_paused():  # some hundred thousand new objects, none of them garbage: collections would only rescan them
        built = []
        for data in inputs:
            assert data.registered_on is not None
            numbers[data.registered_on.year] += 1
            number = numbers[data.registered_on.year]
            # Imported cases have no assignee: they land in the unit's intake queue.
            built.append(
                _build_case(actor=actor, organisation=organisation, data=data, number=number, now=now, lead=False)
            )
        cases = [b.case for b in built]
        forms = [form for b in built for form in b.forms]
        children, consents, events = [b.child for b in built], [b.consent for b in built], [b.event for b in built]
        for rows in (cases, forms, children, consents, events):
            bulk_insert(rows)
        record_many("cases.case.registered", actor=actor, targets=cases, request=request, details=details or {})
    return cases
