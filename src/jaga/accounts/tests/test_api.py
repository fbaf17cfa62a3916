from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from jaga.accounts import services
from jaga.accounts.models import ApiToken, User
from jaga.audit.models import AuditEvent
from jaga.conftest import totp_now
from jaga.factories import PASSWORD

pytestmark = pytest.mark.django_db


def get_token(client: Client, **body: Any) -> Any:
    return client.post("/api/v1/auth/token/", body, content_type="application/json")


def test_it_issues_a_token_that_authenticates_requests(anonymous: Client, analyst_national: User) -> None:
    response = get_token(anonymous, email=analyst_national.email, password=PASSWORD)
    assert response.status_code == 200
    token = response.json()["token"]
    assert token.startswith("jaga_")
    assert not ApiToken.objects.filter(token_hash=token).exists(), "only a hash of the token is stored"
    me = Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")
    assert me.status_code == 200
    assert me.json()["roles"] == ["analyst"]
    assert "stats.view" in me.json()["permissions"]
    assert AuditEvent.objects.filter(action="accounts.token.issued", actor_id=analyst_national.pk).exists()


def test_it_refuses_wrong_credentials_and_says_why(anonymous: Client, analyst_national: User) -> None:
    response = get_token(anonymous, email=analyst_national.email, password="nope")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"
    bad = get_token(anonymous, email="not-an-email", password="")
    assert bad.status_code == 400
    assert set(bad.json()) == {"email", "password"}


def test_it_locks_the_api_like_the_login_page(anonymous: Client, analyst_national: User) -> None:
    for _attempt in range(5):
        get_token(anonymous, email=analyst_national.email, password="nope")
    response = get_token(anonymous, email=analyst_national.email, password=PASSWORD)
    assert response.status_code == 403
    assert response.json()["code"] == "locked_out"


def test_it_requires_the_otp_of_an_enrolled_user(anonymous: Client, analyst_national: User) -> None:
    device = services.mfa_totp_pending(analyst_national)
    services.mfa_totp_confirm(user=analyst_national, token=totp_now(device))
    missing = get_token(anonymous, email=analyst_national.email, password=PASSWORD)
    assert missing.status_code == 400 and "otp" in missing.json()
    wrong = get_token(anonymous, email=analyst_national.email, password=PASSWORD, otp="000000")
    assert wrong.status_code == 401
    ok = get_token(anonymous, email=analyst_national.email, password=PASSWORD, otp=totp_now(device, steps_ahead=1))
    assert ok.status_code == 200


def test_where_mfa_is_required_an_unenrolled_user_gets_no_token(
    settings: Any, anonymous: Client, analyst_national: User
) -> None:
    settings.JAGA_MFA_REQUIRED = True
    response = get_token(anonymous, email=analyst_national.email, password=PASSWORD)
    assert response.status_code == 403 and response.json()["code"] == "mfa_required"


def test_a_deactivated_users_token_stops_working(anonymous: Client, analyst_national: User, system_admin: User) -> None:
    token = get_token(anonymous, email=analyst_national.email, password=PASSWORD).json()["token"]
    services.user_deactivate(actor=system_admin, user=analyst_national)
    assert Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 401


def test_a_token_can_be_revoked(anonymous: Client, analyst_national: User) -> None:
    token = get_token(anonymous, email=analyst_national.email, password=PASSWORD).json()["token"]
    assert Client().delete("/api/v1/auth/token/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 204
    assert Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 401


def test_an_unknown_token_is_refused_with_a_message(anonymous: Client, regions: None) -> None:
    response = anonymous.get("/api/v1/me/", HTTP_AUTHORIZATION="Token jaga_made_up")
    assert response.status_code == 401
    assert "token" in response.json()["detail"].lower()


def test_the_browser_session_authenticates_the_api(login_client: Any, analyst_national: User) -> None:
    client = login_client(analyst_national)
    assert client.get("/api/v1/me/").json()["email"] == analyst_national.email


def test_the_api_answers_in_english_when_asked(anonymous: Client, regions: None) -> None:
    response = anonymous.get("/api/v1/regions/?level=kecamatan", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json() == {"level": ["Use province or regency."]}
    indonesian = anonymous.get("/api/v1/regions/?level=kecamatan")
    assert indonesian.json() == {"level": ["Gunakan province atau regency."]}


def test_the_openapi_schema_and_docs_are_served(anonymous: Client, regions: None) -> None:
    schema = anonymous.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    document = schema.json()
    assert document["openapi"].startswith("3.")
    assert {"/api/v1/auth/token/", "/api/v1/regions/", "/api/v1/me/"} <= set(document["paths"])
    docs = anonymous.get("/api/docs/").content.decode()
    assert "POST /api/v1/auth/token/" in docs and "Dokumentasi API" in docs
    console = anonymous.get("/api/docs/try/")
    assert console.status_code == 200 and b"swagger" in console.content.lower()


def test_a_password_change_ends_every_token_and_other_session(
    login_client: Any, analyst_national: User, anonymous: Client
) -> None:
    token = get_token(anonymous, email=analyst_national.email, password=PASSWORD).json()["token"]
    elsewhere = login_client(analyst_national)
    here = login_client(analyst_national)
    new = "Lima-burung-biru-9"
    changed = here.post("/accounts/me/", {"old_password": PASSWORD, "password1": new, "password2": new})
    assert changed.status_code == 302
    assert Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 401
    assert elsewhere.get("/accounts/me/").status_code == 302, "the other browser is logged out"
    assert here.get("/accounts/me/").status_code == 200, "the browser that changed it stays in"
    event = AuditEvent.objects.get(action="accounts.user.password_changed")
    assert event.details == {"sessions_ended": 1}


def test_an_admin_reset_disables_the_old_password_tokens_and_sessions_at_once(
    login_client: Any, org_admin_jakarta: User, caseworker_jakarta: User, anonymous: Client
) -> None:
    token = get_token(anonymous, email=caseworker_jakarta.email, password=PASSWORD).json()["token"]
    browser = login_client(caseworker_jakarta)
    admin = login_client(org_admin_jakarta)
    assert admin.post(f"/accounts/users/{caseworker_jakarta.pk}/", {"action": "reinvite"}).status_code == 200
    assert Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 401
    assert browser.get("/accounts/me/").status_code == 302
    assert get_token(Client(), email=caseworker_jakarta.email, password=PASSWORD).status_code == 401
    login = Client().post("/accounts/login/", {"username": caseworker_jakarta.email, "password": PASSWORD})
    assert login.status_code == 200, "the old password no longer logs in"
    assert AuditEvent.objects.get(action="accounts.user.reinvited").details == {"sessions_ended": 1}
