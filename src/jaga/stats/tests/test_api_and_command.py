"""The statistics API's cross-tabulation (scope, limits, suppression, audit) and `jaga stats` (each
action, and each mistake answered with what to do)."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jaga.accounts.models import User
from jaga.audit.models import AuditEvent
from jaga.conftest import api_client

pytestmark = pytest.mark.django_db


def test_the_crosstab_api_keeps_a_provincial_unit_to_its_province_and_hides_small_cells(
    figures: Any, analyst_national: User, supervisor_bali: User, caseworker_jakarta: User
) -> None:
    national = api_client(analyst_national).get("/api/v1/stats/crosstab/", {"dims": "sex", "year": "2025"})
    assert national.status_code == 200 and national.json()["province"] is None
    cells = {cell["values"][0]: cell for cell in national.json()["cells"]}
    assert cells["female"]["count"] == 44 and cells["male"]["count"] == 8
    bali = api_client(supervisor_bali).get("/api/v1/stats/crosstab/", {"dims": "sex", "year": "2025", "province": "31"})
    assert bali.json()["province"] == "51", "a unit's figures are its own province's, whatever it asks"
    shown = {cell["shown"] for cell in bali.json()["cells"] if cell["values"][0] == "female"}
    assert shown == {"<5"} and all(c["count"] is None for c in bali.json()["cells"] if c["shown"] == "<5")
    assert AuditEvent.objects.filter(action="stats.crosstab.viewed").count() == 2
    assert api_client(caseworker_jakarta).get("/api/v1/stats/crosstab/", {"dims": "sex"}).status_code == 403


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"dims": "sex,age_band,form,source"}, "dims"),
        ({"dims": "shoe_size"}, "dims"),
        ({"dims": "sex", "year": "25"}, "year"),
        ({"dims": "sex", "province": "9"}, "province"),
    ],
)
def test_the_crosstab_api_names_the_parameter_it_refuses(
    figures: Any, analyst_national: User, params: dict[str, str], field: str
) -> None:
    answer = api_client(analyst_national).get("/api/v1/stats/crosstab/", params)
    assert answer.status_code == 400 and field in answer.json(), answer.json()


def test_the_command_refreshes_and_writes_each_file(figures: Any, tmp_path: Path) -> None:
    out = StringIO()
    call_command("stats", "refresh", stdout=out)
    assert out.getvalue().startswith("52 cases counted")
    call_command("stats", "simfoni", "--year", "2025", "--out", str(tmp_path / "simfoni.csv"), stdout=StringIO())
    assert (tmp_path / "simfoni.csv").read_text(encoding="utf-8").count("\n") > 1
    call_command("stats", "dhis2", "--out", str(tmp_path / "dhis2.json"), stdout=StringIO())
    assert '"dataValues"' in (tmp_path / "dhis2.json").read_text(encoding="utf-8")


def test_the_command_says_what_to_do_when_it_cannot(figures: Any, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="--out DIR is required"):
        call_command("stats", "datapackage")
    with pytest.raises(CommandError, match=r"no figures for 1999; there are figures for 2025"):
        call_command("stats", "dhis2", "--year", "1999")


def test_before_any_refresh_the_command_asks_for_one() -> None:
    with pytest.raises(CommandError, match="run `jaga stats refresh` first"):
        call_command("stats", "simfoni")
