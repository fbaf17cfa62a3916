from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import translation

from jaga.accounts.models import Organisation, User
from jaga.audit.models import AuditEvent
from jaga.cases import workflow
from jaga.cases.assignment import case_assign
from jaga.cases.models import Case, Referral, Status
from jaga.cases.referrals import referral_decide, referral_end, referral_request

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> object:
    with translation.override("en"):
        yield


@pytest.fixture
def case(caseworker_jakarta: User, register_case: Callable[..., Case]) -> Case:
    return register_case(caseworker_jakarta)


def refer(actor: User, case: Case, to: Organisation, **kwargs: Any) -> Referral:
    return referral_request(actor=actor, case=case, to_organisation=to, service="shelter", **kwargs)


def test_an_accepted_referral_grants_access_until_it_ends(
    login_client: Callable[..., Client],
    case: Case,
    caseworker_jakarta: User,
    caseworker_bali: User,
    supervisor_bali: User,
) -> None:
    bali = login_client(caseworker_bali)
    referral = refer(caseworker_jakarta, case, caseworker_bali.organisation, reason="Butuh rumah aman")
    assert bali.get(f"/cases/{case.pk}/").status_code == 404, "requested is not yet access"
    referral_decide(actor=supervisor_bali, referral=referral, accept=True)
    assert bali.get(f"/cases/{case.pk}/").status_code == 404, "accepted, but not yet given to this caseworker"
    case_assign(actor=supervisor_bali, case=case, assignee=caseworker_bali, reason="Rumah aman")
    assert bali.get(f"/cases/{case.pk}/").status_code == 200
    assert case.reference in bali.get("/cases/").content.decode()
    # The receiving organisation works on the case but does not move it along its workflow.
    with pytest.raises(PermissionDenied):
        workflow.assessment_save(actor=caseworker_bali, case=case, data={"risk_rating": "low"}, submit=False)
    referral_end(actor=caseworker_bali, referral=referral, state=Referral.State.COMPLETED)
    assert bali.get(f"/cases/{case.pk}/").status_code == 404
    kinds = list(case.events.values_list("kind", flat=True))
    assert {"referral_requested", "referral_accepted", "referral_completed"} <= set(kinds)
    actions = set(AuditEvent.objects.filter(action__startswith="cases.referral.").values_list("action", flat=True))
    assert actions == {"cases.referral.requested", "cases.referral.accepted", "cases.referral.completed"}


def test_the_owner_can_revoke_and_access_ends(
    case: Case, caseworker_jakarta: User, caseworker_bali: User, supervisor_bali: User
) -> None:
    referral = refer(caseworker_jakarta, case, caseworker_bali.organisation)
    referral_decide(actor=supervisor_bali, referral=referral, accept=True, assignee=caseworker_bali)
    assert Case.objects.visible_to(caseworker_bali).filter(pk=case.pk).exists()
    with pytest.raises(PermissionDenied):
        referral_end(actor=caseworker_bali, referral=referral, state=Referral.State.REVOKED)
    referral_end(actor=caseworker_jakarta, referral=referral, state=Referral.State.REVOKED)
    assert not Case.objects.visible_to(caseworker_bali).filter(pk=case.pk).exists()


def test_a_declined_referral_grants_nothing(
    case: Case, caseworker_jakarta: User, caseworker_bali: User, supervisor_bali: User
) -> None:
    referral = refer(caseworker_jakarta, case, caseworker_bali.organisation)
    with pytest.raises(PermissionDenied):
        referral_decide(actor=caseworker_bali, referral=referral, accept=True)
    referral_decide(actor=supervisor_bali, referral=referral, accept=False, reason="Rumah aman penuh")
    assert not Case.objects.visible_to(caseworker_bali).filter(pk=case.pk).exists()
    with pytest.raises(ValidationError, match="already answered"):
        referral_decide(actor=supervisor_bali, referral=referral, accept=True)


def test_sharing_needs_consent_or_a_lawful_basis(
    caseworker_jakarta: User, caseworker_bali: User, register_case: Callable[..., Case]
) -> None:
    no_sharing = register_case(caseworker_jakarta, consent={"sharing": False})
    with pytest.raises(ValidationError, match="consent of the child or guardian"):
        refer(caseworker_jakarta, no_sharing, caseworker_bali.organisation)
    lawful = register_case(
        caseworker_jakarta,
        consent={"given_by": "nobody", "sharing": False, "lawful_basis": "vital_interest", "justification": "Darurat"},
    )
    assert refer(caseworker_jakarta, lawful, caseworker_bali.organisation).state == Referral.State.REQUESTED


def test_only_the_owner_refers_and_not_to_itself(
    case: Case, caseworker_jakarta: User, caseworker_bali: User, supervisor_jakarta: User
) -> None:
    with pytest.raises(PermissionDenied):
        refer(caseworker_bali, case, caseworker_bali.organisation)
    with pytest.raises(ValidationError, match="another organisation"):
        refer(supervisor_jakarta, case, caseworker_jakarta.organisation)
    refer(caseworker_jakarta, case, caseworker_bali.organisation)
    with pytest.raises(ValidationError, match="already has an open referral"):
        refer(caseworker_jakarta, case, caseworker_bali.organisation)


