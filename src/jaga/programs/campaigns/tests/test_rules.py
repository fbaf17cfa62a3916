"""Campaign rules beyond the pages (test_campaigns.py): what an activity must say for its channel, who may
record, and the reach the API adds up."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jaga.accounts.models import Organisation, User
from jaga.audit.models import AuditEvent
from jaga.conftest import api_client
from jaga.programs.campaigns.models import Campaign
from jaga.programs.campaigns.services import activity_add, campaign_create, reach
from jaga.regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(programme_officer: User, orgs: dict[str, Organisation]) -> Campaign:
    return campaign_create(
        actor=programme_officer,
        provinces=[Region.objects.get(code="51")],
        partners=[orgs["ngo"]],
        title="Liburan Aman (uji)",
        theme="Pariwisata tanpa eksploitasi",
        audience="Pelajar dan pekerja hotel",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 6, 30),
    )


def test_an_activity_says_what_its_channel_can_count(campaign: Campaign, programme_officer: User) -> None:
    with pytest.raises(ValidationError) as refused:
        activity_add(actor=programme_officer, campaign=campaign, kind="workshop", held_on=date(2026, 7, 1))
    assert set(refused.value.message_dict) == {"held_on", "girls"}, "outside the period, and nobody reached"
    with pytest.raises(ValidationError) as refused:
        activity_add(
            actor=programme_officer, campaign=campaign, kind="radio_tv", held_on=date(2026, 2, 1), impressions=900
        )
    assert set(refused.value.message_dict) == {"impressions"}, "impressions are counted online only"
    assert not campaign.activities.exists()


def test_only_programme_officers_record_campaigns(campaign: Campaign, caseworker_jakarta: User) -> None:
    with pytest.raises(PermissionDenied):
        activity_add(actor=caseworker_jakarta, campaign=campaign, kind="social_media", held_on=date(2026, 2, 1))
    with pytest.raises(PermissionDenied):
        campaign_create(
            actor=caseworker_jakarta, provinces=[], partners=[], title="x", theme="x", audience="x",
            starts_on=date(2026, 1, 1),
        )  # fmt: skip
    assert Campaign.objects.count() == 1


def test_reach_adds_up_by_channel_and_in_the_api(campaign: Campaign, programme_officer: User) -> None:
    activity_add(actor=programme_officer, campaign=campaign, kind="school_visit", held_on=date(2026, 2, 3),
                 region=Region.objects.get(code="51.71"), girls=30, boys=25)  # fmt: skip
    activity_add(actor=programme_officer, campaign=campaign, kind="social_media", held_on=date(2026, 3, 1),
                 impressions=12000, engagement=800)  # fmt: skip
    totals = reach(campaign.activities.all())
    assert (totals.participants, totals.girls, totals.boys, totals.impressions) == (55, 30, 25, 12000)
    by_province = {code: n for code, _name, n in totals.by_province}
    assert by_province["51"] == 55 and by_province["31"] == 0, "a regency's activity counts in its province"
    assert AuditEvent.objects.filter(action="programs.campaign.activity_added").count() == 2
    body = api_client(programme_officer).get("/api/v1/programs/campaigns/").json()
    assert body[0]["reach"] == {
        "girls": 30, "boys": 25, "women": 0, "men": 0, "impressions": 12000, "engagement": 800, "activities": 2
    }  # fmt: skip
    assert body[0]["provinces"] == ["51"]
