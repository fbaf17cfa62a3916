"""Writes on cases. Each checks the rules of the case registry and writes its audit row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jaga.accounts.models import Organisation, User
from jaga.accounts.permissions import holders, user_has_perm
from jaga.audit.services import record, record_many
from jaga.cases import casetasks
from jaga.cases.inputs import CaseInput, ConsentInput, age_band, age_on
from jaga.cases.models import (
    Case,
    CaseCounter,
    CaseEvent,
    CaseForm,
    Child,
    Consent,
    Note,
    Status,
    Task,
)
from jaga.cases.nik import normalise_nik, regency_codes
from jaga.cases.timeline import case_changed, case_event
from jaga.cases.validation import _check_consent, validate_case_input
from jaga.core import events
from jaga.core.bulk import bulk_insert, gc_paused, instantiate
from jaga.core.crypto import blind_index, blind_indexes
from jaga.notifications.models import Kind
from jaga.notifications.services import notify


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
    case_event(case=case, kind=CaseEvent.Kind.CONSENT_RECORDED, actor=actor, detail=row.get_given_by_display())
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
    case_changed(case, built.event.kind)
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
    case_event(case=case, kind=CaseEvent.Kind.NOTE_ADDED, actor=actor)
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
