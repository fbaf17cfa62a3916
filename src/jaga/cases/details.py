"""What a case records beside the child: perpetrators, services received, the legal process."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from jaga.accounts.models import User
from jaga.audit.services import record
from jaga.cases import workflow
from jaga.cases.models import (
    Case,
    CaseEvent,
    LegalProcess,
    Perpetrator,
    ServiceRecord,
)
from jaga.cases.referrals import _event


def _check_case_edit(actor: User, case: Case) -> None:
    """Owner or an organisation with an accepted referral may add to a case."""
    from jaga.cases.access import may_edit_case

    if not may_edit_case(actor, case):
        raise PermissionDenied


def _full_clean(instance: Any) -> None:
    try:
        instance.full_clean(exclude=["case"])
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from exc


@transaction.atomic
def perpetrator_add(*, actor: User, case: Case, request: HttpRequest | None = None, **fields: Any) -> Perpetrator:
    _check_case_edit(actor, case)
    perpetrator = Perpetrator(case=case, **fields)
    _full_clean(perpetrator)
    perpetrator.save()
    _event(case, CaseEvent.Kind.PERPETRATOR_ADDED, actor, perpetrator.get_role_display())
    record(
        "cases.perpetrator.added",
        actor=actor,
        target=case,
        request=request,
        details={"role": perpetrator.role, "origin": perpetrator.origin},
    )
    return perpetrator


@transaction.atomic
def service_record_add(*, actor: User, case: Case, request: HttpRequest | None = None, **fields: Any) -> ServiceRecord:
    _check_case_edit(actor, case)
    entry = ServiceRecord(case=case, **fields)
    _full_clean(entry)
    if entry.started_on and entry.ended_on and entry.ended_on < entry.started_on:
        raise ValidationError({"ended_on": _("The end cannot be before the start.")})
    entry.save()
    _event(case, CaseEvent.Kind.SERVICE_RECORDED, actor, entry.get_service_display())
    if entry.state in (ServiceRecord.State.ONGOING, ServiceRecord.State.COMPLETED):
        workflow.services_started(actor=actor, case=case, on=entry.started_on)
    record(
        "cases.service.recorded",
        actor=actor,
        target=case,
        request=request,
        details={"service": entry.service, "state": entry.state},
    )
    return entry


@transaction.atomic
def legal_process_update(*, actor: User, case: Case, request: HttpRequest | None = None, **fields: Any) -> LegalProcess:
    _check_case_edit(actor, case)
    legal = LegalProcess.objects.filter(case=case).first() or LegalProcess(case=case)
    if not fields.get("police_report_number"):
        fields.pop("police_report_number", None)  # masked forms send it empty: keep what is recorded
    for name, value in fields.items():
        setattr(legal, name, value)
    _full_clean(legal)
    legal.save()
    _event(case, CaseEvent.Kind.LEGAL_UPDATED, actor, legal.get_stage_display())
    record("cases.legal.updated", actor=actor, target=case, request=request, details={"stage": legal.stage})
    return legal
