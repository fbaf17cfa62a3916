"""Campaigns and socialisation: campaigns, their activities and reach, and the reach dashboard."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from jaga.accounts.models import User
from jaga.audit.services import record
from jaga.programs.access import require_manager
from jaga.programs.campaigns.models import Campaign, CampaignActivity
from jaga.regions.models import Region


@transaction.atomic
def campaign_create(
    *, actor: User, provinces: list[Region], partners: list[Any], request: HttpRequest | None = None, **fields: Any
) -> Campaign:
    require_manager(actor)
    campaign = Campaign(created_by=actor, **fields)
    campaign.full_clean()
    if campaign.ends_on and campaign.ends_on < campaign.starts_on:
        raise ValidationError({"ends_on": [_("The end date is before the start date.")]})
    if any(province.level != Region.Level.PROVINCE for province in provinces):
        raise ValidationError({"provinces": [_("Choose provinces.")]})
    campaign.save()
    campaign.provinces.set(provinces)
    campaign.partners.set(partners)
    record("programs.campaign.created", actor=actor, target=campaign, request=request)
    return campaign


@transaction.atomic
def activity_add(
    *, actor: User, campaign: Campaign, request: HttpRequest | None = None, **fields: Any
) -> CampaignActivity:
    require_manager(actor)
    fields.setdefault("channel", CampaignActivity.CHANNEL_OF.get(fields.get("kind", ""), ""))
    activity = CampaignActivity(campaign=campaign, created_by=actor, **fields)
    activity.full_clean()
    errors: dict[str, list[str]] = {}
    if activity.held_on < campaign.starts_on or (campaign.ends_on and activity.held_on > campaign.ends_on):
        errors["held_on"] = [_("The date is outside the campaign's period.")]
    if activity.channel in ("in_person",) and activity.participants == 0:
        errors["girls"] = [_("An activity in person reached someone: give the participants by sex and age group.")]
    if activity.channel != "online" and (activity.impressions or activity.engagement):
        errors["impressions"] = [_("Impressions and engagement are for online activities.")]
    if errors:
        raise ValidationError(errors)
    activity.save()
    record(
        "programs.campaign.activity_added",
        actor=actor,
        target=campaign,
        request=request,
        details={"kind": activity.kind, "participants": activity.participants},
    )
    return activity


@dataclass
class Reach:
    participants: int
    girls: int
    boys: int
    women: int
    men: int
    impressions: int
    engagement: int
    by_channel: list[tuple[str, Any, int, int]]  # channel, label, participants, impressions
    by_province: list[tuple[str, str, int]]  # code, name, participants (every province, zeros included)


def reach(activities: Any) -> Reach:
    """Totals, by channel, and by province (an activity in a regency counts in its province)."""
    totals: dict[str, int] = defaultdict(int)
    channels: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    provinces: dict[str, int] = defaultdict(int)
    for activity in activities.select_related("region"):
        for field in ("girls", "boys", "women", "men", "impressions", "engagement"):
            totals[field] += getattr(activity, field)
        channels[activity.channel][0] += activity.participants
        channels[activity.channel][1] += activity.impressions
        if activity.region_id:
            provinces[activity.region_id[:2]] += activity.participants
    labels = dict(CampaignActivity.Channel.choices)
    names = Region.objects.filter(level=Region.Level.PROVINCE).order_by("code").values_list("code", "name")
    return Reach(
        participants=totals["girls"] + totals["boys"] + totals["women"] + totals["men"],
        girls=totals["girls"],
        boys=totals["boys"],
        women=totals["women"],
        men=totals["men"],
        impressions=totals["impressions"],
        engagement=totals["engagement"],
        by_channel=[(c, labels[c], channels[c][0], channels[c][1]) for c in labels if c in channels],
        by_province=[(code, name, provinces.get(code, 0)) for code, name in names],
    )
