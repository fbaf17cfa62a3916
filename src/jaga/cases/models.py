"""A case is one child's file in one organisation. Identity fields are encrypted; what statistics
need (age, age band, sex, regencies, forms, dates) is stored in the clear."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jaga.accounts.models import Organisation
from jaga.core.fields import EncryptedTextField
from jaga.core.models import FileJob
from jaga.regions.models import Region


class Source(models.TextChoices):
    HOTLINE = "hotline", _("Hotline")
    POLICE = "police", _("Police")
    SCHOOL = "school", _("School")
    HEALTH_FACILITY = "health_facility", _("Health facility")
    FAMILY = "family", _("Family")
    CHILD = "child", _("The child")
    NGO_OUTREACH = "ngo_outreach", _("NGO outreach")
    ONLINE_PLATFORM = "online_platform", _("Online platform")
    OTHER = "other", _("Other")


class Form(models.TextChoices):
    """Forms of exploitation (Luxembourg Terminology Guidelines)."""

    PROSTITUTION = "prostitution", _("Exploitation in prostitution")
    ONLINE = "online", _("Online sexual exploitation")
    TRAFFICKING = "trafficking", _("Trafficking for sexual purposes")
    TRAVEL_TOURISM = "travel_tourism", _("Exploitation in travel and tourism")
    CHILD_MARRIAGE = "child_marriage", _("Child, early and forced marriage")
    OTHER = "other", _("Other")


class Modus(models.TextChoices):
    ONLINE_GROOMING = "online_grooming", _("Online grooming")
    SEXTORTION = "sextortion", _("Sextortion")
    APP_PROSTITUTION = "app_prostitution", _("Prostitution arranged through apps or chat")
    DEBT_BONDAGE = "debt_bondage", _("Debt bondage")
    DECEPTIVE_JOB_OFFER = "deceptive_job_offer", _("Deceptive job offer")
    OTHER = "other", _("Other")


class PlaceType(models.TextChoices):
    HOME = "home", pgettext_lazy("place type", "Home")
    LODGING = "lodging", _("Lodging or hotel")
    ENTERTAINMENT_VENUE = "entertainment_venue", _("Entertainment venue")
    ONLINE = "online", _("Online")
    STREET = "street", _("Street")
    OTHER = "other", _("Other")


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class Status(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    ASSESSED = "assessed", _("Assessed")
    CASE_PLAN = "case_plan", _("Case plan")
    SERVICES = "services", _("Services")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")
    TRANSFERRED = "transferred", _("Transferred")


# Which step leads from which status, and who may take it: cases.workflow.STEPS.


class ClosureReason(models.TextChoices):
    GOALS_MET = "goals_met", _("Case plan goals met")
    TRANSFERRED_ELSEWHERE = "transferred_elsewhere", _("Continued by another service")
    CHILD_TURNED_18 = "child_turned_18", _("The child turned 18")
    LOST_CONTACT = "lost_contact", _("Contact lost")
    FAMILY_DECLINED = "family_declined", _("The child or family declined services")
    DUPLICATE = "duplicate", _("Duplicate record")
    OTHER = "other", _("Other")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    UNKNOWN = "unknown", _("Unknown")


class AgeBand(models.TextChoices):
    UNDER_10 = "0-9", "0-9"
    FROM_10 = "10-14", "10-14"
    FROM_15 = "15-17", "15-17"


class CaseQuerySet(models.QuerySet["Case"]):
    def visible_to(self, user: object) -> CaseQuerySet:
        from jaga.cases.access import visible_cases

        return visible_cases(user, self)


class Case(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
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
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
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


class Service(models.TextChoices):
    MEDICAL = "medical", _("Medical")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial")
    LEGAL_AID = "legal_aid", _("Legal aid")
    SHELTER = "shelter", _("Shelter")
    REINTEGRATION = "reintegration", _("Reintegration and education")
    FAMILY_SUPPORT = "family_support", _("Family support")
    RESTITUTION = "restitution", _("Restitution")


class Referral(models.Model):
    """One organisation asks another to provide a service for a case (or to take it over).

    While accepted, the receiving organisation's caseworkers and supervisors see the case.
    """

    class State(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        COMPLETED = "completed", _("Completed")
        REVOKED = "revoked", _("Revoked")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
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


class Perpetrator(models.Model):
    class Relationship(models.TextChoices):
        PARENT = "parent", _("Parent or step-parent")
        RELATIVE = "relative", _("Other relative")
        PARTNER = "partner", _("Boyfriend or partner")
        ACQUAINTANCE = "acquaintance", _("Acquaintance or neighbour")
        ONLINE_CONTACT = "online_contact", _("Met online")
        EMPLOYER = "employer", _("Employer")
        STRANGER = "stranger", _("Stranger")
        UNKNOWN = "unknown", _("Unknown")

    class Role(models.TextChoices):
        BUYER = "buyer", _("Buyer")
        FACILITATOR = "facilitator", _("Facilitator")
        RECRUITER = "recruiter", _("Recruiter or trafficker")
        ONLINE_OFFENDER = "online_offender", _("Online offender")
        OTHER = "other", _("Other")

    class AgeBand(models.TextChoices):
        CHILD = "under_18", _("Under 18")
        YOUNG = "18_24", "18-24"
        ADULT = "25_39", "25-39"
        MIDDLE = "40_59", "40-59"
        OLDER = "60_plus", "60+"
        UNKNOWN = "unknown", _("Unknown")

    class Origin(models.TextChoices):
        DOMESTIC = "domestic", _("Indonesian")
        FOREIGN = "foreign", _("Foreign")
        UNKNOWN = "unknown", _("Unknown")

    class LegalStatus(models.TextChoices):
        NOT_REPORTED = "not_reported", _("Not reported")
        REPORTED = "reported", _("Reported to the police")
        SUSPECT = "suspect", _("Suspect")
        CHARGED = "charged", _("Charged")
        CONVICTED = "convicted", _("Convicted")
        ACQUITTED = "acquitted", _("Acquitted")
        UNKNOWN = "unknown", _("Unknown")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="perpetrators")
    relationship = models.CharField(_("relationship to the child"), max_length=20, choices=Relationship.choices)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    age_band = models.CharField(_("age"), max_length=10, choices=AgeBand.choices, default=AgeBand.UNKNOWN)
    origin = models.CharField(_("domestic or foreign"), max_length=10, choices=Origin.choices, default=Origin.UNKNOWN)
    identity = EncryptedTextField(_("name and identifying details"), blank=True)
    legal_status = models.CharField(
        _("legal status"), max_length=20, choices=LegalStatus.choices, default=LegalStatus.UNKNOWN
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"perpetrator {self.pk}"


class ServiceRecord(models.Model):
    """A service the child received or is receiving (medical, shelter, legal aid, ...)."""

    class State(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ONGOING = "ongoing", _("Ongoing")
        COMPLETED = "completed", _("Completed")
        REFUSED = "refused", _("Refused")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="services")
    service = models.CharField(_("service"), max_length=20, choices=Service.choices)
    provider = models.ForeignKey(
        Organisation, verbose_name=_("provider"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_on = models.DateField(_("start"), null=True, blank=True)
    ended_on = models.DateField(_("end"), null=True, blank=True)
    state = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.PLANNED)
    outcome = EncryptedTextField(_("outcome"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.service} for {self.case_id}"


class LegalProcess(models.Model):
    class Stage(models.TextChoices):
        REPORTED = "reported", _("Reported to the police")
        INVESTIGATION = "investigation", _("Investigation")
        PROSECUTION = "prosecution", _("Prosecution")
        VERDICT = "verdict", _("Verdict")
        RESTITUTION = "restitution", _("Restitution")

    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True, related_name="legal")
    police_report_number = EncryptedTextField(_("police report number"), blank=True)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    reported_on = models.DateField(_("reported on"), null=True, blank=True)
    stage_on = models.DateField(_("stage reached on"), null=True, blank=True)
    # Free text where a perpetrator's name may be typed ("Budi sentenced to 8 years"): encrypted.
    outcome = EncryptedTextField(_("outcome"), blank=True)

    def __str__(self) -> str:
        return f"legal process of {self.case_id}"


class Attachment(models.Model):
    """A document for a case, encrypted at rest. Never images of abuse: the upload page says why."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    filename = EncryptedTextField(_("file name"))
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    data = models.BinaryField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"attachment {self.pk}"

    # `jaga keys rotate` re-encrypts this field too (core/keys.py).
    ENCRYPTED_BLOB_FIELD = "data"

    @property
    def crypto_context(self) -> str:
        return f"cases.attachment:{self.pk}"


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


class IntakeDraft(models.Model):
    """An intake form in progress, kept between steps and visits. Encrypted: it holds identities."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="intake_drafts")
    data = EncryptedTextField(default="{}")
    step = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"draft {self.pk}"


# The work on a case (assessment, plan, closure request, tasks) is in its own module; imported here so
# that Django registers its models with this app.
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
