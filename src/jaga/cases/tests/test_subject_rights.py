from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client

from jaga.accounts.models import User
from jaga.audit.models import AuditEvent
from jaga.cases.models import Case, Child, Note
from jaga.cases.services import note_add
from jaga.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(caseworker_jakarta: User, register_case: Callable[..., Case]) -> Case:
    case = register_case(caseworker_jakarta)
    note_add(actor=caseworker_jakarta, case=case, text="Catatan rahasia kunjungan")
    return case


@pytest.fixture
def supervisor(login_client: Callable[..., Client], supervisor_jakarta: User) -> Client:
    client = login_client(supervisor_jakarta)
    client.post("/accounts/reauth/", {"secret": PASSWORD, "next": "/"})
    return client


def test_only_a_supervisor_after_reauthentication_reaches_the_rights(
    login_client: Callable[..., Client], case: Case, caseworker_jakarta: User, supervisor_jakarta: User
) -> None:
    assert login_client(caseworker_jakarta).get(f"/cases/{case.pk}/data-subject/").status_code == 403
    fresh = login_client(supervisor_jakarta)
    assert fresh.get(f"/cases/{case.pk}/data-subject/")["Location"].startswith("/accounts/reauth/")


def test_the_export_holds_everything_including_who_looked(
    supervisor: Client, case: Case, caseworker_jakarta: User
) -> None:
    response = supervisor.post(f"/cases/{case.pk}/data-subject/", {"action": "export"})
    assert response["Content-Disposition"].startswith("attachment;")
    document = json.loads(response.content)
    assert document["child"]["full_name"] == "Sinta Maharani Uji"
    assert document["notes"][0]["text"] == "Catatan rahasia kunjungan"
    assert any(
        row["action"] == "cases.case.registered" and row["by"] == caseworker_jakarta.email
        for row in document["access_history"]
    )
    assert AuditEvent.objects.filter(action="cases.subject.exported", target_id=str(case.pk)).exists()


def test_a_correction_updates_identity_indexes_and_age(supervisor: Client, case: Case) -> None:
    response = supervisor.post(
        f"/cases/{case.pk}/data-subject/",
        {"action": "correct", "full_name": "Sinta M. Uji", "nik": "3171074608120003", "date_of_birth": "2012-08-06"},
    )
    assert response.status_code == 302
    child = Child.objects.get(pk=case.pk)
    assert child.full_name == "Sinta M. Uji" and child.date_of_birth == "2012-08-06"
    found = supervisor.post("/cases/", {"q": "3171074608120003"}, follow=True).context["page"].object_list
    assert [c.pk for c in found] == [case.pk]
    event = AuditEvent.objects.get(action="cases.subject.corrected")
    assert (
        event.details == {"fields": ["address", "date_of_birth", "full_name", "nik", "phone"]}
        or "full_name" in event.details["fields"]
    )
    bad = supervisor.post(f"/cases/{case.pk}/data-subject/", {"action": "correct", "nik": "12"})
    assert "16 digit" in bad.content.decode()


def test_a_restricted_case_refuses_ordinary_reads(
    login_client: Callable[..., Client], supervisor: Client, case: Case, caseworker_jakarta: User
) -> None:
    supervisor.post(f"/cases/{case.pk}/data-subject/", {"action": "restrict"})
    worker = login_client(caseworker_jakarta)
    refused = worker.get(f"/cases/{case.pk}/")
    assert refused.status_code == 403 and "dibatasi" in refused.content.decode()
    assert supervisor.get(f"/cases/{case.pk}/").status_code == 200
    supervisor.post(f"/cases/{case.pk}/data-subject/", {"action": "unrestrict"})
    assert worker.get(f"/cases/{case.pk}/").status_code == 200


def test_erasure_destroys_identity_and_keeps_statistics(supervisor: Client, case: Case) -> None:
    wrong = supervisor.post(f"/cases/{case.pk}/data-subject/", {"action": "erase", "confirm": "nope"})
    assert wrong.status_code == 200 and Child.objects.get(pk=case.pk).full_name
    supervisor.post(f"/cases/{case.pk}/data-subject/", {"action": "erase", "confirm": case.reference})
    child = Child.objects.get(pk=case.pk)
    assert (child.full_name, child.nik, child.nik_index, child.phone) == ("", "", "", "")
    assert (child.age_band, child.sex) == ("10-14", "female") and child.erased_at
    assert not Note.objects.filter(case=case).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT full_name, nik, phone FROM cases_child")
        assert cursor.fetchall() == [("", "", "")]
    assert AuditEvent.objects.filter(action="cases.subject.erased").exists()


def test_the_rights_page_is_for_the_owner_and_its_identity_read_is_audited(
    supervisor: Client,
    case: Case,
    caseworker_jakarta: User,
    caseworker_bali: User,
    supervisor_bali: User,
    login_client: Callable[..., Client],
) -> None:
    from jaga.cases.referrals import referral_decide, referral_request

    assert supervisor.get(f"/cases/{case.pk}/data-subject/").status_code == 200
    read = AuditEvent.objects.filter(action="cases.case.identity_viewed", target_id=str(case.pk)).get()
    assert read.details == {"via": "data_subject"}
    # A supervisor whose unit received the case by referral sees the case, not the child's rights page.
    referral = referral_request(
        actor=caseworker_jakarta,
        case=case, to_organisation=caseworker_bali.organisation, service="shelter", reason="",
    )  # fmt: skip
    referral_decide(actor=supervisor_bali, referral=referral, accept=True)
    receiver = login_client(supervisor_bali)
    receiver.post("/accounts/reauth/", {"secret": PASSWORD, "next": "/"})
    assert receiver.get(f"/cases/{case.pk}/").status_code == 200
    assert receiver.get(f"/cases/{case.pk}/data-subject/").status_code == 404
