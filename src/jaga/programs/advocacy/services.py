"""Advocacy: asks of institutions, the activities that pursue them, and their stages with evidence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from jaga.accounts.models import Organisation, User
from jaga.audit.services import record
from jaga.programs.access import require_manager
from jaga.programs.advocacy.models import AdvocacyActivity, Ask, Stage, StageChange
from jaga.programs.validation import check_all
from jaga.regions.models import Region

LEVEL_OF_REGION: dict[str, str] = {Ask.Level.PROVINCE: Region.Level.PROVINCE, Ask.Level.REGENCY: Region.Level.REGENCY}


@dataclass
class AskInput:
    institution: str
    level: str
    title: str
    kind: str
    lead: Organisation
    region: Region | None = None


@transaction.atomic
def ask_create(*, actor: User, data: AskInput, request: HttpRequest | None = None) -> Ask:
    require_manager(actor)
    errors: dict[str, list[str]] = {}
    if data.level == Ask.Level.NATIONAL and data.region is not None:
        errors["region"] = [_("A national institution has no region; leave it empty.")]
    elif data.level in LEVEL_OF_REGION and (data.region is None or data.region.level != LEVEL_OF_REGION[data.level]):
        errors["region"] = [_("Choose the province or regency/city that matches the level.")]
    ask = Ask(
        institution=data.institution.strip(),
        level=data.level,
        region=data.region,
        title=data.title.strip(),
        kind=data.kind,
        lead=data.lead,
        created_by=actor,
    )
    check_all(ask, errors)
    ask.save()
    record("programs.ask.created", actor=actor, target=ask, request=request, details={"level": ask.level})
    return ask


@transaction.atomic
def activity_add(*, actor: User, ask: Ask, request: HttpRequest | None = None, **fields: Any) -> AdvocacyActivity:
    require_manager(actor)
    activity = AdvocacyActivity(ask=ask, created_by=actor, **fields)
    activity.full_clean()
    if activity.follow_up_due and activity.follow_up_due < activity.held_on:
        raise ValidationError({"follow_up_due": [_("The follow-up is due before the activity took place.")]})
    activity.save()
    record("programs.ask.activity_added", actor=actor, target=ask, request=request, details={"kind": activity.kind})
    return activity


@transaction.atomic
def stage_move(
    *, actor: User, ask: Ask, stage: str, changed_on: date | None, evidence: str, request: HttpRequest | None = None
) -> StageChange:
    """Moves an ask to another stage; the evidence (a decree number, minutes, a budget document) is required."""
    require_manager(actor)
    errors: dict[str, list[str]] = {}
    if stage not in Stage.values:
        errors["stage"] = [_("Choose a stage.")]
    elif stage == ask.stage:
        errors["stage"] = [_("The ask is already in this stage.")]
    if not evidence.strip():
        errors["evidence"] = [_("Say what shows it: a decree, minutes, a budget document, a letter.")]
    if changed_on is None:
        errors["changed_on"] = [_("This field is required.")]
    elif changed_on > timezone.localdate():
        errors["changed_on"] = [_("The date cannot be in the future.")]
    if errors:
        raise ValidationError(errors)
    assert changed_on is not None  # checked above
    change = StageChange.objects.create(
        ask=ask, from_stage=ask.stage, to_stage=stage, changed_on=changed_on, evidence=evidence.strip(), by=actor
    )
    ask.stage, ask.stage_since = stage, changed_on
    ask.save(update_fields=["stage", "stage_since"])
    record(
        "programs.ask.stage_moved",
        actor=actor,
        target=ask,
        request=request,
        details={"from": change.from_stage, "to": change.to_stage},
    )
    return change


def board(asks: Any) -> list[tuple[str, Any, list[Ask]]]:
    """The asks by stage, in the order of the stages: (stage, label, asks)."""
    columns: dict[str, list[Ask]] = {value: [] for value in Stage.values}
    for ask in asks:
        columns[ask.stage].append(ask)
    return [(value, label, columns[value]) for value, label in Stage.choices]
