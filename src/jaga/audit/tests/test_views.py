from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from jaga.accounts.models import User
from jaga.audit.services import record

pytestmark = pytest.mark.django_db


def test_a_system_admin_filters_the_audit_log(
    login_client: Callable[..., Client], system_admin: User, caseworker_jakarta: User, caseworker_bali: User
) -> None:
    record("cases.case.viewed", actor=caseworker_jakarta, target_type="cases.case", target_id="c-1")
    record("cases.case.viewed", actor=caseworker_bali, target_type="cases.case", target_id="c-2")
    client = login_client(system_admin)
    page = client.get("/audit/", {"action": "cases.", "actor": caseworker_bali.email})
    rows = page.context["rows"]
    assert [row.target_id for row in rows] == ["c-2"]
    assert caseworker_bali.email in page.content.decode()
    by_org = client.get("/audit/", {"organisation": str(caseworker_jakarta.organisation_id)}).context["rows"]
    assert {row.target_id for row in by_org if row.action == "cases.case.viewed"} == {"c-1"}


def test_the_audit_log_explains_a_bad_filter_and_still_lists(
    login_client: Callable[..., Client], system_admin: User
) -> None:
    page = login_client(system_admin).get("/audit/", {"since": "kemarin", "actor": "x"})
    assert page.status_code == 200
    assert set(page.context["form"].errors) == {"since", "actor"}


def test_the_audit_log_pages_newest_first(login_client: Callable[..., Client], system_admin: User) -> None:
    for n in range(60):
        record("test.event.happened", details={"n": n})
    client = login_client(system_admin)
    first = client.get("/audit/").context["rows"]
    assert len(first) == 50 and first[0].seq > first[-1].seq
    second = client.get("/audit/", {"page": 2}).context["rows"]
    assert second[0].seq == first[-1].seq - 1
