"""What a case records beside the child: perpetrators, services received, the legal process and attachments.

These models live here, beside ``models.py``, and are imported by it so that Django registers them in
the ``cases`` app; they name the case as ``"cases.Case"`` so that this module never imports ``models``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jaga.accounts.models import Organisation
from jaga.cases.choices import Service, Sex
from jaga.core.fields import EncryptedTextField
from jaga.core.models import UUIDModel


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

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="perpetrators")
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

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="services")
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

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, primary_key=True, related_name="legal")
    police_report_number = EncryptedTextField(_("police report number"), blank=True)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    reported_on = models.DateField(_("reported on"), null=True, blank=True)
    stage_on = models.DateField(_("stage reached on"), null=True, blank=True)
    # Free text where a perpetrator's name may be typed ("Budi sentenced to 8 years"): encrypted.
    outcome = EncryptedTextField(_("outcome"), blank=True)

    def __str__(self) -> str:
        return f"legal process of {self.case_id}"


class Attachment(UUIDModel):
    """A document for a case, encrypted at rest. Never images of abuse: the upload page says why."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="attachments")
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
