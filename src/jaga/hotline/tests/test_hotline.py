from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test import Client

from jaga.accounts.models import User
from jaga.audit.models import AuditEvent
from jaga.audit.services import audit_verify
from jaga.cases.models import Case
from jaga.conftest import api_client
from jaga.factories import PASSWORD
from jaga.hotline.models import Outcome, Report, ReportUrl
from jaga.hotline.services import ReportInput, report_submit
from jaga.hotline.urls_normal import UrlError, normalise_url

pytestmark = pytest.mark.django_db

STORY = "Seorang anak perempuan ditawarkan lewat aplikasi pesan di dekat pelabuhan Benoa."
FORM = {
    "forms": ["online", "prostitution"],
    "regency_code": "51.71",
    "place_type": "lodging",
    "child_age": "14",
    "child_sex": "female",
    "description": STORY,
    "urls": "HTTPS://Contoh-Situs.example:443/anak?id=7&utm_source=wa#atas\nwww.contoh-dua.example/x",
    "platform": "WhatsApp",
}


def submit(**overrides: Any) -> Report:
    fields = {"description": STORY, "forms": ["online"], "regency_code": "51.71", "urls": ["https://contoh.example/a"]}
    return report_submit(ReportInput(**{**fields, **overrides}), channel="web").report


# --- URLs ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("HTTPS://Example.COM:443/Path?b=2&a=1#frag", "https://example.com/Path?a=1&b=2"),
        ("http://example.com:80", "http://example.com/"),
        ("http://example.com:8080/x", "http://example.com:8080/x"),
        ("example.com/x?utm_source=wa&fbclid=1&igshid=2&id=5", "https://example.com/x?id=5"),
        ("https://bücher.example/a", "https://xn--bcher-kva.example/a"),
        ("https://example.com./a", "https://example.com/a"),
    ],
)
def test_urls_are_normalised(raw: str, normal: str) -> None:
    assert normalise_url(raw) == normal


@pytest.mark.parametrize("raw", ["javascript:alert(1)", "ftp://example.com/x", "http://", "two words.com", "x" * 2001])
def test_what_is_not_a_web_address_is_refused(raw: str) -> None:
    with pytest.raises(UrlError):
        normalise_url(raw)


# --- The public form ------------------------------------------------------------------------------------


def test_anyone_reports_and_gets_a_code_and_secret_shown_once(regions: None, anonymous: Client) -> None:
    page = anonymous.get("/lapor/")
    assert page.status_code == 200 and 'name="description"' in page.content.decode()
    assert "<script" not in page.content.decode() and "fonts.googleapis" not in page.content.decode()
    assert "Mode demo" not in page.content.decode(), "the staff's MFA notice is not for the public"
    assert page["Cache-Control"].startswith("max-age=0") or "no-store" in page["Cache-Control"]
    response = anonymous.post("/lapor/", FORM)
    assert response.status_code == 201
    report = Report.objects.get()
    html = response.content.decode()
    assert report.tracking_code in html and "secret" not in report.secret_hash
    assert report.forms == ["online", "prostitution"] and report.age_band == "10-14" and report.online
    assert sorted(ReportUrl.objects.values_list("host", flat=True)) == [
        "contoh-situs.example",
        "www.contoh-dua.example",
    ]
    assert report.urls.get(host="contoh-situs.example").url == "https://contoh-situs.example/anak?id=7"
    with connection.cursor() as cursor:
        cursor.execute("SELECT description, contact FROM hotline_report")
        stored = " ".join(str(v) for row in cursor.fetchall() for v in row)
        cursor.execute("SELECT url FROM hotline_reporturl")
        stored += " ".join(row[0] for row in cursor.fetchall())
    assert "pelabuhan" not in stored and "contoh-situs" not in stored, "contents are encrypted at rest"
    secret = html.split("<dt>Rahasia</dt><dd><code>")[1].split("</code>")[0]
    status = anonymous.post("/lapor/status/", {"code": report.tracking_code.lower().replace("-", ""), "secret": secret})
    assert "Diterima" in status.content.decode()
    wrong = anonymous.post("/lapor/status/", {"code": report.tracking_code, "secret": "tebakan"})
    assert "Tidak ada laporan" in wrong.content.decode() and "Diterima" not in wrong.content.decode()
    received = AuditEvent.objects.get(action="hotline.report.received")
    assert received.ip is None, "a reporter's address is not kept"


