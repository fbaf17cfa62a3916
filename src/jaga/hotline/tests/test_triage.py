"""Triage beyond the main path (test_hotline.py): reopening, the status check that reveals nothing to a
guess, the queue's own filters, who may triage, and outcomes that name what is not the report's."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from jaga.accounts.models import User
from jaga.audit.models import AuditEvent
from jaga.factories import ReportFactory
from jaga.hotline.models import Flag, Outcome, ReportEvent, State
from jaga.hotline.services import ReportInput, report_submit
from jaga.hotline.stats import report_statistics

pytestmark = pytest.mark.django_db

NO_MATCH = "Tidak ada laporan dengan kode dan rahasia ini"


def test_a_closed_report_reopens_with_its_event_and_audit_row(
    login_client: Callable[..., Client], hotline_operator: User
) -> None:
    report = ReportFactory.create()
    client = login_client(hotline_operator)
    client.post(f"/hotline/{report.pk}/do/close/")
    report.refresh_from_db()
    assert report.state == State.CLOSED and report.closed_at is not None
    client.post(f"/hotline/{report.pk}/do/reopen/")
    report.refresh_from_db()
    assert report.state == State.IN_REVIEW and report.closed_at is None, "never referred: back to review"
    assert report.events.filter(kind=ReportEvent.Kind.REOPENED, by=hotline_operator).exists()
    assert AuditEvent.objects.filter(action="hotline.report.reopened", target_id=str(report.pk)).exists()


def test_the_status_check_answers_a_wrong_secret_as_it_answers_an_unknown_code(anonymous: Client) -> None:
    submitted = report_submit(
        ReportInput(description="Anak-anak ditawarkan di sebuah kafe (laporan uji).", forms=["other"]), channel="web"
    )
    code = submitted.report.tracking_code
    wrong = anonymous.post("/lapor/status/", {"code": code, "secret": "salah-sekali"}).content.decode()
    unknown = anonymous.post("/lapor/status/", {"code": "JG-ZZZZ-ZZZZ", "secret": submitted.secret}).content.decode()
    assert NO_MATCH in wrong and NO_MATCH in unknown, "a guess learns nothing about which half was wrong"
    right = anonymous.post("/lapor/status/", {"code": code, "secret": submitted.secret}).content.decode()
    assert NO_MATCH not in right and "Diterima" in right
    api = anonymous.get("/api/v1/hotline/status/", {"code": code, "secret": "salah-sekali"})
    assert api.status_code == 404 and "salah-sekali" not in api.content.decode()


def test_the_queue_shows_my_reports_and_reports_by_flag(
    login_client: Callable[..., Client], hotline_operator: User
) -> None:
    mine = ReportFactory.create(description="Laporan saya: anak di sebuah warnet (uji).")
    danger = ReportFactory.create(description="Anak dalam bahaya sekarang di sebuah hotel (uji).", in_danger=True)
    client = login_client(hotline_operator)
    client.post(f"/hotline/{mine.pk}/do/take/")
    listed = client.get("/hotline/", {"mine": "on"}).content.decode()
    assert mine.tracking_code in listed and danger.tracking_code not in listed
    flagged = client.get("/hotline/", {"flag": Flag.IN_DANGER}).content.decode()
    assert danger.tracking_code in flagged and mine.tracking_code not in flagged
    everything = client.get("/hotline/").content.decode()
    assert everything.index(danger.tracking_code) < everything.index(mine.tracking_code), "the child in danger first"


def test_only_hotline_operators_triage(
    login_client: Callable[..., Client], caseworker_jakarta: User, supervisor_bali: User
) -> None:
    report = ReportFactory.create()
    for user in (caseworker_jakarta, supervisor_bali):
        client = login_client(user)
        assert client.get(f"/hotline/{report.pk}/").status_code == 403
        assert client.post(f"/hotline/{report.pk}/do/take/").status_code == 403
    anonymous = Client().post(f"/hotline/{report.pk}/do/take/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    report.refresh_from_db()
    assert report.assigned_to is None and report.state == State.RECEIVED


def test_a_takedown_naming_another_reports_address_is_refused(
    login_client: Callable[..., Client], hotline_operator: User
) -> None:
    first = ReportFactory.create(urls=["https://contoh-uji.example/a"], platform="")
    second = ReportFactory.create(urls=["https://contoh-uji.example/b"], platform="")
    other_url = second.urls.get()
    client = login_client(hotline_operator)
    response = client.post(
        f"/hotline/{first.pk}/do/takedown/",
        {"takedown-kind": "takedown", "takedown-url": other_url.pk, "takedown-recipient": "komdigi"},
    )
    assert response.status_code == 400
    assert not Outcome.objects.exists()


def test_reports_go_to_operators_only_and_categories_come_from_the_lists(
    hotline_operator: User, caseworker_jakarta: User
) -> None:
    from django.core.exceptions import PermissionDenied, ValidationError

    from jaga.hotline.triage import report_assign, report_categorise

    report = ReportFactory.create()
    with pytest.raises(ValidationError, match="operator"):
        report_assign(actor=hotline_operator, report=report, to=caseworker_jakarta)
    with pytest.raises(PermissionDenied):
        report_assign(actor=caseworker_jakarta, report=report, to=hotline_operator)
    for forms, flags in (([], []), (["cooking"], []), (["online"], ["sleepy"])):
        with pytest.raises(ValidationError):
            report_categorise(actor=hotline_operator, report=report, forms=forms, flags=flags)
    report.refresh_from_db()
    assert report.assigned_to is None and report.forms == ["online"] and report.urgency == 0
    report_categorise(actor=hotline_operator, report=report, forms=["online", "online"], flags=[Flag.VERY_YOUNG])
    report.refresh_from_db()
    assert report.forms == ["online"] and report.flags == [Flag.VERY_YOUNG] and report.urgency == 50
    assert report.state == State.IN_REVIEW and report.first_triaged_at is not None, "touching it starts review"


def test_a_referred_report_reopens_as_referred(login_client: Callable[..., Client], hotline_operator: User) -> None:
    from django.utils import timezone

    report = ReportFactory.create()
    report.referred_at = timezone.now()
    report.state = State.CLOSED
    report.save(update_fields=["referred_at", "state"])
    login_client(hotline_operator).post(f"/hotline/{report.pk}/do/reopen/")
    report.refresh_from_db()
    assert report.state == State.REFERRED, "what was sent on stays sent on"


def test_the_hotline_statistics_count_reports_and_response_times_without_contents(
    login_client: Callable[..., Client], hotline_operator: User, analyst_national: User, caseworker_bali: User
) -> None:
    first = ReportFactory.create(description="Rahasia: nama anak Melati Uji di hotel X (uji).")
    ReportFactory.create(regency_code="31.71")
    login_client(hotline_operator).post(f"/hotline/{first.pk}/do/take/")
    page = login_client(analyst_national).get("/hotline/stats/")
    html = page.content.decode()
    assert page.status_code == 200 and "Melati" not in html and "Rahasia" not in html
    assert login_client(caseworker_bali).get("/hotline/stats/").status_code == 403
    figures = report_statistics()
    assert figures["total"] == 2 and dict(figures["by_province"]) == {"Bali": 1, "Daerah Khusus Ibukota Jakarta": 1}
    assert figures["time_to_triage"]["count"] == 1 and figures["time_to_referral"]["count"] == 0
    assert dict(figures["by_state"])[str(State.IN_REVIEW.label)] == 1
