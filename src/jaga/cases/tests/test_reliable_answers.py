"""An answer that matches what was stored: retries are safe, and nothing after the commit turns a stored
write into an error answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from jaga.accounts.models import User
from jaga.audit.models import AuditEvent
from jaga.cases.models import Case
from jaga.cases.tests.test_access import api_client
from jaga.cases.tests.test_api import BODY

pytestmark = pytest.mark.django_db


def test_a_retry_with_the_same_idempotency_key_registers_the_child_once(caseworker_jakarta: User) -> None:
    client = api_client(caseworker_jakarta)
    first = client.post("/api/v1/cases/", BODY, content_type="application/json", HTTP_IDEMPOTENCY_KEY="req-7f3a")
    again = client.post("/api/v1/cases/", BODY, content_type="application/json", HTTP_IDEMPOTENCY_KEY="req-7f3a")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Case.objects.count() == 1
    assert AuditEvent.objects.filter(action="cases.case.registered").count() == 1
    other = {**BODY, "registered_on": "2026-01-02"}
    reused = client.post("/api/v1/cases/", other, content_type="application/json", HTTP_IDEMPOTENCY_KEY="req-7f3a")
    assert reused.status_code == 409
    bad = client.post("/api/v1/cases/", BODY, content_type="application/json", HTTP_IDEMPOTENCY_KEY="has space")
    assert bad.status_code == 400 and "Idempotency-Key" in bad.json()
    without = client.post("/api/v1/cases/", BODY, content_type="application/json")
    assert without.status_code == 201 and Case.objects.count() == 2, "without a key, each request is a new case"


def test_a_refused_request_is_not_remembered_so_the_corrected_one_goes_through(caseworker_jakarta: User) -> None:
    client = api_client(caseworker_jakarta)
    broken = {**BODY, "forms": []}
    refused = client.post("/api/v1/cases/", broken, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1")
    assert refused.status_code == 400
    fixed = client.post("/api/v1/cases/", BODY, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1")
    assert fixed.status_code == 201 and Case.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_queue_that_fails_after_the_commit_does_not_turn_a_stored_case_into_an_error(
    caseworker_jakarta: User, monkeypatch: Any
) -> None:
    class BrokenQueue:
        module_path = "jaga.stats.tasks.refresh_statistics"

        def enqueue(self) -> None:
            raise ConnectionError("the task queue is gone")

    monkeypatch.setattr("jaga.stats.tasks.refresh_statistics", BrokenQueue())
    response = api_client(caseworker_jakarta).post("/api/v1/cases/", BODY, content_type="application/json")
    assert response.status_code == 201
    assert Case.objects.filter(pk=response.json()["id"]).exists()


def test_a_write_that_waits_too_long_for_the_lock_answers_503_and_stores_nothing(
    caseworker_jakarta: User, login_client: Callable[..., Client], monkeypatch: Any
) -> None:
    from django.db import OperationalError

    from jaga.cases import services, views

    def locked(**_kwargs: Any) -> Any:
        raise OperationalError("database is locked")

    monkeypatch.setattr(services, "case_register", locked)
    response = api_client(caseworker_jakarta).post("/api/v1/cases/", BODY, content_type="application/json")
    assert response.status_code == 503 and response["Retry-After"] == "5" and response.json()["code"] == "busy"
    monkeypatch.setattr(views, "intake_draft_create", locked)
    page = login_client(caseworker_jakarta).post("/cases/new/")
    assert page.status_code == 503 and "coba lagi" in page.content.decode().lower()
    assert not Case.objects.exists()


def test_a_connection_the_database_dropped_answers_503_to_try_again(caseworker_jakarta: User, monkeypatch: Any) -> None:
    """A failover or restart of PostgreSQL mid-request (the soak drops real connections: docs/benchmarks.md)."""
    from django.db import OperationalError

    from jaga.cases import services

    def dropped(**_kwargs: Any) -> Any:
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr(services, "case_register", dropped)
    response = api_client(caseworker_jakarta).post("/api/v1/cases/", BODY, content_type="application/json")
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert response.json()["code"] == "unavailable"


def test_housekeeping_after_a_stored_create_never_turns_it_into_an_error(
    caseworker_jakarta: User, monkeypatch: Any
) -> None:
    """The soak dropped PostgreSQL's connection right after a commit: the old-key cleanup failed and the
    stored case was answered 500. Now the cleanup's failure is logged and the answer is the 201."""
    from django.db import OperationalError
    from django.db.models import QuerySet

    real_delete = QuerySet.delete

    def lost(self: Any) -> Any:
        if self.model.__name__ == "IdempotentRequest":
            raise OperationalError("the connection is lost")
        return real_delete(self)

    monkeypatch.setattr(QuerySet, "delete", lost)
    client = api_client(caseworker_jakarta)
    response = client.post("/api/v1/cases/", BODY, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-77")
    assert response.status_code == 201 and Case.objects.filter(pk=response.json()["id"]).exists()
