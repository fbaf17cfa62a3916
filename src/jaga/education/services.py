"""Lessons written, reviewed and published by programme officers; quizzes scored on the server; what
learners do counted per day and lesson (never per person: no account, no cookie, no address kept)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Max, Model, Sum
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from jaga.accounts.models import User
from jaga.accounts.permissions import user_has_perm
from jaga.audit.services import record
from jaga.education.models import Audience, DailyCount, Lesson, LessonRevision, QuizQuestion
from jaga.education.text import pictures_wrong

State = LessonRevision.State


@dataclass
class LessonInput:
    title_id: str
    title_en: str
    summary_id: str
    summary_en: str
    body_id: str
    body_en: str


def check_writer(actor: User) -> None:
    if not user_has_perm(actor, "education.write"):
        raise PermissionDenied


def _problems(data: LessonInput, lesson: Lesson | None = None) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name in ("title_id", "summary_id", "body_id"):
        if not getattr(data, name).strip():
            found[name] = [_("Write it in Bahasa Indonesia; the English can follow.")]
    names = set(lesson.images.values_list("name", flat=True)) if lesson is not None else set()
    for name in ("body_id", "body_en"):
        wrong = pictures_wrong(getattr(data, name), names)
        if wrong:
            found.setdefault(name, []).extend(wrong)
    return found


@transaction.atomic
def lesson_create(*, actor: User, audience: str, data: LessonInput, request: HttpRequest | None = None) -> Lesson:
    check_writer(actor)
    errors = _problems(data)
    if audience not in Audience.values:
        errors["audience"] = [_("Choose the audience.")]
    if errors:
        raise ValidationError(errors)
    base = slugify(data.title_id)[:70] or "pelajaran"
    slug, n = base, 1
    while Lesson.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    position = (Lesson.objects.filter(audience=audience).aggregate(p=Max("position"))["p"] or 0) + 1
    lesson = Lesson.objects.create(slug=slug, audience=audience, position=position)
    LessonRevision.objects.create(lesson=lesson, number=1, created_by=actor, **data.__dict__)
    record("education.lesson.created", actor=actor, target=lesson, request=request, details={"slug": slug})
    return lesson


@transaction.atomic
def revision_save(
    *, actor: User, lesson: Lesson, data: LessonInput, request: HttpRequest | None = None
) -> LessonRevision:
    """Changes the draft (or starts a new draft from the published text); a published text stays as it is."""
    check_writer(actor)
    errors = _problems(data, lesson)
    if errors:
        raise ValidationError(errors)
    draft = lesson.revisions.filter(state__in=[State.DRAFT, State.REVIEW]).first()
    if draft is None:
        number = (lesson.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
        draft = LessonRevision(lesson=lesson, number=number, created_by=actor)
    for name, value in data.__dict__.items():
        setattr(draft, name, value.strip())
    draft.state = State.DRAFT
    draft.save()
    record("education.lesson.revised", actor=actor, target=lesson, request=request, details={"revision": draft.number})
    return draft


@transaction.atomic
def revision_submit(*, actor: User, revision: LessonRevision, request: HttpRequest | None = None) -> None:
    check_writer(actor)
    if revision.state != State.DRAFT:
        raise ValidationError(_("Only a draft is sent for review."))
    revision.state = State.REVIEW
    revision.save(update_fields=["state"])
    record("education.lesson.submitted", actor=actor, target=revision.lesson, request=request)


@transaction.atomic
def revision_publish(*, actor: User, revision: LessonRevision, request: HttpRequest | None = None) -> None:
    """Another officer than its author publishes it; the text it replaces is kept, archived."""
    check_writer(actor)
    if revision.state != State.REVIEW:
        raise ValidationError(_("Only a text in review is published."))
    if revision.created_by_id == actor.pk:
        raise ValidationError(_("Another officer reviews and publishes what you wrote."))
    revision.lesson.revisions.filter(state=State.PUBLISHED).update(state=State.ARCHIVED)
    revision.state, revision.published_by, revision.published_at = State.PUBLISHED, actor, timezone.now()
    revision.save(update_fields=["state", "published_by", "published_at"])
    record(
        "education.lesson.published",
        actor=actor,
        target=revision.lesson,
        request=request,
        details={"revision": revision.number},
    )


def bump(model: type[Any], **keys: Any) -> None:
    """One more on today's row of a daily counter (``DailyCount``, ``PageVisit``) with these keys: one
    statement (``INSERT ... ON CONFLICT DO UPDATE``, as ``core.ratelimit``), so simultaneous visitors
    neither lose a count nor collide on the day's first row."""
    row = {"day": timezone.localdate(), **keys}
    fields = [model._meta.get_field(name) for name in row]
    quote = connection.ops.quote_name
    columns = [quote(field.column) for field in fields]
    values = [
        field.get_db_prep_save(value.pk if isinstance(value, Model) else value, connection)
        for field, value in zip(fields, row.values(), strict=True)
    ]
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}, count) VALUES ({', '.join(['%s'] * len(values))}, 1) "  # noqa: S608
            f"ON CONFLICT ({', '.join(columns)}) DO UPDATE SET count = {table}.count + 1",
            values,
        )


