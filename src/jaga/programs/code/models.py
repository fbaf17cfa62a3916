"""The Code: private-sector members of ECPAT's code of conduct, their criteria and yearly reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jaga.accounts.models import Organisation
from jaga.core.models import CreatedBy, UUIDModel


class CodeCriterion(models.IntegerChoices):
    """The six criteria of The Code of Conduct for the Protection of Children from Sexual Exploitation."""

    POLICY = 1, _("1. A policy and procedures against the sexual exploitation of children")
    TRAINING = 2, _("2. Staff trained in children's rights, prevention and reporting")
    CONTRACTS = 3, _("3. A clause in contracts throughout the value chain")
    INFORMATION = 4, _("4. Information to travellers on children's rights and how to report")
    STAKEHOLDERS = 5, _("5. Support and engagement of local stakeholders in prevention")
    REPORTING = 6, _("6. Annual report on implementing the criteria")


class CodeMember(CreatedBy):
    """A company in The Code: its sector and membership."""

    class Sector(models.TextChoices):
        HOTEL = "hotel", _("Hotel")
        TRAVEL_AGENT = "travel_agent", _("Travel agent")
        TOUR_OPERATOR = "tour_operator", _("Tour operator")
        TRANSPORT = "transport", _("Transport")
        ONLINE_PLATFORM = "online_platform", _("Online platform")
        ISP = "isp", _("Internet service provider")

    class Status(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        MEMBER = "member", _("Member")
        SUSPENDED = "suspended", _("Suspended")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    organisation = models.OneToOneField(
        Organisation, verbose_name=_("company"), on_delete=models.PROTECT, related_name="code_membership"
    )
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    status = models.CharField(_("membership"), max_length=10, choices=Status.choices, default=Status.APPLICANT)
    joined_on = models.DateField(_("member since"), null=True, blank=True)

    class Meta:
        ordering = ["organisation__name"]

    def __str__(self) -> str:
        return f"code member {self.organisation_id}"


class CriterionProgress(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        MET = "met", _("Met")

    member = models.ForeignKey(CodeMember, on_delete=models.CASCADE, related_name="progress")
    criterion = models.PositiveSmallIntegerField(_("criterion"), choices=CodeCriterion.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    evidence = models.TextField(_("evidence"), max_length=4000, blank=True)
    evidence_on = models.DateField(_("date of the evidence"), null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["criterion"]
        constraints = [models.UniqueConstraint(fields=["member", "criterion"], name="criterion_progress_unique")]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.status}"


class CodeReport(UUIDModel):
    """A company's annual report under The Code, submitted by its partner user and verified by an officer."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted, awaiting verification")
        VERIFIED = "verified", _("Verified")
        RETURNED = "returned", _("Returned for changes")

    member = models.ForeignKey(CodeMember, on_delete=models.CASCADE, related_name="reports")
    year = models.PositiveSmallIntegerField(_("year reported on"))
    staff_trained = models.PositiveIntegerField(_("staff trained in the year"))
    criteria = models.JSONField()  # {"1": {"status": "met", "evidence": "..."}, ... "5": ...}
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(_("note to the company"), max_length=2000, blank=True)

    class Meta:
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["member", "year"], name="code_report_unique")]

    def __str__(self) -> str:
        return f"code report {self.year}"
