"""A case is one child's file in one organisation. Identity fields are encrypted; what statistics
need (age, age band, sex, regencies, forms, dates) is stored in the clear."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jaga.accounts.models import Organisation
from jaga.cases.choices import AgeBand, ClosureReason, Form, Modus, PlaceType, RiskLevel, Service, Sex, Source, Status
from jaga.core.fields import EncryptedTextField
from jaga.core.models import CreatedBy, FileJob, UUIDModel
from jaga.regions.models import Region


class CaseQuerySet(models.QuerySet["Case"]):
    def visible_to(self, user: object) -> CaseQuerySet:
        from jaga.cases.access import visible_cases

        return visible_cases(user, self)  # type: ignore[return-value]  # the same queryset, filtered


class Case(CreatedBy):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="cases")
    reference = models.CharField(_("reference"), max_length=30)
    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField()
    registered_on = models.DateField(_("registration date"))
    exploitation_date = models.DateField(_("date of exploitation (approximate)"), null=True, blank=True)
    source = models.CharField(_("source of the report"), max_length=20, choices=Source.choices)
    modus = models.CharField(_("modus"), max_length=30, choices=Modus.choices, blank=True)
    place_type = models.CharField(_("place"), max_length=30, choices=PlaceType.choices, blank=True)
    exploitation_regency = models.ForeignKey(
        Region, verbose_name=_("regency of exploitation"), on_delete=models.PROTECT, related_name="+"
    )
    residence_regency = models.ForeignKey(
        Region,
        verbose_name=_("regency of residence"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    risk_level = models.CharField(_("risk level"), max_length=10, choices=RiskLevel.choices, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REGISTERED)
    closure_reason = models.CharField(_("closure reason"), max_length=30, choices=ClosureReason.choices, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned caseworker"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
    )
    updated_at = models.DateTimeField(auto_now=True)
    # UU PDP: processing restricted at the data subject's request; ordinary reads refuse.
    restricted_at = models.DateTimeField(null=True, blank=True)
    # Counted in statistics: not restricted, and the current consent covers statistics (or a lawful
    # basis stands in for consent). Kept by the services that change either (services.statistics_flag_update).
    in_statistics = models.BooleanField(default=True)
    # When the case first reached each step (set by cases.workflow): the caseload insights count
    # the days from registration to each without reading the events.
    assessed_on = models.DateField(null=True, blank=True)
    planned_on = models.DateField(null=True, blank=True)
    served_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    # The intake queue's order, most urgent first (high 0, medium 1, low 2, not rated 3): kept by the
    # database from the risk level, so that the queue is read from its index however long it is.
    urgency = models.GeneratedField(
        expression=models.Case(
            models.When(risk_level="high", then=models.Value(0)),
            models.When(risk_level="medium", then=models.Value(1)),
            models.When(risk_level="low", then=models.Value(2)),
            default=models.Value(3),
        ),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-registered_on", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year", "number"], name="case_number_unique"),
            models.UniqueConstraint(fields=["organisation", "reference"], name="case_reference_unique"),
        ]
        indexes = [
            models.Index(fields=["organisation", "status"], name="case_org_status"),
            # The list's order: its first page is read straight from the index (docs/benchmarks.md).
            models.Index(fields=["organisation", "-registered_on", "-number"], name="case_org_registered_number"),
            # A caseworker's own open cases (their home, the caseload per caseworker), read from the index.
            models.Index(fields=["assigned_to", "status", "risk_level"], name="case_assignee_status"),
            # The intake queue: a unit's open cases that nobody leads, most urgent and oldest first.
            models.Index(
                fields=["organisation", "urgency", "registered_on", "created_at"],
                name="case_intake_queue",
                condition=models.Q(assigned_to__isnull=True) & ~models.Q(status="closed"),
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def forms(self) -> list[str]:
        return sorted(link.form for link in self.form_links.all())  # uses prefetch_related when given

    def move_to(self, status: str, *, closure_reason: str = "") -> str:
        """Changes the status in memory (the service saves); returns the status it left."""
        previous = self.status
        self.status = status
        self.closure_reason = closure_reason if status == Status.CLOSED else ""
        return previous


class CaseForm(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="form_links")
    form = models.CharField(max_length=20, choices=Form.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "form"], name="case_form_unique")]
        indexes = [models.Index(fields=["form", "case"], name="caseform_form")]

    def __str__(self) -> str:
        return self.form


class CaseCounter(models.Model):
    """The last number given per organisation and year, so references never repeat."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "year"], name="case_counter_unique")]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.year}: {self.last}"


