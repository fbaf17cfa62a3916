"""A small registry for the annual report: cases in 2024 and 2025 in Jakarta and Bali (some provinces with
1 to 4 children, so that small cells exist), a hotline report, a head of the ministry, planted names."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from jaga.accounts.models import Role, User
from jaga.core.tests.test_browser import browser, page  # noqa: F401  (the browser test's fixtures)
from jaga.factories import UserFactory, case_input

PLANTED = ["Kirana Rahasia Uji", "Bayu Tersembunyi Uji", "Petugas Rahasia Uji"]


@pytest.fixture
def head(orgs: dict[str, Any]) -> User:
    return UserFactory.create(
        email="head@test.example", full_name="Kepala Uji", organisation=orgs["ministry"], roles=[Role.HEAD]
    )


@pytest.fixture
def registry(persona: Any, orgs: dict[str, Any]) -> dict[str, Any]:
    from jaga.cases.services import cases_bulk_register
    from jaga.stats.aggregates import stats_refresh

    caseworker = persona("caseworker_jakarta")
    caseworker.full_name = PLANTED[2]
    caseworker.save(update_fields=["full_name"])
    bali = persona("caseworker_bali")
    inputs = []
    for k in range(12):
        child = {"nik": "", "full_name": f"{PLANTED[k % 2]} {k}", "sex": "female" if k % 3 else "male"}
        forms = ["online"] if k % 2 else ["prostitution"]
        inputs.append(case_input(registered_on=date(2025, 1 + k, 3), child=child, forms=forms))
    for k in range(7):
        inputs.append(case_input(registered_on=date(2024, 2 + k, 9), child={"nik": "", "full_name": f"Anak Lama {k}"}))
    cases_bulk_register(actor=caseworker, inputs=inputs)
    cases_bulk_register(
        actor=bali,
        inputs=[
            case_input(
                registered_on=date(2025, 6, 1),
                exploitation_regency="51.71",
                child={"nik": "", "full_name": f"{PLANTED[0]} Bali {k}"},
            )
            for k in range(3)
        ],
    )
    stats_refresh()
    return {"caseworker": caseworker}
