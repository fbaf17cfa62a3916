"""The dashboard's tables as published, checked number by number on the shared figures (52 cases in
2025: 38 in Jakarta, 2 in Bali, 12 in Surabaya; 44 girls and 8 boys): the months, a province with its
regencies, unknown sexes, "not recorded" only where something is not, and the threshold from the settings."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from jaga.accounts.models import User
from jaga.cases.services import cases_bulk_register
from jaga.factories import case_input
from jaga.stats.aggregates import dashboard, stats_refresh, years_available

pytestmark = pytest.mark.django_db


def test_every_case_falls_in_its_month_and_the_margins_add_up(figures: Any) -> None:
    board = dashboard(year=2025)
    months = board.months.numbers
    assert months["5"] == 52 and all(months[str(m)] in (0, None) for m in range(1, 13) if m != 5)
    assert board.total_shown == "52" and years_available() == [2025]
    assert board.tables["sex"].numbers == {"female": 44, "male": 8, "unknown": 0}
    assert "" not in board.tables["sex"].numbers, "no 'not recorded' row where every case says its sex"


def test_a_province_shows_its_regencies_and_hides_what_is_small(figures: Any) -> None:
    jakarta = dashboard(year=2025, province="31")
    assert jakarta.regencies is not None
    assert jakarta.regencies.numbers["31.71"] == 38 and jakarta.total_shown == "38"
    bali = dashboard(year=2025, province="51")
    assert bali.total_shown == "<5" and bali.regencies is not None
    assert bali.regencies.numbers.get("51.71") is None, "two cases in Denpasar are not shown as two"
    assert dashboard(year=2025, province="11").total_shown == "0", "a province with no case says none"


def test_children_whose_sex_is_unknown_are_counted_as_unknown(figures: Any, caseworker_jakarta: User) -> None:
    cases_bulk_register(
        actor=caseworker_jakarta,
        inputs=[
            case_input(registered_on=date(2025, 6, 1), child={"nik": "", "sex": "unknown", "date_of_birth": None})
            for _ in range(6)
        ],
    )
    stats_refresh()
    board = dashboard(year=2025)
    assert board.total_shown == "58"
    assert board.months.numbers["6"] == 6
    assert board.tables["sex"].numbers == {"female": 44, "male": 8, "unknown": 6}, "the rows add up to the total"


def test_the_threshold_comes_from_the_settings(figures: Any, settings: Any) -> None:
    settings.JAGA_STATS_THRESHOLD = 1
    stats_refresh()
    board = dashboard(year=2025, province="51")
    assert board.threshold == 1 and board.total_shown == "2", "with a threshold of one, two may be shown"
