"""Advocacy: asks to decision makers, the activities behind them and their stages."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jaga.accounts.models import Organisation
from jaga.core.models import Created, CreatedBy, UUIDModel


class Stage(models.TextChoices):
    """Where an advocacy ask stands; it moves forward (or back) with evidence."""

    IDENTIFIED = "identified", _("Identified")
    ENGAGED = "engaged", _("Engaged")
    COMMITTED = "committed", _("Committed")
    DRAFTED = "drafted", _("Drafted")
    ADOPTED = "adopted", _("Adopted")
    IMPLEMENTED = "implemented", _("Implemented")


class Ask(CreatedBy):
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

    class Meta:
        ordering = ["-stage_since", "title"]

    def __str__(self) -> str:
        return self.title


class AdvocacyActivity(UUIDModel):
    class Kind(models.TextChoices):
        MEETING = "meeting", _("Meeting")
        HEARING = "hearing", _("Hearing")
        POLICY_BRIEF = "policy_brief", _("Policy brief")
        COALITION_STATEMENT = "coalition_statement", _("Coalition statement")
        OTHER = "other", _("Other")

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


class StageChange(Created):
    """An ask moved to another stage, with the evidence for it."""

    ask = models.ForeignKey(Ask, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(max_length=12, choices=Stage.choices)
    to_stage = models.CharField(max_length=12, choices=Stage.choices)
    changed_on = models.DateField(_("date"))
    evidence = models.TextField(_("evidence"), max_length=4000)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-changed_on", "-created_at"]

    def __str__(self) -> str:
        return f"{self.from_stage} -> {self.to_stage}"
