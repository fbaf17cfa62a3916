"""The public lessons (/belajar/: no account, no cookie, no JavaScript) and the officers' pages (/education/)."""

from __future__ import annotations

from typing import Any

from django import forms as dj
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from jaga.accounts.access import require_perm
from jaga.accounts.requests import AuthedHttpRequest
from jaga.core.doors import public
from jaga.core.forms import add_errors
from jaga.core.lookups import one_or_404
from jaga.core.pdf import html_to_pdf
from jaga.education import services
from jaga.education.images import image_upload, inline_pictures, pictures
from jaga.education.models import Audience, DailyCount, Lesson, LessonImage, LessonRevision, QuizQuestion
from jaga.education.text import render as render_text
from jaga.programs.campaigns.models import Campaign
from jaga.regions.models import Region

QUICK_EXIT = "https://www.google.com/"


def current_lang() -> str:
    return "en" if (translation.get_language() or "id").startswith("en") else "id"


def _published() -> list[tuple[Lesson, LessonRevision]]:
    found = []
    for lesson in Lesson.objects.prefetch_related("revisions"):
        revision = next((r for r in lesson.revisions.all() if r.state == LessonRevision.State.PUBLISHED), None)
        if revision is not None:
            found.append((lesson, revision))
    return found


@require_safe
@public("free lessons for children, parents and teachers")
def index_view(request: HttpRequest) -> HttpResponse:
    lang = current_lang()
    groups: dict[str, list[dict[str, Any]]] = {}
    for lesson, revision in _published():
        groups.setdefault(lesson.audience, []).append(
            {"lesson": lesson, "title": revision.title(lang), "summary": revision.summary(lang)}
        )
    sections = [(label, groups[value]) for value, label in Audience.choices if value in groups]
    from jaga.education.models import Course

    courses = [(course, course.title(lang)) for course in Course.objects.filter(published=True)]
    return render(request, "education/index.html", {"sections": sections, "courses": courses})


def published_lesson(slug: str) -> tuple[Lesson, LessonRevision]:
    lesson = one_or_404(Lesson, slug=slug)
    revision = lesson.published()
    if revision is None:
        raise Http404
    return lesson, revision


def _provinces() -> list[tuple[str, str]]:
    return list(Region.objects.filter(level=Region.Level.PROVINCE).order_by("name").values_list("code", "name"))


@csrf_exempt  # the quiz changes nothing but counters; a token would set a cookie on a child's lesson
@require_http_methods(["GET", "POST"])
@public("free lessons for children, parents and teachers")
def lesson_view(request: HttpRequest, slug: str) -> HttpResponse:
    lesson, revision = published_lesson(slug)
    lang = current_lang()
    scored = None
    if request.method == "POST":
        scored = services.quiz_score(
            lesson=lesson, answers=request.POST.dict(), province=request.POST.get("province", "")
        )
    else:
        services.count(DailyCount.Kind.READ, lesson)
    questions = [(q, list(enumerate(q.options(lang)))) for q in lesson.questions.all()]
    context = {
        "lesson": lesson,
        "title": revision.title(lang),
        "body": render_text(revision.body(lang), pictures(lesson)),
        "questions": questions,
        "scored": scored,
        "provinces": _provinces(),
        "quick_exit": QUICK_EXIT,
        "lang": lang,
    }
    return render(request, "education/lesson.html", context)


@require_safe
@public("free lessons for children, parents and teachers")
def handout_view(request: HttpRequest, slug: str) -> HttpResponse:
    """The lesson as a one-page A4 handout to print (PDF, from the same text)."""
    lesson, revision = published_lesson(slug)
    lang = current_lang()
    page = render_to_string(
        "education/handout.html",
        {
            "title": revision.title(lang),
            "body": render_text(revision.body(lang), inline_pictures(lesson)),
            "lang": lang,
        },
    )
    try:
        data = html_to_pdf(page)
    except RuntimeError as exc:  # no Pango on this server
        raise Http404(str(exc)) from exc
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{lesson.slug}.pdf"'
    return response


@require_safe
@public("free lessons for children, parents and teachers: their pictures")
def image_view(request: HttpRequest, slug: str, file: str) -> HttpResponse:
    """A published lesson's picture, ``<name>-<width>.<jpg|png>``, cached by browsers for a day."""
    lesson, _revision = published_lesson(slug)
    stem, _dot, extension = file.rpartition(".")
    name, _dash, width = stem.rpartition("-")
    image = one_or_404(LessonImage.objects.filter(lesson=lesson), name=name)
    if extension != image.extension or width not in ("360", "720"):
        raise Http404
    response = HttpResponse(bytes(image.small if width == "360" else image.large), content_type=image.file_type)
    response["Cache-Control"] = "public, max-age=86400"
    return response


class LessonChoices(dj.ModelMultipleChoiceField):
    """Lessons to tick, shown by their latest title (and audience), not their address."""

    def label_from_instance(self, obj: Any) -> str:
        latest = obj.revisions.order_by("-number").first()
        title = latest.title_id if latest else obj.slug
        return f"{title} ({obj.get_audience_display()})"


