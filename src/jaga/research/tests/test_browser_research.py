"""Research in a real Chromium: a participant answers the example survey on a 360 px phone with JavaScript
off; the researchers' pages pass axe-core."""

from __future__ import annotations

import os
from datetime import date, timedelta
from typing import Any

import pytest

from jaga.accounts.models import User
from jaga.core.tests.test_browser import CHROMIUM, log_in, serious_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Chromium is not installed: browser tests skipped"),
]


def test_a_participant_answers_on_a_phone_without_javascript_and_the_pages_pass_axe(
    live_server: Any, browser: Any, page: Any, researcher: User, regions: None
) -> None:
    from jaga.research import studies
    from jaga.research.example_form import example_xlsform
    from jaga.research.models import Response

    study = studies.study_create(
        actor=researcher,
        data=studies.StudyInput(
            title="Survei uji",
            ethics_reference="KEP/1",
            ethics_approved_on=date(2026, 1, 5),
            consent_id="Jawaban Anda tanpa nama (uji).",
            consent_en="",
            retention_until=date.today() + timedelta(days=90),
        ),
    )
    studies.instrument_upload(actor=researcher, study=study, data=example_xlsform(), filename="contoh.xlsx")
    phone = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False, locale="id-ID")
    form = phone.new_page()
    form.goto(f"{live_server.url}/survei/{study.token}/")
    assert form.evaluate("document.documentElement.scrollWidth") <= 360, "no sideways scrolling on a phone"
    form.click("text=Kirim jawaban saya")
    assert "Menjawab memerlukan persetujuan Anda" in form.content(), "consent first"
    form.check("#consent")
    form.check("#q-respondent-1")  # adolescent
    form.check("#q-age_band-1")  # 13-17
    form.check("#q-sex-1")  # female
    form.select_option("select[name=province]", label="Bali")
    form.check("#q-heard-1")
    form.check("text=Media sosial")
    form.check("#q-knows_129-2")
    form.check("text=Sangat mungkin")
    form.fill("input[name=hours_online]", "4")
    form.click("text=Kirim jawaban saya")
    assert "Terima kasih" in form.content(), [e.inner_text() for e in form.locator(".error").all()]
    answers = studies.answers_of(Response.objects.get())
    assert answers["awareness/heard_from"] == ["social_media"] and answers["province"] == "p51"
    phone.close()

    problems = {}
    page.goto(f"{live_server.url}/survei/{study.token}/")
    problems["survey"] = serious_violations(page)
    log_in(page, live_server.url, researcher.email)
    page.wait_for_url(f"{live_server.url}/")
    for path in [
        "/research/incidents/",
        "/research/incidents/new/",
        "/research/incidents/import/",
        "/research/studies/",
        f"/research/studies/{study.pk}/?question=heard&by=sex",
        f"/research/studies/{study.pk}/responses/",
    ]:
        page.goto(live_server.url + path)
        problems[path] = serious_violations(page)
    assert {path: found for path, found in problems.items() if found} == {}
