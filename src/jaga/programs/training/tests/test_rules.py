"""Module and session rules at the service (the pages: test_training.py): a pass mark is a percentage,
a session's dates are in order and it has a place unless it is online, a change keeps the test link
and the people and says in its audit row what changed; only programme officers make them."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jaga.accounts.models import Organisation, User
from jaga.audit.models import AuditEvent
from jaga.factories import TrainingSessionFactory
from jaga.programs.training.models import Audience, Module, TrainingSession
from jaga.programs.training.services import (
    ParticipantInput,
    module_create,
    participant_add,
    question_add,
    session_create,
    session_update,
)

pytestmark = pytest.mark.django_db


def module(officer: User, **fields: Any) -> Module:
    values: dict[str, Any] = {"title": "Modul uji", "audience": Audience.POLICE, "objectives": "Mengenali ESKA."}
    return module_create(actor=officer, **{**values, **fields})


@pytest.mark.parametrize("pass_mark", [0, 101])
def test_a_pass_mark_is_a_percentage(programme_officer: User, pass_mark: int) -> None:
    with pytest.raises(ValidationError):
        module(programme_officer, pass_mark=pass_mark)
    assert not Module.objects.exists()


def test_a_session_has_its_dates_in_order_and_a_place_unless_online(programme_officer: User) -> None:
    made = module(programme_officer)
    with pytest.raises(ValidationError) as refused:
        session_create(actor=programme_officer, organisations=[], module=made, starts_on=date(2026, 5, 5),
                       ends_on=date(2026, 5, 4), online=False, place=" ", region_id="51.71", trainers="T")  # fmt: skip
    assert set(refused.value.message_dict) == {"ends_on", "place"}
    online = session_create(actor=programme_officer, organisations=[], module=made, starts_on=date(2026, 5, 5),
                            ends_on=date(2026, 5, 5), online=True, place="", region_id=None, trainers="T")  # fmt: skip
    assert online.test_token and TrainingSession.objects.count() == 1


def test_a_changed_session_keeps_its_link_and_people_and_says_what_changed(
    programme_officer: User, orgs: dict[str, Organisation]
) -> None:
    session = TrainingSessionFactory.create(actor=programme_officer)
    token = session.test_token
    person = participant_add(
        actor=programme_officer, session=session, data=ParticipantInput(full_name="Bripka Uji", sex="male")
    )
    session_update(actor=programme_officer, session=session, organisations=[orgs["bali"]], place="Polda Bali",
                   ends_on=date(2026, 5, 6))  # fmt: skip
    session.refresh_from_db()
    assert session.test_token == token and list(session.participants.all()) == [person]
    assert list(session.organisations.all()) == [orgs["bali"]]
    changed = AuditEvent.objects.get(action="programs.training.session_changed")
    assert changed.details == {"fields": ["ends_on", "place"]}


def test_only_programme_officers_make_modules_questions_and_sessions(
    programme_officer: User, caseworker_jakarta: User
) -> None:
    made = module(programme_officer)
    with pytest.raises(PermissionDenied):
        module(caseworker_jakarta)
    with pytest.raises(PermissionDenied):
        question_add(actor=caseworker_jakarta, module=made, text="?", options=["a", "b"], answer=0)
    with pytest.raises(PermissionDenied):
        TrainingSessionFactory.create(actor=caseworker_jakarta, module=made)
    assert Module.objects.count() == 1 and not made.questions.exists()


def test_a_question_has_two_to_six_different_options_and_a_right_one(programme_officer: User) -> None:
    made = module(programme_officer)
    for options, answer in (
        (["hanya satu"], 0),
        (["a", "A"], 0),
        (["a", "b", "c"], 3),
        ([str(n) for n in range(7)], 0),
    ):
        with pytest.raises(ValidationError):
            question_add(actor=programme_officer, module=made, text="Apa itu grooming?", options=options, answer=answer)
    question = question_add(actor=programme_officer, module=made, text="Apa itu grooming?",
                            options=[" Bujukan ", "Hadiah", ""], answer=0)  # fmt: skip
    assert question.options == ["Bujukan", "Hadiah"], "blank options dropped, the rest trimmed"
