"""Results framework: indicators, their baselines and yearly targets."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Indicator(models.Model):
    """A result the programmes promise, with a baseline; its actual value is computed from the data."""

    class Measure(models.TextChoices):
        CASES_REGISTERED = "cases_registered", _("Cases registered")
        SHARE_REFERRED = "share_referred", _("Share of cases referred to services (%)")
        ASKS_ADOPTED = "asks_adopted", _("Advocacy asks adopted or implemented")
        PROFESSIONALS_TRAINED = "professionals_trained", _("Professionals trained")
        KNOWLEDGE_GAIN = "knowledge_gain", _("Mean knowledge gain (percentage points)")
        COMPANIES_ALL_SIX = "companies_all_six", _("Companies meeting all six criteria of The Code")
        CAMPAIGN_REACH = "campaign_reach", _("People reached in person by campaigns")
        LESSONS_READ = "lessons_read", _("Online lessons read")
        QUIZZES_COMPLETED = "quizzes_completed", _("Online self-check quizzes completed")
        TEACHERS_CERTIFIED = "teachers_certified", _("Teachers certified")

    PROGRAMME_OF = {
        "cases_registered": "research",
        "share_referred": "research",
        "asks_adopted": "advocacy",
        "professionals_trained": "training",
        "knowledge_gain": "training",
        "companies_all_six": "advocacy",
        "campaign_reach": "campaigns",
        "lessons_read": "campaigns",
        "quizzes_completed": "campaigns",
        "teachers_certified": "training",
    }

    measure = models.CharField(_("indicator"), max_length=30, choices=Measure.choices, unique=True)
    baseline = models.FloatField(_("baseline"))
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"))

    class Meta:
        ordering = ["measure"]

    def __str__(self) -> str:
        return self.measure

    @property
    def programme(self) -> str:
        return self.PROGRAMME_OF[self.measure]


class IndicatorTarget(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(_("year"))
    province = models.ForeignKey(
        "regions.Region",
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty for the national target."),
    )
    target = models.FloatField(_("target"))

    class Meta:
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year", "province"], name="indicator_target_unique"),
            models.UniqueConstraint(
                fields=["indicator", "year"], condition=models.Q(province=None), name="indicator_target_national"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.year}"