class Child(models.Model):
    """The child of one case. Encrypted fields hold identity; the rest feed statistics."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True, related_name="child")
    full_name = EncryptedTextField(_("full name"), blank=True)
    aliases = EncryptedTextField(_("aliases and nicknames"), blank=True)
    nik = EncryptedTextField(_("NIK"), blank=True)
    nik_index = models.CharField(max_length=64, blank=True, db_index=True)
    date_of_birth = EncryptedTextField(_("date of birth"), blank=True)
    address = EncryptedTextField(_("address"), blank=True)
    phone = EncryptedTextField(_("phone"), blank=True)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True)
    guardian_name = EncryptedTextField(_("guardian"), blank=True)
    guardian_relationship = models.CharField(_("guardian's relationship"), max_length=30, blank=True)
    # Not identifying on their own; statistics read these.
    age_at_registration = models.PositiveSmallIntegerField(_("age at registration"), null=True, blank=True)
    age_is_estimated = models.BooleanField(_("age is estimated"), default=False)
    age_band = models.CharField(_("age band"), max_length=5, choices=AgeBand.choices, blank=True)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    disability = models.BooleanField(_("has a disability"), null=True, blank=True)
    schooling = models.CharField(_("schooling"), max_length=20, blank=True)
    nationality = models.CharField(_("nationality"), max_length=2, default="ID")
    erased_at = models.DateTimeField(null=True, blank=True)

    IDENTITY_FIELDS = ("full_name", "aliases", "nik", "date_of_birth", "address", "phone", "guardian_name")

    def __str__(self) -> str:
        return f"child of {self.case_id}"

    def fresh_blind_indexes(self) -> dict[str, str]:
        """Its blind indexes made again with the current key (``jaga keys reindex``)."""
        from jaga.cases.services import nik_index, phone_index  # the services import this module

        return {"nik_index": nik_index(self.nik), "phone_index": phone_index(self.phone)}


class Consent(models.Model):
    """Consent (UU PDP) or, where none can be had, the lawful basis relied on. Newest counts."""

    class GivenBy(models.TextChoices):
        GUARDIAN = "guardian", _("Parent or guardian")
        CHILD = "child", _("The child")
        NOBODY = "nobody", _("Nobody (a lawful basis is recorded)")

    class LawfulBasis(models.TextChoices):
        VITAL_INTEREST = "vital_interest", _("Protecting the child's vital interests")
        LEGAL_OBLIGATION = "legal_obligation", _("A legal obligation (UU 35/2014, UU TPKS)")
        PUBLIC_TASK = "public_task", _("A public task of the organisation")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    given_by = models.CharField(_("consent given by"), max_length=10, choices=GivenBy.choices)
    services = models.BooleanField(_("to services"), default=False)
    sharing = models.BooleanField(_("to sharing with other organisations"), default=False)
    statistics = models.BooleanField(_("to statistics"), default=False)
    given_on = models.DateField(_("date"))
    lawful_basis = models.CharField(_("lawful basis"), max_length=20, choices=LawfulBasis.choices, blank=True)
    justification = EncryptedTextField(_("justification"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"consent {self.pk} ({self.given_by})"


class Note(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    text = EncryptedTextField(_("note"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"note {self.pk}"


class CaseEvent(models.Model):
    """The case timeline: what happened, when and by whom (the audit log has every read too)."""

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        STATUS_CHANGED = "status_changed", _("Status changed")
        ASSIGNED = "assigned", _("Assigned")
        NOTE_ADDED = "note_added", _("Note added")
        CONSENT_RECORDED = "consent_recorded", _("Consent recorded")
        REFERRAL_REQUESTED = "referral_requested", _("Referral requested")
        REFERRAL_ACCEPTED = "referral_accepted", _("Referral accepted")
        REFERRAL_DECLINED = "referral_declined", _("Referral declined")
        REFERRAL_COMPLETED = "referral_completed", _("Referral completed")
        REFERRAL_REVOKED = "referral_revoked", _("Referral revoked")
        TRANSFERRED = "transferred", _("Transferred to another organisation")
        PERPETRATOR_ADDED = "perpetrator_added", _("Perpetrator recorded")
        CORRECTED = "corrected", _("Identity corrected")
        RESTRICTED = "restricted", _("Processing restricted")
        UNRESTRICTED = "unrestricted", _("Restriction lifted")
        ERASED = "erased", _("Identity erased")
        ATTACHMENT_ADDED = "attachment_added", _("Document attached")
        SERVICE_RECORDED = "service_recorded", _("Service recorded")
        LEGAL_UPDATED = "legal_updated", _("Legal process updated")
        FACTS_CHANGED = "facts_changed", _("Facts corrected")
        SUBMITTED = "submitted", _("Sent for approval")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned for changes")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    detail = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.case_id}"


class Referral(UUIDModel):
    """One organisation asks another to provide a service for a case (or to take it over).

    While accepted, the receiving organisation's caseworkers and supervisors see the case.
    """

    class State(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        COMPLETED = "completed", _("Completed")
        REVOKED = "revoked", _("Revoked")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    from_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="referrals_sent")
    to_organisation = models.ForeignKey(
        Organisation, verbose_name=_("to organisation"), on_delete=models.PROTECT, related_name="referrals_received"
    )
    service = models.CharField(_("service"), max_length=20, choices=Service.choices)
    is_transfer = models.BooleanField(_("transfer the case"), default=False)
    reason = EncryptedTextField(_("reason"), blank=True)
    # Why the receiver declined, for the sender (encrypted: a reason may describe the child).
    decline_reason = EncryptedTextField(_("why it was declined"), blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    # The receiving organisation's caseworker for the referred case (its supervisor assigns one).
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals_assigned"
    )

    class Meta:
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["to_organisation", "state"], name="referral_to_state")]

    def __str__(self) -> str:
        return f"referral {self.pk} ({self.state})"

    def decide(self, *, accept: bool, by: object) -> None:
        self.state = self.State.ACCEPTED if accept else self.State.DECLINED
        self.decided_by = by  # type: ignore[assignment]
        self.decided_at = timezone.now()

    def end(self, *, state: str) -> None:
        self.state = state
        self.ended_at = timezone.now()


class CaseChange(models.Model):
    """One corrected fact: who, when, the old and the new value (codes; never an identity), and why."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="changes")
    field = models.CharField(max_length=30)
    old = models.CharField(max_length=300, blank=True)
    new = models.CharField(max_length=300, blank=True)
    reason = EncryptedTextField(blank=True)  # free text: a person may type a name into it
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "field"]

    def __str__(self) -> str:
        return f"{self.field} of {self.case_id}"


class ImportJob(FileJob):
    """A spreadsheet of historical cases: validated whole, then imported whole, in the background."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")

    class Meta(FileJob.Meta):
        pass


class IntakeDraft(UUIDModel):
    """An intake form in progress, kept between steps and visits. Encrypted: it holds identities."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="intake_drafts")
    data = EncryptedTextField(default="{}")
    step = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"draft {self.pk}"


# The work on a case (assessment, plan, closure request, tasks) and what a case records beside the
# child (perpetrators, services, legal process, attachments) are in their own modules; imported here
# so that Django registers their models with this app.
from jaga.cases.record_models import Attachment, LegalProcess, Perpetrator, ServiceRecord  # noqa: E402, F401
from jaga.cases.work_models import (  # noqa: E402, F401
    Assessment,
    CasePlan,
    ClosureRequest,
    Coworker,
    Need,
    PlanAction,
    ServiceOffer,
    Task,
)
