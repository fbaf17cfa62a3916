"""Need to know and assignment: caseworkers see what they lead; supervisors assign from the case page,
the intake queue and the API; every assignment has a reason, a timeline entry and an audit row."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from jaga.accounts.models import Role, User
from jaga.audit.models import AuditEvent
from jaga.cases.models import Case, CaseEvent
from jaga.cases.tests.test_access import api_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(make_user: Callable[..., User]) -> User:
    """A second caseworker of the Jakarta unit."""
    return make_user("rekan.jakarta@test.example", "jakarta", Role.CASEWORKER, full_name="Rekan Jakarta")


def test_a_caseworker_sees_only_the_cases_they_lead_and_the_supervisor_sees_the_unit(
    login_client: Callable[..., Client],
    caseworker_jakarta: User,
    colleague: User,
    supervisor_jakarta: User,
    register_case: Callable[..., Case],
) -> None:
    mine = register_case(caseworker_jakarta)
    theirs = register_case(colleague)
    assert mine.assigned_to == caseworker_jakarta, "who registers a case leads it"
    me = login_client(caseworker_jakarta)
    listing = me.get("/cases/").content.decode()
    assert mine.reference in listing and theirs.reference not in listing
    assert me.get(f"/cases/{theirs.pk}/").status_code == 404
    assert api_client(caseworker_jakarta).get(f"/api/v1/cases/{theirs.pk}/").status_code == 404
    refused = AuditEvent.objects.filter(action="security.access.not_found", target_id=str(theirs.pk))
    assert refused.count() == 2, "both refusals are audited"
    boss = login_client(supervisor_jakarta).get("/cases/").content.decode()
    assert mine.reference in boss and theirs.reference in boss


def test_a_supervisor_assigns_from_the_intake_queue_most_urgent_first(
    login_client: Callable[..., Client],
    caseworker_jakarta: User,
    supervisor_jakarta: User,
    register_case: Callable[..., Case],
) -> None:
    low = register_case(supervisor_jakarta, risk_level="low")
    high = register_case(supervisor_jakarta, risk_level="high")
    assert low.assigned_to is None and high.assigned_to is None, "a supervisor's registration waits in the queue"
    boss = login_client(supervisor_jakarta)
    home = boss.get("/").content.decode()
    assert "Kasus menunggu di antrean masuk" in home and "<strong>2</strong>" in home
    page = boss.get("/cases/queue/").content.decode()
    assert page.index(high.reference) < page.index(low.reference), "the most urgent first"
    refused = boss.post("/cases/queue/", {"assignee": caseworker_jakarta.pk, "reason": "Beban kerja"})
    assert refused.status_code == 400 and "Centang minimal satu kasus" in refused.content.decode()
    done = boss.post(
        "/cases/queue/", {"case": [high.pk, low.pk], "assignee": caseworker_jakarta.pk, "reason": "Wilayah Jakut"}
    )
    assert done.status_code == 302
    assert set(Case.objects.filter(assigned_to=caseworker_jakarta).values_list("pk", flat=True)) == {high.pk, low.pk}
    assert "Tidak ada yang menunggu" in boss.get("/cases/queue/").content.decode()
    event = CaseEvent.objects.get(case=high, kind="assigned")
    assert "Wilayah Jakut" in event.detail and event.by == supervisor_jakarta
    assert AuditEvent.objects.filter(action="cases.case.assigned", target_id=str(high.pk)).count() == 1
    worker_home = login_client(caseworker_jakarta).get("/").content.decode()
    assert "Kasus terbuka yang Anda tangani" in worker_home and "<strong>2</strong>" in worker_home


def test_reassigning_from_the_case_page_needs_a_reason_and_a_caseworker_of_the_unit(
    login_client: Callable[..., Client],
    caseworker_jakarta: User,
    colleague: User,
    caseworker_bali: User,
    supervisor_jakarta: User,
    register_case: Callable[..., Case],
) -> None:
    case = register_case(caseworker_jakarta)
    boss = login_client(supervisor_jakarta)
    assert "Tugaskan ulang" in boss.get(f"/cases/{case.pk}/").content.decode()
    assert "Tugaskan ulang" not in login_client(caseworker_jakarta).get(f"/cases/{case.pk}/").content.decode()
    boss.post(f"/cases/{case.pk}/assign/", {"assignee": colleague.pk, "reason": ""})
    boss.post(f"/cases/{case.pk}/assign/", {"assignee": caseworker_bali.pk, "reason": "Salah unit"})
    case.refresh_from_db()
    assert case.assigned_to == caseworker_jakarta, "neither a blank reason nor another unit's caseworker"
    response = boss.post(f"/cases/{case.pk}/assign/", {"assignee": colleague.pk, "reason": "Cuti"}, follow=True)
    assert "Kasus ditugaskan kepada Rekan Jakarta" in response.content.decode()
    case.refresh_from_db()
    assert case.assigned_to == colleague
    assert login_client(caseworker_jakarta).get(f"/cases/{case.pk}/").status_code == 404, "no longer theirs"
    # A caseworker may not assign, through the page or the API.
    assert login_client(colleague).post(f"/cases/{case.pk}/assign/", {"assignee": colleague.pk}).status_code == 403
    body = {"assignee": caseworker_jakarta.email, "reason": "x"}
    assert api_client(colleague).post(f"/api/v1/cases/{case.pk}/assign/", body, format="json").status_code == 403


def test_the_api_assigns_and_names_the_field_it_refuses(
    caseworker_jakarta: User, supervisor_jakarta: User, register_case: Callable[..., Any]
) -> None:
    case = register_case(supervisor_jakarta)
    client = api_client(supervisor_jakarta)
    url = f"/api/v1/cases/{case.pk}/assign/"
    unknown = client.post(url, {"assignee": "nobody@test.example", "reason": "x"}, content_type="application/json")
    assert unknown.status_code == 400 and list(unknown.json()) == ["assignee"]
    blank = client.post(url, {"assignee": caseworker_jakarta.email, "reason": ""}, content_type="application/json")
    assert blank.status_code == 400 and "reason" in blank.json()
    done = client.post(url, {"assignee": caseworker_jakarta.email, "reason": "Dekat"}, content_type="application/json")
    assert done.status_code == 200 and done.json() == {
        "id": str(case.pk),
        "reference": case.reference,
        "assignee": caseworker_jakarta.email,
    }
    assert api_client(caseworker_jakarta).get(f"/api/v1/cases/{case.pk}/").status_code == 200


def test_imported_and_hotline_cases_wait_in_the_queue(caseworker_jakarta: User, supervisor_jakarta: User) -> None:
    from jaga.cases.assignment import intake_queue
    from jaga.cases.services import cases_bulk_register
    from jaga.factories import case_input

    imported = cases_bulk_register(actor=caseworker_jakarta, inputs=[case_input()])
    assert imported[0].assigned_to_id is None
    assert list(intake_queue(supervisor_jakarta)) == [imported[0]]
    assert not intake_queue(caseworker_jakarta).exists(), "only those who assign have a queue"


def test_accepting_a_referral_can_name_the_caseworker_who_takes_it(
    login_client: Callable[..., Client],
    caseworker_jakarta: User,
    caseworker_bali: User,
    supervisor_bali: User,
    register_case: Callable[..., Case],
) -> None:
    from jaga.cases.referrals import referral_request

    case = register_case(caseworker_jakarta)
    referral = referral_request(
        actor=caseworker_jakarta, case=case, to_organisation=caseworker_bali.organisation, service="shelter"
    )
    boss = login_client(supervisor_bali)
    page = boss.get("/cases/referrals/").content.decode()
    assert "Berikan kepada" in page and caseworker_bali.full_name in page
    wrong = boss.post(f"/cases/referrals/{referral.pk}/", {"action": "accept", "assignee": "not-a-person"}, follow=True)
    assert "pekerja kasus aktif" in wrong.content.decode()
    referral.refresh_from_db()
    assert referral.state == "requested", "nothing is decided when the caseworker is refused"
    boss.post(f"/cases/referrals/{referral.pk}/", {"action": "accept", "assignee": str(caseworker_bali.pk)})
    referral.refresh_from_db()
    assert (referral.state, referral.assigned_to) == ("accepted", caseworker_bali)
    assert login_client(caseworker_bali).get(f"/cases/{case.pk}/").status_code == 200


def test_ticking_something_that_is_not_a_case_is_refused_calmly(
    login_client: Callable[..., Client], caseworker_jakarta: User, supervisor_jakarta: User
) -> None:
    body = {"case": ["../../etc", "12"], "assignee": caseworker_jakarta.pk, "reason": "x"}
    response = login_client(supervisor_jakarta).post("/cases/queue/", body)
    assert response.status_code == 400 and "Centang minimal satu kasus" in response.content.decode()


def test_a_supervisor_assigns_ticked_cases_from_the_list(
    login_client: Callable[..., Client],
    caseworker_jakarta: User,
    supervisor_jakarta: User,
    caseworker_bali: User,
    register_case: Callable[..., Case],
) -> None:
    mine = register_case(supervisor_jakarta)
    other_unit = register_case(caseworker_bali, exploitation_regency="51.71")
    boss = login_client(supervisor_jakarta)
    page = boss.get("/cases/").content.decode()
    assert 'form="assign-many"' in page and "Tugaskan kasus yang dicentang" in page
    assert 'form="assign-many"' not in login_client(caseworker_jakarta).get("/cases/").content.decode()
    body = {"case": [mine.pk, other_unit.pk], "assignee": caseworker_jakarta.pk, "reason": "Giliran", "next": "/cases/"}
    done = boss.post("/cases/assign/", body, follow=True)
    assert "1 kasus ditugaskan kepada" in done.content.decode(), "a case outside the scope is not even seen"
    assert Case.objects.get(pk=mine.pk).assigned_to == caseworker_jakarta
    assert Case.objects.get(pk=other_unit.pk).assigned_to == caseworker_bali
    away = boss.post("/cases/assign/", {**body, "next": "https://elsewhere.example/"})
    assert away["Location"] == "/cases/", "never sent off the site"


def test_a_co_worker_sees_the_case_beside_its_lead_until_removed(
    login_client: Callable[..., Client],
    caseworker_jakarta: User,
    colleague: User,
    supervisor_jakarta: User,
    register_case: Callable[..., Case],
) -> None:
    case = register_case(caseworker_jakarta)
    them = login_client(colleague)
    assert them.get(f"/cases/{case.pk}/").status_code == 404
    boss = login_client(supervisor_jakarta)
    boss.post(f"/cases/{case.pk}/coworkers/", {"user": colleague.pk})
    assert them.get(f"/cases/{case.pk}/").status_code == 200
    assert case.reference in them.get("/cases/", {"mine": "1"}).content.decode(), "their own work includes it"
    again = boss.post(f"/cases/{case.pk}/coworkers/", {"user": colleague.pk}, follow=True).content.decode()
    assert "sudah menangani kasus ini" in again
    page = boss.get(f"/cases/{case.pk}/").content.decode()
    assert "Rekan Jakarta" in page
    coworker = case.coworkers.get()
    boss.post(f"/cases/{case.pk}/coworkers/{coworker.pk}/remove/")
    assert them.get(f"/cases/{case.pk}/").status_code == 404
    actions = list(AuditEvent.objects.filter(target_id=str(case.pk)).values_list("action", flat=True))
    assert "cases.case.coworker_added" in actions and "cases.case.coworker_removed" in actions
    assert (
        login_client(caseworker_jakarta).post(f"/cases/{case.pk}/coworkers/", {"user": colleague.pk}).status_code == 403
    )


def test_a_caseworker_may_leave_a_new_case_to_the_supervisor(
    caseworker_jakarta: User, supervisor_jakarta: User
) -> None:
    from jaga.cases.assignment import intake_queue
    from jaga.cases.services import case_register
    from jaga.factories import case_input

    case = case_register(actor=caseworker_jakarta, data=case_input(), lead=False)
    assert case.assigned_to is None and case in intake_queue(supervisor_jakarta)


def test_the_supervisor_home_shows_the_caseload_per_caseworker(
    login_client: Callable[..., Client],
    caseworker_jakarta: User,
    colleague: User,
    supervisor_jakarta: User,
    register_case: Callable[..., Case],
) -> None:
    register_case(caseworker_jakarta)
    register_case(caseworker_jakarta)
    register_case(colleague)
    home = login_client(supervisor_jakarta).get("/").content.decode()
    assert f"<strong>2</strong> Kasus terbuka {caseworker_jakarta.full_name}" in home
    assert "<strong>1</strong> Kasus terbuka Rekan Jakarta" in home
