"""Campaigns: activities with their reach, checked against the period and channel; the reach dashboard."""

from __future__ import annotations

import io
from typing import Any

import pytest

from jaga.audit.models import AuditEvent
from jaga.programs.campaigns.models import Campaign, CampaignActivity

pytestmark = pytest.mark.django_db


def test_a_campaign_its_activities_and_the_reach_dashboard(
    login_client: Any, programme_officer: Any, orgs: dict
) -> None:
    client = login_client(programme_officer)
    response = client.post(
        "/programs/campaigns/new/",
        {
            "title": "Sekolah Aman",
            "theme": "Grooming online",
            "audience": "Siswa SMP",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "provinces": ["51"],
            "partners": [str(orgs["ngo"].pk)],
        },
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/programs/campaigns/{campaign.pk}/"
    url = f"/programs/campaigns/{campaign.pk}/"
    visit = {
        "kind": "school_visit",
        "held_on": "2026-03-02",
        "region": "51.71",
        "girls": 40,
        "boys": 35,
        "women": 2,
        "men": 1,
    }
    # Refused: outside the period; in person with nobody reached; impressions for a school visit.
    page = client.post(url, {**visit, "held_on": "2025-12-01"}).content.decode()
    assert "di luar periode" in page
    page = client.post(url, {**visit, "girls": 0, "boys": 0, "women": 0, "men": 0}).content.decode()
    assert "kelompok usia" in page
    page = client.post(url, {**visit, "impressions": 500}).content.decode()
    assert "kegiatan daring" in page
    assert not CampaignActivity.objects.exists()
    assert client.post(url, visit).status_code == 302
    post = {"kind": "social_media", "held_on": "2026-03-05", "impressions": 12000, "engagement": 800}
    assert client.post(url, post).status_code == 302
    activity = CampaignActivity.objects.get(kind="school_visit")
    assert activity.channel == "in_person" and activity.participants == 78
    assert CampaignActivity.objects.get(kind="social_media").channel == "online"
    assert AuditEvent.objects.filter(action="programs.campaign.activity_added").count() == 2
    dashboard = client.get("/programs/campaigns/").content.decode()
    assert "<svg" in dashboard and "Bali: 78" in dashboard  # the map, with its province's count
    assert "<td>Bali</td><td>78</td>" in dashboard  # and its data table
    assert "12000" in dashboard
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(client.get("/programs/campaigns/", {"format": "xlsx"}).content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3 and rows[0][0] == "campaign"
    # The same reach through the API.
    from jaga.factories import PASSWORD

    api = login_client(programme_officer)
    token = api.post(
        "/api/v1/auth/token/", {"email": programme_officer.email, "password": PASSWORD}, content_type="application/json"
    ).json()["token"]
    body = api.get("/api/v1/programs/campaigns/", HTTP_AUTHORIZATION=f"Token {token}").json()
    assert (
        body[0]["provinces"] == ["51"] and body[0]["reach"]["girls"] == 40 and body[0]["reach"]["impressions"] == 12000
    )


def test_campaign_dates_must_make_sense(login_client: Any, programme_officer: Any) -> None:
    client = login_client(programme_officer)
    page = client.post(
        "/programs/campaigns/new/",
        {"title": "X", "theme": "Y", "audience": "Z", "starts_on": "2026-05-01", "ends_on": "2026-01-01"},
    ).content.decode()
    assert "sebelum tanggal mulai" in page and not Campaign.objects.exists()