def test_bad_input_is_explained_and_the_rest_is_kept(regions: None, anonymous: Client) -> None:
    response = anonymous.post(
        "/lapor/", {**FORM, "urls": "javascript:alert(1)", "child_age": "19", "regency_code": "99.99", "forms": []}
    )
    html = response.content.decode()
    assert response.status_code == 400 and not Report.objects.exists()
    assert "pelabuhan Benoa" in html, "the story the reporter wrote is still on the page"
    assert html.count('class="error"') >= 3
    response = anonymous.post("/lapor/", {**FORM, "urls": "javascript:alert(1)"})
    assert "Alamat 1" in response.content.decode() and not Report.objects.exists()


def test_a_robot_filling_the_honeypot_is_thanked_and_nothing_is_stored(regions: None, anonymous: Client) -> None:
    response = anonymous.post("/lapor/", {**FORM, "website": "http://spam.example"})
    assert response.status_code == 201 and "JG-" in response.content.decode(), "exactly what a person gets"
    assert not Report.objects.exists()


def test_the_form_needs_its_csrf_token(regions: None) -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.post("/lapor/", FORM).status_code == 403
    assert not Report.objects.exists()


def test_report_contents_never_reach_the_logs(regions: None, anonymous: Client, caplog: Any) -> None:
    caplog.set_level(logging.DEBUG)
    anonymous.post("/lapor/", {**FORM, "contact": "0812-9999-1111", "contact_consent": "on"})
    anonymous.post("/lapor/", {**FORM, "child_age": "30"})
    assert Report.objects.count() == 1
    assert "pelabuhan" not in caplog.text and "0812-9999-1111" not in caplog.text and "contoh-situs" not in caplog.text


# --- Limits --------------------------------------------------------------------------------------------


def test_rate_limits_per_address_and_overall(regions: None, settings: Any) -> None:
    settings.JAGA_HOTLINE_LIMIT_PER_ADDRESS = 3
    settings.JAGA_HOTLINE_LIMIT_TOTAL = 5
    one = Client(REMOTE_ADDR="203.0.113.7")
    codes = [one.post("/lapor/", FORM).status_code for _ in range(5)]
    assert codes == [201, 201, 201, 429, 429]
    refused = one.post("/lapor/", FORM)
    assert refused["Retry-After"].isdigit() and "SAPA 129" in refused.content.decode()
    assert "pelabuhan Benoa" in refused.content.decode(), "a refused reporter keeps what they wrote"
    other = Client(REMOTE_ADDR="198.51.100.9")
    assert [other.post("/lapor/", FORM).status_code for _ in range(3)] == [201, 201, 429], "5 in all per hour"
    api = other.post("/api/v1/hotline/public-reports/", {**FORM, "urls": []}, content_type="application/json")
    assert api.status_code == 429 and "detail" in api.json()
    assert Report.objects.count() == 5
    from jaga.core.models import RateWindow

    assert not RateWindow.objects.filter(name__contains="203.0.113.7").exists(), "addresses are kept only hashed"


def test_an_unusual_volume_alerts_the_operators(regions: None, settings: Any, hotline_operator: User) -> None:
    settings.JAGA_HOTLINE_ALERT_PER_HOUR = 2
    for _ in range(3):
        submit()
    assert AuditEvent.objects.filter(action="hotline.volume.alert").count() == 1
    client = Client()
    client.post("/accounts/login/", {"username": hotline_operator.email, "password": PASSWORD})
    assert "3 laporan dalam jam ini" in client.get("/hotline/").content.decode()


