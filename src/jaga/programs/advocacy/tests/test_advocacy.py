"""Advocacy: asks on a board by stage, activities with follow-ups, stage moves that need evidence."""

from __future__ import annotations

import io
from typing import Any

import pytest

from jaga.audit.models import AuditEvent
from jaga.programs.advocacy.models import AdvocacyActivity, Ask, StageChange

pytestmark = pytest.mark.django_db


def new_ask(client: Any, orgs: dict, **overrides: str) -> Any:
    data = {
        "institution": "DPRD Provinsi Bali",
        "level": "province",
        "region": "51",
        "title": "Perda perlindungan anak dari eksploitasi seksual",
        "kind": "regulation",
        "lead": str(orgs["ngo"].pk),
        **overrides,
    }
    return client.post("/programs/advocacy/new/", data)


def test_an_ask_moves_across_the_board_with_evidence(login_client: Any, programme_officer: Any, orgs: dict) -> None:
    client = login_client(programme_officer)
    response = new_ask(client, orgs)
    ask = Ask.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/programs/advocacy/{ask.pk}/"
    assert ask.stage == "identified"
    board = client.get("/programs/advocacy/").content.decode()
    assert 'id="stage-identified"' in board and ask.title in board
    url = f"/programs/advocacy/{ask.pk}/"
    # Without evidence, or in the future, nothing moves.
    page = client.post(
        url, {"action": "stage", "stage-stage": "engaged", "stage-changed_on": "2026-02-01", "stage-evidence": ""}
    )
    assert page.status_code == 200 and "Sebutkan apa yang menunjukkannya" in page.content.decode()
    page = client.post(
        url, {"action": "stage", "stage-stage": "engaged", "stage-changed_on": "2999-01-01", "stage-evidence": "x"}
    )
    assert "masa depan" in page.content.decode()
    ask.refresh_from_db()
    assert ask.stage == "identified" and not StageChange.objects.exists()
    response = client.post(
        url,
        {
            "action": "stage",
            "stage-stage": "engaged",
            "stage-changed_on": "2026-02-01",
            "stage-evidence": "Audiensi, notulen 12/II",
        },
    )
    assert response.status_code == 302
    ask.refresh_from_db()
    assert ask.stage == "engaged" and str(ask.stage_since) == "2026-02-01"
    assert AuditEvent.objects.get(action="programs.ask.stage_moved").details == {"from": "identified", "to": "engaged"}
    board = client.get("/programs/advocacy/").content.decode()
    engaged = board.split('id="stage-engaged"', 1)[1].split("</section>", 1)[0]
    assert ask.title in engaged
    # An activity with a follow-up; a follow-up due before the meeting is refused.
    bad = {
        "action": "activity",
        "activity-kind": "meeting",
        "activity-held_on": "2026-02-01",
        "activity-follow_up_due": "2026-01-01",
    }
    assert client.post(url, bad).status_code == 200 and not AdvocacyActivity.objects.exists()
    good = {**bad, "activity-follow_up": "Kirim naskah akademik", "activity-follow_up_due": "2026-03-01"}
    assert client.post(url, good).status_code == 302
    assert "Kirim naskah akademik" in client.get(url).content.decode()
    # The board downloads as XLSX.
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(client.get("/programs/advocacy/", {"format": "xlsx"}).content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][3] == ask.title and rows[1][6] == "engaged"


def test_the_region_must_match_the_level(login_client: Any, programme_officer: Any, orgs: dict) -> None:
    client = login_client(programme_officer)
    page = new_ask(client, orgs, level="national").content.decode()
    assert "tidak memiliki wilayah" in page
    page = new_ask(client, orgs, level="regency").content.decode()
    assert "sesuai dengan tingkatnya" in page
    assert not Ask.objects.exists()


def test_the_api_lists_asks_by_stage(programme_officer: Any, orgs: dict, client: Any, login_client: Any) -> None:
    from jaga.factories import PASSWORD

    new_ask(login_client(programme_officer), orgs)
    token = client.post(
        "/api/v1/auth/token/", {"email": programme_officer.email, "password": PASSWORD}, content_type="application/json"
    ).json()["token"]
    headers = {"HTTP_AUTHORIZATION": f"Token {token}"}
    assert [a["stage"] for a in client.get("/api/v1/programs/advocacy/asks/", **headers).json()] == ["identified"]
    assert client.get("/api/v1/programs/advocacy/asks/", {"stage": "adopted"}, **headers).json() == []
    assert client.get("/api/v1/programs/advocacy/asks/", {"stage": "maybe"}, **headers).status_code == 400
