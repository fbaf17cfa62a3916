from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from jaga.accounts import services
from jaga.accounts.models import User
from jaga.audit.models import AuditEvent
from jaga.conftest import totp_now
from jaga.factories import PASSWORD

pytestmark = pytest.mark.django_db


def enrol(user: User) -> tuple[TOTPDevice, list[str]]:
    device = services.mfa_totp_pending(user)
    codes = services.mfa_totp_confirm(user=user, token=totp_now(device))
    device.refresh_from_db()
    return device, codes


def post_login(client: Client, email: str, password: str, **extra: Any) -> Any:
    return client.post("/accounts/login/", {"username": email, "password": password}, **extra)


def test_it_shows_the_login_page_in_indonesian(anonymous: Client, regions: None) -> None:
    response = anonymous.get("/accounts/login/")
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="id">' in body
    assert "Kata sandi" in body


def test_it_logs_in_with_email_in_any_case_and_audits_it(anonymous: Client, caseworker_jakarta: User) -> None:
    response = post_login(anonymous, caseworker_jakarta.email.upper(), PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert anonymous.get("/").status_code == 200
    event = AuditEvent.objects.filter(action="accounts.login.succeeded").get()
    assert event.actor_id == caseworker_jakarta.pk
    assert event.organisation_id == caseworker_jakarta.organisation_id
    assert event.ip == "127.0.0.1"


def test_it_refuses_a_wrong_password_with_a_clear_message(anonymous: Client, caseworker_jakarta: User) -> None:
    response = post_login(anonymous, caseworker_jakarta.email, "not-the-password")
    assert response.status_code == 200
    assert "Email atau kata sandi tidak benar." in response.content.decode()
    event = AuditEvent.objects.get(action="accounts.login.failed")
    assert event.target_id == str(caseworker_jakarta.pk)
    assert event.details == {"known_account": True}


def test_it_does_not_record_an_unknown_email(anonymous: Client, regions: None) -> None:
    post_login(anonymous, "someone-typed-a-password@example.com", "x")
    event = AuditEvent.objects.get(action="accounts.login.failed")
    assert event.target_id == ""
    assert "someone-typed" not in str(event.details)


def test_it_hashes_passwords_with_argon2(settings: Any, caseworker_jakarta: User) -> None:
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    assert make_password("Tiga-kucing-hitam-7").startswith("argon2$")


def test_it_locks_an_account_from_one_address_after_five_failures(anonymous: Client, caseworker_jakarta: User) -> None:
    for _attempt in range(5):
        post_login(anonymous, caseworker_jakarta.email, "wrong")
    response = post_login(anonymous, caseworker_jakarta.email, PASSWORD)
    assert response.status_code == 403
    assert "Terlalu banyak percobaan masuk yang gagal" in response.content.decode()
    assert AuditEvent.objects.filter(action="accounts.login.locked_out").exists()


def test_someone_who_knows_an_email_cannot_lock_its_owner_out(anonymous: Client, caseworker_jakarta: User) -> None:
    for attempt in range(5):
        post_login(Client(REMOTE_ADDR=f"10.0.0.{attempt + 1}"), caseworker_jakarta.email, "wrong")
    assert post_login(Client(REMOTE_ADDR="10.0.0.1"), caseworker_jakarta.email, "wrong").status_code == 200
    # Five failures from five places: the owner, from a sixth, still gets in.
    assert post_login(Client(REMOTE_ADDR="10.0.0.99"), caseworker_jakarta.email, PASSWORD).status_code == 302


def test_it_locks_an_address_that_tries_many_accounts(
    anonymous: Client, make_user: Callable[..., User], settings: Any
) -> None:
    settings.JAGA_LOCKOUT_ADDRESS_FAILURES = 6
    users = [make_user(f"user{n}@test.example", "jakarta", "caseworker") for n in range(4)]
    for user in users[:3]:
        post_login(anonymous, user.email, "wrong")
        post_login(anonymous, user.email, "wrong")
    response = post_login(anonymous, users[3].email, PASSWORD)
    assert response.status_code == 403
    # The same account from another network is not affected.
    assert post_login(Client(REMOTE_ADDR="10.9.9.9"), users[3].email, PASSWORD).status_code == 302


def test_a_success_resets_the_failure_count(anonymous: Client, caseworker_jakarta: User) -> None:
    for _attempt in range(4):
        post_login(anonymous, caseworker_jakarta.email, "wrong")
    assert post_login(anonymous, caseworker_jakarta.email, PASSWORD).status_code == 302
    client = Client()
    for _attempt in range(4):
        post_login(client, caseworker_jakarta.email, "wrong")
    assert post_login(client, caseworker_jakarta.email, PASSWORD).status_code == 302


def test_it_asks_for_the_authenticator_code_when_enrolled(anonymous: Client, caseworker_jakarta: User) -> None:
    device, _codes = enrol(caseworker_jakarta)
    response = post_login(anonymous, caseworker_jakarta.email, PASSWORD)
    assert response["Location"] == "/accounts/login/verify/"
    assert anonymous.get("/accounts/me/").status_code == 302, "not logged in before the second step"
    wrong = anonymous.post("/accounts/login/verify/", {"otp": "000000"})
    assert "Kode itu tidak benar" in wrong.content.decode()
    assert anonymous.post("/accounts/login/verify/", {"otp": totp_now(device, steps_ahead=1)}).status_code == 302
    assert anonymous.get("/accounts/me/").status_code == 200


def test_a_recovery_code_works_once(anonymous: Client, caseworker_jakarta: User) -> None:
    _device, codes = enrol(caseworker_jakarta)
    assert len(codes) == 10
    post_login(anonymous, caseworker_jakarta.email, PASSWORD)
    assert anonymous.post("/accounts/login/verify/", {"otp": codes[0]}).status_code == 302
    assert AuditEvent.objects.filter(action="accounts.mfa.recovery_code_used").exists()
    again = Client()
    post_login(again, caseworker_jakarta.email, PASSWORD)
    response = again.post("/accounts/login/verify/", {"otp": codes[0]})
    assert response.status_code == 200 and "Kode itu tidak benar" in response.content.decode()
    assert StaticToken.objects.filter(device__user=caseworker_jakarta).count() == 9


def test_wrong_codes_count_towards_the_lockout(anonymous: Client, caseworker_jakarta: User) -> None:
    enrol(caseworker_jakarta)
    post_login(anonymous, caseworker_jakarta.email, PASSWORD)
    statuses = [anonymous.post("/accounts/login/verify/", {"otp": "123456"}).status_code for _n in range(5)]
    assert statuses[-1] == 403


def test_enrolment_shows_a_qr_code_and_gives_recovery_codes(
    login_client: Callable[..., Client], caseworker_jakarta: User
) -> None:
    client = login_client(caseworker_jakarta)
    page = client.get("/accounts/mfa/setup/").content.decode()
    assert 'src="data:image/svg+xml' in page
    device = TOTPDevice.objects.get(user=caseworker_jakarta, confirmed=False)
    bad = client.post("/accounts/mfa/setup/", {"token": "000000"})
    assert "Kode itu tidak benar" in bad.content.decode()
    key_before = client.session.session_key
    done = client.post("/accounts/mfa/setup/", {"token": totp_now(device)})
    assert done.status_code == 200
    assert client.session.session_key != key_before, "a new session key once MFA is set up"
    assert len(done.context["codes"]) == 10
    assert services.mfa_enrolled(caseworker_jakarta)
    assert AuditEvent.objects.filter(action="accounts.mfa.enrolled", actor_id=caseworker_jakarta.pk).exists()


def test_when_mfa_is_required_a_user_without_it_can_only_enrol(
    settings: Any, anonymous: Client, caseworker_jakarta: User
) -> None:
    settings.JAGA_MFA_REQUIRED = True
    response = post_login(anonymous, caseworker_jakarta.email, PASSWORD)
    assert response["Location"] == "/accounts/mfa/setup/"
    assert anonymous.get("/accounts/me/")["Location"] == "/accounts/mfa/setup/"
    assert "Mode demo" not in anonymous.get("/accounts/mfa/setup/").content.decode()
    device = TOTPDevice.objects.get(user=caseworker_jakarta, confirmed=False)
    anonymous.post("/accounts/mfa/setup/", {"token": totp_now(device)})
    assert anonymous.get("/accounts/me/").status_code == 200


def test_the_demo_says_when_mfa_is_off(settings: Any, anonymous: Client, regions: None) -> None:
    settings.JAGA_MFA_REQUIRED = False
    assert "autentikasi multi-faktor tidak diwajibkan" in anonymous.get("/accounts/login/").content.decode()


def test_it_ends_an_idle_session(settings: Any, login_client: Callable[..., Client], caseworker_jakarta: User) -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
    client = login_client(caseworker_jakarta)
    from django.contrib.sessions.models import Session

    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get("/accounts/me/").status_code == 302


def test_it_ends_a_session_after_twelve_hours_however_active(
    login_client: Callable[..., Client], caseworker_jakarta: User
) -> None:
    client = login_client(caseworker_jakarta)
    session = client.session
    session["jaga_login_at"] = (timezone.now() - timedelta(hours=12, minutes=1)).timestamp()
    session.save()
    response = client.get("/accounts/me/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert client.get("/accounts/me/").status_code == 302


def test_deactivating_a_user_ends_their_sessions_at_once(
    login_client: Callable[..., Client], caseworker_jakarta: User, org_admin_jakarta: User
) -> None:
    victim = login_client(caseworker_jakarta)
    assert victim.get("/accounts/me/").status_code == 200
    services.user_deactivate(actor=org_admin_jakarta, user=caseworker_jakarta)
    assert victim.get("/accounts/me/").status_code == 302
    assert post_login(Client(), caseworker_jakarta.email, PASSWORD).status_code == 200


def test_reauthentication_is_asked_and_lasts_a_few_minutes(
    settings: Any, login_client: Callable[..., Client], caseworker_jakarta: User
) -> None:
    device, _codes = enrol(caseworker_jakarta)
    client = login_client(caseworker_jakarta, otp_device=device)
    response = client.get("/accounts/mfa/recovery-codes/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/reauth/?next=")
    wrong = client.post("/accounts/reauth/", {"secret": "wrong", "next": "/accounts/mfa/recovery-codes/"})
    assert wrong.status_code == 200
    ok = client.post("/accounts/reauth/", {"secret": PASSWORD, "next": "/accounts/mfa/recovery-codes/"})
    assert ok["Location"] == "/accounts/mfa/recovery-codes/"
    assert client.get("/accounts/mfa/recovery-codes/").status_code == 200
    assert AuditEvent.objects.filter(action="accounts.reauth.succeeded").exists()
    session = client.session
    session["jaga_reauth_at"] = (timezone.now() - timedelta(minutes=settings.JAGA_REAUTH_MINUTES + 1)).timestamp()
    session.save()
    assert client.get("/accounts/mfa/recovery-codes/").status_code == 302


def test_it_logs_out_with_post_only_and_audits_it(
    login_client: Callable[..., Client], caseworker_jakarta: User
) -> None:
    client = login_client(caseworker_jakarta)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/accounts/me/").status_code == 302
    assert AuditEvent.objects.filter(action="accounts.logout", actor_id=caseworker_jakarta.pk).exists()


def test_it_ignores_an_offsite_next_url(anonymous: Client, caseworker_jakarta: User) -> None:
    response = anonymous.post(
        "/accounts/login/",
        {"username": caseworker_jakarta.email, "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"


def test_it_changes_the_password_after_checking_the_old_one(
    login_client: Callable[..., Client], caseworker_jakarta: User
) -> None:
    client = login_client(caseworker_jakarta)
    weak = client.post("/accounts/me/", {"old_password": PASSWORD, "password1": "password", "password2": "password"})
    assert weak.status_code == 200 and weak.context["form"].errors
    wrong = client.post(
        "/accounts/me/",
        {"old_password": "nope", "password1": "Lima-burung-biru-9", "password2": "Lima-burung-biru-9"},
    )
    assert "old_password" in wrong.context["form"].errors
    ok = client.post(
        "/accounts/me/",
        {"old_password": PASSWORD, "password1": "Lima-burung-biru-9", "password2": "Lima-burung-biru-9"},
    )
    assert ok.status_code == 302
    caseworker_jakarta.refresh_from_db()
    assert caseworker_jakarta.check_password("Lima-burung-biru-9")


def test_changing_the_case_of_the_email_does_not_escape_the_lockout(
    anonymous: Client, caseworker_jakarta: User
) -> None:
    variants = [caseworker_jakarta.email.upper(), caseworker_jakarta.email.title(), f" {caseworker_jakarta.email} "]
    for email in [*variants, caseworker_jakarta.email, caseworker_jakarta.email.swapcase()]:
        post_login(anonymous, email, "wrong")
    assert post_login(anonymous, caseworker_jakarta.email, PASSWORD).status_code == 403


def test_an_org_admin_lifts_both_the_account_and_the_address_lock(
    login_client: Callable[..., Client], org_admin_jakarta: User, caseworker_jakarta: User, settings: Any
) -> None:
    settings.JAGA_LOCKOUT_ADDRESS_FAILURES = 8
    office = Client(REMOTE_ADDR="10.2.1.1")
    for _attempt in range(5):
        post_login(office, caseworker_jakarta.email, "wrong")
    for _attempt in range(3):  # and the address as a whole is locked too
        post_login(office, "someone.else@test.example", "wrong")
    assert post_login(office, caseworker_jakarta.email, PASSWORD).status_code == 403
    admin = login_client(org_admin_jakarta)
    assert admin.post(f"/accounts/users/{caseworker_jakarta.pk}/", {"action": "unlock"}).status_code == 302
    assert post_login(office, caseworker_jakarta.email, PASSWORD).status_code == 302
    event = AuditEvent.objects.get(action="accounts.user.unlocked")
    assert event.actor_id == org_admin_jakarta.pk and event.details["records_cleared"] == 2


def test_moving_mfa_to_a_new_phone_asks_for_reauthentication(
    login_client: Callable[..., Client], caseworker_jakarta: User
) -> None:
    device, _codes = enrol(caseworker_jakarta)
    client = login_client(caseworker_jakarta, otp_device=device)
    assert "Aplikasi autentikator Anda sudah diatur" in client.get("/accounts/mfa/setup/").content.decode()
    response = client.get("/accounts/mfa/setup/?again=1")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/reauth/")
    client.post("/accounts/reauth/", {"secret": PASSWORD, "next": "/accounts/mfa/setup/?again=1"})
    assert 'src="data:image/svg+xml' in client.get("/accounts/mfa/setup/?again=1").content.decode()
