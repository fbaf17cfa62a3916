from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from jaga.accounts.models import User
from jaga.audit.models import AuditEvent
from jaga.cases.services import consent_record
from jaga.cases.subject import subject_restrict
from jaga.conftest import run_worker
from jaga.factories import case_input
from jaga.stats.aggregates import dashboard, grids, province_map_rows, stats_refresh
from jaga.stats.disclosure import TOTAL, attack

pytestmark = pytest.mark.django_db


def test_the_public_dashboard_hides_small_counts_and_what_would_reveal_them(figures: Any, anonymous: Client) -> None:
    page = anonymous.get("/statistik/?year=2025")
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html and 'role="img"' in html
    assert "Mode demo" not in html, "the staff's MFA notice is not for the public"
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
    page = anonymous.get("/statistik/?year=2025&province=35").content.decode()
    assert page.count("<svg") >= 5 and "Kota Surabaya" in page, "the regency map and table"
    assert board.regencies is not None and dict((c, s) for c, _n, s in board.regencies.rows)["35.78"] in ("12", "x")
    assert anonymous.get("/statistik/?year=2025&province=35").status_code == 200


def test_statistics_respect_consent_and_restriction(
    caseworker_jakarta: User, supervisor_jakarta: User, figures: Any
) -> None:
    from jaga.cases.inputs import ConsentInput

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
    for params, name in (({"year": "x"}, "year"), ({"province": "9"}, "province"), ({"form": "online"}, "form")):
        response = anonymous.get("/api/v1/stats/dashboard/", params)
        assert response.status_code == 400 and name in response.json(), params
    for params in ({"year": "1999"}, {"province": "99"}):  # well formed, but nothing there
        response = anonymous.get("/api/v1/stats/dashboard/", params)
        assert response.status_code == 404 and "detail" in response.json(), params


def test_crosstabs_for_analysts(
    figures: Any, login_client: Callable[..., Client], analyst_national: User, caseworker_jakarta: User
) -> None:
    client = login_client(analyst_national)
    page = client.get("/stats/crosstab/", {"dims": ["province", "sex"], "year": "2025"})
    assert page.status_code == 200 and "Jawa Timur" in page.content.decode()
    assert AuditEvent.objects.filter(action="stats.crosstab.viewed").exists()
    download = client.get("/stats/crosstab/", {"dims": ["province", "sex"], "year": "2025", "format": "csv"})
    assert download["Content-Type"].startswith("text/csv") and "Jawa Timur" in download.content.decode()
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
    national = login_client(analyst_national).get("/stats/?year=2025&form=travel_tourism")
    assert national.status_code == 200 and "Jawa Timur" in national.content.decode()
    filtered = dashboard(year=2025, form="travel_tourism")
    assert "form" not in filtered.tables and filtered.total_shown == "<5", "Bali's two travel cases, hidden"
    bali = login_client(supervisor_bali).get("/stats/?year=2025&province=35")
    assert bali.status_code == 200
    assert "Bali" in bali.content.decode().split("<h1>")[1].split("</h1>")[0], "a provincial unit sees its province"
    assert login_client(caseworker_bali).get("/stats/").status_code == 403
    export = login_client(analyst_national).get("/stats/table.csv", {"year": "2025", "table": "sex"})
    assert export.status_code == 200 and export.content.decode().splitlines()[-1].endswith(",52")
    assert AuditEvent.objects.filter(action="stats.table.exported").exists()
    xlsx = Client().get("/statistik/table.xlsx", {"year": "2025", "table": "province"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


@pytest.mark.django_db(transaction=True)
def test_a_new_case_reaches_the_figures_through_one_background_refresh(caseworker_jakarta: User) -> None:
    from django_tasks_db.models import DBTaskResult

    from jaga.cases.services import case_register
    from jaga.stats.models import Refresh

    for _n in range(3):
        case_register(actor=caseworker_jakarta, data=case_input(child={"nik": ""}))
    assert DBTaskResult.objects.filter(task_path__endswith="refresh_statistics").count() == 1, "one refresh queued"
    run_worker()
    assert Refresh.objects.get().cases == 3


def test_the_open_data_package_passes_frictionless(figures: Any, tmp_path: Any, anonymous: Client) -> None:
    import json
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    call_command("stats", "datapackage", "--out", str(tmp_path))
    package = json.loads((tmp_path / "datapackage.json").read_text())
    assert [r["path"] for r in package["resources"]] == ["cases_by_province.csv", "cases_by_dimension.csv"]
    frictionless = shutil.which("frictionless", path=str(Path(sys.executable).parent)) or "frictionless"
    result = subprocess.run(
        [frictionless, "validate", str(tmp_path / "datapackage.json")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-2000:]
    provinces = (tmp_path / "cases_by_province.csv").read_text().splitlines()
    assert "2025,ID,Indonesia,52" in provinces and "2025,51,Bali,<5" in provinces
    download = anonymous.get("/statistik/datapackage.zip")
    assert download.status_code == 200 and download.content[:2] == b"PK"


def test_dhis2_and_simfoni_exports(figures: Any, login_client: Callable[..., Client], analyst_national: User) -> None:
    from jaga.stats.exports import dhis2_data_value_set, simfoni_rows

    payload = dhis2_data_value_set(2025)
    assert {"dataElement": "JAGA_ESKA_CASES", "period": "202505", "orgUnit": "31", "value": "38"} in payload[
        "dataValues"
    ]
    assert not any(v["orgUnit"] == "51" for v in payload["dataValues"]), "Bali's 2 cases are hidden"
    rows = {(r[1], r[3], r[4]): r[5] for r in simfoni_rows(2025)}
    assert rows[("ID", "type", "seksual")] == "50" and rows[("ID", "age", "13-17")] == "52"
    client = login_client(analyst_national)
    assert client.get("/stats/dhis2.json", {"year": 2025}).json()["dataValues"]
    assert client.get("/stats/simfoni.csv", {"year": 2025}).content.decode().startswith("tahun,provinsi")
    assert client.get("/stats/simfoni.csv", {"year": 1990}).status_code == 404
    with pytest.raises(Exception, match="--year"):
        call_command("stats", "dhis2", "--year", "1990")


def test_researchers_download_a_k_anonymous_extract(
    figures: Any, login_client: Callable[..., Client], researcher: User, analyst_national: User
) -> None:
    import csv
    import io
    import zipfile
    from collections import Counter

    client = login_client(researcher)
    page = client.get("/stats/research/")
    assert page.status_code == 200 and "age_band" in page.content.decode()
    download = client.post("/stats/research/")
    archive = zipfile.ZipFile(io.BytesIO(download.content))
    assert sorted(archive.namelist()) == ["README.txt", "data_dictionary.csv", "records.csv"]
    rows = list(csv.DictReader(io.StringIO(archive.read("records.csv").decode())))
    assert set(rows[0]) == {"record", "year", "province", "age_band", "sex", "forms", "source", "services"}
    groups = Counter((r["age_band"], r["sex"], r["province"], r["year"]) for r in rows)
    assert min(groups.values()) >= 5, "k-anonymity on the quasi-identifiers"
    assert not any(r["province"] == "51" for r in rows), "Bali's two cases are generalised or left out"
    readme = archive.read("README.txt").decode()
    assert f"{len(rows)} case records" in readme and "Generalised province to * in" in readme
    event = AuditEvent.objects.get(action="stats.research_extract.downloaded")
    assert event.details["records"] == len(rows)
    everything = archive.read("records.csv").decode()
    assert "Sinta" not in everything and "3171" not in everything
    assert login_client(analyst_national).get("/stats/research/").status_code == 403
