"""Self-paced courses: the learner's pages (/belajar/kursus/<address>/, no account) and the officers' pages.

Unlike the lessons, a course remembers its learner (their participant id in the session, never in the
address): a registered learner's name goes on their certificate, so these pages use a cookie and a CSRF
token. They work without JavaScript on a phone, like the lessons.
"""

from __future__ import annotations

from typing import Any

from django import forms as dj
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from jaga.accounts.access import require_perm
from jaga.accounts.requests import AuthedHttpRequest
from jaga.core.doors import public
from jaga.core.forms import add_errors
from jaga.core.lookups import one_or_404
from jaga.education import courses
from jaga.education.images import pictures
from jaga.education.models import Course, Lesson
from jaga.education.text import render as render_text
from jaga.education.views import LessonChoices, current_lang, published_lesson
from jaga.programs.training.assessment import POST_TEST_LOCKED, post_test_locked
from jaga.programs.training.forms import CodeEntryForm, SelfRegisterForm
from jaga.programs.training.models import Module, Participant, Score
from jaga.programs.training.public import limited, own_certificate_response, take_test, too_many
from jaga.programs.training.services import ParticipantInput
from jaga.regions.models import Region


class RegisterForm(SelfRegisterForm):
    province = dj.ModelChoiceField(
        label=gettext_lazy("Province (optional: only counted)"),
        queryset=Region.objects.filter(level=Region.Level.PROVINCE).order_by("name"),
        required=False,
        empty_label="—",
    )


