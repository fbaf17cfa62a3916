"""People are told what concerns them, in the app, by email and by webhook, and never a child's identity."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from jaga.accounts.models import User
from jaga.cases.assignment import case_assign
from jaga.cases.models import Case
from jaga.cases.referrals import referral_decide, referral_request
from jaga.cases.tests.test_access import api_client
from jaga.notifications.models import Delivery, Notification, Preference
from jaga.notifications.services import deliveries_send_due

pytestmark = pytest.mark.django_db
PLANTED = ("Sinta Maharani Uji", "3171074508120003")  # the conftest child's name and NIK


def everything_said() -> str:
    said = [n.text for n in Notification.objects.all()]
    said += [f"{m.subject} {m.body}" for m in mail.outbox]
    return " ".join(said)


def test_an_assignment_reaches_the_caseworker_in_the_app_the_api_and_by_email(
    login_client: Callable[..., Client],
    caseworker_jakarta: User,
    supervisor_jakarta: User,
    register_case: Callable[..., Case],
) -> None:
    case = register_case(supervisor_jakarta)
    case_assign(actor=supervisor_jakarta, case=case, assignee=caseworker_jakarta, reason="Dekat rumah")
    worker = login_client(caseworker_jakarta)
    home = worker.get("/").content.decode()
    assert 'class="badge">1<' in home, "the header counts what is unread"
    page = worker.get("/notifications/").content.decode()
    assert f"Kasus {case.reference} ditugaskan kepada Anda." in page
    body = api_client(caseworker_jakarta).get("/api/v1/notifications/").json()["results"]
    assert [(n["kind"], n["read"], n["url"]) for n in body] == [("case_assigned", False, f"/cases/{case.pk}/")]
    assert set(body[0]) == {"id", "kind", "text", "url", "read", "created"}
    opened = worker.post(f"/notifications/{body[0]['id']}/")
    assert opened["Location"] == f"/cases/{case.pk}/" and Notification.objects.get().read_at is not None
    assert deliveries_send_due() == 1
    assert mail.outbox[0].to == [caseworker_jakarta.email] and case.reference in mail.outbox[0].body
    assert deliveries_send_due() == 0 and len(mail.outbox) == 1, "never sent twice"
    assert not any(value in everything_said() for value in PLANTED)


def test_referrals_and_hotline_conversions_tell_the_people_who_act_on_them(
    caseworker_jakarta: User,
    supervisor_jakarta: User,
    caseworker_bali: User,
    supervisor_bali: User,
    register_case: Callable[..., Case],
) -> None:
    case = register_case(caseworker_jakarta)
    referral = referral_request(
        actor=caseworker_jakarta, case=case, to_organisation=caseworker_bali.organisation, service="shelter"
    )
    assert list(Notification.objects.values_list("user", "kind")) == [(supervisor_bali.pk, "referral_received")]
    referral_decide(actor=supervisor_bali, referral=referral, accept=False, reason="Rumah aman penuh")
    told = Notification.objects.filter(user=caseworker_jakarta).get()
    assert told.kind == "referral_declined" and supervisor_bali.organisation.name in told.text
    deliveries_send_due()
    assert not any(value in everything_said() for value in PLANTED)
    assert caseworker_bali.pk not in set(Notification.objects.values_list("user", flat=True)), "only who decides"


def test_a_failed_email_is_tried_again_later_and_a_preference_silences_email(
    caseworker_jakarta: User, supervisor_jakarta: User, register_case: Callable[..., Case], monkeypatch: Any
) -> None:
    from django.core.mail import EmailMessage

    case = register_case(supervisor_jakarta)

    def broken(self: Any, fail_silently: bool = False) -> int:
        raise ConnectionRefusedError

    monkeypatch.setattr(EmailMessage, "send", broken)
    case_assign(actor=supervisor_jakarta, case=case, assignee=caseworker_jakarta, reason="Dekat")
    assert deliveries_send_due() == 0
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.last_error) == ("pending", 1, "ConnectionRefusedError")
    assert delivery.next_attempt_at > timezone.now(), "not tried again at once"
    monkeypatch.undo()
    Delivery.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert deliveries_send_due() == 1 and len(mail.outbox) == 1
    Preference.objects.create(user=caseworker_jakarta, email=False)
    case_assign(actor=supervisor_jakarta, case=case, assignee=caseworker_jakarta, reason="Lagi")
    assert Notification.objects.count() == 2 and Delivery.objects.count() == 1, "in the app only"


def test_a_webhook_gets_signed_json_without_an_identity(
    settings: Any, caseworker_jakarta: User, supervisor_jakarta: User, register_case: Callable[..., Case]
) -> None:
    import hashlib
    import hmac
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    received: list[tuple[bytes, str]] = []

    class Gateway(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((body, self.headers["X-Jaga-Signature"]))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Gateway)
    threading.Thread(target=server.handle_request, daemon=True).start()
    settings.JAGA_NOTIFY_WEBHOOK_URL = f"http://127.0.0.1:{server.server_port}/sms"
    settings.JAGA_NOTIFY_WEBHOOK_SECRET = "s" * 40
    Preference.objects.create(user=caseworker_jakarta, email=False)
    case = register_case(supervisor_jakarta)
    case_assign(actor=supervisor_jakarta, case=case, assignee=caseworker_jakarta, reason="Dekat")
    assert deliveries_send_due() == 1
    server.server_close()
    body, signature = received[0]
    expected = hmac.new(b"s" * 40, body, hashlib.sha256).hexdigest()
    assert signature == f"sha256={expected}"
    payload = json.loads(body)
    assert payload["kind"] == "case_assigned" and case.reference in payload["text"]
    assert not any(value in body.decode() for value in PLANTED)
