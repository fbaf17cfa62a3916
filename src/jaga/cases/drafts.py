"""Intake drafts: an intake form in progress holds an identity, so its writes are audited too."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest

from jaga.accounts.models import User
from jaga.audit.services import record
from jaga.cases.models import (
    IntakeDraft,
)


@transaction.atomic
def intake_draft_create(*, actor: User, request: HttpRequest | None = None) -> IntakeDraft:
    draft = IntakeDraft.objects.create(user=actor)
    record("cases.draft.created", actor=actor, target=draft, request=request)
    return draft


@transaction.atomic
def intake_draft_save(
    *, actor: User, draft: IntakeDraft, data: dict[str, Any], step: int, request: HttpRequest | None = None
) -> IntakeDraft:
    """Keeps what was typed so far (encrypted) and the step to show next; only its owner may."""
    if draft.user_id != actor.pk:
        raise PermissionDenied
    draft.data, draft.step = json.dumps(data), step
    draft.save()
    record("cases.draft.saved", actor=actor, target=draft, request=request, details={"step": step})
    return draft


@transaction.atomic
def intake_draft_delete(*, actor: User, draft: IntakeDraft, reason: str, request: HttpRequest | None = None) -> None:
    """``reason``: "discarded" by the person, or "registered" once the case exists."""
    if draft.user_id != actor.pk:
        raise PermissionDenied
    record("cases.draft.deleted", actor=actor, target=draft, request=request, details={"reason": reason})
    draft.delete()
