"""The smaller findings of the attack review (issue "Security"), one test each."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from jaga.accounts.models import User
from jaga.audit.models import AuditEvent
from jaga.cases.tests.test_access import api_client
from jaga.factories import PASSWORD

pytestmark = pytest.mark.django_db

REPORT = {
    "forms": ["online"],
    "regency_code": "31.71",
    "description": "Seorang anak ditawarkan lewat aplikasi pesan (laporan uji).",
    "urls": ["https://contoh.example/a"],
}


def test_a_search_with_a_wrong_type_is_a_400_naming_the_field(caseworker_jakarta: User) -> None:
    client = api_client(caseworker_jakarta)
    for body in ({"since": [1]}, {"until": {"a": 1}}, {"mine": "perhaps"}, {"q": ["x"]}, {"q": "x" * 61}):
        response = client.post("/api/v1/cases/search/", body, content_type="application/json")
        assert response.status_code == 400, (body, response.status_code)
        assert set(response.json()) == set(body)


@pytest.mark.parametrize("year", ["0", "99999999999999999999", "-1", "20x6"])
def test_a_bad_training_year_is_a_400(programme_officer: User, year: str) -> None:
    response = api_client(programme_officer).get("/api/v1/programs/training/sessions/", {"year": year})
    assert response.status_code == 400 and "year" in response.json()


def test_the_public_report_api_takes_json_only_so_other_sites_cannot_post_to_it(regions: None) -> None:
    client = Client(enforce_csrf_checks=True)
    form_post = client.post("/api/v1/hotline/public-reports/", {"description": REPORT["description"]})
    assert form_post.status_code == 415
    plain = client.post("/api/v1/hotline/public-reports/", "description=x", content_type="text/plain")
    assert plain.status_code == 415
    assert client.post("/api/v1/hotline/public-reports/", REPORT, content_type="application/json").status_code == 201


def test_the_status_check_takes_the_secret_in_the_body_and_is_never_cached(regions: None) -> None:
    client = Client()
    receipt = client.post("/api/v1/hotline/public-reports/", REPORT, content_type="application/json").json()
    body = {"code": receipt["tracking_code"], "secret": receipt["secret"]}
    checked = client.post("/api/v1/hotline/status/", body, content_type="application/json")
    assert checked.status_code == 200 and checked.json()["status"] == "received"
    assert checked["Cache-Control"] == "no-store"
    old_style = client.get("/api/v1/hotline/status/", {"code": receipt["tracking_code"], "secret": receipt["secret"]})
    assert old_style["Cache-Control"] == "no-store"


def test_the_partner_api_checks_the_role_before_the_body(caseworker_jakarta: User) -> None:
    response = api_client(caseworker_jakarta).post("/api/v1/hotline/reports/", {}, content_type="application/json")
    assert response.status_code == 403


def test_invalid_reports_do_not_use_up_the_reporters_hour(regions: None, settings: Any) -> None:
    settings.JAGA_HOTLINE_LIMIT_PER_ADDRESS = 2
    client = Client()
    for _attempt in range(5):
        assert client.post("/lapor/", {"description": ""}).status_code == 400
        bad = client.post("/api/v1/hotline/public-reports/", {"forms": []}, content_type="application/json")
        assert bad.status_code == 400
    answers = [
        client.post("/api/v1/hotline/public-reports/", REPORT, content_type="application/json").status_code
        for _n in range(3)
    ]
    assert answers == [201, 201, 429]


def test_every_page_has_a_permissions_policy(anonymous: Client, regions: None) -> None:
    policy = anonymous.get("/lapor/")["Permissions-Policy"]
    assert "camera=()" in policy and "microphone=()" in policy and "geolocation=()" in policy


def test_public_pages_make_no_promise_of_an_audit_and_production_no_demo_notice(
    anonymous: Client, regions: None, settings: Any
) -> None:
    footer = anonymous.get("/lapor/").content.decode().split("<footer>")[1]
    assert "log audit" not in footer and "sintetis" in footer
    settings.JAGA_ENV = "production"
    footer = anonymous.get("/lapor/").content.decode().split("<footer>")[1]
    assert "sintetis" not in footer


def test_intake_drafts_are_written_by_a_service_with_audit_rows(
    login_client: Callable[..., Client], caseworker_jakarta: User
) -> None:
    client = login_client(caseworker_jakarta)
    started = client.post("/cases/new/")
    draft_url = started["Location"]
    client.post(draft_url, {"action": "next", "registered_on": "2026-03-01", "source": "police"})
    asked = client.post(draft_url, {"action": "discard"})
    assert asked.status_code == 200 and "Hapus draf?" in asked.content.decode(), "deleting a draft asks first"
    assert "cases.draft.deleted" not in AuditEvent.objects.values_list("action", flat=True)
    client.post(draft_url, {"action": "discard_confirmed"})
    actions = list(
        AuditEvent.objects.filter(action__startswith="cases.draft.").order_by("seq").values_list("action", flat=True)
    )
    assert actions[0] == "cases.draft.created" and actions[-1] == "cases.draft.deleted"
    assert "cases.draft.saved" in actions
    assert all("Sinta" not in str(details) for details in AuditEvent.objects.values_list("details", flat=True))


def test_the_api_token_endpoint_does_not_reveal_whether_an_email_exists(anonymous: Client, regions: None) -> None:
    unknown = anonymous.post(
        "/api/v1/auth/token/", {"email": "nobody@x.example", "password": PASSWORD}, content_type="application/json"
    )
    assert unknown.status_code == 401 and unknown.json()["code"] == "invalid_credentials"


def test_logs_never_carry_a_query_string() -> None:
    import logging

    from jaga.core.logs import WithoutQueryStrings

    record = logging.LogRecord(
        "django.server", logging.INFO, __file__, 1, '"%s" %s %s',
        ("GET /api/v1/cases/?q=3171074508120003 HTTP/1.1", "400", "55"), None,
    )  # fmt: skip
    WithoutQueryStrings().filter(record)
    assert "3171074508120003" not in record.getMessage() and "/api/v1/cases/?" in record.getMessage()
