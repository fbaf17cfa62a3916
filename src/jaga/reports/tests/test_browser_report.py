"""The annual report in a real Chromium: the makers' pages and the public archive pass axe-core, the HTML
edition reads on a 360 px phone and prints, and a page of the PDF, drawn to PNG, is saved beside the
screenshots for a person to compare by eye (``JAGA_SCREENSHOTS``, else a temporary folder)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from jaga.accounts.models import User
from jaga.core.tests.test_browser import CHROMIUM, log_in, serious_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Chromium is not installed: browser tests skipped"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("JAGA_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_the_report_pages_pass_axe_and_the_edition_reads_on_a_phone_and_in_print(
    live_server: Any,
    page: Any,
    browser: Any,
    registry: dict[str, Any],
    analyst_national: User,
    head: User,
    shots: Path,
) -> None:
    from jaga.reports import services

    published = services.report_create(actor=analyst_national, year=2024, scope="national")
    services.narrative_save(
        actor=analyst_national, report=published, key="foreword", texts={"id": "Kata pengantar.", "en": "Foreword."}
    )
    services.report_submit(actor=analyst_national, report=published)
    services.report_approve(actor=head, report=published)
    services.report_publish(actor=head, report=published, background=False)
    draft = services.report_create(actor=analyst_national, year=2025, scope="national")
    base = live_server.url
    problems: dict[str, list[str]] = {}
    for path in ["/laporan/", f"/laporan/{published.pk}/", f"/laporan/{published.pk}/id.html"]:
        page.goto(base + path)
        problems[path] = serious_violations(page)
    log_in(page, base, analyst_national.email)
    page.wait_for_url(f"{base}/")
    for path in ["/reports/", f"/reports/{draft.pk}/", f"/reports/{draft.pk}/preview/en/"]:
        page.goto(base + path)
        problems[path] = serious_violations(page)
    assert {path: found for path, found in problems.items() if found} == {}

    phone = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False)
    reader = phone.new_page()
    reader.goto(f"{base}/laporan/{published.pk}/en.html")
    assert reader.evaluate("document.documentElement.scrollWidth") <= 360, "no sideways scrolling on a phone"
    charts = reader.locator("svg.chart")
    assert charts.count() >= 5 and charts.first.bounding_box()["width"] > 300, "the charts are drawn, full width"
    assert reader.evaluate("getComputedStyle(document.querySelector('.cover')).backgroundColor") == "rgb(7, 68, 66)"
    reader.screenshot(path=str(shots / "report-edition-360px.png"), full_page=False)
    reader.emulate_media(media="print")
    reader.screenshot(path=str(shots / "report-edition-print.png"), full_page=False)
    phone.close()

    # The PDF as printed: its pages drawn by PDFium (Chrome's own PDF engine) and saved for a person to look
    # at beside the HTML edition's screenshots; the cover is the edition's colour, a chart page has bars.
    import pypdfium2

    pdf = pypdfium2.PdfDocument(bytes(published.files.get(kind="pdf", lang="en").data))
    assert len(pdf) >= 10
    cover = pdf[0].render(scale=1).to_pil().convert("RGB")
    assert cover.getpixel((100, 400)) == (7, 68, 66), "the cover fills the page in the edition's colour"
    cover.save(shots / "report-pdf-cover.png")
    drawn = pdf[5].render(scale=1.5).to_pil().convert("RGB")
    drawn.save(shots / "report-pdf-page-6.png")
    teal = sum(1 for pixel in drawn.get_flattened_data() if pixel == (25, 122, 115))
    assert teal > 500, "a page of charts: the bars are drawn as vectors in the bars' colour"
