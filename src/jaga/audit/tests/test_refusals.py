"""Refused requests are audited (ASVS V7.1.3, V7.2.2), within a guard, and a burst raises an alert."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from jaga.accounts.models import User
from jaga.audit.models import AuditEvent
from jaga.audit.services import audit_verify
from jaga.cases.models import Case

pytestmark = pytest.mark.django_db


def refusals() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action__startswith="security.access.").order_by("seq"))


def test_a_case_outside_scope_is_a_404_with_an_audit_row(
    login_client: Callable[..., Client],
    caseworker_bali: User,
    caseworker_jakarta: User,
    register_case: Callable[..., Case],
) -> None:
    case = register_case(caseworker_jakarta)
    client = login_client(caseworker_bali)
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    (row,) = refusals()
    assert row.action == "security.access.not_found" and row.actor_id == caseworker_bali.pk
    assert (row.target_type, row.target_id) == ("case", str(case.pk))
    assert row.details == {"status": 404, "method": "GET", "route": "cases/<uuid:case_id>/"}
    assert row.ip == "127.0.0.1"


def test_403_401_and_429_are_audited_without_query_strings(
    login_client: Callable[..., Client], analyst_national: User, anonymous: Client, settings: Any
) -> None:
    settings.JAGA_HOTLINE_STATUS_LIMIT = 1
    assert login_client(analyst_national).get("/cases/").status_code == 403
    assert anonymous.get("/api/v1/cases/").status_code == 401
    status = "/api/v1/hotline/status/?code=JG-AAAA-BBBB&secret=planted-secret-value"
    assert [anonymous.get(status).status_code for _n in range(2)] == [404, 429]
    assert [row.action for row in refusals()] == [
        "security.access.denied",
        "security.access.unauthenticated",
        "security.access.rate_limited",
    ], "an anonymous 404 is a wrong address, not a refused access"
    assert "planted-secret-value" not in str([row.details for row in refusals()])
    assert audit_verify().ok


def test_a_flood_is_capped_and_raises_one_alert(
    login_client: Callable[..., Client], analyst_national: User, system_admin: User, settings: Any
) -> None:
    settings.JAGA_AUDIT_REFUSALS_PER_MINUTE, settings.JAGA_REFUSAL_ALERT = 8, 5
    client = login_client(analyst_national)
    for _attempt in range(20):
        assert client.get("/cases/").status_code == 403
    assert len(refusals()) == 8, "the rest of the flood is not written"
    alert = AuditEvent.objects.get(action="security.alert.refusal_burst")
    assert alert.actor_id == analyst_national.pk
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [system_admin.email]
    assert analyst_national.email in mail.outbox[0].body


def test_the_audit_browser_filters_refusals(
    login_client: Callable[..., Client], analyst_national: User, system_admin: User
) -> None:
    login_client(analyst_national).get("/cases/")
    page = login_client(system_admin).get("/audit/", {"security": "on"})
    body = page.content.decode()
    assert "security.access.denied" in body and "accounts.login.succeeded" not in body


def test_a_refusal_through_an_api_token_names_the_tokens_user(analyst_national: User) -> None:
    from jaga.cases.tests.test_access import api_client

    assert api_client(analyst_national).get("/api/v1/cases/").status_code == 403
    (row,) = refusals()
    assert row.actor_id == analyst_national.pk and row.details["route"] == "api/v1/cases/"
