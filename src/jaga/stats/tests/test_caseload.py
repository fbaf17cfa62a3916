"""Caseload insights: days to each step (median, 90th percentile), referrals, overdue tasks; exact for a
unit's supervisors, through disclosure control beyond the unit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client

from jaga.accounts.models import User
from jaga.cases.models import Case

pytestmark = pytest.mark.django_db


def _cases(register_case: Callable[..., Case], actor: User, days: list[int]) -> list[Case]:
    """Cases registered on 1 March 2026, assessed ``days`` later (one per number)."""
    made = []
    for number in days:
        case = register_case(actor, registered_on=date(2026, 3, 1))
        Case.objects.filter(pk=case.pk).update(assessed_on=date(2026, 3, 1) + timedelta(days=number))
        made.append(case)
    return made


def test_a_supervisor_sees_the_unit_exactly_with_median_and_90th_percentile(
    login_client: Callable[..., Client],
    caseworker_jakarta: User,
    supervisor_jakarta: User,
    register_case: Callable[..., Case],
) -> None:
    _cases(register_case, caseworker_jakarta, [1, 2, 3, 4, 5, 6, 7, 8, 9, 20])
    client = login_client(supervisor_jakarta)
    page = client.get("/stats/caseload/", {"year": "2026"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "<svg" in text and "<table" in text, "a chart with its table"
    rows = client.get("/stats/caseload/", {"year": "2026", "format": "csv"}).content.decode("utf-8-sig").splitlines()
    cells = rows[1].split(",")
    assert cells[1:5] == ["10", "10", "6", "9"], "10 registered, 10 assessed, median 5.5 days (6), 90th percentile 9"
    assert caseworker_jakarta.full_name in text, "the caseload per caseworker"


def test_beyond_the_unit_small_numbers_are_hidden(
    login_client: Callable[..., Client],
    caseworker_jakarta: User,
    caseworker_bali: User,
    analyst_national: User,
    register_case: Callable[..., Case],
) -> None:
    _cases(register_case, caseworker_jakarta, [2, 4, 6, 8, 10, 12])
    bali = [register_case(caseworker_bali, registered_on=date(2026, 3, 1), exploitation_regency="51.71")]
    Case.objects.filter(pk=bali[0].pk).update(assessed_on=date(2026, 3, 4))
    client = login_client(analyst_national)
    assert client.get("/stats/caseload/", {"by": "unit"}).status_code == 200, "an unknown choice falls back"
    lines = _province_rows(client)
    bali_row = lines["Bali"]
    assert bali_row[1] == "<5" and bali_row[3] == "…", "one child: hidden, and no median about them"
    assert lines["Daerah Khusus Ibukota Jakarta"][1] == "x", "and the cell that would give it away"
    for _n in range(5):
        more = register_case(caseworker_bali, registered_on=date(2026, 3, 1), exploitation_regency="51.71")
        Case.objects.filter(pk=more.pk).update(assessed_on=date(2026, 3, 4))
    lines = _province_rows(client)
    assert lines["Daerah Khusus Ibukota Jakarta"][1:5] == ["6", "6", "7", "12"], "enough cases: shown"
    assert lines["Bali"][1:5] == ["6", "6", "3", "3"]


def _province_rows(client: Client) -> dict[str, list[str]]:
    answer = client.get("/stats/caseload/", {"year": "2026", "by": "province", "format": "csv"})
    csv = answer.content.decode("utf-8-sig")
    return {line.split(",")[0]: line.split(",") for line in csv.splitlines()[1:]}


def test_only_readers_of_statistics_see_insights(
    login_client: Callable[..., Client], caseworker_jakarta: User, persona: Any
) -> None:
    assert login_client(caseworker_jakarta).get("/stats/caseload/").status_code == 403