class LearnerCodeForm(CodeEntryForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = _("Six letters and digits, shown when you registered.")


def _course(slug: str) -> Course:
    return one_or_404(Course.objects.filter(published=True).select_related("module"), slug=slug)


def _key(course: Course) -> str:
    return f"course-learner-{course.pk}"


def _me(request: HttpRequest, course: Course) -> Participant | None:
    found = request.session.get(_key(course))
    if not found:
        return None
    learner = courses.learners(course).select_related("session__module", "certificate").filter(pk=found).first()
    return learner


def _remember(request: HttpRequest, course: Course, participant: Participant) -> None:
    request.session.cycle_key()
    request.session[_key(course)] = str(participant.pk)


@require_http_methods(["GET", "POST"])
@never_cache
@public("a self-paced course: learners register themselves or continue with their code")
def course_view(request: HttpRequest, slug: str) -> HttpResponse:
    course = _course(slug)
    lang = current_lang()
    context: dict[str, Any] = {
        "course": course,
        "title": course.title(lang),
        "intro": render_text(course.intro(lang)),
        "code_form": LearnerCodeForm(prefix="code"),
        "register_form": RegisterForm(prefix="register"),
    }
    if request.method == "POST":
        if limited(request, "training-test", settings.JAGA_TRAINING_TEST_LIMIT):
            return too_many(request, "education/course.html", context)
        if request.POST.get("action") == "register":
            context["register_form"] = form = RegisterForm(request.POST, prefix="register")
            if form.is_valid():
                d = form.cleaned_data
                data = ParticipantInput(
                    full_name=d["full_name"], sex=d["sex"], organisation_name=d["organisation_name"], role=d["role"]
                )
                try:
                    learner = courses.course_register(course=course, data=data, province=d["province"], request=request)
                except ValidationError as exc:
                    add_errors(form, exc)
                else:
                    _remember(request, course, learner)
                    request.session["course-new-code"] = learner.code
                    return redirect("belajar:course", slug=slug)
        else:
            context["code_form"] = code = LearnerCodeForm(request.POST, prefix="code")
            if code.is_valid():
                found = courses.course_learner(course, code.cleaned_data["code"])
                if found is None:
                    code.add_error("code", _("No learner of this course has this code. Check what you wrote down."))
                else:
                    _remember(request, course, found)
                    return redirect("belajar:course", slug=slug)
        return render(request, "education/course.html", context, status=400)
    me = _me(request, course)
    if me is not None:
        progress = courses.progress(course, me)
        context.update(
            {
                "me": me,
                "new_code": request.session.pop("course-new-code", None),
                "progress": progress,
                "lessons": [
                    (lesson, revision.title(lang), lesson.pk in progress.read) for lesson, revision in progress.lessons
                ],
            }
        )
    return render(request, "education/course.html", context)


@require_POST
@public("a self-paced course: the learner leaves it on this device")
def course_leave_view(request: HttpRequest, slug: str) -> HttpResponse:
    course = _course(slug)
    request.session.pop(_key(course), None)
    return redirect("belajar:course", slug=slug)


@require_http_methods(["GET", "POST"])
@never_cache
@public("a self-paced course: a registered learner reads a lesson")
def course_lesson_view(request: HttpRequest, slug: str, lesson: str) -> HttpResponse:
    course = _course(slug)
    me = _me(request, course)
    found, revision = published_lesson(lesson)
    if me is None or not course.lessons.filter(pk=found.pk).exists():
        return redirect("belajar:course", slug=slug)
    if request.method == "POST":
        try:
            done = courses.lesson_read(course=course, participant=me, lesson=found, request=request)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if done:
                messages.success(request, _("You have read every lesson: the post-test is open."))
        return redirect("belajar:course", slug=slug)
    lang = current_lang()
    return render(
        request,
        "education/course_lesson.html",
        {
            "course": course,
            "lesson": found,
            "title": revision.title(lang),
            "body": render_text(revision.body(lang), pictures(found)),
            "read": found.pk in courses.progress(course, me).read,
        },
    )


@require_http_methods(["GET", "POST"])
@never_cache
@public("a self-paced course: a registered learner takes the module's pre- or post-test")
def course_test_view(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    course = _course(slug)
    me = _me(request, course)
    if me is None or kind not in Score.Kind.values or me.results.filter(kind=kind).exists():
        return redirect("belajar:course", slug=slug)
    if kind == Score.Kind.POST and post_test_locked(me):
        messages.error(request, str(POST_TEST_LOCKED))
        return redirect("belajar:course", slug=slug)
    done = redirect("belajar:course", slug=slug)
    return take_test(request, me, kind, title=course.title(current_lang()), done=done)


@require_safe
@never_cache
@public("a self-paced course: the learner's certificate")
def course_certificate_view(request: HttpRequest, slug: str) -> HttpResponse:
    return own_certificate_response(request, _me(request, _course(slug)))


class CourseForm(dj.Form):
    module = dj.ModelChoiceField(
        label=gettext_lazy("Training module (its pre- and post-test, pass mark and certificate)"),
        queryset=Module.objects.all(),
    )
    title_id = dj.CharField(label=gettext_lazy("Title (Bahasa Indonesia)"), max_length=160)
    title_en = dj.CharField(label=gettext_lazy("Title (English)"), max_length=160, required=False)
    intro_id = dj.CharField(
        label=gettext_lazy("Introduction (Bahasa Indonesia)"), max_length=5000, widget=dj.Textarea(attrs={"rows": 5})
    )
    intro_en = dj.CharField(
        label=gettext_lazy("Introduction (English)"),
        max_length=5000,
        required=False,
        widget=dj.Textarea(attrs={"rows": 5}),
    )
    lessons = LessonChoices(
        label=gettext_lazy("Lessons to read between the tests"),
        queryset=Lesson.objects.all(),
        widget=dj.CheckboxSelectMultiple,
    )
    published = dj.BooleanField(label=gettext_lazy("Published"), required=False)

    def to_input(self) -> courses.CourseInput:
        d = self.cleaned_data
        return courses.CourseInput(
            module=d["module"],
            title_id=d["title_id"],
            title_en=d["title_en"] or "",
            intro_id=d["intro_id"],
            intro_en=d["intro_en"] or "",
            lessons=list(d["lessons"]),
            published=d["published"],
        )


@require_http_methods(["GET", "POST"])
@require_perm("education.write")
def staff_courses_view(request: AuthedHttpRequest, slug: str = "") -> HttpResponse:
    """/education/courses/: the courses, their learners' progress; a course made or changed."""
    course = one_or_404(Course, slug=slug) if slug else None
    initial = {}
    if course is not None:
        initial = {n: getattr(course, n) for n in ("module", "title_id", "title_en", "intro_id", "intro_en")}
        initial.update({"lessons": list(course.lessons.all()), "published": course.published})
    form = CourseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = courses.course_save(actor=request.user, data=form.to_input(), course=course, request=request)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The course is saved."))
            return redirect("education:course", slug=saved.slug)
    rows = [(c, courses.figures(c)) for c in Course.objects.select_related("module")]
    return render(
        request,
        "education/staff_courses.html",
        {"course": course, "rows": rows, "form": form},
        status=400 if form.errors else 200,
    )
