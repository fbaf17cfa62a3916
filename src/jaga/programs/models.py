"""Programme tracking: partners (organisations, their contact people, agreements and MoUs).

Contact people are personal data: their names, emails and phones are encrypted, shown only to
programme officers, and every view of them is audited.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jaga.accounts.models import Organisation
from jaga.core.fields import EncryptedTextField


class Programme(models.TextChoices):
    """The four programmes of the seed study."""

    RESEARCH = "research", _("Research and data collection")
    ADVOCACY = "advocacy", _("Advocacy")
    TRAINING = "training", _("Training")
    CAMPAIGNS = "campaigns", _("Campaigns and education")


class PartnerProgramme(models.Model):
    """An organisation takes part in a programme."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="programme_links")
    programme = models.CharField(max_length=20, choices=Programme.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "programme"], name="partner_programme_unique")]

    def __str__(self) -> str:
        return f"{self.organisation_id} in {self.programme}"


class Contact(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="contacts")
    full_name = EncryptedTextField(_("full name"))
    position = models.CharField(_("position"), max_length=120, blank=True)
    email = EncryptedTextField(_("email"), blank=True)
    phone = EncryptedTextField(_("phone"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"contact {self.pk}"


class Agreement(models.Model):
    """An agreement or MoU between organisations, with its signed document."""

    class Kind(models.TextChoices):
        MOU = "mou", _("Memorandum of understanding (MoU)")
        COOPERATION = "cooperation", _("Cooperation agreement (PKS)")
        LETTER_OF_INTENT = "letter_of_intent", _("Letter of intent")
        OTHER = "other", _("Other")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    programme = models.CharField(_("programme"), max_length=20, choices=Programme.choices)
    parties = models.ManyToManyField(Organisation, verbose_name=_("parties"), related_name="agreements")
    scope = models.TextField(_("scope"), max_length=4000)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True, help_text=_("Empty when open-ended."))
    document_name = models.CharField(max_length=200, blank=True)
    document_type = models.CharField(max_length=100, blank=True)
    document = models.BinaryField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "title"]

    def __str__(self) -> str:
        return self.title

    def in_force(self, day: object = None) -> bool:
        day = day or timezone.localdate()
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)  # type: ignore[operator]


class Stage(models.TextChoices):
    """Where an advocacy ask stands; it moves forward (or back) with evidence."""

    IDENTIFIED = "identified", _("Identified")
    ENGAGED = "engaged", _("Engaged")
    COMMITTED = "committed", _("Committed")
    DRAFTED = "drafted", _("Drafted")
    ADOPTED = "adopted", _("Adopted")
    IMPLEMENTED = "implemented", _("Implemented")


class Ask(models.Model):
    """What advocacy asks of an institution: a regional regulation, a budget line, a code of conduct."""

    class Level(models.TextChoices):
        NATIONAL = "national", _("National")
        PROVINCE = "province", _("Province")
        REGENCY = "regency", _("Regency/city")

    class Kind(models.TextChoices):
        REGULATION = "regulation", _("Regulation (e.g. a regional regulation on child protection)")
        BUDGET = "budget", _("Budget line (e.g. for the UPTD PPA)")
        CODE_OF_CONDUCT = "code_of_conduct", _("Code of conduct (e.g. for tourism)")
        POLICY = "policy", _("Policy or programme")
        OTHER = "other", _("Other")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    institution = models.CharField(_("target institution"), max_length=200)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("the ask"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    lead = models.ForeignKey(
        Organisation, verbose_name=_("lead organisation"), on_delete=models.PROTECT, related_name="advocacy_asks"
    )
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.IDENTIFIED)
    stage_since = models.DateField(_("in this stage since"), default=timezone.localdate)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-stage_since", "title"]

    def __str__(self) -> str:
        return self.title


class AdvocacyActivity(models.Model):
    class Kind(models.TextChoices):
        MEETING = "meeting", _("Meeting")
        HEARING = "hearing", _("Hearing")
        POLICY_BRIEF = "policy_brief", _("Policy brief")
        COALITION_STATEMENT = "coalition_statement", _("Coalition statement")
        OTHER = "other", _("Other")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ask = models.ForeignKey(Ask, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    held_on = models.DateField(_("date"))
    people = models.CharField(
        _("people"), max_length=300, blank=True, help_text=_("Roles or offices, not private individuals.")
    )
    notes = models.TextField(_("notes"), max_length=4000, blank=True)
    follow_up = models.CharField(_("follow-up"), max_length=300, blank=True)
    follow_up_due = models.DateField(_("follow-up due"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.kind} {self.held_on}"


class StageChange(models.Model):
    """An ask moved to another stage, with the evidence for it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ask = models.ForeignKey(Ask, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(max_length=12, choices=Stage.choices)
    to_stage = models.CharField(max_length=12, choices=Stage.choices)
    changed_on = models.DateField(_("date"))
    evidence = models.TextField(_("evidence"), max_length=4000)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-changed_on", "-created_at"]

    def __str__(self) -> str:
        return f"{self.from_stage} -> {self.to_stage}"


class Campaign(models.Model):
    """A campaign or socialisation effort: a theme, an audience, a period, regions and partners."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(_("title"), max_length=200)
    theme = models.CharField(_("theme"), max_length=200)
    audience = models.CharField(_("audience"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    provinces = models.ManyToManyField("regions.Region", verbose_name=_("provinces"), blank=True, related_name="+")
    partners = models.ManyToManyField(Organisation, verbose_name=_("partners"), blank=True, related_name="campaigns")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "title"]

    def __str__(self) -> str:
        return self.title


class CampaignActivity(models.Model):
    """One workshop, school visit, broadcast or post, and whom it reached."""

    class Kind(models.TextChoices):
        WORKSHOP = "workshop", _("Workshop")
        SCHOOL_VISIT = "school_visit", _("School visit")
        SEMINAR = "seminar", _("Seminar")
        WEBINAR = "webinar", _("Webinar")
        SOCIAL_MEDIA = "social_media", _("Social-media post")
        RADIO_TV = "radio_tv", _("Radio or TV")
        PRINT = "print", _("Print")

    class Channel(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")
        BROADCAST = "broadcast", _("Broadcast")
        PRINT = "print", _("Print")

    CHANNEL_OF = {
        "workshop": "in_person",
        "school_visit": "in_person",
        "seminar": "in_person",
        "webinar": "online",
        "social_media": "online",
        "radio_tv": "broadcast",
        "print": "print",
    }

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    held_on = models.DateField(_("date"))
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("province or regency/city"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty for an online or national activity."),
    )
    girls = models.PositiveIntegerField(_("girls (under 18)"), default=0)
    boys = models.PositiveIntegerField(_("boys (under 18)"), default=0)
    women = models.PositiveIntegerField(_("women"), default=0)
    men = models.PositiveIntegerField(_("men"), default=0)
    impressions = models.PositiveIntegerField(_("impressions (online)"), default=0)
    engagement = models.PositiveIntegerField(_("engagement (online: reactions, shares, comments)"), default=0)
    materials = models.CharField(_("materials"), max_length=300, blank=True, help_text=_("Titles or links."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.kind} {self.held_on}"

    @property
    def participants(self) -> int:
        return self.girls + self.boys + self.women + self.men
