"""A real Chromium: the login, MFA enrolment and language switch a person does, and axe-core on every page.

Skipped, with the reason printed, where Debian's Chromium is not installed (`.ci/run` installs it).
"""

from __future__ import annotations

import os
import shutil
from base64 import b32decode
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from jaga.accounts.models import User
from jaga.factories import PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Chromium is not installed: browser tests skipped"),
]
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    # Playwright's sync API runs an event loop in this thread; the ORM calls tests make are safe here.
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def totp_from_secret(secret: str) -> str:
    from django_otp.oath import totp

    key = b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    return f"{totp(key):06d}"


def log_in(page: Any, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("button.primary")


def test_a_person_logs_in_enrols_mfa_and_switches_language(
    settings: Any, live_server: Any, page: Any, caseworker_jakarta: User
) -> None:
    settings.JAGA_MFA_REQUIRED = True
    log_in(page, live_server.url, caseworker_jakarta.email)
    page.wait_for_url("**/accounts/mfa/setup/")
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.locator("h1").inner_text() == "Atur autentikasi multi-faktor"
    assert page.locator("img.qr").evaluate("img => img.naturalWidth") > 0, "the QR code renders"
    page.fill("#id_token", totp_from_secret(page.inner_text("#totp-secret")))
    page.click("button.primary")
    assert page.locator("h1").inner_text() == "Kode pemulihan Anda"
    assert page.locator("ul.codes li").count() == 10
    page.click("text=Sudah saya simpan")
    assert "Selamat datang" in page.locator("h1").inner_text()

    page.select_option("#language-select", "en")
    page.click("form.lang button")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == f"Welcome, {caseworker_jakarta.full_name}"
    page.goto(f"{live_server.url}/accounts/me/")
    assert page.locator("h1").inner_text() == "Your account", "the choice holds on every page"


def serious_violations(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']}"
        for violation in results.response["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]


def test_axe_finds_no_serious_violation_on_any_page(
    live_server: Any,
    page: Any,
    system_admin: User,
    caseworker_jakarta: User,
    login_client: Callable[..., Any],
) -> None:
    from jaga.accounts import services
    from jaga.cases.services import case_register
    from jaga.factories import case_input

    case = case_register(actor=caseworker_jakarta, data=case_input())
    _user, invitation = services.user_invite(
        actor=system_admin,
        organisation=caseworker_jakarta.organisation,
        email="invited@test.example",
        full_name="Invited",
        roles=["caseworker"],
    )
    base = live_server.url
    public = [
        "/",
        "/accounts/login/",
        "/api/docs/",
        f"/accounts/invitation/{invitation}/",
        "/accounts/invitation/expired/",
    ]
    signed_in = [
        "/",
        "/accounts/me/",
        "/accounts/mfa/setup/",
        "/accounts/reauth/",
        "/accounts/users/",
        "/accounts/users/invite/",
        f"/accounts/users/{caseworker_jakarta.pk}/",
        "/accounts/organisations/",
        "/accounts/organisations/new/",
        f"/accounts/organisations/{caseworker_jakarta.organisation_id}/",
        "/audit/",
        "/nothing-here/",
    ]
    problems: dict[str, list[str]] = {}
    for path in public:
        page.goto(base + path)
        problems[path] = serious_violations(page)
    log_in(page, base, system_admin.email)
    page.wait_for_url(f"{base}/")
    for path in signed_in:
        page.goto(base + path)
        problems[f"{path} (signed in)"] = serious_violations(page)
    page.select_option("#language-select", "en")
    page.click("form.lang button")
    page.wait_for_load_state()
    problems["/ (English)"] = serious_violations(page)
    page.click("form.usermenu button, .usermenu form button")
    log_in(page, base, caseworker_jakarta.email)
    page.wait_for_url(f"{base}/")
    for path in ["/cases/", "/cases/new/", f"/cases/{case.pk}/", "/cases/referrals/", f"/cases/{case.pk}/identity/"]:
        page.goto(base + path)
        problems[f"{path} (caseworker)"] = serious_violations(page)
    page.goto(base + "/cases/new/")
    page.click("button.primary")  # start a draft
    problems["/cases/new/<draft>/"] = serious_violations(page)
    page.fill("#id_registered_on", "")
    page.click("form.intake button.primary")  # the first step, with its errors shown
    problems["/cases/new/<draft>/ (errors)"] = serious_violations(page)
    assert {path: found for path, found in problems.items() if found} == {}


def test_a_member_of_the_public_reports_without_javascript(live_server: Any, browser: Any, regions: None) -> None:
    """The hotline form on a phone with JavaScript off: errors keep the input, the code and secret work."""
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740}, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"{live_server.url}/lapor/")
        page.fill("#id_description", "Ada anak ditawarkan di sebuah penginapan.")
        page.click("button.primary")  # no form of exploitation chosen yet
        assert page.locator("p.error").count() >= 1
        assert page.input_value("#id_description") == "Ada anak ditawarkan di sebuah penginapan."
        page.check("input[name=forms][value=prostitution]")
        page.select_option("#id_regency_code", "51.71")
        page.fill("#id_child_age", "15")
        page.click("button.primary")
        assert page.locator("h1").inner_text().startswith("Terima kasih")
        code, secret = (page.locator("dl.receipt dd code").nth(i).inner_text() for i in (0, 1))
        page.goto(f"{live_server.url}/lapor/status/")
        page.fill("#id_code", code)
        page.fill("#id_secret", secret)
        page.click("button.primary")
        assert "Diterima" in page.locator("p.banner.ok").inner_text()
    finally:
        context.close()


def test_axe_finds_no_serious_violation_on_the_hotline(
    live_server: Any, page: Any, regions: None, hotline_operator: User
) -> None:
    from jaga.hotline.services import ReportInput, report_submit

    report = report_submit(
        ReportInput(description="Uji.", forms=["online"], regency_code="51.71", urls=["https://contoh.example/a"]),
        channel="web",
    ).report
    base = live_server.url
    problems: dict[str, list[str]] = {}
    for path in ["/lapor/", "/lapor/status/"]:
        page.goto(base + path)
        problems[path] = serious_violations(page)
    page.goto(base + "/lapor/")
    page.click("button.primary")
    problems["/lapor/ (errors)"] = serious_violations(page)
    page.check("input[name=forms][value=online]")
    page.fill("#id_description", "Uji.")
    page.fill("#id_urls", "https://contoh.example/b")
    page.click("button.primary")
    problems["/lapor/ (done)"] = serious_violations(page)
    log_in(page, base, hotline_operator.email)
    page.wait_for_url(f"{base}/")
    for path in ["/hotline/", f"/hotline/{report.pk}/", "/hotline/stats/"]:
        page.goto(base + path)
        problems[f"{path} (operator)"] = serious_violations(page)
    assert {path: found for path, found in problems.items() if found} == {}


def test_axe_finds_no_serious_violation_on_the_statistics(
    live_server: Any, page: Any, analyst_national: User, caseworker_jakarta: User
) -> None:
    from datetime import date

    from jaga.cases.services import cases_bulk_register
    from jaga.factories import case_input
    from jaga.stats.aggregates import stats_refresh

    inputs = [case_input(registered_on=date(2025, 3, 1), child={"nik": ""}) for _ in range(7)]
    inputs += [case_input(registered_on=date(2025, 3, 1), exploitation_regency="51.71", child={"nik": ""})]
    cases_bulk_register(actor=caseworker_jakarta, inputs=inputs)
    stats_refresh()
    base = live_server.url
    problems: dict[str, list[str]] = {}
    for path in ["/statistik/", "/statistik/?year=2025&province=31"]:
        page.goto(base + path)
        problems[path] = serious_violations(page)
    assert page.locator("svg.chart").count() >= 5
    log_in(page, base, analyst_national.email)
    page.wait_for_url(f"{base}/")
    for path in ["/stats/", "/stats/crosstab/?dims=sex&dims=age_band&year=2025"]:
        page.goto(base + path)
        problems[f"{path} (analyst)"] = serious_violations(page)
    assert {path: found for path, found in problems.items() if found} == {}


def test_axe_finds_no_serious_violation_on_linkage(
    live_server: Any, page: Any, linkage_officer: User, caseworker_jakarta: User, caseworker_bali: User
) -> None:
    from jaga.cases.services import case_register
    from jaga.factories import case_input
    from jaga.linkage.models import PairReview
    from jaga.linkage.services import run_now

    jakarta = case_register(actor=caseworker_jakarta, data=case_input())
    bali = case_register(actor=caseworker_bali, data=case_input(exploitation_regency="51.71", child={"nik": ""}))
    run = run_now()
    assert run.clusters == 1
    pair = PairReview.objects.create(case_a=jakarta, case_b=bali, probability=0.8, evidence={"name": "close"})
    base = live_server.url
    problems: dict[str, list[str]] = {}
    log_in(page, base, linkage_officer.email)
    page.wait_for_url(f"{base}/")
    for path in ["/linkage/", f"/linkage/runs/{run.pk}/", "/linkage/review/", f"/linkage/review/{pair.pk}/"]:
        page.goto(base + path)
        problems[f"{path} (linkage officer)"] = serious_violations(page)
    page.click("button[value=different]")  # the decision, by a person with a mouse
    page.wait_for_load_state()
    pair.refresh_from_db()
    assert pair.decision == "different"
    page.click("form.usermenu button, .usermenu form button")
    log_in(page, base, caseworker_jakarta.email)
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/cases/{jakarta.pk}/")
    assert page.locator("section.linked").count() == 1
    problems["case known elsewhere (caseworker)"] = serious_violations(page)
    assert {path: found for path, found in problems.items() if found} == {}


def test_axe_finds_no_serious_violation_on_the_programme_pages(
    live_server: Any, page: Any, programme_officer: User, orgs: dict
) -> None:
    base = live_server.url
    problems: dict[str, list[str]] = {}
    log_in(page, base, programme_officer.email)
    page.wait_for_url(f"{base}/")
    for path in ["/programs/partners/", f"/programs/partners/{orgs['ngo'].pk}/"]:
        page.goto(base + path)
        problems[path] = serious_violations(page)
    page.goto(f"{base}/programs/advocacy/new/")
    problems["/programs/advocacy/new/"] = serious_violations(page)
    page.fill("#id_institution", "DPRD Provinsi Bali")
    page.select_option("#id_level", "province")
    page.select_option("#id_region", "51")
    page.fill("#id_title", "Perda uji peramban")
    page.select_option("#id_kind", "regulation")
    page.click("button.primary")
    page.wait_for_load_state()
    problems["ask detail"] = serious_violations(page)
    page.goto(f"{base}/programs/advocacy/")
    problems["/programs/advocacy/"] = serious_violations(page)
    assert "Perda uji peramban" in page.content()
    for path in ["/programs/campaigns/", "/programs/campaigns/new/"]:
        page.goto(base + path)
        problems[path] = serious_violations(page)
    page.goto(f"{base}/programs/partners/{orgs['ngo'].pk}/")
    page.fill("#id_full_name", "Kontak Uji Peramban")
    page.click("form:has(input[value=contact]) button[type=submit]")
    page.wait_for_load_state()
    assert "Kontak Uji Peramban" in page.content()
    assert {path: found for path, found in problems.items() if found} == {}


def test_a_participant_takes_the_post_test_from_the_link_and_the_certificate_is_verified(
    live_server: Any, page: Any, programme_officer: User, orgs: dict
) -> None:
    from datetime import date

    from jaga.programs.training.services import (
        ParticipantInput,
        module_create,
        participant_add,
        question_add,
        session_create,
        session_tests_set,
    )

    module = module_create(
        actor=programme_officer, title="Pencegahan ESKA uji", audience="police", language="id", objectives="o"
    )
    for text, options, answer in [
        ("Usia anak?", ["Di bawah 18", "Di bawah 21"], 0),
        ("Lapor ke?", ["Diam", "SAPA 129"], 1),
    ]:
        question_add(actor=programme_officer, module=module, text=text, options=options, answer=answer)
    session = session_create(
        actor=programme_officer, organisations=[orgs["bali"]], module=module, starts_on=date(2026, 5, 4),
        ends_on=date(2026, 5, 4), online=True, place="", trainers="Tim uji",
    )  # fmt: skip
    session_tests_set(actor=programme_officer, session=session, pre=False, post=True, self_registration=False)
    person = participant_add(
        actor=programme_officer,
        session=session,
        data=ParticipantInput(full_name="Ni Luh Peramban", sex="female", attended=True),
    )
    base = live_server.url
    problems: dict[str, list[str]] = {}
    page.goto(f"{base}/pelatihan/{session.test_token}/")  # as from the QR code: no account
    problems["test start"] = serious_violations(page)
    page.fill("#id_code-code", person.code.lower())
    page.click("form:has(input[value=code]) button[type=submit]")
    page.click("a[href$='/tes/post/']")
    problems["test"] = serious_violations(page)
    for question in module.questions.all():
        page.check(f"input[name='{question.pk}'][value='{question.answer}']")
    page.click("form.test button[type=submit]")
    page.wait_for_load_state()
    code = page.locator("strong.code").inner_text()
    assert code.startswith("SERT-")
    problems["test done"] = serious_violations(page)
    with page.expect_download() as download:
        page.click("a[href$='/sertifikat.pdf']")
    assert download.value.suggested_filename == f"sertifikat-{code}.pdf"

    page.goto(f"{base}/sertifikat/")
    page.fill("#id_code", code)
    page.click("button.primary")
    page.wait_for_load_state()
    assert "Ni Luh Peramban" in page.content() and "Pencegahan ESKA uji" in page.content()
    problems["certificate check"] = serious_violations(page)

    log_in(page, base, programme_officer.email)
    page.wait_for_url(f"{base}/")
    for path in [
        "/programs/training/",
        f"/programs/training/modules/{module.pk}/",
        f"/programs/training/sessions/{session.pk}/",
        "/programs/training/sessions/new/",
        "/programs/code/",
        "/programs/results/",
    ]:
        page.goto(base + path)
        problems[path] = serious_violations(page)
    assert {path: found for path, found in problems.items() if found} == {}
