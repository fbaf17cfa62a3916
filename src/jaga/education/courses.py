"""Self-paced online courses: a training module's pre-test, lessons to read, its post-test and certificate.

A learner registers from the course page (name, sex, school or organisation, role, province if they want),
gets a participant code to come back from another device, takes the module's pre-test, reads every lesson
of the course, then takes the post-test; passing it issues the module's verifiable certificate. Learners
are training participants of the course's yearly intakes (``TrainingSession.self_paced``), so they count
in the training statistics, the knowledge gain and the results framework, as their own audience.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from jaga.accounts.models import User
from jaga.audit.services import record
from jaga.education.models import Course, CourseReading, Lesson, LessonRevision
from jaga.education.services import check_writer
from jaga.programs.training.models import Module, Participant, Score, TrainingSession
from jaga.programs.training.services import (
    ParticipantInput,
    course_completed,
    participant_add,
    self_paced_session,
)
from jaga.regions.models import Region


@dataclass
class CourseInput:
    module: Module
    title_id: str
    title_en: str
    intro_id: str
    intro_en: str
    lessons: list[Lesson]
    published: bool


def _checked(data: CourseInput) -> None:
    errors: dict[str, list[str]] = {}
    if not data.title_id.strip():
        errors["title_id"] = [_("Write it in Bahasa Indonesia; the English can follow.")]
    if not data.intro_id.strip():
        errors["intro_id"] = [_("Write it in Bahasa Indonesia; the English can follow.")]
    if not data.lessons:
        errors["lessons"] = [_("Choose the lessons learners read between the two tests.")]
    if data.published:
        if not data.module.questions.filter(active=True).exists():
            errors["module"] = [_("This module has no active test questions: add them before publishing.")]
        unpublished = [lesson.slug for lesson in data.lessons if lesson.published() is None]
        if unpublished:
            errors["lessons"] = [
                _("These lessons are not published yet: %(slugs)s.") % {"slugs": ", ".join(unpublished)}
            ]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def course_save(
    *, actor: User, data: CourseInput, course: Course | None = None, request: HttpRequest | None = None
) -> Course:
    """Makes a course or changes one; learners already registered keep their progress."""
    check_writer(actor)
    _checked(data)
    if course is None:
        base = slugify(data.title_id)[:70] or "kursus"
        slug, n = base, 1
        while Course.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        course = Course(slug=slug, created_by=actor)
    for name in ("module", "title_id", "title_en", "intro_id", "intro_en", "published"):
        value = getattr(data, name)
        setattr(course, name, value.strip() if isinstance(value, str) else value)
    course.save()
    course.lessons.set(data.lessons)
    record(
        "education.course.saved",
        actor=actor,
        target=course,
        request=request,
        details={"slug": course.slug, "published": course.published, "lessons": len(data.lessons)},
    )
    return course


def intakes(course: Course) -> QuerySet[TrainingSession]:
    return TrainingSession.objects.filter(module=course.module_id, self_paced=True)


def learners(course: Course) -> QuerySet[Participant]:
    return Participant.objects.filter(session__in=intakes(course))


@transaction.atomic
def course_register(
    *, course: Course, data: ParticipantInput, province: Region | None, request: HttpRequest | None = None
) -> Participant:
    """A learner registers themselves in this year's intake (of their province, when they said it)."""
    if province is not None and province.level != Region.Level.PROVINCE:
        raise ValidationError({"province": [_("Choose a province.")]})
    session = self_paced_session(module=course.module, year=timezone.localdate().year, province=province)
    return participant_add(actor=None, session=session, data=data, request=request)


def course_learner(course: Course, code: str) -> Participant | None:
    """The learner of this course with this participant code (from any year's intake), to continue."""
    code = "".join(code.split()).upper()
    if not code or len(code) > 8:
        return None
    return learners(course).filter(code=code).order_by("-created_at").first()


@dataclass
class Progress:
    pre: Score | None
    post: Score | None
    read: set[Any]  # lesson ids
    lessons: list[tuple[Lesson, LessonRevision]]  # the course's published lessons, with their text
    certificate: Any

    @property
    def lessons_done(self) -> bool:
        return all(lesson.pk in self.read for lesson, _revision in self.lessons)


def progress(course: Course, participant: Participant) -> Progress:
    taken = {result.kind: result for result in participant.results.all()}
    read = set(CourseReading.objects.filter(participant=participant).values_list("lesson_id", flat=True))
    lessons = [(lesson, revision) for lesson in course.lessons.all() if (revision := lesson.published()) is not None]
    certificate = getattr(participant, "certificate", None)
    return Progress(taken.get(Score.Kind.PRE), taken.get(Score.Kind.POST), read, lessons, certificate)


@transaction.atomic
def lesson_read(
    *, course: Course, participant: Participant, lesson: Lesson, request: HttpRequest | None = None
) -> bool:
    """The learner says they read a lesson (after the pre-test); the last one completes the course.

    Answers whether the course is now complete (the post-test is open to them)."""
    if not course.lessons.filter(pk=lesson.pk).exists():
        raise ValidationError(_("This lesson is not part of the course."))
    if not participant.results.filter(kind=Score.Kind.PRE).exists():
        raise ValidationError(_("Take the pre-test first: it shows what the course taught you."))
    CourseReading.objects.get_or_create(participant=participant, lesson=lesson)
    if progress(course, participant).lessons_done:
        course_completed(participant=participant, request=request)
        return True
    return False


@dataclass
class CourseFigures:
    registered: int
    pre_taken: int
    completed: int
    post_taken: int
    certified: int
    mean_gain: float | None
    by_province: list[tuple[str, int, int]]  # province name (or "—"), registered, certified


def figures(course: Course, year: int | None = None) -> CourseFigures:
    from jaga.programs.training.selectors import gain

    found = learners(course)
    if year:
        found = found.filter(session__starts_on__year=year)
    learnt = gain(found)
    provinces: dict[str, list[int]] = {}
    for participant in found.select_related("session__region", "certificate"):
        region = participant.session.region
        row = provinces.setdefault(region.name if region else "—", [0, 0])
        row[0] += 1
        certificate = getattr(participant, "certificate", None)
        row[1] += 1 if certificate is not None and certificate.revoked_at is None else 0
    return CourseFigures(
        registered=learnt.participants,
        pre_taken=learnt.pre_taken,
        completed=learnt.attended,
        post_taken=learnt.post_taken,
        certified=learnt.certificates,
        mean_gain=learnt.mean_gain,
        by_province=sorted(((name, r[0], r[1]) for name, r in provinces.items()), key=lambda r: r[0]),
    )
