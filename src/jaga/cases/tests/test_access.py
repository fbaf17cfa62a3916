"""The access matrix: every role x own organisation / other organisation, for list, detail, identity and API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from jaga.accounts.models import User
from jaga.audit.models import AuditEvent
from jaga.cases.assignment import case_assign
from jaga.cases.models import Case
from jaga.conftest import api_client
from jaga.factories import PASSWORD

pytestmark = pytest.mark.django_db

ROLES = [
    "caseworker_jakarta",
    "supervisor_jakarta",
    "org_admin_jakarta",
    "caseworker_bali",
    "supervisor_bali",
    "analyst_national",
    "hotline_operator",
    "programme_officer",
    "partner_hotel",
    "system_admin",
]
# Who sees the Jakarta case (detail 200), who may reveal its identity; everyone else gets 404 there.
SEES_JAKARTA_CASE = {"caseworker_jakarta", "supervisor_jakarta"}
HAS_CASE_LIST = {"caseworker_jakarta", "supervisor_jakarta", "caseworker_bali", "supervisor_bali"}


@pytest.fixture
def jakarta_case(caseworker_jakarta: User, register_case: Callable[..., Case]) -> Case:
    return register_case(caseworker_jakarta)


@pytest.mark.parametrize("name", ROLES)
def test_the_case_pages_follow_the_matrix(
    persona: Callable[[str], User], login_client: Callable[..., Client], jakarta_case: Case, name: str
) -> None:
    client = login_client(persona(name))
    list_page = client.get("/cases/")
    assert list_page.status_code == (200 if name in HAS_CASE_LIST else 403)
    if list_page.status_code == 200:
        assert (jakarta_case.reference in list_page.content.decode()) == (name in SEES_JAKARTA_CASE)
    detail = client.get(f"/cases/{jakarta_case.pk}/")
    expected = 200 if name in SEES_JAKARTA_CASE else (404 if name in HAS_CASE_LIST else 403)
    assert detail.status_code == expected
    identity = client.get(f"/cases/{jakarta_case.pk}/identity/")
    # Allowed roles are first asked to re-authenticate; others never get that far.
    assert identity.status_code == (302 if name in SEES_JAKARTA_CASE else (404 if name in HAS_CASE_LIST else 403))


@pytest.mark.parametrize("name", ROLES)
def test_the_case_api_follows_the_matrix(persona: Callable[[str], User], jakarta_case: Case, name: str) -> None:
    client = api_client(persona(name))
    listing = client.get("/api/v1/cases/")
    assert listing.status_code == (200 if name in HAS_CASE_LIST else 403)
    if listing.status_code == 200:
        references = [case["reference"] for case in listing.json()["results"]]
        assert (jakarta_case.reference in references) == (name in SEES_JAKARTA_CASE)
        assert all("full_name" not in case["child"] for case in listing.json()["results"])
    detail = client.get(f"/api/v1/cases/{jakarta_case.pk}/")
    # As on the pages: 404 for a case outside one's scope, 403 for a role that sees no cases at all.
    assert detail.status_code == (200 if name in SEES_JAKARTA_CASE else (404 if name in HAS_CASE_LIST else 403))
    if detail.status_code == 200:
        assert "full_name" not in detail.json()["child"], "identity only after re-authenticating"
        assert "elevate" in detail.json()["child"]["identity_withheld"]
        elevated = client.post("/api/v1/auth/elevate/", {"secret": PASSWORD}, content_type="application/json")
        assert elevated.status_code == 200
        again = client.get(f"/api/v1/cases/{jakarta_case.pk}/")
        assert again.json()["child"]["full_name"] == "Sinta Maharani Uji"


def test_the_api_shows_identity_only_within_minutes_of_re_authenticating(
    caseworker_jakarta: User, jakarta_case: Case
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from jaga.accounts.models import ApiToken

    client = api_client(caseworker_jakarta)
    url = f"/api/v1/cases/{jakarta_case.pk}/"
    wrong = client.post("/api/v1/auth/elevate/", {"secret": "not it"}, content_type="application/json")
    assert wrong.status_code == 403 and wrong.json()["code"] == "wrong_secret"
    assert AuditEvent.objects.filter(action="accounts.login.failed").exists(), "a wrong secret counts as a failure"
    client.post("/api/v1/auth/elevate/", {"secret": PASSWORD}, content_type="application/json")
    assert client.get(url).json()["child"]["nik"]
    ApiToken.objects.update(elevated_until=timezone.now() - timedelta(seconds=1))
    assert "nik" not in client.get(url).json()["child"]
    # Other answers never carry the identity, elevated or not.
    ApiToken.objects.update(elevated_until=timezone.now() + timedelta(minutes=5))
    note = client.post(f"{url}do/notes/", {"text": "Kunjungan rumah"}, content_type="application/json")
    assert note.status_code == 200 and "full_name" not in note.json()["child"]
    reads = list(AuditEvent.objects.filter(target_id=str(jakarta_case.pk)).values_list("action", flat=True))
    assert reads.count("cases.case.identity_viewed") == 1 and reads.count("cases.case.viewed") == 1


def test_anonymous_gets_nothing(anonymous: Client, jakarta_case: Case) -> None:
    assert anonymous.get("/cases/")["Location"].startswith("/accounts/login/")
    assert anonymous.get(f"/cases/{jakarta_case.pk}/")["Location"].startswith("/accounts/login/")
    assert anonymous.get("/api/v1/cases/").status_code == 401
    assert anonymous.get(f"/api/v1/cases/{jakarta_case.pk}/").status_code == 401


def test_every_read_writes_one_audit_row(
    login_client: Callable[..., Client], caseworker_jakarta: User, jakarta_case: Case
) -> None:
    client = login_client(caseworker_jakarta)
    client.get(f"/cases/{jakarta_case.pk}/")
    api_client(caseworker_jakarta).get(f"/api/v1/cases/{jakarta_case.pk}/")
    reads: list[Any] = list(
        AuditEvent.objects.filter(target_id=str(jakarta_case.pk), action__startswith="cases.case.")
        .exclude(action="cases.case.registered")
        .values_list("action", "details")
        .order_by("seq")
    )
    assert reads == [("cases.case.viewed", {"via": "page"}), ("cases.case.viewed", {"via": "api"})]


@pytest.fixture
def three_cases(
    caseworker_jakarta: User, caseworker_bali: User, supervisor_jakarta: User, register_case: Callable[..., Case]
) -> dict[str, Case]:
    from jaga.cases.referrals import referral_decide, referral_request

    own = register_case(caseworker_jakarta)
    other = register_case(caseworker_bali, exploitation_regency="51.71")
    referred = register_case(caseworker_bali, exploitation_regency="51.03")
    referral = referral_request(
        actor=caseworker_bali, case=referred, to_organisation=caseworker_jakarta.organisation, service="shelter"
    )
    referral_decide(actor=supervisor_jakarta, referral=referral, accept=True)
    # The receiving supervisor gives the referred case to a caseworker (who sees it from then on).
    case_assign(actor=supervisor_jakarta, case=referred, assignee=caseworker_jakarta, reason="Rumah aman")
    return {"jakarta": own, "bali": other, "referred": referred}


VISIBLE = {
    "caseworker_jakarta": {"jakarta", "referred"},
    "supervisor_jakarta": {"jakarta", "referred"},
    "caseworker_bali": {"bali", "referred"},
    "supervisor_bali": {"bali", "referred"},
}


@pytest.mark.parametrize("name", ROLES)
def test_own_other_and_referred_cases_in_list_detail_export_and_api(
    persona: Callable[[str], User],
    login_client: Callable[..., Client],
    three_cases: dict[str, Case],
    name: str,
) -> None:
    user = persona(name)
    visible = VISIBLE.get(name, set())
    page, api = login_client(user), api_client(user)
    listing = page.get("/cases/")
    export = page.get("/cases/export.csv")
    api_list = api.get("/api/v1/cases/")
    if name not in HAS_CASE_LIST:
        assert (listing.status_code, export.status_code, api_list.status_code) == (403, 403, 403)
    else:
        body = listing.content.decode()
        assert {key for key, case in three_cases.items() if str(case.pk) in body} == visible
        assert len(export.content.decode("utf-8-sig").strip().splitlines()) == 1 + len(visible)
        assert {c["id"] for c in api_list.json()["results"]} == {str(three_cases[key].pk) for key in visible}
    for key, case in three_cases.items():
        expected = 200 if key in visible else (404 if name in HAS_CASE_LIST else 403)
        assert page.get(f"/cases/{case.pk}/").status_code == expected, key
        assert api.get(f"/api/v1/cases/{case.pk}/").status_code == expected, key  # as the pages answer