class ImageForm(dj.Form):
    name = dj.CharField(
        label=gettext_lazy("Name (used in the text)"),
        max_length=60,
        help_text=gettext_lazy("A few words; it becomes lower-case letters, digits and hyphens, e.g. poster-sapa"),
    )
    file = dj.FileField(label=gettext_lazy("Picture (JPEG, PNG or WebP, at most 8 MB)"))


class LessonForm(dj.Form):
    audience = dj.ChoiceField(label=gettext_lazy("Audience"), choices=Audience.choices)
    title_id = dj.CharField(label=gettext_lazy("Title (Bahasa Indonesia)"), max_length=160)
    title_en = dj.CharField(label=gettext_lazy("Title (English)"), max_length=160, required=False)
    summary_id = dj.CharField(label=gettext_lazy("Summary (Bahasa Indonesia)"), max_length=300)
    summary_en = dj.CharField(label=gettext_lazy("Summary (English)"), max_length=300, required=False)
    body_id = dj.CharField(
        label=gettext_lazy("Text (Bahasa Indonesia)"),
        max_length=20_000,
        widget=dj.Textarea(attrs={"rows": 14}),
        help_text=gettext_lazy(
            "## heading, - list item, **bold**, [link](https://...), a picture on its own line: "
            "![what it shows](name); a blank line between paragraphs. No names of real people."
        ),
    )
    body_en = dj.CharField(
        label=gettext_lazy("Text (English)"), max_length=20_000, required=False, widget=dj.Textarea(attrs={"rows": 14})
    )

    def to_input(self) -> services.LessonInput:
        d = self.cleaned_data
        return services.LessonInput(
            **{k: d.get(k) or "" for k in ("title_id", "title_en", "summary_id", "summary_en", "body_id", "body_en")}
        )


class QuestionForm(dj.Form):
    text_id = dj.CharField(label=gettext_lazy("Question (Bahasa Indonesia)"), max_length=300)
    text_en = dj.CharField(label=gettext_lazy("Question (English)"), max_length=300)
    options_id = dj.CharField(
        label=gettext_lazy("Options, one per line (Bahasa Indonesia)"), widget=dj.Textarea(attrs={"rows": 4})
    )
    options_en = dj.CharField(
        label=gettext_lazy("Options, one per line (English)"), widget=dj.Textarea(attrs={"rows": 4})
    )
    answer = dj.IntegerField(
        label=gettext_lazy("The right option's number (1 for the first)"), min_value=1, max_value=6
    )
    why_id = dj.CharField(label=gettext_lazy("Why (Bahasa Indonesia)"), max_length=500)
    why_en = dj.CharField(label=gettext_lazy("Why (English)"), max_length=500)

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        ids = [o.strip() for o in d.get("options_id", "").splitlines() if o.strip()]
        ens = [o.strip() for o in d.get("options_en", "").splitlines() if o.strip()]
        if not 2 <= len(ids) <= 6 or len(ens) != len(ids):
            raise ValidationError(_("From 2 to 6 options, as many in English as in Bahasa Indonesia."))
        if d.get("answer") and d["answer"] > len(ids):
            self.add_error("answer", _("There are only %(n)s options.") % {"n": len(ids)})
        d["options_id"], d["options_en"] = ids, ens
        return d


