"""An annual report's editions: one row per version of a year's report for one scope (national, a
province, an organisation), its narrative, the figures frozen at approval, its comments and files."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jaga.accounts.models import Organisation
from jaga.core.models import Created, CreatedBy

LANGS = ("id", "en")


class AnnualReport(CreatedBy):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        APPROVED = "approved", _("Approved")
        PUBLISHED = "published", _("Published")
        SUPERSEDED = "superseded", _("Superseded by a correction")

    class Scope(models.TextChoices):
        NATIONAL = "national", _("National")
        PROVINCE = "province", _("Province")
        ORGANISATION = "organisation", _("Organisation")

    class Render(models.TextChoices):
        NONE = "", _("Not made")
        RUNNING = "running", _("Being made")
        DONE = "done", _("Made")
        FAILED = "failed", _("Failed")

    year = models.PositiveSmallIntegerField(_("year"))
    scope = models.CharField(_("scope"), max_length=20, choices=Scope.choices)
    province = models.ForeignKey(
        "regions.Region", verbose_name=_("province"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Who makes the report: its head approves it.
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="annual_reports")
    version = models.PositiveSmallIntegerField(default=1)
    previous = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="correction")
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    # {"foreword": {"id": "...", "en": "..."}, "messages": {...}, "section:cases": {...}}
    narrative = models.JSONField(default=dict)
    corrections = models.TextField(_("what this version corrects"), blank=True)
    # Per language, [[figure, before, after], ...]: what changed against the previous version, at approval.
    changed_figures = models.JSONField(default=dict)
    # Frozen at approval: {"id": content, "en": content}, and the SHA-256 of its canonical JSON.
    content = models.JSONField(null=True, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    figures_as_of = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    render = models.CharField(max_length=10, choices=Render.choices, default=Render.NONE, blank=True)
    render_progress = models.PositiveSmallIntegerField(default=0)
    render_error = models.CharField(max_length=300, blank=True)
    publish_when_made = models.BooleanField(default=False)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year", "scope", "-version"]

    def __str__(self) -> str:
        return f"{self.year} {self.scope_name} v{self.version}"

    @property
    def scope_name(self) -> str:
        if self.scope == self.Scope.PROVINCE and self.province is not None:
            return str(self.province.name)
        if self.scope == self.Scope.ORGANISATION and self.organisation is not None:
            return self.organisation.name
        return str(_("Indonesia"))

    @property
    def frozen(self) -> bool:
        return self.content is not None

    @property
    def editable(self) -> bool:
        return self.state in (self.State.DRAFT, self.State.REVIEW)

    def text(self, key: str, lang: str) -> str:
        value: Any = self.narrative.get(key, {})
        return str(value.get(lang, "")) if isinstance(value, dict) else ""


class ReportComment(CreatedBy):
    """A reviewer's comment on one section of a draft."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="comments")
    section = models.CharField(max_length=40)
    text = models.TextField(max_length=2000)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]


class ReportFile(Created):
    """A made file of an edition: the PDF, the HTML edition or the data package, in one language."""

    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        HTML = "html", "HTML"
        DATA = "data", _("Data package")

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    lang = models.CharField(max_length=5)
    data = models.BinaryField()
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "kind", "lang"], name="report_file_unique")]

    @property
    def ext(self) -> str:
        return {"pdf": "pdf", "html": "html", "data": "zip"}[self.kind]

    @property
    def filename(self) -> str:
        suffix = self.ext
        report = self.report
        scope = report.scope if report.scope == "national" else f"{report.scope}-{report.province_id or ''}".rstrip("-")
        return f"laporan-tahunan-{report.year}-{scope}-v{report.version}-{self.lang}.{suffix}"
