from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from jaga.accounts.models import User

pytestmark = pytest.mark.django_db


def test_the_landing_page_is_public_and_in_indonesian(anonymous: Client, regions: None) -> None:
    response = anonymous.get("/")
    body = response.content.decode()
    assert response.status_code == 200 and '<html lang="id">' in body
    assert "eksploitasi seksual komersial anak" in body
    assert "no-store" not in response.get("Cache-Control", "")


def test_an_english_browser_still_starts_in_indonesian(anonymous: Client, regions: None) -> None:
    response = anonymous.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="id">' in response.content.decode()


def test_the_language_switch_changes_every_page(anonymous: Client, regions: None) -> None:
    response = anonymous.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    page = anonymous.get("/accounts/login/").content.decode()
    assert '<html lang="en">' in page and "Password" in page and "Kata sandi" not in page


def test_signed_in_pages_are_never_cached(login_client: Callable[..., Client], caseworker_jakarta: User) -> None:
    response = login_client(caseworker_jakarta).get("/")
    assert "no-store" in response["Cache-Control"]
    assert caseworker_jakarta.full_name in response.content.decode()


def test_pages_have_a_strict_content_security_policy(anonymous: Client, regions: None) -> None:
    csp = anonymous.get("/accounts/login/")["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp


def test_an_unknown_page_answers_a_friendly_404(anonymous: Client, regions: None) -> None:
    response = anonymous.get("/does-not-exist/")
    assert response.status_code == 404


def test_the_health_check_answers(anonymous: Client, regions: None) -> None:
    assert anonymous.get("/healthz").content == b"ok"


def test_a_missing_page_answers_with_jagas_own_404_in_the_demo_too(
    anonymous: Client, regions: None, settings: Any
) -> None:
    settings.DEBUG = True  # as `make run` serves the demo
    missing = anonymous.get("/halaman-yang-tidak-ada/")
    body = missing.content.decode()
    assert missing.status_code == 404 and "Tidak ditemukan" in body and "URLconf" not in body
    assert anonymous.get("/api/v1/tidak-ada/").status_code == 404


def test_the_api_link_is_shown_to_roles_that_use_the_api(
    login_client: Callable[..., Client], persona: Callable[[str], User], anonymous: Client, regions: None
) -> None:
    assert "/api/docs/" in anonymous.get("/").content.decode(), "the public has an open API"
    assert "/api/docs/" in login_client(persona("caseworker_jakarta")).get("/").content.decode()
    assert "/api/docs/" in login_client(persona("partner_hotel")).get("/").content.decode()
    assert "/api/docs/" not in login_client(persona("hotline_operator")).get("/").content.decode()
    assert "/api/docs/" not in login_client(persona("org_admin_jakarta")).get("/").content.decode()
