"""Partners: every write takes the actor, checks `programs.manage` and writes its audit row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Lower
from django.http import HttpRequest
from django.utils.translation import gettext as _

from jaga.accounts.models import Organisation, User
from jaga.audit.services import record
from jaga.core.files import active_content, detect_type
from jaga.programs.access import require_manager
from jaga.programs.partners.models import Agreement, Contact, PartnerProgramme, Programme
from jaga.programs.validation import check_all


def partners(*, kind: str = "", province: str = "", programme: str = "") -> QuerySet[Organisation]:
    """The directory: active organisations, filtered by type, province (of their jurisdiction) and programme."""
    query = Organisation.objects.filter(is_active=True).select_related("jurisdiction")
    if kind:
        query = query.filter(type=kind)
    if province:
        query = query.filter(Q(jurisdiction_id=province) | Q(jurisdiction__parent_id=province))
    if programme:
        query = query.filter(programme_links__programme=programme)
    today = date.today()
    in_force = Q(agreements__starts_on__lte=today) & (
        Q(agreements__ends_on__isnull=True) | Q(agreements__ends_on__gte=today)
    )
    # Counting the agreements groups the rows, and a grouped query drops the model's ordering: by name again.
    return (
        query.annotate(agreements_in_force=Count("agreements", filter=in_force, distinct=True))
        .order_by(Lower("name"), "pk")
        .prefetch_related("programme_links")
    )


@transaction.atomic
def programmes_set(
    *, actor: User, organisation: Organisation, programmes: list[str], request: HttpRequest | None = None
) -> None:
    require_manager(actor)
    unknown = [p for p in programmes if p not in Programme.values]
    if unknown:
        raise ValidationError({"programmes": _("Choose programmes from the list.")})
    PartnerProgramme.objects.filter(organisation=organisation).exclude(programme__in=programmes).delete()
    for programme in programmes:
        PartnerProgramme.objects.get_or_create(organisation=organisation, programme=programme)
    record(
        "programs.partner.programmes_set",
        actor=actor,
        target=organisation,
        request=request,
        details={"programmes": sorted(programmes)},
    )


@dataclass
class ContactInput:
    full_name: str
    position: str = ""
    email: str = ""
    phone: str = ""


@transaction.atomic
def contact_add(
    *, actor: User, organisation: Organisation, data: ContactInput, request: HttpRequest | None = None
) -> Contact:
    require_manager(actor)
    contact = Contact(
        organisation=organisation,
        full_name=data.full_name.strip(),
        position=data.position.strip(),
        email=data.email.strip(),
        phone=data.phone.strip(),
        created_by=actor,
    )
    contact.full_clean()
    contact.save()
    record(
        "programs.contact.added",
        actor=actor,
        target=contact,
        request=request,
        details={"organisation": str(organisation.pk)},
    )
    return contact


@transaction.atomic
def contact_remove(*, actor: User, contact: Contact, request: HttpRequest | None = None) -> None:
    require_manager(actor)
    record(
        "programs.contact.removed",
        actor=actor,
        target=contact,
        request=request,
        details={"organisation": str(contact.organisation_id)},
    )
    contact.delete()


def contacts_viewed(*, actor: User, organisation: Organisation, via: str, request: HttpRequest | None = None) -> None:
    """Contact people are personal data: every showing of them is recorded."""
    require_manager(actor)
    record("programs.contacts.viewed", actor=actor, target=organisation, request=request, details={"via": via})


@dataclass
class AgreementInput:
    title: str
    kind: str
    programme: str
    parties: list[Organisation]
    scope: str
    starts_on: date | None
    ends_on: date | None = None
    document_name: str = ""
    document: bytes = b""


def _agreement_problems(data: AgreementInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if len({party.pk for party in data.parties}) < 2:
        errors["parties"] = [_("An agreement has at least two parties.")]
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        errors["ends_on"] = [_("The end date is before the start date.")]
    limit = settings.JAGA_ATTACHMENT_MAX_MB * 1024 * 1024
    if data.document and detect_type(data.document) != "application/pdf":
        errors["document"] = [_("The signed document must be a PDF.")]
    elif data.document and (danger := active_content(data.document)):
        errors["document"] = [danger]
    elif len(data.document) > limit:
        errors["document"] = [_("The file is larger than %(mb)s MB.") % {"mb": settings.JAGA_ATTACHMENT_MAX_MB}]
    return errors


AGREEMENT_FIELDS = ("title", "kind", "programme", "scope", "starts_on", "ends_on")  # as the form has them


def _agreement_values(data: AgreementInput) -> dict[str, Any]:
    """AGREEMENT_FIELDS as they are stored."""
    values = {name: getattr(data, name) for name in AGREEMENT_FIELDS}
    return values | {"title": data.title.strip(), "scope": data.scope.strip()}


def _document_values(data: AgreementInput) -> dict[str, Any]:
    """The signed document's fields (all empty without one)."""
    document = data.document
    return {
        "document_name": data.document_name[:200] if document else "",
        "document_type": "application/pdf" if document else "",
        "document": document or None,
    }


@transaction.atomic
def agreement_add(*, actor: User, data: AgreementInput, request: HttpRequest | None = None) -> Agreement:
    require_manager(actor)
    errors = _agreement_problems(data)
    agreement = Agreement(**_agreement_values(data), **_document_values(data), created_by=actor)
    check_all(agreement, errors)
    agreement.save()
    agreement.parties.set(data.parties)
    record(
        "programs.agreement.added",
        actor=actor,
        target=agreement,
        request=request,
        details={"parties": sorted(str(p.pk) for p in data.parties), "document": bool(data.document)},
    )
    return agreement


@transaction.atomic
def agreement_update(
    *, actor: User, agreement: Agreement, data: AgreementInput, request: HttpRequest | None = None
) -> list[str]:
    """Changes an agreement (renewed, corrected, its signed PDF added or replaced: without a new
    document the current one stays). Returns, and audits, the names of the fields that changed."""
    require_manager(actor)
    errors = _agreement_problems(data)
    fresh = _agreement_values(data)
    changed = [name for name, value in fresh.items() if getattr(agreement, name) != value]
    if data.document:
        fresh |= _document_values(data)
        changed.append("document")
    for name, value in fresh.items():
        setattr(agreement, name, value)
    check_all(agreement, errors)
    agreement.save()
    if {party.pk for party in data.parties} != set(agreement.parties.values_list("pk", flat=True)):
        agreement.parties.set(data.parties)
        changed.append("parties")
    record("programs.agreement.changed", actor=actor, target=agreement, request=request, details={"fields": changed})
    return changed


def agreement_document(*, actor: User, agreement: Agreement, request: HttpRequest | None = None) -> bytes:
    require_manager(actor)
    record("programs.agreement.document_downloaded", actor=actor, target=agreement, request=request)
    return bytes(agreement.document or b"")
