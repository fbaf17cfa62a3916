"""The teachers' self-paced course as a teacher takes it (no account: register, pre-test, lessons, post-test,
certificate anyone can check) and as programme officers set it up and count it."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pypdf
import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone, translation

from jaga.accounts.models import User
from jaga.education.courses import CourseInput, course_save
from jaga.education.models import Course, Lesson
from jaga.education.starter import starter_install
from jaga.programs.training.models import Certificate, Module, Participant, Question

pytestmark = pytest.mark.django_db

LESSONS = ["guru-saat-anak-bercerita", "kenali-grooming-online"]


def _module(actor: User) -> Module:
    module = Module.objects.create(
        title="Modul guru uji", audience="teachers", objectives="o", pass_mark=70, created_by=actor
    )
    for k in range(4):
        Question.objects.create(module=module, text=f"Pertanyaan {k}", options=["benar", "salah"], answer=0, position=k)
    return module


def _course(actor: User) -> Course:
    starter_install()
    return course_save(
        actor=actor,
        data=CourseInput(
            module=_module(actor),
            title_id="Kursus Guru Uji",
            title_en="Teachers' Test Course",
            intro_id="Tes awal, pelajaran, tes akhir.",
            intro_en="",
            lessons=[Lesson.objects.get(slug=slug) for slug in LESSONS],
            published=True,
        ),
    )


def _answers(module: Module, right: int) -> dict[str, str]:
    return {str(q.pk): "0" if k < right else "1" for k, q in enumerate(module.questions.all())}


def test_a_teacher_takes_the_course_on_their_own_and_gets_a_certificate_anyone_can_check(
    programme_officer: User, regions: None
) -> None:
    course = _course(programme_officer)
    teacher = Client()
    page = teacher.get("/belajar/kursus/kursus-guru-uji/")
    assert page.status_code == 200 and "Kursus Guru Uji" in page.content.decode()
    assert "/belajar/kursus/kursus-guru-uji/" in Client().get("/belajar/").content.decode(), "listed with lessons"
    refused = teacher.post(
        "/belajar/kursus/kursus-guru-uji/", {"action": "register", "register-full_name": "Guru Contoh"}
    )
    assert refused.status_code == 400 and Participant.objects.count() == 0, "the sex is asked"
    teacher.post(
        "/belajar/kursus/kursus-guru-uji/",
        {
            "action": "register",
            "register-full_name": "Guru Contoh",
            "register-organisation_name": "SMP Negeri 1 Contoh",
            "register-sex": "female",
            "register-province": "51",
        },
    )
    learner = Participant.objects.get()
    assert learner.session.self_paced and learner.session.region_id == "51", "this year's Bali intake"
    assert learner.session.starts_on.year == timezone.localdate().year
    course_url = "/belajar/kursus/kursus-guru-uji/"
    assert learner.full_name == "Guru Contoh" and learner.code in teacher.get(course_url).content.decode()
    lesson_url = f"{course_url}pelajaran/guru-saat-anak-bercerita/"
    teacher.post(lesson_url)
    assert not learner.attended and "/pelajaran/" not in teacher.get(course_url).content.decode(), (
        "the lessons open after the pre-test"
    )
    assert teacher.get(f"{course_url}tes/post/").status_code == 302
    assert teacher.post(f"{course_url}tes/post/", _answers(course.module, 4)).status_code == 302
    assert not learner.results.exists(), "no post-test before the lessons"
    assert teacher.post(f"{course_url}tes/pre/", _answers(course.module, 1)).status_code == 302
    assert learner.results.get(kind="pre").score == 25
    assert "Tes awal, pelajaran, tes akhir." in teacher.get(course_url).content.decode()
    shown = teacher.get(lesson_url)
    assert shown.status_code == 200 and "<script" not in shown.content.decode()
    for slug in LESSONS:
        teacher.post(f"{course_url}pelajaran/{slug}/")
    learner.refresh_from_db()
    assert learner.attended, "reading every lesson is the attendance"
    assert teacher.post(f"{course_url}tes/post/", _answers(course.module, 3)).status_code == 302
    certificate = Certificate.objects.get(participant=learner)
    page = teacher.get(course_url).content.decode()
    assert certificate.code in page and "75%" in page
    pdf = teacher.get(f"{course_url}sertifikat.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    printed = pypdf.PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "Guru Contoh" in printed and "self-paced online course" in printed and "Trainers" not in printed
    checked = Client().post("/sertifikat/", {"code": certificate.code})
    shown = checked.content.decode()
    assert checked.status_code == 200 and "Guru Contoh" in shown and "Kursus mandiri daring" in shown
    assert Client().get(f"{course_url}sertifikat.pdf").status_code == 404, "only the learner's own browser"


def test_a_teacher_continues_on_another_device_with_their_code(programme_officer: User, regions: None) -> None:
    _course(programme_officer)
    first = Client()
    first.post(
        "/belajar/kursus/kursus-guru-uji/",
        {
            "action": "register",
            "register-full_name": "Guru Dua",
            "register-organisation_name": "SD 2",
            "register-sex": "male",
        },
    )
    learner = Participant.objects.get()
    assert learner.session.region_id is None, "no province said: the national intake"
    other = Client()
    wrong = other.post("/belajar/kursus/kursus-guru-uji/", {"action": "code", "code-code": "ZZZZZZ"})
    assert wrong.status_code == 400
    other.post("/belajar/kursus/kursus-guru-uji/", {"action": "code", "code-code": learner.code.lower()})
    assert "/tes/pre/" in other.get("/belajar/kursus/kursus-guru-uji/").content.decode()
    other.post("/belajar/kursus/kursus-guru-uji/keluar/")
    assert "/tes/pre/" not in other.get("/belajar/kursus/kursus-guru-uji/").content.decode(), "left on this device"


def test_course_learners_count_in_training_statistics_as_their_own_audience(
    programme_officer: User, login_client: Callable[..., Client], regions: None
) -> None:
    from jaga.programs.results.services import actual
    from jaga.reports.content import Scope
    from jaga.reports.sections_programmes import training_section

    course = _course(programme_officer)
    for k, province in enumerate(["51", "51", "31", "51", "31", "32"]):
        teacher = Client()
        teacher.post(
            "/belajar/kursus/kursus-guru-uji/",
            {"action": "register", "register-full_name": f"Guru {k}", "register-organisation_name": "S",
             "register-sex": "female", "register-province": province},
        )  # fmt: skip
        teacher.post("/belajar/kursus/kursus-guru-uji/tes/pre/", _answers(course.module, 2))
        for slug in LESSONS:
            teacher.post(f"/belajar/kursus/kursus-guru-uji/pelajaran/{slug}/")
        teacher.post("/belajar/kursus/kursus-guru-uji/tes/post/", _answers(course.module, 4 if k < 5 else 1))
    year = timezone.localdate().year
    assert actual("teachers_certified", year) == 5 and actual("teachers_certified", year, "51") == 3
    assert actual("professionals_trained", year, "31") == 2
    with translation.override("en"):
        section = training_section(Scope(kind="national"), year)
    audience = next(b for b in section["blocks"] if b["key"] == "audience")
    rows = {row[0]: row[1:] for row in audience["rows"]}
    assert rows["Self-paced online course"] == ["6"] and rows["Teachers"] == ["0"], "their own audience"
    staff = login_client(programme_officer).get("/education/courses/kursus-guru-uji/").content.decode()
    assert re.search(r"<td>6</td><td>6</td><td>6</td><td>6</td><td>5</td><td>37[.,]5</td>", staff), staff
    assert "Bali" in staff


def test_a_course_is_published_only_with_published_lessons_and_test_questions(programme_officer: User) -> None:
    starter_install()
    empty = Module.objects.create(title="Kosong", audience="teachers", objectives="o", created_by=programme_officer)
    data = CourseInput(module=empty, title_id="K", title_en="", intro_id="i", intro_en="", lessons=[], published=True)
    with pytest.raises(ValidationError) as refused:
        course_save(actor=programme_officer, data=data)
    assert set(refused.value.message_dict) == {"module", "lessons"}
    draft = Lesson.objects.create(slug="draf", audience="teachers")
    data.module, data.lessons = _module(programme_officer), [draft]
    with pytest.raises(ValidationError, match="draf"):
        course_save(actor=programme_officer, data=data)
    data.published = False
    course_save(actor=programme_officer, data=data)
    assert Client().get("/belajar/kursus/k/").status_code == 404, "not published: not public"