def test_the_operators_get_a_mail_when_volume_is_unusual(
    regions: None, settings: Any, hotline_operator: User, django_capture_on_commit_callbacks: Any
) -> None:
    settings.JAGA_HOTLINE_ALERT_PER_HOUR = 1
    with django_capture_on_commit_callbacks(execute=True):
        submit()
    assert [m.to for m in mail.outbox] == [[hotline_operator.email]]
    assert STORY not in mail.outbox[0].body


# --- JSON ------------------------------------------------------------------------------------------------


def test_the_public_api_twin(regions: None) -> None:
    client = Client()
    body = {"forms": ["online"], "regency_code": "31.71", "description": STORY, "urls": ["https://contoh.example/v"]}
    created = client.post("/api/v1/hotline/public-reports/", body, content_type="application/json")
    assert created.status_code == 201, created.content
    receipt = created.json()
    assert set(receipt) == {"tracking_code", "secret"}
    status = client.get("/api/v1/hotline/status/", {"code": receipt["tracking_code"], "secret": receipt["secret"]})
    assert status.json() == {"status": "received", "label": "Diterima"}, "Indonesian unless asked otherwise"
    english = client.get(
        "/api/v1/hotline/status/",
        {"code": receipt["tracking_code"], "secret": receipt["secret"]},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert english.json()["label"] == "Received"
    assert client.get("/api/v1/hotline/status/", {"code": receipt["tracking_code"], "secret": "x"}).status_code == 404
    bad = client.post(
        "/api/v1/hotline/public-reports/",
        {**body, "forms": ["nonsense"], "urls": ["file:///etc/passwd"], "regency_code": "00.00"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "forms" in bad.json()
    bad = client.post(
        "/api/v1/hotline/public-reports/", {**body, "urls": ["file:///x"]}, content_type="application/json"
    )
    assert bad.status_code == 400 and "urls" in bad.json()
    assert client.post("/api/v1/hotline/public-reports/", "{", content_type="application/json").status_code == 400
    assert Report.objects.count() == 1


def test_partner_batches_are_idempotent_and_all_or_nothing(
    regions: None, partner_hotel: User, caseworker_bali: User
) -> None:
    client = api_client(partner_hotel)
    one = {"client_id": "tiket-1", "forms": ["travel_tourism"], "regency_code": "51.71", "description": STORY}
    two = {**one, "client_id": "tiket-2", "urls": ["https://contoh.example/b"], "forms": ["online"]}
    first = client.post("/api/v1/hotline/reports/", {"reports": [one, two]}, content_type="application/json")
    assert first.status_code == 201, first.content
    assert [r["created"] for r in first.json()["reports"]] == [True, True]
    again = client.post("/api/v1/hotline/reports/", {"reports": [one, two]}, content_type="application/json")
    assert again.status_code == 200 and [r["created"] for r in again.json()["reports"]] == [False, False]
    assert [r["tracking_code"] for r in again.json()["reports"]] == [
        r["tracking_code"] for r in first.json()["reports"]
    ]
    assert Report.objects.count() == 2 and set(Report.objects.values_list("channel", flat=True)) == {"partner"}
    single = client.post("/api/v1/hotline/reports/", {**one, "client_id": "tiket-3"}, content_type="application/json")
    assert single.status_code == 201
    bare = client.post("/api/v1/hotline/reports/", [{**one, "client_id": "tiket-3"}], content_type="application/json")
    assert bare.status_code == 200 and bare.json()["reports"][0]["created"] is False
    broken = client.post(
        "/api/v1/hotline/reports/",
        {"reports": [{**one, "client_id": "tiket-4"}, {**one, "client_id": "tiket-5", "child_age": 40}]},
        content_type="application/json",
    )
    assert broken.status_code == 400 and "child_age" in str(broken.json())
    twice = client.post(
        "/api/v1/hotline/reports/", {"reports": [{**one, "client_id": "x"}] * 2}, content_type="application/json"
    )
    assert twice.status_code == 400
    assert Report.objects.count() == 3, "nothing of a refused batch is stored"
    assert client.get("/api/v1/hotline/reports/", {"client_id": "tiket-1"}).json()["status"] == "received"
    forbidden = api_client(caseworker_bali).post("/api/v1/hotline/reports/", one, content_type="application/json")
    assert forbidden.status_code == 403
    assert Client().post("/api/v1/hotline/reports/", one, content_type="application/json").status_code == 401


# --- Triage ------------------------------------------------------------------------------------------------


def test_only_operators_see_the_queue(
    regions: None, login_client: Callable[..., Client], caseworker_jakarta: User, anonymous: Client
) -> None:
    report = submit()
    assert anonymous.get("/hotline/").status_code == 302
    assert login_client(caseworker_jakarta).get("/hotline/").status_code == 403
    assert login_client(caseworker_jakarta).get(f"/hotline/{report.pk}/").status_code == 403


def test_the_queue_puts_the_most_urgent_first_and_groups_duplicates(
    regions: None, login_client: Callable[..., Client], hotline_operator: User
) -> None:
    calm = submit()
    urgent = submit(in_danger=True, child_age=8)
    live = submit(description="Ada siaran langsung di aplikasi sekarang.")
    copy = report_submit(
        ReportInput(description="Sama.", forms=["online"], urls=["HTTPS://CONTOH.example/a?utm_medium=x#z"]),
        channel="web",
    ).report
    assert set(urgent.flags) == {"in_danger", "very_young"} and live.flags == ["live"]
    client = login_client(hotline_operator)
    html = client.get("/hotline/").content.decode()
    assert "Mode demo" in html, "staff see that MFA is off in the demo"
    assert html.index(urgent.tracking_code) < html.index(live.tracking_code) < html.index(calm.tracking_code)
    row = html.split(copy.tracking_code)[1].split("</tr>")[0]
    assert "<td>1</td><td>3</td>" in row, "one address, which the three other reports share"
    detail = client.get(f"/hotline/{copy.pk}/").content.decode()
    assert calm.tracking_code in detail, "the same normalised URL groups the reports"
    assert AuditEvent.objects.filter(action="hotline.report.viewed", target_id=str(copy.pk)).exists()


def test_triage_from_assignment_to_referral_to_a_case(
    regions: None, login_client: Callable[..., Client], hotline_operator: User, supervisor_bali: User
) -> None:
    report = submit(child_age=15, child_sex="female")
    client = login_client(hotline_operator)
    base = f"/hotline/{report.pk}/do"
    client.post(f"{base}/take/")
    client.post(f"{base}/categorise/", {"forms": ["online", "trafficking"], "flags": ["trafficking"]})
    report.refresh_from_db()
    assert report.assigned_to == hotline_operator and report.state == "in_review" and report.urgency == 20
    missing = client.post(f"{base}/police/", {"police-kind": "police", "police-police_unit": ""})
    assert missing.status_code == 400 and "wajib" in missing.content.decode().lower()
    client.post(
        f"{base}/police/",
        {"police-kind": "police", "police-police_unit": "Ditreskrimsus Polda Bali", "police-reference": "LP/123"},
    )
    url = report.urls.get()
    client.post(
        f"{base}/takedown/", {"takedown-kind": "takedown", "takedown-url": url.pk, "takedown-recipient": "komdigi"}
    )
    unit = supervisor_bali.organisation
    form = client.get(f"/hotline/{report.pk}/").content.decode()
    assert f'<option value="{unit.pk}" selected>' in form, "the unit of the report's province is preselected"
    converted = client.post(f"{base}/case/", {"case-kind": "case", "case-organisation": unit.pk}, follow=True)
    assert converted.redirect_chain and converted.redirect_chain[0][1] == 302
    said = converted.content.decode()
    assert unit.name in said and Case.objects.get().reference in said, "says where the case went"
    report.refresh_from_db()
    case = Case.objects.get()
    assert report.case == case and report.state == "referred" and report.referred_at is not None
    assert case.organisation == unit and case.source == "hotline" and case.assigned_to is None
    assert case.child.age_at_registration == 15 and case.child.full_name == ""
    assert sorted(Outcome.objects.values_list("kind", flat=True)) == ["case", "police", "takedown"]
    assert Outcome.objects.get(kind="police").reference == "LP/123"
    supervisor = login_client(supervisor_bali)
    assert supervisor.get(f"/cases/{case.pk}/").status_code == 200, "the service unit sees its new case"
    client.post(f"{base}/close/")
    report.refresh_from_db()
    assert report.state == "closed"
    page = client.get(f"/hotline/{report.pk}/").content.decode()
    assert "Ditreskrimsus Polda Bali" in page and case.reference in page
    actions = list(AuditEvent.objects.filter(target_id=str(report.pk)).values_list("action", flat=True))
    assert {
        "hotline.report.assigned",
        "hotline.report.categorised",
        "hotline.report.outcome",
        "hotline.report.closed",
    } <= set(actions)
    assert audit_verify().ok


def test_closing_as_not_actionable_needs_a_reason_and_shows_in_the_status(
    regions: None, login_client: Callable[..., Client], hotline_operator: User
) -> None:
    submitted = report_submit(ReportInput(description=STORY, forms=["other"]), channel="web")
    client = login_client(hotline_operator)
    base = f"/hotline/{submitted.report.pk}/do"
    assert client.post(f"{base}/closed/", {"closed-kind": "closed"}).status_code == 400
    client.post(f"{base}/closed/", {"closed-kind": "closed", "closed-close_reason": "not_eska"})
    status = Client().get(
        "/api/v1/hotline/status/", {"code": submitted.report.tracking_code, "secret": submitted.secret}
    )
    assert status.json()["status"] == "closed"


def test_hotline_statistics(
    regions: None, login_client: Callable[..., Client], hotline_operator: User, analyst_national: User
) -> None:
    submit()
    submit()
    from django.utils import translation

    from jaga.hotline.stats import report_statistics

    with translation.override("en"):
        stats = report_statistics()
    assert stats["total"] == 2 and dict(stats["by_form"])["Online sexual exploitation"] == 2
    assert dict(stats["by_channel"])["Public web form"] == 2
    assert login_client(analyst_national).get("/hotline/stats/").status_code == 200
    html = login_client(hotline_operator).get("/hotline/stats/").content.decode()
    assert "Bali" in html


def test_the_hours_total_is_counted_with_the_report_so_it_is_never_exceeded(regions: None, settings: Any) -> None:
    from jaga.hotline import ratelimit
    from jaga.hotline.services import HotlineFull

    settings.JAGA_HOTLINE_LIMIT_TOTAL = 2
    submit()
    submit()
    with pytest.raises(HotlineFull):
        submit()
    assert Report.objects.count() == 2 and ratelimit.current(ratelimit.TOTAL) == 2, "the refused one is not counted"
    # And the public API says so with a 429, storing nothing.
    settings.JAGA_HOTLINE_LIMIT_TOTAL = 3
    ratelimit.hit(ratelimit.TOTAL)  # another reporter took the last place
    response = Client().post("/api/v1/hotline/public-reports/", {**FORM, "urls": []}, content_type="application/json")
    assert response.status_code == 429 and Report.objects.count() == 2


def test_the_queue_finds_a_report_by_its_code_and_keeps_its_filter_on_every_page(
    regions: None, login_client: Callable[..., Client], hotline_operator: User
) -> None:
    report = submit()
    client = login_client(hotline_operator)
    code = report.tracking_code.lower().replace("-", " ")
    found = client.get("/hotline/", {"code": code})
    assert found.status_code == 302 and found["Location"] == f"/hotline/{report.pk}/"
    missing = client.get("/hotline/", {"code": "JG-AAAA-BBBB"}).content.decode()
    assert "Tidak ada laporan dengan kode pelacakan ini" in missing
    Report.objects.filter(pk=report.pk).update(state="closed")
    second_page = client.get("/hotline/", {"page": "2"}).content.decode()
    assert report.tracking_code not in second_page, "a page link without the filter still shows the open reports"
