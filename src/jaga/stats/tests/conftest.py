"""The statistics tests' shared figures: 52 cases in 2025 over Jakarta, Bali and Surabaya."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from jaga.accounts.models import User
from jaga.cases.models import Case
from jaga.cases.services import cases_bulk_register
from jaga.factories import case_input
from jaga.stats.aggregates import stats_refresh


def register(actor: User, count: int, **overrides: Any) -> list[Case]:
    base = {"registered_on": date(2025, 5, 1), "child": {"nik": "", "date_of_birth": date(2011, 2, 3)}, **overrides}
    return cases_bulk_register(actor=actor, inputs=[case_input(**base) for _ in range(count)])


@pytest.fixture
def figures(caseworker_jakarta: User, caseworker_bali: User) -> dict[str, list[Case]]:
    made = {
        "jakarta": register(caseworker_jakarta, 30, forms=["online"]),
        "jakarta_boys": register(
            caseworker_jakarta, 8, child={"sex": "male", "nik": "", "date_of_birth": date(2011, 2, 3)}
        ),
        "bali": register(caseworker_bali, 2, exploitation_regency="51.71", forms=["travel_tourism"]),
        "surabaya": register(caseworker_jakarta, 12, exploitation_regency="35.78"),
    }
    stats_refresh()
    return made