def count(kind: str, lesson: Lesson, key: str = "") -> None:
    """One more of ``kind`` today for the lesson (and key): a counter, not a record of anyone."""
    bump(DailyCount, kind=kind, lesson=lesson, key=key)


@dataclass
class Scored:
    right: int
    total: int
    feedback: list[tuple[QuizQuestion, int | None, bool]]  # question, chosen option, right


def quiz_score(*, lesson: Lesson, answers: dict[str, str], province: str = "") -> Scored:
    """Scores the answers on the server and counts them (per question and option, never per person)."""
    questions = list(lesson.questions.all())
    feedback = []
    for question in questions:
        raw = answers.get(f"q{question.pk}", "")
        chosen = int(raw) if raw.isdigit() and int(raw) < len(question.options_id) else None
        feedback.append((question, chosen, chosen == question.answer))
        if chosen is not None:
            count(DailyCount.Kind.ANSWER, lesson, f"{question.pk}:{chosen}")
    count(DailyCount.Kind.QUIZ, lesson, province if province.isdigit() and len(province) == 2 else "")
    return Scored(right=sum(1 for _q, _c, ok in feedback if ok), total=len(questions), feedback=feedback)


def still_wrong(lesson: Lesson) -> list[tuple[QuizQuestion, int, int]]:
    """Per question: answers given, and how many were wrong (what learners still get wrong)."""
    tallies: dict[str, int] = dict(
        DailyCount.objects.filter(lesson=lesson, kind=DailyCount.Kind.ANSWER)
        .values_list("key")
        .annotate(n=Sum("count"))
        .values_list("key", "n")
    )
    found = []
    for question in lesson.questions.all():
        given = {int(k.split(":")[1]): n for k, n in tallies.items() if k.split(":")[0] == str(question.pk)}
        total = sum(given.values())
        found.append((question, total, total - given.get(question.answer, 0)))
    return found


def reach(year: int | None = None) -> dict[str, Any]:
    """Lessons read and quizzes completed (a year's, or all), for the campaign and results pages."""
    counts = DailyCount.objects.filter(kind__in=[DailyCount.Kind.READ, DailyCount.Kind.QUIZ])
    if year:
        counts = counts.filter(day__year=year)
    totals = dict(counts.values_list("kind").annotate(n=Sum("count")).values_list("kind", "n"))
    return {"read": totals.get(DailyCount.Kind.READ, 0), "quizzes": totals.get(DailyCount.Kind.QUIZ, 0)}


def lessons_read(year: int, province: str = "") -> int | None:
    """Results framework (``JAGA_RESULT_MEASURES``): lessons read in the year; readers never say their province,
    so there is no provincial value."""
    if province:
        return None
    return int(reach(year)["read"])


def quizzes_completed(year: int, province: str = "") -> int:
    """Results framework: quizzes completed in the year, in a province when the learner chose to say it."""
    counts = DailyCount.objects.filter(kind=DailyCount.Kind.QUIZ, day__year=year)
    if province:
        counts = counts.filter(key=province)
    return int(counts.aggregate(n=Sum("count"))["n"] or 0)