@require_http_methods(["GET", "POST"])
@require_perm("education.write")
def staff_list_view(request: AuthedHttpRequest) -> HttpResponse:
    form = LessonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lesson = services.lesson_create(
                actor=request.user, audience=form.cleaned_data["audience"], data=form.to_input(), request=request
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return redirect("education:edit", slug=lesson.slug)
    lessons = Lesson.objects.prefetch_related("revisions")
    rows = [
        (lesson, lesson.revisions.all()[0] if lesson.revisions.all() else None, lesson.published())
        for lesson in lessons
    ]
    return render(
        request,
        "education/staff_list.html",
        {"rows": rows, "form": form, "reach": services.reach()},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@require_perm("education.write")
def staff_edit_view(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    lesson = one_or_404(Lesson, slug=slug)
    latest = lesson.revisions.order_by("-number").first()
    initial = {
        k: getattr(latest, k) for k in ("title_id", "title_en", "summary_id", "summary_en", "body_id", "body_en")
    }
    form, question = LessonForm(initial={**initial, "audience": lesson.audience}), QuestionForm()
    image = ImageForm()
    form.fields["audience"].disabled = True
    errors: list[str] = []
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "save":
                form = LessonForm({**request.POST.dict(), "audience": lesson.audience})
                if form.is_valid():
                    services.revision_save(actor=request.user, lesson=lesson, data=form.to_input(), request=request)
                    messages.success(request, _("Saved as a draft."))
                    return redirect("education:edit", slug=slug)
            elif action in ("submit", "publish"):
                revision = one_or_404(lesson.revisions.all(), pk=request.POST.get("revision"))
                run = services.revision_submit if action == "submit" else services.revision_publish
                run(actor=request.user, revision=revision, request=request)
                messages.success(request, _("Sent for review.") if action == "submit" else _("Published."))
                return redirect("education:edit", slug=slug)
            elif action == "image":
                image = ImageForm(request.POST, request.FILES)
                if image.is_valid():
                    try:
                        uploaded = image_upload(
                            actor=request.user,
                            lesson=lesson,
                            name=image.cleaned_data["name"],
                            content=image.cleaned_data["file"].read(),
                            request=request,
                        )
                    except ValidationError as exc:
                        add_errors(image, exc)
                    else:
                        messages.success(
                            request,
                            _("Picture uploaded. Place it in the text as ![what it shows](%(name)s).")
                            % {"name": uploaded.name},
                        )
                        return redirect("education:edit", slug=slug)
            elif action == "question":
                question = QuestionForm(request.POST)
                if question.is_valid():
                    d = question.cleaned_data
                    QuizQuestion.objects.create(
                        lesson=lesson,
                        position=lesson.questions.count() + 1,
                        answer=d["answer"] - 1,
                        **{k: d[k] for k in ("text_id", "text_en", "options_id", "options_en", "why_id", "why_en")},
                    )
                    messages.success(request, _("Question added."))
                    return redirect("education:edit", slug=slug)
        except ValidationError as exc:
            errors = exc.messages
    context = {
        "lesson": lesson,
        "latest": latest,
        "form": form,
        "question": question,
        "image": image,
        "images": lesson.images.all(),
        "errors": errors,
        "preview": render_text(latest.body_id if latest else "", pictures(lesson)),
        "wrong": services.still_wrong(lesson),
        "revisions": lesson.revisions.select_related("created_by", "published_by"),
    }
    status = 400 if errors or form.errors or question.errors or image.errors else 200
    return render(request, "education/staff_edit.html", context, status=status)


@require_safe
@public("campaign pages: a message, lessons and the report form; visits counted without cookies")
def campaign_page_view(request: HttpRequest, slug: str) -> HttpResponse:
    from jaga.education.campaign_pages import visit
    from jaga.education.models import CampaignPage

    page = one_or_404(CampaignPage.objects.filter(published=True), slug=slug)
    visit(page)
    lang = current_lang()
    lessons = []
    for lesson in page.lessons.all():
        revision = lesson.published()
        if revision is not None:
            lessons.append((lesson, revision.title(lang)))
    return render(
        request,
        "education/campaign_page.html",
        {"page": page, "title": page.title(lang), "message": render_text(page.message(lang)), "lessons": lessons},
    )


@require_safe
@public("campaign pages: the QR code of a page's address, for posters")
def campaign_qr_view(request: HttpRequest, slug: str) -> HttpResponse:
    import io

    import segno

    from jaga.education.models import CampaignPage

    page = one_or_404(CampaignPage.objects.filter(published=True), slug=slug)
    buffer = io.BytesIO()
    segno.make(request.build_absolute_uri(f"/kampanye/{page.slug}/"), error="m").save(buffer, kind="svg", scale=10)
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    response["Content-Disposition"] = f'attachment; filename="qr-{page.slug}.svg"'
    return response


class CampaignPageForm(dj.Form):
    campaign = dj.ModelChoiceField(label=gettext_lazy("Campaign"), queryset=Campaign.objects.all())
    title_id = dj.CharField(label=gettext_lazy("Title (Bahasa Indonesia)"), max_length=160)
    title_en = dj.CharField(label=gettext_lazy("Title (English)"), max_length=160, required=False)
    message_id = dj.CharField(
        label=gettext_lazy("Message (Bahasa Indonesia)"), max_length=5000, widget=dj.Textarea(attrs={"rows": 6})
    )
    message_en = dj.CharField(
        label=gettext_lazy("Message (English)"), max_length=5000, required=False, widget=dj.Textarea(attrs={"rows": 6})
    )
    lessons = LessonChoices(
        label=gettext_lazy("Lessons to read"),
        queryset=Lesson.objects.all(),
        required=False,
        widget=dj.CheckboxSelectMultiple,
    )
    published = dj.BooleanField(label=gettext_lazy("Published"), required=False, initial=True)


@require_http_methods(["GET", "POST"])
@require_perm("education.write")
def staff_campaigns_view(request: AuthedHttpRequest) -> HttpResponse:
    from jaga.education.campaign_pages import page_create, visits
    from jaga.education.models import CampaignPage

    form = CampaignPageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            page_create(
                actor=request.user,
                campaign=d["campaign"],
                title_id=d["title_id"],
                title_en=d["title_en"],
                message_id=d["message_id"],
                message_en=d["message_en"],
                lessons=list(d["lessons"]),
                published=d["published"],
                request=request,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The campaign page is made."))
            return redirect("education:campaigns")
    pages = [(p, visits_of(p)) for p in CampaignPage.objects.select_related("campaign")]
    return render(
        request,
        "education/staff_campaigns.html",
        {"pages": pages, "form": form, "total": visits()},
        status=400 if form.errors else 200,
    )


def visits_of(page: Any) -> int:
    return int(page.visits.aggregate(n=Sum("count"))["n"] or 0)
