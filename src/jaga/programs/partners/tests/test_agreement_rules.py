"""Agreement and contact rules at the service (the pages: test_partners.py): two parties at least,
dates in order, a signed document that is really a PDF and nothing else, every problem at once; the
signed document and contacts only for programme officers, each read and removal audited."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jaga.accounts.models import Organisation, User
from jaga.audit.models import AuditEvent
from jaga.programs.partners.models import Agreement, Contact
from jaga.programs.partners.services import (
    AgreementInput,
    ContactInput,
    agreement_add,
    agreement_document,
    contact_add,
    contact_remove,
)

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def agreement(orgs: dict[str, Organisation], **changes: object) -> AgreementInput:
    fields: dict[str, Any] = {
        "title": "MoU pelatihan (uji)",
        "kind": "mou",
        "programme": "training",
        "parties": [orgs["ngo"], orgs["bali"]],
        "scope": "Pelatihan pencegahan ESKA bagi petugas.",
        "starts_on": date(2026, 1, 1),
        "ends_on": date(2027, 12, 31),
        **changes,
    }
    return AgreementInput(**fields)


def test_every_problem_of_an_agreement_is_named_at_once(programme_officer: User, orgs: dict[str, Organisation]) -> None:
    bad = agreement(
        orgs,
        parties=[orgs["ngo"], orgs["ngo"]],
        ends_on=date(2025, 1, 1),
        document=b"MZ\x90\x00 not a pdf",
        document_name="mou.pdf",
    )
    with pytest.raises(ValidationError) as refused:
        agreement_add(actor=programme_officer, data=bad)
    assert {"parties", "ends_on", "document"} <= set(refused.value.message_dict)
    assert not Agreement.objects.exists()


def test_the_signed_document_is_read_only_by_officers_and_every_read_is_audited(
    programme_officer: User, partner_hotel: User, orgs: dict[str, Organisation]
) -> None:
    made = agreement_add(actor=programme_officer, data=agreement(orgs, document=PDF, document_name="mou.pdf"))
    assert agreement_document(actor=programme_officer, agreement=made) == PDF
    with pytest.raises(PermissionDenied):
        agreement_document(actor=partner_hotel, agreement=made)
    reads = AuditEvent.objects.filter(action="programs.agreement.document_downloaded", target_id=str(made.pk))
    assert list(reads.values_list("actor_id", flat=True)) == [programme_officer.pk]


def test_a_removed_contact_is_gone_with_an_audit_row_that_holds_no_name(
    programme_officer: User, caseworker_jakarta: User, orgs: dict[str, Organisation]
) -> None:
    data = ContactInput(
        full_name="Ibu Ratna Uji", position="Koordinator", email="ratna@lsm.example", phone="0812 1111 2222"
    )
    contact = contact_add(actor=programme_officer, organisation=orgs["ngo"], data=data)
    with pytest.raises(PermissionDenied):
        contact_remove(actor=caseworker_jakarta, contact=contact)
    contact_remove(actor=programme_officer, contact=contact)
    assert not Contact.objects.exists()
    removed = AuditEvent.objects.get(action="programs.contact.removed")
    assert removed.details == {"organisation": str(orgs["ngo"].pk)} and "Ratna" not in str(removed.details)
