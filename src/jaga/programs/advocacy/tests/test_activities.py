"""An ask's activities and who may move asks (the board itself: test_advocacy.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from jaga.accounts.models import Organisation, User
from jaga.audit.models import AuditEvent
from jaga.programs.advocacy.models import Ask
from jaga.programs.advocacy.services import AskInput, activity_add, ask_create, stage_move

pytestmark = pytest.mark.django_db


@pytest.fixture
def ask(programme_officer: User, orgs: dict[str, Organisation]) -> Ask:
    data = AskInput(institution="DPR RI Komisi VIII", level=Ask.Level.NATIONAL, title="Anggaran UPTD PPA (uji)",
                    kind=Ask.Kind.BUDGET, lead=orgs["ngo"])  # fmt: skip
    return ask_create(actor=programme_officer, data=data)


def test_a_follow_up_cannot_fall_before_the_activity_and_a_good_one_shows_on_the_ask(
    ask: Ask, programme_officer: User, login_client: Callable[..., Client]
) -> None:
    with pytest.raises(ValidationError) as refused:
        activity_add(actor=programme_officer, ask=ask, kind="meeting", held_on=date(2026, 3, 10),
                     follow_up="Kirim ringkasan kebijakan", follow_up_due=date(2026, 3, 1))  # fmt: skip
    assert "follow_up_due" in refused.value.message_dict and not ask.activities.exists()
    activity_add(actor=programme_officer, ask=ask, kind="policy_brief", held_on=date(2026, 3, 10),
                 follow_up="Audiensi lanjutan", follow_up_due=date(2026, 4, 1))  # fmt: skip
    page = login_client(programme_officer).get(f"/programs/advocacy/{ask.pk}/").content.decode()
    assert "Audiensi lanjutan" in page
    assert AuditEvent.objects.filter(action="programs.ask.activity_added", target_id=str(ask.pk)).exists()


def test_only_programme_officers_move_asks(
    ask: Ask, caseworker_jakarta: User, login_client: Callable[..., Client]
) -> None:
    with pytest.raises(PermissionDenied):
        stage_move(actor=caseworker_jakarta, ask=ask, stage="engaged", changed_on=date(2026, 2, 1), evidence="x")
    assert login_client(caseworker_jakarta).get(f"/programs/advocacy/{ask.pk}/").status_code == 403
    ask.refresh_from_db()
    assert ask.stage == "identified" and not ask.stage_changes.exists()
