"""Campaigns and public education: campaigns and their activities with the reach each had."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jaga.accounts.models import Organisation
from jaga.core.models import CreatedBy, UUIDModel


class Campaign(CreatedBy):
    """A campaign or socialisation effort: a theme, an audience, a period, regions and partners."""

    title = models.CharField(_("title"), max_length=200)
    theme = models.CharField(_("theme"), max_length=200)
    audience = models.CharField(_("audience"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    provinces = models.ManyToManyField("regions.Region", verbose_name=_("provinces"), blank=True, related_name="+")
    partners = models.ManyToManyField(Organisation, verbose_name=_("partners"), blank=True, related_name="campaigns")

    class Meta:
        ordering = ["-starts_on", "title"]

    def __str__(self) -> str:
        return self.title


class CampaignActivity(UUIDModel):
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
