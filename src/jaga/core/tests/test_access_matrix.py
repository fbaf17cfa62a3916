"""The access matrix beyond cases (issue: architecture, point 6): every persona against the main page
and API of the hotline, statistics, linkage and programmes. Written out by hand from the roles table in
the README, not derived from the code's own permission table: a role that gains or loses a door by
mistake fails here."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from jaga.accounts.models import User
from jaga.conftest import PERSONAS, api_client

pytestmark = pytest.mark.django_db

STATS = {"supervisor_jakarta", "supervisor_bali", "analyst_national", "researcher", "linkage_officer",
         "programme_officer"}  # fmt: skip
# (what, URL, the personas it lets in); everyone else is refused (403, or the login page's 302 never).
PAGES = [
    ("hotline queue", "/hotline/", {"hotline_operator"}),
    ("statistics dashboard", "/stats/", STATS),
    ("research extract", "/stats/research/", {"researcher"}),
    ("linkage dashboard", "/linkage/", {"linkage_officer"}),
    ("pairs to review", "/linkage/review/", {"linkage_officer"}),
    ("partners", "/programs/partners/", {"programme_officer"}),
    ("training", "/programs/training/", {"programme_officer"}),
    ("The Code report", "/programs/code/report/", {"partner_hotel"}),
    ("audit log", "/audit/", {"system_admin"}),
    ("organisations", "/accounts/organisations/", {"system_admin"}),
    ("users", "/accounts/users/", {"org_admin_jakarta", "org_admin_bali", "system_admin"}),
]
API = [
    ("partners", "/api/v1/programs/partners/", {"programme_officer"}),
    ("results", "/api/v1/programs/results/", {"programme_officer"}),
    ("partner reports", "/api/v1/hotline/reports/", {"partner_hotel"}),
    ("crosstab", "/api/v1/stats/crosstab/?rows=form", STATS),
    ("cases", "/api/v1/cases/", {"caseworker_jakarta", "supervisor_jakarta", "caseworker_bali", "supervisor_bali"}),
    ("tasks", "/api/v1/tasks/", {"caseworker_jakarta", "supervisor_jakarta", "caseworker_bali", "supervisor_bali"}),
]


@pytest.mark.parametrize("name", sorted(PERSONAS))
def test_every_role_opens_exactly_its_pages_and_api(
    persona: Callable[[str], User], login_client: Callable[..., Client], name: str
) -> None:
    user = persona(name)
    page, api = login_client(user), api_client(user)
    wrong = []
    for what, url, allowed in PAGES:
        status = page.get(url).status_code
        if status != (200 if name in allowed else 403):
            wrong.append(f"page {what} ({url}): {status}")
    for what, url, allowed in API:
        status = api.get(url).status_code
        # Let in: 200, or 400/404 for a query the view answers after the door (a partner asking after a
        # report it never sent); kept out: 403.
        if (status in (200, 400, 404)) != (name in allowed) or status not in (200, 400, 403, 404):
            wrong.append(f"API {what} ({url}): {status}")
    assert not wrong, f"{name}: {wrong}"
