"""Reports from the public and from partners, their URLs, and what the hotline did with them.

What a reporter writes (description, URLs, contact details) is encrypted; what triage and
statistics need (forms, region, place type, dates, age band, sex, state, outcomes) is in the clear.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jaga.accounts.models import Organisation
from jaga.cases.models import AgeBand, Case, PlaceType, Sex
from jaga.core.fields import EncryptedTextField
from jaga.core.models import UUIDModel
from jaga.hotline.urls_normal import url_hash
from jaga.regions.models import Region


class Channel(models.TextChoices):
    WEB = "web", _("Public web form")
    PUBLIC_API = "public_api", _("Public API")
    PARTNER = "partner", _("Partner")


class State(models.TextChoices):
    """What a reporter sees when checking a tracking code; nothing more."""

    RECEIVED = "received", _("Received")
    IN_REVIEW = "in_review", _("In review")
    REFERRED = "referred", _("Referred")
    CLOSED = "closed", _("Closed")


class Flag(models.TextChoices):
    """Urgency flags, set from the report and adjustable in triage; the weights order the queue."""

    IN_DANGER = "in_danger", _("A child in immediate danger")
    VERY_YOUNG = "very_young", _("A very young child (under 10)")
    LIVE = "live", _("Live streaming or happening now")
    TRAFFICKING = "trafficking", _("Trafficking")


FLAG_WEIGHTS = {Flag.IN_DANGER: 100, Flag.VERY_YOUNG: 50, Flag.LIVE: 40, Flag.TRAFFICKING: 20}


class Report(UUIDModel):
    tracking_code = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    partner = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="hotline_reports"
    )
    client_id = models.CharField(max_length=100, blank=True)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    forms = models.JSONField(_("forms of exploitation"), default=list)
    online = models.BooleanField(_("online"), default=False)
    regency = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("regency/city")
    )
    place_type = models.CharField(_("place type"), max_length=30, choices=PlaceType.choices, blank=True)
    occurred_on = models.DateField(_("when it happened"), null=True, blank=True)
    child_age = models.PositiveSmallIntegerField(_("approximate age of the child"), null=True, blank=True)
    age_band = models.CharField(_("age"), max_length=10, choices=AgeBand.choices, blank=True)
    child_sex = models.CharField(_("sex of the child"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    platform = models.CharField(_("platform or app"), max_length=100, blank=True)
    description = EncryptedTextField(_("what happened"))
    contact = EncryptedTextField(_("contact details"), blank=True)
    contact_consent = models.BooleanField(_("may be contacted"), default=False)
    flags = models.JSONField(default=list)
    urgency = models.PositiveSmallIntegerField(default=0, db_index=True)
    state = models.CharField(_("status"), max_length=12, choices=State.choices, default=State.RECEIVED)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="hotline_reports"
    )
    first_triaged_at = models.DateTimeField(null=True, blank=True)
    referred_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="hotline_reports")

    class Meta:
        ordering = ["-urgency", "received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "client_id"],
                condition=~models.Q(client_id=""),
                name="hotline_report_partner_client_id",
            )
        ]
        indexes = [models.Index(fields=["state", "-urgency", "received_at"], name="hotline_queue")]

    def __str__(self) -> str:
        return self.tracking_code

    def get_flags_display(self) -> list[str]:
        return [str(Flag(flag).label) for flag in self.flags if flag in Flag.values]

    def get_forms_display(self) -> list[str]:
        from jaga.cases.models import Form

        return [str(Form(form).label) for form in self.forms if form in Form.values]


class ReportUrl(models.Model):
    """A reported address, normalised; the keyed hash groups repeated reports of the same content."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="urls")
    url = EncryptedTextField()
    url_hash = models.CharField(max_length=64, db_index=True)
    host = models.CharField(max_length=255)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.host

    def fresh_blind_indexes(self) -> dict[str, str]:
        """Its blind index made again with the current key (``jaga keys reindex``)."""
        return {"url_hash": url_hash(self.url)}


class Outcome(models.Model):
    """What the hotline did: referred to the police, sent for takedown, made a case, or closed."""

    class Kind(models.TextChoices):
        POLICE = "police", _("Referred to the police")
        TAKEDOWN = "takedown", _("Sent for takedown")
        CASE = "case", _("Converted into a case")
        CLOSED = "closed", _("Closed as not actionable")

    class Recipient(models.TextChoices):
        PLATFORM = "platform", _("The platform")
        KOMDIGI = "komdigi", _("Komdigi")
        HOTLINE = "hotline", _("Another hotline (INHOPE)")

    class TakedownResult(models.TextChoices):
        PENDING = "pending", _("Awaiting an answer")
        REMOVED = "removed", _("Removed")
        REFUSED = "refused", _("Refused")
        GONE = "gone", _("Already gone")

    class CloseReason(models.TextChoices):
        NOT_ESKA = "not_eska", _("Not about sexual exploitation of a child")
        INSUFFICIENT = "insufficient", _("Too little information to act on")
        DUPLICATE = "duplicate", _("A duplicate of another report")
        ADULT = "adult", _("The person is an adult")
        HANDLED = "handled", _("Handled: nothing more to do")
        OTHER = "other", _("Other")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="outcomes")
    kind = models.CharField(_("outcome"), max_length=10, choices=Kind.choices)
    on = models.DateField(_("date"), default=timezone.localdate)
    police_unit = models.CharField(_("police unit"), max_length=200, blank=True)
    reference = EncryptedTextField(_("reference"), blank=True)
    recipient = models.CharField(_("sent to"), max_length=10, choices=Recipient.choices, blank=True)
    url = models.ForeignKey(ReportUrl, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("URL"))
    takedown_result = models.CharField(_("takedown result"), max_length=10, choices=TakedownResult.choices, blank=True)
    close_reason = models.CharField(_("reason"), max_length=15, choices=CloseReason.choices, blank=True)
    note = EncryptedTextField(_("note"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.kind


class ReportEvent(models.Model):
    """The report's timeline: every triage step, in order."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Received")
        ASSIGNED = "assigned", _("Assigned")
        CATEGORISED = "categorised", _("Categorised")
        OUTCOME = "outcome", _("Outcome recorded")
        REOPENED = "reopened", _("Reopened")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    detail = models.CharField(max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.kind
