"""A lesson on a cheap phone: 360 px, JavaScript off, under 100 KB before images, readable without sideways
scrolling, the quiz answered and scored; axe-core finds no serious violation."""

from __future__ import annotations

import os
from typing import Any

import pytest

from jaga.core.tests.test_browser import CHROMIUM, serious_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Chromium is not installed: browser tests skipped"),
]


def test_a_child_reads_a_lesson_and_takes_its_quiz_on_a_phone(
    live_server: Any, browser: Any, page: Any, regions: None
) -> None:
    from jaga.education.starter import starter_install

    starter_install()
    phone = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False, locale="id-ID")
    reader = phone.new_page()
    weights: list[int] = []
    reader.on("response", lambda response: weights.append(len(response.body())))
    reader.goto(f"{live_server.url}/belajar/kenali-grooming-online/")
    reader.wait_for_load_state("load")
    assert sum(weights) < 100_000, f"{sum(weights)} bytes"
    assert reader.evaluate("document.documentElement.scrollWidth") <= 360
    assert reader.get_by_text("Keluar dari halaman ini dengan cepat").is_visible()
    reader.locator("input[type=radio]").first.check()
    reader.click("text=Periksa jawabanku")
    assert "dari 2 benar" in reader.content()
    phone.close()
    problems = {}
    for path in ["/belajar/", "/belajar/kenali-grooming-online/", "/belajar/guru-saat-anak-bercerita/"]:
        page.goto(live_server.url + path)
        problems[path] = serious_violations(page)
    assert {path: found for path, found in problems.items() if found} == {}
