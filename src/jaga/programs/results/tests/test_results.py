"""The results framework: baselines and targets set by officers, actuals computed from the data per year and region."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest

from jaga.audit.models import AuditEvent
from jaga.factories import PASSWORD
from jaga.programs.advocacy.models import Ask, StageChange
from jaga.programs.campaigns.models import Campaign, CampaignActivity
from jaga.programs.results import services as results
from jaga.programs.results.models import Indicator
from jaga.programs.training.services import (
    ParticipantInput,
    module_create,
    participant_add,
    score_enter,
    session_create,
)

pytestmark = pytest.mark.django_db


def _by_measure(rows: list[results.Row]) -> dict[str, results.Row]:
    return {row.indicator.measure: row for row in rows}


def test_actuals_come_from_the_data_per_year_and_province(
    programme_officer: Any, orgs: dict, register_case: Any, caseworker_bali: Any
) -> None:
    for measure in Indicator.Measure.values:
        results.baseline_set(actor=programme_officer, measure=measure, baseline=1, baseline_year=2025)
    # Training: one session in Bali (attended: 2, gain 30 and 10), one in Jakarta.
    module = module_create(
        actor=programme_officer, title="M", audience="police", language="id", objectives="o", pass_mark=70
    )
    sessions: list[tuple[str, list[tuple[int, int | None, bool]]]] = [
        ("51.71", [(40, 70, True), (60, 70, True), (50, None, False)]),
        ("31.71", [(0, 100, True)]),
    ]
    for region, scores in sessions:
        session = session_create(
            actor=programme_officer, organisations=[], module=module, starts_on=date(2026, 5, 1),
            ends_on=date(2026, 5, 1), online=False, place="X", region_id=region, trainers="T",
        )  # fmt: skip
        for pre, post, attended in scores:
            person = participant_add(
                actor=programme_officer,
                session=session,
                data=ParticipantInput(full_name="P", sex="male", attended=attended),
            )
            score_enter(actor=programme_officer, participant=person, kind="pre", score=pre)
            if post is not None:
                score_enter(actor=programme_officer, participant=person, kind="post", score=post)
    # Campaigns: 30 reached in Bali in 2026, 5 in 2025.
    campaign = Campaign.objects.create(title="C", theme="t", audience="a", starts_on=date(2025, 1, 1))
    CampaignActivity.objects.create(
        campaign=campaign, kind="workshop", channel="in_person", held_on=date(2026, 2, 1), region_id="51.71", girls=30
    )
    CampaignActivity.objects.create(
        campaign=campaign, kind="workshop", channel="in_person", held_on=date(2025, 2, 1), region_id="51.71", boys=5
    )
    # Advocacy: a Bali ask adopted in 2026.
    ask = Ask.objects.create(
        institution="DPRD", level="province", region_id="51", title="Perda", kind="regulation", lead=orgs["ngo"]
    )
    StageChange.objects.create(
        ask=ask, from_stage="drafted", to_stage="adopted", changed_on=date(2026, 7, 1), evidence="e"
    )
    # Cases: two registered in Bali in 2026.
    for _ in range(2):
        register_case(caseworker_bali, registered_on=date(2026, 3, 1), exploitation_regency="51.71")

    national = _by_measure(results.framework(2026))
    bali = _by_measure(results.framework(2026, "51"))
    jakarta = _by_measure(results.framework(2026, "31"))
    assert (national["professionals_trained"].actual, bali["professionals_trained"].actual) == (3, 2)
    assert bali["knowledge_gain"].actual == 20 and jakarta["knowledge_gain"].actual == 100
    assert (
        bali["campaign_reach"].actual == 30 and _by_measure(results.framework(2025, "51"))["campaign_reach"].actual == 5
    )
    assert bali["asks_adopted"].actual == 1 and jakarta["asks_adopted"].actual == 0
    assert bali["cases_registered"].actual == 2 and jakarta["cases_registered"].actual == 0
    assert bali["share_referred"].actual == 0 and jakarta["share_referred"].actual is None  # no cases: no share

    results.target_set(actor=programme_officer, measure="professionals_trained", year=2026, province=None, target=6)
    row = _by_measure(results.framework(2026))["professionals_trained"]
    assert (row.target, row.actual, row.progress) == (6, 3, 50)
    assert _by_measure(results.framework(2026, "51"))["professionals_trained"].target is None  # no Bali target
    with pytest.raises(Exception, match="100"):
        results.target_set(
            actor=programme_officer, measure="share_referred", year=2026, province=None, target=120,
        )  # fmt: skip


def test_the_results_page_sets_targets_and_shows_progress(login_client: Any, programme_officer: Any) -> None:
    client = login_client(programme_officer)
    page = client.post(
        "/programs/results/?year=2026",
        {"action": "target", "target-measure": "campaign_reach", "target-year": 2026, "target-target": 100},
    ).content.decode()
    assert "baseline indikator ini" in page  # a baseline comes first
    client.post(
        "/programs/results/?year=2026",
        {
            "action": "baseline",
            "baseline-measure": "campaign_reach",
            "baseline-baseline": 0,
            "baseline-baseline_year": 2025,
        },
    )
    response = client.post(
        "/programs/results/?year=2026",
        {"action": "target", "target-measure": "campaign_reach", "target-year": 2026, "target-target": 100},
    )
    assert response.status_code == 302
    page = client.get("/programs/results/", {"year": 2026}).content.decode()
    assert "Orang yang dijangkau kampanye" in page and "<meter" in page and "0%" in page
    assert AuditEvent.objects.filter(action="programs.results.target_set").exists()
    from openpyxl import load_workbook

    download = client.get("/programs/results/", {"year": 2026, "format": "xlsx"})
    row = list(load_workbook(io.BytesIO(download.content)).active.iter_rows(values_only=True))[1]
    assert row[1:3] == ("campaign_reach", "Orang yang dijangkau kampanye secara tatap muka")
    token = client.post(
        "/api/v1/auth/token/", {"email": programme_officer.email, "password": PASSWORD}, content_type="application/json"
    ).json()["token"]
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
    body = client.get("/api/v1/programs/results/", {"year": 2026}, **auth).json()
    assert body == [
        {
            "programme": "campaigns",
            "indicator": "campaign_reach",
            "baseline": 0.0,
            "baseline_year": 2025,
            "target": 100.0,
            "actual": 0.0,
            "progress": 0,
        }
    ]
    bad = client.get("/api/v1/programs/results/", {"province": "99"}, **auth)
    assert bad.status_code == 400 and set(bad.json()) >= {"year", "province"}
    assert client.get("/api/v1/programs/training/sessions/", {"year": "x"}, **auth).status_code == 400
