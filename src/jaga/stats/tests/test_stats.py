from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from jaga.accounts.models import User
from jaga.audit.models import AuditEvent
from jaga.cases.models import Case
from jaga.cases.services import cases_bulk_register, consent_record
from jaga.cases.subject import subject_restrict
from jaga.conftest import case_input
from jaga.stats.aggregates import dashboard, grids, province_map_rows, stats_refresh
from jaga.stats.disclosure import TOTAL, attack

pytestmark = pytest.mark.django_db


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


def test_the_public_dashboard_hides_small_counts_and_what_would_reveal_them(figures: Any, anonymous: Client) -> None:
    page = anonymous.get("/statistik/?year=2025")
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html and 'role="img"' in html
    board = dashboard(year=2025)
    shown = {name: shown for _code, name, shown, _n in province_map_rows(board)}
    assert shown["Bali"] == "<5"
    assert "x" in {shown["Daerah Khusus Ibukota Jakarta"], shown["Jawa Timur"]}, "a complement hides the Bali count"
    assert board.total_shown == "52"
    assert "52" in html and "&lt;5" in html
    found = grids(year=2025)
    for dim, table in found.tables.items():
        assert not attack(table), dim
        for i in range(len(found.provinces)):  # margins agree with the province totals table
            if (i, TOTAL) in table.values:
                assert ((i, TOTAL) in table.suppressed) == ((i, 0) in found.totals.suppressed), dim
    assert not attack(found.totals)


def test_a_province_dashboard_and_its_regencies(figures: Any, anonymous: Client) -> None:
    board = dashboard(year=2025, province="35")
    assert board.total_shown in ("12", "x")
    assert board.regencies is not None and dict((c, s) for c, _n, s in board.regencies.rows)["35.78"] in ("12", "x")
    assert anonymous.get("/statistik/?year=2025&province=35").status_code == 200


def test_statistics_respect_consent_and_restriction(
    caseworker_jakarta: User, supervisor_jakarta: User, figures: Any
) -> None:
    from jaga.cases.services import ConsentInput

    first, second = figures["jakarta"][:2]
    consent_record(actor=caseworker_jakarta, case=first, consent=ConsentInput(given_by="guardian", statistics=False))
    subject_restrict(actor=supervisor_jakarta, case=second, restrict=True)
    run = stats_refresh()
    assert (run.cases, run.excluded) == (50, 2)
    assert dashboard(year=2025).total_shown == "50"


def test_the_aggregate_api_and_its_errors(figures: Any, anonymous: Client) -> None:
    body = anonymous.get("/api/v1/stats/dashboard/", {"year": 2025}).json()
    assert body["counting"] == "cases" and body["total"] == "52"
    bali = next(p for p in body["provinces"] if p["code"] == "51")
    assert bali == {"code": "51", "name": "Bali", "count": None, "shown": "<5"}
    sex = next(t for t in body["tables"] if t["dimension"] == "sex")
    assert {r["value"]: r["count"] for r in sex["rows"]}["male"] in (8, None)
    for params, name in (
        ({"year": 1999}, "year"),
        ({"year": "x"}, "year"),
        ({"province": "99"}, "province"),
        ({"form": "online"}, "form"),
    ):
        response = anonymous.get("/api/v1/stats/dashboard/", params)
        assert response.status_code == 400 and name in response.json(), params


def test_crosstabs_for_analysts(
    figures: Any, login_client: Callable[..., Client], analyst_national: User, caseworker_jakarta: User
) -> None:
    client = login_client(analyst_national)
    page = client.get("/stats/crosstab/", {"dims": ["province", "sex"], "year": "2025"})
    assert page.status_code == 200 and "Jawa Timur" in page.content.decode()
    assert AuditEvent.objects.filter(action="stats.crosstab.viewed").exists()
    many = client.get("/stats/crosstab/", {"dims": ["regency", "form", "source"]})
    assert "sel" in many.content.decode().lower() or "cells" in many.content.decode().lower()
    api = client.get("/api/v1/stats/crosstab/", {"dims": "sex,age_band", "year": "2025"})
    assert api.status_code == 200, api.content
    counts = {tuple(c["values"]): c["count"] for c in api.json()["cells"]}
    assert counts[(None, None)] == 52 and counts[("male", None)] == 8
    assert client.get("/api/v1/stats/crosstab/", {"dims": "sex,nope"}).status_code == 400
    assert client.get("/api/v1/stats/crosstab/", {"dims": "sex,form,source,year"}).status_code == 400
    assert login_client(caseworker_jakarta).get("/api/v1/stats/crosstab/", {"dims": "sex"}).status_code == 403
    assert Client().get("/api/v1/stats/crosstab/", {"dims": "sex"}).status_code in (401, 403)


def test_dashboards_by_scope_and_exports(
    figures: Any,
    login_client: Callable[..., Client],
    analyst_national: User,
    supervisor_bali: User,
    caseworker_bali: User,
) -> None:
    national = login_client(analyst_national).get("/stats/?year=2025&form=online")
    assert national.status_code == 200 and "Jawa Timur" in national.content.decode()
    bali = login_client(supervisor_bali).get("/stats/?year=2025&province=35")
    assert bali.status_code == 200
    assert "Bali" in bali.content.decode().split("<h1>")[1].split("</h1>")[0], "a provincial unit sees its province"
    assert login_client(caseworker_bali).get("/stats/").status_code == 403
    export = login_client(analyst_national).get("/stats/table.csv", {"year": 2025, "table": "sex"})
    assert export.status_code == 200 and export.content.decode().splitlines()[-1].endswith(",52")
    assert AuditEvent.objects.filter(action="stats.table.exported").exists()
    xlsx = Client().get("/statistik/table.xlsx", {"year": 2025, "table": "province"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


@pytest.mark.django_db(transaction=True)
def test_the_worker_refreshes_the_figures(caseworker_jakarta: User) -> None:
    from jaga.stats.models import Refresh
    from jaga.stats.tasks import refresh_statistics

    register(caseworker_jakarta, 3)
    refresh_statistics.enqueue()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert Refresh.objects.get().cases == 3
