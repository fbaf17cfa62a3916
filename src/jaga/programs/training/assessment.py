"""The pre- and post-tests participants take from the session's link, scored on the server."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jaga.audit.services import record
from jaga.programs.training.certificates import certificate_issue_if_earned
from jaga.programs.training.models import Participant, Question, Score, TrainingSession


def session_for_token(token: str) -> TrainingSession | None:
    if not token or len(token) > 40:
        return None
    return TrainingSession.objects.select_related("module").filter(test_token=token).first()


def participant_for_code(session: TrainingSession, code: str) -> Participant | None:
    code = "".join(code.split()).upper()
    if not code or len(code) > 8:
        return None
    return session.participants.filter(code=code).first()


def questions(session: TrainingSession) -> list[Question]:
    return list(session.module.questions.filter(active=True))


POST_TEST_LOCKED = gettext_lazy("Take the pre-test and read every lesson of the course before the post-test.")


def post_test_locked(participant: Participant) -> bool:
    """A self-paced learner's post-test opens once they have read every lesson (their attendance)."""
    return participant.session.self_paced and not participant.attended


def is_test_open(session: TrainingSession, kind: str) -> bool:
    return session.pre_test_open if kind == Score.Kind.PRE else session.post_test_open


@transaction.atomic
def submit_test(
    *, session: TrainingSession, participant: Participant, kind: str, answers: dict[str, str], request: Any = None
) -> Score:
    """Scores a test taken from the link. Every question must be answered; each test is taken once."""
    if participant.session_id != session.pk:
        raise PermissionDenied
    if kind not in Score.Kind.values or not is_test_open(session, kind):
        raise ValidationError(_("This test is not open. Ask your trainer."))
    if participant.results.filter(kind=kind).exists():
        raise ValidationError(_("You have already taken this test."))
    if kind == Score.Kind.POST and post_test_locked(participant):
        raise ValidationError(str(POST_TEST_LOCKED))
    asked = questions(session)
    if not asked:
        raise ValidationError(_("This module has no questions yet. Ask your trainer."))
    chosen: dict[str, int] = {}
    unanswered = []
    for number, question in enumerate(asked, start=1):
        value = answers.get(str(question.pk), "")
        if not value.isdigit() or int(value) >= len(question.options):
            unanswered.append(str(number))
        else:
            chosen[str(question.pk)] = int(value)
    if unanswered:
        raise ValidationError(
            _("Answer every question: %(numbers)s not answered.") % {"numbers": ", ".join(unanswered)}
        )
    correct = sum(1 for question in asked if chosen[str(question.pk)] == question.answer)
    try:
        with transaction.atomic():
            result = Score.objects.create(
                participant=participant,
                kind=kind,
                score=round(100 * correct / len(asked)),
                correct=correct,
                asked=len(asked),
                answers=chosen,
                source=Score.Source.ONLINE,
            )
    except IntegrityError:  # the same test sent twice at once
        raise ValidationError(_("You have already taken this test.")) from None
    record(
        "programs.training.test_taken",
        target=session,
        request=request,
        details={"participant": str(participant.pk), "kind": kind, "score": result.score},
    )
    if kind == Score.Kind.POST:
        certificate_issue_if_earned(participant, actor=None, request=request)
    return result
