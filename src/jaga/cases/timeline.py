"""A case's timeline, and the one place a change to a case is announced.

Every service that changes a case writes one timeline entry, in its transaction, through
``case_event``; that call also sends ``core.events.case_changed``, which the statistics hear (they
recount after the commit). A change that writes no entry is not seen by the apps above cases.
"""

from __future__ import annotations

from typing import Any

from jaga.accounts.models import User
from jaga.cases.models import Case, CaseEvent
from jaga.core import events


def case_event(*, case: Case, kind: str, actor: User | None, detail: str = "", **fields: Any) -> CaseEvent:
    """The timeline entry ``kind`` on ``case`` by ``actor``, and the announcement that the case changed."""
    entry = CaseEvent.objects.create(case=case, kind=kind, by=actor, detail=detail[:200], **fields)
    case_changed(case, kind)
    return entry


def case_changed(case: Case, kind: str) -> None:
    """Announces a change whose timeline entry was written another way (a registration builds its own)."""
    events.case_changed.send(sender=Case, case=case, kind=kind)
