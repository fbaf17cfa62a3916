"""The tests participants take from the link, scored on the server (the whole path from the link:
test_training.py): only when the trainer opened them, once each, every question answered, by a
participant of this session; a passed post-test with attendance earns the certificate."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jaga.accounts.models import User
from jaga.audit.models import AuditEvent
from jaga.factories import TrainingSessionFactory
from jaga.programs.training.assessment import participant_for_code, submit_test
from jaga.programs.training.models import Participant, Question, TrainingSession
from jaga.programs.training.services import ParticipantInput, participant_add, question_add, session_tests_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(programme_officer: User) -> dict[str, Any]:
    session = TrainingSessionFactory.create(actor=programme_officer)
    asked = [
        question_add(
            actor=programme_officer,
            module=session.module,
            text=f"Pertanyaan {n}?",
            options=["Benar", "Salah", "Tidak tahu"],
            answer=0,
        )
        for n in range(1, 5)
    ]
    person = participant_add(
        actor=programme_officer,
        session=session,
        data=ParticipantInput(full_name="Guru Uji", sex="female", attended=True),
    )
    return {"session": session, "questions": asked, "person": person, "officer": programme_officer}


def answers(questions: list[Question], right: int) -> dict[str, str]:
    """The first ``right`` questions answered correctly, the rest wrongly."""
    return {str(q.pk): "0" if n < right else "1" for n, q in enumerate(questions)}


def test_a_test_is_taken_only_when_open_and_only_once(setting: dict[str, Any]) -> None:
    session: TrainingSession = setting["session"]
    person: Participant = setting["person"]
    session_tests_set(actor=setting["officer"], session=session, pre=False, post=False, self_registration=False)
    session.refresh_from_db()
    with pytest.raises(ValidationError, match=r"belum dibuka|not open"):
        submit_test(session=session, participant=person, kind="pre", answers=answers(setting["questions"], 4))
    session_tests_set(actor=setting["officer"], session=session, pre=True, post=False, self_registration=False)
    session.refresh_from_db()
    score = submit_test(session=session, participant=person, kind="pre", answers=answers(setting["questions"], 3))
    assert (score.correct, score.asked, score.score) == (3, 4, 75)
    with pytest.raises(ValidationError, match=r"sudah|already"):
        submit_test(session=session, participant=person, kind="pre", answers=answers(setting["questions"], 4))
    assert person.results.count() == 1
    taken = AuditEvent.objects.get(action="programs.training.test_taken")
    assert taken.details == {"participant": str(person.pk), "kind": "pre", "score": 75}


def test_every_question_must_be_answered_and_the_missing_ones_are_named(setting: dict[str, Any]) -> None:
    session: TrainingSession = setting["session"]
    session_tests_set(actor=setting["officer"], session=session, pre=True, post=False, self_registration=False)
    session.refresh_from_db()
    partial = answers(setting["questions"], 4)
    del partial[str(setting["questions"][1].pk)]
    partial[str(setting["questions"][3].pk)] = "7"  # not one of the three options
    with pytest.raises(ValidationError, match=r"2, 4"):
        submit_test(session=session, participant=setting["person"], kind="pre", answers=partial)
    assert not setting["person"].results.exists()


def test_a_participant_of_another_session_cannot_submit_here(setting: dict[str, Any], programme_officer: User) -> None:
    other = TrainingSessionFactory.create(actor=programme_officer, module=setting["session"].module)
    stranger = participant_add(
        actor=programme_officer, session=other, data=ParticipantInput(full_name="Lain", sex="male")
    )
    with pytest.raises(PermissionDenied):
        submit_test(session=setting["session"], participant=stranger, kind="pre", answers={})
    assert participant_for_code(setting["session"], stranger.code) is None, "a code belongs to its session"
    assert participant_for_code(setting["session"], f" {setting['person'].code.lower()} ") == setting["person"]


def test_a_passed_post_test_with_attendance_earns_the_certificate_and_a_failed_one_does_not(
    setting: dict[str, Any], programme_officer: User
) -> None:
    session: TrainingSession = setting["session"]
    session_tests_set(actor=setting["officer"], session=session, pre=False, post=True, self_registration=False)
    session.refresh_from_db()
    failing = participant_add(
        actor=programme_officer, session=session, data=ParticipantInput(full_name="Kedua", sex="male", attended=True)
    )
    submit_test(session=session, participant=setting["person"], kind="post", answers=answers(setting["questions"], 4))
    submit_test(session=session, participant=failing, kind="post", answers=answers(setting["questions"], 1))
    setting["person"].refresh_from_db()
    failing.refresh_from_db()
    assert hasattr(setting["person"], "certificate") and not hasattr(failing, "certificate")
