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


def test_a_teacher_takes_the_self_paced_course_on_a_phone_without_javascript(
    live_server: Any, browser: Any, page: Any, programme_officer: Any, regions: None
) -> None:
    from jaga.education.courses import CourseInput, course_save
    from jaga.education.models import Lesson
    from jaga.education.starter import starter_install
    from jaga.programs.training.models import Certificate, Module, Question

    starter_install()
    module = Module.objects.create(
        title="Modul guru", audience="teachers", objectives="o", created_by=programme_officer
    )
    for k in range(2):
        Question.objects.create(module=module, text=f"Soal {k}", options=["benar", "salah"], answer=0, position=k)
    lessons = list(Lesson.objects.filter(slug__in=["guru-saat-anak-bercerita", "kenali-grooming-online"]))
    course_save(
        actor=programme_officer,
        data=CourseInput(module, "Kursus Guru", "", "Belajar mandiri.", "", lessons, published=True),
    )
    phone = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False, locale="id-ID")
    teacher = phone.new_page()
    teacher.goto(f"{live_server.url}/belajar/kursus/kursus-guru/")
    assert teacher.evaluate("document.documentElement.scrollWidth") <= 360
    teacher.get_by_label("Nama lengkap (seperti di sertifikat)").fill("Guru Contoh")
    teacher.get_by_label("Organisasi").fill("SMP Contoh")
    teacher.get_by_label("Jenis kelamin").select_option("female")
    teacher.click("button:has-text('Daftarkan')")
    teacher.click("text=Kerjakan pre-test")
    for radio in teacher.locator("input[type=radio][value='0']").all():
        radio.check()
    teacher.click("text=Kirim jawaban saya")
    for lesson in lessons:
        teacher.click(f"a[href$='/pelajaran/{lesson.slug}/']")
        teacher.click("text=Saya sudah membaca pelajaran ini")
    teacher.click("text=Kerjakan post-test")
    for radio in teacher.locator("input[type=radio][value='0']").all():
        radio.check()
    teacher.click("text=Kirim jawaban saya")
    certificate = Certificate.objects.get()
    assert certificate.code in teacher.content() and teacher.get_by_text("Unduh sertifikat (PDF)").is_visible()
    assert teacher.evaluate("document.documentElement.scrollWidth") <= 360
    page.goto(f"{live_server.url}/belajar/kursus/kursus-guru/")
    assert serious_violations(page) == []
    phone.close()
