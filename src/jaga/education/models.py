"""Lessons for children, parents and teachers, their revisions (written, reviewed, published), their
self-check questions, and counts of what learners do (per day, never per person)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jaga.core.models import Created, CreatedBy


class Audience(models.TextChoices):
    CHILDREN_10_12 = "children_10_12", _("Children 10-12")
    CHILDREN_13_15 = "children_13_15", _("Adolescents 13-15")
    CHILDREN_16_17 = "children_16_17", _("Adolescents 16-17")
    PARENTS = "parents", _("Parents and carers")
    TEACHERS = "teachers", _("Teachers and community workers")


CHILDREN = {Audience.CHILDREN_10_12, Audience.CHILDREN_13_15, Audience.CHILDREN_16_17}


class Lesson(Created):
    """A lesson's stable identity (its address); what it says lives in its revisions."""

    slug = models.SlugField(_("address"), max_length=80, unique=True)
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["audience", "position", "slug"]

    def __str__(self) -> str:
        return self.slug

    @property
    def for_children(self) -> bool:
        return self.audience in CHILDREN

    def published(self) -> LessonRevision | None:
        return self.revisions.filter(state=LessonRevision.State.PUBLISHED).order_by("-number").first()


class LessonRevision(CreatedBy):
    """One version of a lesson: written, sent for review, published by another officer (the earlier
    published revision is then archived, kept for the record)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Replaced by a newer version")

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveSmallIntegerField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    title_id = models.CharField(_("title (Bahasa Indonesia)"), max_length=160)
    title_en = models.CharField(_("title (English)"), max_length=160)
    summary_id = models.CharField(_("summary (Bahasa Indonesia)"), max_length=300)
    summary_en = models.CharField(_("summary (English)"), max_length=300)
    body_id = models.TextField(_("text (Bahasa Indonesia)"), max_length=20_000)
    body_en = models.TextField(_("text (English)"), max_length=20_000)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["lesson", "number"], name="lesson_revision_unique")]

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" and self.title_en else self.title_id

    def summary(self, lang: str) -> str:
        return self.summary_en if lang == "en" and self.summary_en else self.summary_id

    def body(self, lang: str) -> str:
        return self.body_en if lang == "en" and self.body_en else self.body_id


class QuizQuestion(models.Model):
    """A self-check question after a lesson: options, the right one, and why."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    text_id = models.CharField(max_length=300)
    text_en = models.CharField(max_length=300)
    options_id = models.JSONField()  # list of strings
    options_en = models.JSONField()
    answer = models.PositiveSmallIntegerField()  # index into the options
    why_id = models.CharField(max_length=500)
    why_en = models.CharField(max_length=500)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.text_id[:60]

    def text(self, lang: str) -> str:
        return self.text_en if lang == "en" else self.text_id

    def options(self, lang: str) -> list[str]:
        return list(self.options_en if lang == "en" else self.options_id)

    def why(self, lang: str) -> str:
        return self.why_en if lang == "en" else self.why_id


class DailyCount(models.Model):
    """What learners did, counted per day and page: never a person, an address or a cookie."""

    class Kind(models.TextChoices):
        READ = "read", _("Lesson read")
        QUIZ = "quiz", _("Quiz completed")
        ANSWER = "answer", _("Answer chosen")

    day = models.DateField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=40, blank=True)  # an answer: "<question id>:<option>"; a province: its code
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "kind", "lesson", "key"], name="education_daily_count_unique")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.kind} {self.count}"


class CampaignPage(CreatedBy):
    """A campaign's public landing page: its message, lessons to read, the report form; visits counted."""

    slug = models.SlugField(_("address"), max_length=80, unique=True)
    campaign = models.ForeignKey(
        "programs.Campaign", verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="pages"
    )
    title_id = models.CharField(_("title (Bahasa Indonesia)"), max_length=160)
    title_en = models.CharField(_("title (English)"), max_length=160, blank=True)
    message_id = models.TextField(_("message (Bahasa Indonesia)"), max_length=5000)
    message_en = models.TextField(_("message (English)"), max_length=5000, blank=True)
    lessons = models.ManyToManyField(Lesson, verbose_name=_("lessons to read"), blank=True, related_name="+")
    published = models.BooleanField(_("published"), default=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.slug

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" and self.title_en else self.title_id

    def message(self, lang: str) -> str:
        return self.message_en if lang == "en" and self.message_en else self.message_id


class PageVisit(models.Model):
    """Visits to a campaign page, per day: no cookie, no address, no person."""

    day = models.DateField()
    page = models.ForeignKey(CampaignPage, on_delete=models.CASCADE, related_name="visits")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "page"], name="education_page_visit_unique")]

    def __str__(self) -> str:
        return f"{self.day} {self.count}"


class LessonImage(Created):
    """A picture in a lesson, re-encoded on upload (no camera metadata, no location) at two widths for
    phones and larger screens. The lesson's text places it as ``![what it shows](name)``: the words in the
    brackets are its alt text, required, in each language's text."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="images")
    name = models.SlugField(_("name"), max_length=60)
    file_type = models.CharField(max_length=20)  # image/jpeg or image/png
    width = models.PositiveSmallIntegerField()  # of the large variant
    height = models.PositiveSmallIntegerField()
    small = models.BinaryField()  # at most SMALL_WIDTH wide
    large = models.BinaryField()  # at most LARGE_WIDTH wide
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["lesson", "name"], name="lesson_image_unique")]

    def __str__(self) -> str:
        return self.name

    @property
    def extension(self) -> str:
        return "png" if self.file_type == "image/png" else "jpg"


class Course(CreatedBy):
    """A self-paced online course: a training module's pre- and post-tests around lessons to read, with the
    module's certificate for those who pass. Learners register themselves (teachers, community workers)."""

    slug = models.SlugField(_("address"), max_length=80, unique=True)
    module = models.ForeignKey(
        "programs.Module", verbose_name=_("training module (its tests and pass mark)"), on_delete=models.PROTECT
    )
    title_id = models.CharField(_("title (Bahasa Indonesia)"), max_length=160)
    title_en = models.CharField(_("title (English)"), max_length=160, blank=True)
    intro_id = models.TextField(_("introduction (Bahasa Indonesia)"), max_length=5000)
    intro_en = models.TextField(_("introduction (English)"), max_length=5000, blank=True)
    lessons = models.ManyToManyField(Lesson, verbose_name=_("lessons to read"), related_name="courses")
    published = models.BooleanField(_("published"), default=False)

    class Meta:
        ordering = ["title_id"]

    def __str__(self) -> str:
        return self.slug

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" and self.title_en else self.title_id

    def intro(self, lang: str) -> str:
        return self.intro_en if lang == "en" and self.intro_en else self.intro_id


class CourseReading(models.Model):
    """A course participant has read one of its lessons (a registered learner, not an anonymous reader)."""

    participant = models.ForeignKey("programs.Participant", on_delete=models.CASCADE, related_name="+")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["participant", "lesson"], name="education_course_reading_unique")
        ]

    def __str__(self) -> str:
        return f"{self.lesson_id} read"
