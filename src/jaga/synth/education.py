"""Demo content for public education: the starter lessons with a few weeks of counted reading, the school
campaign's page with its visits, and the teachers' self-paced course with learners at every step.

Learners are invented (the same invented-name pools as the training demo); counts are per day, as the
product keeps them.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from jaga.accounts.models import User

COURSE_LESSONS = ["guru-saat-anak-bercerita", "kenali-grooming-online", "tawaran-kerja-palsu"]
PROVINCES = ["51", "31", "32", "35", "73", ""]  # "" : the learner did not say


def demo_education() -> None:
    from jaga.education.starter import starter_install

    starter_install()
    _lesson_counts()
    _campaign_page()
    _teachers_course()


def _lesson_counts() -> None:
    """Four weeks of lessons read and quizzes completed (some learners said their province)."""
    from jaga.education.models import DailyCount, Lesson

    rng = random.Random(23)  # noqa: S311 - invented counts
    today = timezone.localdate()
    rows = []
    for lesson in Lesson.objects.all():
        for back in range(28):
            day = today - timedelta(days=back)
            read = rng.randint(2, 30)
            rows.append(DailyCount(day=day, kind=DailyCount.Kind.READ, lesson=lesson, key="", count=read))
            for province in rng.sample(PROVINCES, 2):
                rows.append(
                    DailyCount(day=day, kind=DailyCount.Kind.QUIZ, lesson=lesson, key=province, count=read // 4 + 1)
                )
            for question in lesson.questions.all():
                wrong = (question.answer + 1) % len(question.options_id)
                rows.append(
                    DailyCount(
                        day=day, kind=DailyCount.Kind.ANSWER, lesson=lesson, key=f"{question.pk}:{question.answer}",
                        count=read // 3 + 1,
                    )
                )  # fmt: skip
                rows.append(
                    DailyCount(day=day, kind=DailyCount.Kind.ANSWER, lesson=lesson, key=f"{question.pk}:{wrong}",
                               count=rng.randint(0, 3))
                )  # fmt: skip
    DailyCount.objects.bulk_create(rows)


def _campaign_page() -> None:
    """The school campaign's public page, with the visits of a few days (counted, no one tracked)."""
    from jaga.education.campaign_pages import page_create
    from jaga.education.models import Lesson, PageVisit
    from jaga.programs.campaigns.models import Campaign

    campaign = Campaign.objects.filter(title__startswith="Sekolah Aman").first()
    officer = User.objects.filter(email="programme@jaga.example").first()
    if campaign is None or officer is None:
        return
    page = page_create(
        actor=officer,
        campaign=campaign,
        title_id="Sekolah Aman dari Eksploitasi",
        title_en="Schools Safe from Exploitation",
        message_id="## Kamu tidak sendiri\n\nJika seseorang membuatmu tidak nyaman di internet, ceritakan kepada orang "
        "dewasa yang kamu percaya. (demo)",
        message_en="## You are not alone\n\nIf someone online makes you uncomfortable, tell an adult you trust. (demo)",
        lessons=list(Lesson.objects.filter(slug__in=["kenali-grooming-online", "sextortion-jangan-bayar"])),
    )
    today = timezone.localdate()
    PageVisit.objects.bulk_create(
        [PageVisit(day=today - timedelta(days=d), page=page, count=20 + 7 * d) for d in range(5)]
    )


def _teachers_course() -> None:
    """The prevention module for teachers as a self-paced course, with learners at each step: some only
    registered, some reading, some who passed (certificate) and one who did not."""
    from jaga.education.courses import CourseInput, course_register, course_save, lesson_read
    from jaga.education.models import Lesson
    from jaga.programs.training.assessment import submit_test
    from jaga.programs.training.models import Module
    from jaga.programs.training.services import ParticipantInput
    from jaga.regions.models import Region
    from jaga.synth.programmes import FIRST, LAST, PREVENTION_OUTLINE, question_bank

    officer = User.objects.filter(email="programme@jaga.example").first()
    if officer is None:
        return
    module = Module.objects.create(
        title="Mencegah ESKA: modul mandiri untuk guru (demo)",
        audience="teachers",
        language="id",
        objectives="Guru mengenali tanda-tanda ESKA dan grooming daring, tahu apa yang harus dilakukan saat anak "
        "bercerita, dan tahu ke mana merujuk.",
        outline=PREVENTION_OUTLINE,
        pass_mark=70,
        created_by=officer,
    )
    question_bank(module)
    lessons = [Lesson.objects.get(slug=slug) for slug in COURSE_LESSONS]
    course = course_save(
        actor=officer,
        data=CourseInput(
            module=module,
            title_id="Kursus mandiri guru: mencegah ESKA",
            title_en="Teachers' self-paced course: preventing child sexual exploitation",
            intro_id="Kursus ini untuk guru dan pendamping komunitas. **Tes awal**, tiga pelajaran singkat, lalu "
            "**tes akhir**. Nilai 70 atau lebih mendapat sertifikat yang dapat diperiksa siapa saja. (demo)",
            intro_en="For teachers and community workers: a **pre-test**, three short lessons, then the **post-test**. "
            "A score of 70 or more earns a certificate anyone can check. (demo)",
            lessons=lessons,
            published=True,
        ),
    )
    rng = random.Random(29)  # noqa: S311 - invented learners and answers
    questions = list(module.questions.all())
    provinces = {r.code: r for r in Region.objects.filter(code__in=[p for p in PROVINCES if p])}
    for k in range(14):
        learner = course_register(
            course=course,
            data=ParticipantInput(
                full_name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                sex=rng.choice(["female", "female", "male"]),
                organisation_name=rng.choice(["SMP Negeri 3 (demo)", "SD Inpres 12 (demo)", "MTs Al-Hikmah (demo)"]),
                role=rng.choice(["Guru BK", "Guru kelas", "Wali kelas", "Pendamping komunitas"]),
            ),
            province=provinces.get(PROVINCES[k % len(PROVINCES)]),
        )
        if k % 7 == 6:
            continue  # registered only
        knows = 0.4 + rng.random() * 0.2
        submit_test(session=learner.session, participant=learner, kind="pre", answers=_answers(rng, questions, knows))
        read = lessons if k % 7 != 5 else lessons[:1]  # one reads still
        for lesson in read:
            lesson_read(course=course, participant=learner, lesson=lesson)
        if len(read) == len(lessons):
            learner.refresh_from_db()
            knows = 0.65 + rng.random() * 0.35 if k != 4 else 0.3  # one does not pass
            submit_test(
                session=learner.session, participant=learner, kind="post", answers=_answers(rng, questions, knows)
            )


def _answers(rng: random.Random, questions: list, knows: float) -> dict[str, str]:
    """Right with probability ``knows``, otherwise the next option."""
    return {str(q.pk): str(q.answer if rng.random() < knows else (q.answer + 1) % len(q.options)) for q in questions}