def test_a_transfer_moves_ownership_with_a_new_reference(
    case: Case, caseworker_jakarta: User, caseworker_bali: User, supervisor_bali: User
) -> None:
    old_reference = case.reference
    referral = refer(caseworker_jakarta, case, caseworker_bali.organisation, is_transfer=True)
    referral_decide(actor=supervisor_bali, referral=referral, accept=True)
    case.refresh_from_db()
    assert case.organisation == caseworker_bali.organisation and case.status == Status.TRANSFERRED
    assert case.assigned_to is None, "a transferred case waits in the receiving unit's intake queue"
    assert not Case.objects.visible_to(caseworker_jakarta).filter(pk=case.pk).exists()
    workflow.assessment_save(actor=caseworker_bali, case=case, data={"risk_rating": "low"}, submit=False)
    event = case.events.get(kind="transferred")
    assert old_reference in event.detail
    assert AuditEvent.objects.filter(action="cases.case.transferred", target_id=str(case.pk)).exists()


def test_the_pages_send_and_answer_a_referral(
    login_client: Callable[..., Client], case: Case, caseworker_jakarta: User, supervisor_bali: User
) -> None:
    jakarta = login_client(caseworker_jakarta)
    page = jakarta.get(f"/cases/{case.pk}/").content.decode()
    assert "Rujuk kasus ini" in page
    jakarta.post(
        f"/cases/{case.pk}/referrals/",
        {"to_organisation": str(supervisor_bali.organisation_id), "service": "psychosocial"},
    )
    referral = Referral.objects.get()
    bali = login_client(supervisor_bali)
    inbox = bali.get("/cases/referrals/").content.decode()
    assert case.reference in inbox and "Terima" in inbox
    bali.post(f"/cases/referrals/{referral.pk}/", {"action": "accept"})
    referral.refresh_from_db()
    assert referral.state == Referral.State.ACCEPTED
    assert bali.get(f"/cases/{case.pk}/").status_code == 200
    # Someone from a third organisation cannot even see the referral.
    assert jakarta.post(f"/cases/referrals/{referral.pk}/", {"action": "accept"}).status_code == 302
    referral.refresh_from_db()
    assert referral.state == Referral.State.ACCEPTED


def test_withdrawing_consent_to_share_stops_new_referrals(
    login_client: Callable[..., Client], case: Case, caseworker_jakarta: User, caseworker_bali: User
) -> None:
    client = login_client(caseworker_jakarta)
    client.post(f"/cases/{case.pk}/consent/", {"consent-given_by": "guardian", "consent-services": "on"})
    assert case.consents.count() == 2 and not case.consents.first().sharing
    with pytest.raises(ValidationError, match="consent of the child or guardian"):
        refer(caseworker_jakarta, case, caseworker_bali.organisation)
    refused = client.post(f"/cases/{case.pk}/consent/", {"consent-given_by": "nobody"})
    assert refused.status_code == 400 and case.consents.count() == 2
    page = refused.content.decode()
    assert 'value="nobody" selected' in page, "the refused form is shown again with what was chosen"
    assert AuditEvent.objects.filter(action="cases.consent.recorded", target_id=str(case.pk)).count() == 1


def test_the_receiver_judges_a_referral_from_its_facts_and_a_decline_says_why(
    login_client: Callable[..., Client],
    case: Case,
    caseworker_jakarta: User,
    supervisor_bali: User,
) -> None:
    from jaga.cases.tests.test_access import api_client

    referral = refer(caseworker_jakarta, case, supervisor_bali.organisation, reason="Butuh rumah aman segera")
    page = login_client(supervisor_bali).get("/cases/referrals/").content.decode()
    assert "Butuh rumah aman segera" in page and "10-14" in page and "Perempuan" in page
    assert "Sinta" not in page, "no identity before the referral is accepted"
    client = api_client(supervisor_bali)
    refused = client.post(f"/api/v1/referrals/{referral.pk}/decline/", {}, content_type="application/json")
    assert refused.status_code == 400 and "reason" in refused.json()
    declined = client.post(
        f"/api/v1/referrals/{referral.pk}/decline/", {"reason": "Kuota penuh"}, content_type="application/json"
    )
    assert declined.json()["state"] == "declined"
    sender = login_client(caseworker_jakarta).get("/cases/referrals/").content.decode()
    assert "Kuota penuh" in sender


def test_the_refer_to_list_offers_who_provides_the_service_nearest_first(
    login_client: Callable[..., Client],
    case: Case,
    caseworker_jakarta: User,
    supervisor_bali: User,
    orgs: dict[str, Organisation],
) -> None:
    bali = login_client(supervisor_bali)
    declared = bali.post("/cases/services-offered/", {"services": ["shelter", "medical"]})
    assert declared.status_code == 302
    assert AuditEvent.objects.filter(action="cases.services.declared").exists()
    ngo = orgs["ngo"]
    from jaga.cases.models import ServiceOffer
    from jaga.cases.offers import refer_to_choices

    ServiceOffer.objects.create(organisation=ngo, service="legal_aid")
    with translation.override("id"):
        groups = dict(refer_to_choices(case))
    national = [label for _pk, label in groups["Organisasi nasional"]]
    assert any(ngo.name in label and "Bantuan hukum" in label for label in national)
    assert list(groups) == ["Organisasi nasional", "Di tempat lain", "Layanan belum dinyatakan"], "nearest first"
    shelter = [label for _group, rows in refer_to_choices(case, "shelter") for _pk, label in rows]
    assert any(supervisor_bali.organisation.name in label for label in shelter)
    assert not any(ngo.name in label for label in shelter), "the NGO does not provide shelter"
    refused = login_client(caseworker_jakarta).post(
        f"/cases/{case.pk}/referrals/", {"to_organisation": str(ngo.pk), "service": "shelter"}, follow=True
    )
    assert "tidak menyediakan" in refused.content.decode() and not Referral.objects.exists()
    assert login_client(caseworker_jakarta).get("/cases/services-offered/").status_code == 403
