"""The statistics pages beyond the figures (test_stats.py): before the first refresh, asking for one,
exports that are asked for what does not exist, the crosstab page, and the public table files."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from jaga.accounts.models import User
from jaga.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_before_the_first_refresh_every_page_answers_without_figures(
    anonymous: Client, login_client: Callable[..., Client], analyst_national: User
) -> None:
    page = anonymous.get("/statistik/")
    assert page.status_code == 200 and "<svg" not in page.content.decode()
    assert anonymous.get("/statistik/datapackage.zip").status_code == 404
    assert anonymous.get("/statistik/table.csv", {"table": "sex"}).status_code == 404
    assert login_client(analyst_national).get("/stats/").status_code == 200
    api = anonymous.get("/api/v1/stats/dashboard/")
    assert api.status_code == 400 and "yet" in api.json()["year"], "the API says why there is nothing to show"


def test_an_analyst_asks_for_a_refresh_which_is_queued_and_audited(
    login_client: Callable[..., Client], analyst_national: User, caseworker_jakarta: User
) -> None:
    from django_tasks_db.models import DBTaskResult

    analyst = login_client(analyst_national)
    assert analyst.get("/stats/refresh/").status_code == 405, "a change is never a GET"
    answer = analyst.post("/stats/refresh/")
    assert answer.status_code == 302 and answer["Location"] == "/stats/"
    assert DBTaskResult.objects.filter(task_path__endswith="refresh_statistics", status="READY").count() == 1
    assert AuditEvent.objects.filter(action="stats.refresh.requested", actor_id=analyst_national.pk).exists()
    assert login_client(caseworker_jakarta).post("/stats/refresh/").status_code == 403


def test_exports_of_what_does_not_exist_answer_404(
    figures: Any, anonymous: Client, login_client: Callable[..., Client], analyst_national: User
) -> None:
    analyst = login_client(analyst_national)
    assert analyst.get("/stats/table.pdf", {"year": "2025", "table": "sex"}).status_code == 404
    assert analyst.get("/stats/table.csv", {"year": "2025", "table": "shoe_size"}).status_code == 404
    assert anonymous.get("/statistik/table.csv", {"year": "2025", "table": "shoe_size"}).status_code == 404


def test_the_public_province_table_hides_the_small_count_as_the_map_does(figures: Any, anonymous: Client) -> None:
    rows = anonymous.get("/statistik/table.csv", {"year": "2025", "table": "province"}).content.decode()
    bali = next(line for line in rows.splitlines() if line.startswith("Bali"))
    assert bali.endswith(",<5"), "two cases in Bali are shown as fewer than five"
    assert ",2" not in bali


def test_the_crosstab_page_refuses_a_fourth_dimension_and_audits_what_it_shows(
    figures: Any, login_client: Callable[..., Client], analyst_national: User
) -> None:
    analyst = login_client(analyst_national)
    four = analyst.get("/stats/crosstab/", {"dims": ["sex", "age_band", "form", "source"], "year": "2025"})
    assert four.status_code == 200 and "paling banyak tiga" in four.content.decode().lower()
    assert not AuditEvent.objects.filter(action="stats.crosstab.viewed").exists()
    two = analyst.get("/stats/crosstab/", {"dims": ["sex", "age_band"], "year": "2025"})
    assert two.status_code == 200
    seen = AuditEvent.objects.get(action="stats.crosstab.viewed")
    assert seen.details["dims"] == ["sex", "age_band"] and seen.actor_id == analyst_national.pk
    csv = analyst.get("/stats/crosstab/", {"dims": ["sex"], "year": "2025", "format": "csv"})
    assert csv.status_code == 200 and csv.content.decode().splitlines()[0].startswith("Jenis kelamin")
