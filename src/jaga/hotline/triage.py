"""Triage: the queue, opening a report (audited), assigning, categorising, recording the outcome, closing.

Only hotline staff (`hotline.triage`) do any of it; every step is an event on the report and an audit row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from jaga.accounts.models import Organisation, User
from jaga.accounts.permissions import user_has_perm
from jaga.audit.services import record
from jaga.cases.inputs import CaseInput, ChildInput, ConsentInput
from jaga.cases.models import Form
from jaga.cases.services import case_register
from jaga.hotline.models import Flag, Outcome, Report, ReportEvent, ReportUrl, State
from jaga.hotline.services import urgency_of
from jaga.hotline.urls_normal import url_hashes


def _check_triage(actor: User) -> None:
    if not user_has_perm(actor, "hotline.triage"):
        raise PermissionDenied


def queue(*, state: str = "", mine_for: User | None = None, flag: str = "") -> Any:
    reports = Report.objects.select_related("regency__parent", "assigned_to")
    if state == "open":
        reports = reports.filter(state__in=[State.RECEIVED, State.IN_REVIEW])
    elif state:
        reports = reports.filter(state=state)
    if mine_for is not None:
        reports = reports.filter(assigned_to=mine_for)
    if flag:
        reports = reports.filter(flags__contains=[flag]) if _json_contains() else reports.filter(flags__icontains=flag)
    return reports.order_by("-urgency", "received_at")


def _json_contains() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def report_open(*, actor: User, report_id: Any, request: HttpRequest | None = None) -> Report:
    """An operator opens a report: its contents are decrypted for them, and that is audited."""
    _check_triage(actor)
    report = Report.objects.select_related("regency__parent", "assigned_to", "case__organisation").get(pk=report_id)
    record("hotline.report.viewed", actor=actor, target=report, request=request)
    return report


def related_reports(report: Report) -> list[Report]:
    """Possible duplicates: the same normalised URL, or the same regency, place type and day."""
    hashes = [digest for url in report.urls.values_list("url", flat=True) for digest in url_hashes(url)]
    same = Q(urls__url_hash__in=hashes) if hashes else Q(pk__in=[])
    if report.regency_id and report.occurred_on:
        same |= Q(regency_id=report.regency_id, occurred_on=report.occurred_on, place_type=report.place_type)
    return list(Report.objects.filter(same).exclude(pk=report.pk).distinct().order_by("received_at")[:50])


def duplicate_counts(report_ids: list[Any]) -> dict[Any, int]:
    """For a page of the queue: how many other reports share a normalised URL with each report. A URL
    is looked up by its hash under each blind-index key in use, so that counts hold while
    ``jaga keys reindex`` replaces the key."""
    own = [
        (report_id, url_hashes(url))
        for report_id, url in ReportUrl.objects.filter(report_id__in=report_ids).values_list("report_id", "url")
    ]
    holders: dict[str, set[Any]] = {}
    wanted = {digest for _r, digests in own for digest in digests}
    for report_id, digest in ReportUrl.objects.filter(url_hash__in=wanted).values_list("report_id", "url_hash"):
        holders.setdefault(digest, set()).add(report_id)
    others: dict[Any, set[Any]] = {}
    for report_id, digests in own:
        found = others.setdefault(report_id, set())
        for digest in digests:
            found.update(holders.get(digest, set()) - {report_id})
    return {report_id: len(ids) for report_id, ids in others.items()}


def _event(report: Report, kind: str, actor: User, detail: str = "") -> None:
    ReportEvent.objects.create(report=report, kind=kind, by=actor, detail=detail[:300])


def _touch(report: Report, now: Any) -> list[str]:
    """The first triage step moves a report into review and times it."""
    changed = []
    if report.first_triaged_at is None:
        report.first_triaged_at = now
        changed.append("first_triaged_at")
    if report.state == State.RECEIVED:
        report.state = State.IN_REVIEW
        changed.append("state")
    return changed


@transaction.atomic
def report_assign(*, actor: User, report: Report, to: User | None, request: HttpRequest | None = None) -> Report:
    _check_triage(actor)
    if to is not None and not user_has_perm(to, "hotline.triage"):
        raise ValidationError({"assigned_to": [_("Assign reports to hotline operators only.")]})
    report.assigned_to = to
    report.save(update_fields=["assigned_to", *_touch(report, timezone.now())])
    _event(report, ReportEvent.Kind.ASSIGNED, actor, to.full_name if to else "")
    record(
        "hotline.report.assigned", actor=actor, target=report, request=request, details={"to": str(to.pk) if to else ""}
    )
    return report


@transaction.atomic
def report_categorise(
    *, actor: User, report: Report, forms: list[str], flags: list[str], request: HttpRequest | None = None
) -> Report:
    _check_triage(actor)
    if not forms or any(form not in Form.values for form in forms):
        raise ValidationError({"forms": [_("Choose at least one form of exploitation.")]})
    if any(flag not in Flag.values for flag in flags):
        raise ValidationError({"flags": [_("Unknown urgency flag.")]})
    report.forms, report.flags = sorted(set(forms)), sorted(set(flags))
    report.urgency = urgency_of(report.flags)
    report.save(update_fields=["forms", "flags", "urgency", *_touch(report, timezone.now())])
    _event(report, ReportEvent.Kind.CATEGORISED, actor, ", ".join(report.forms))
    record(
        "hotline.report.categorised",
        actor=actor,
        target=report,
        request=request,
        details={"forms": report.forms, "flags": report.flags},
    )
    return report


@dataclass
class OutcomeInput:
    kind: str
    on: date | None = None
    police_unit: str = ""
    reference: str = ""
    recipient: str = ""
    url_id: int | None = None
    takedown_result: str = ""
    close_reason: str = ""
    note: str = ""
    organisation: Organisation | None = None  # kind "case": the service unit that takes the child's case
    regency_code: str = ""  # kind "case", when the report named none


@transaction.atomic
def outcome_record(*, actor: User, report: Report, data: OutcomeInput, request: HttpRequest | None = None) -> Outcome:
    """Refer to the police, send for takedown, convert into a case, or close; each with what it needs."""
    _check_triage(actor)
    errors: dict[str, list[str]] = {}
    required = _("This field is required.")
    today = timezone.localdate()
    if data.on and data.on > today:
        errors["on"] = [_("The date cannot be in the future.")]
    outcome = Outcome(report=report, kind=data.kind, on=data.on or today, by=actor, note=data.note.strip())
    if data.kind == Outcome.Kind.POLICE:
        if not data.police_unit.strip():
            errors["police_unit"] = [required]
        outcome.police_unit, outcome.reference = data.police_unit.strip(), data.reference.strip()
    elif data.kind == Outcome.Kind.TAKEDOWN:
        url = report.urls.filter(pk=data.url_id).first() if data.url_id else None
        if url is None:
            errors["url"] = [_("Choose one of the report's addresses.")]
        if data.recipient not in Outcome.Recipient.values:
            errors["recipient"] = [required]
        if data.takedown_result and data.takedown_result not in Outcome.TakedownResult.values:
            errors["takedown_result"] = [_("Unknown result.")]
        outcome.url, outcome.recipient = url, data.recipient
        outcome.takedown_result = data.takedown_result or Outcome.TakedownResult.PENDING
        outcome.reference = data.reference.strip()
    elif data.kind == Outcome.Kind.CASE:
        if report.case_id:
            errors["organisation"] = [_("This report is already a case.")]
        if data.organisation is None:
            errors["organisation"] = [required]
        if not (data.regency_code or report.regency_id):
            errors["regency_code"] = [_("The case needs the regency/city where it happened.")]
    elif data.kind == Outcome.Kind.CLOSED:
        if data.close_reason not in Outcome.CloseReason.values:
            errors["close_reason"] = [required]
        outcome.close_reason = data.close_reason
    else:
        errors["kind"] = [_("Unknown outcome.")]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    changed = _touch(report, now)
    if data.kind == Outcome.Kind.CASE:
        assert data.organisation is not None
        case = case_register(
            actor=actor,
            organisation=data.organisation,
            from_hotline=True,
            request=request,
            data=CaseInput(
                registered_on=today,
                source="hotline",
                forms=report.forms or [Form.OTHER],
                exploitation_regency=data.regency_code or report.regency_id or "",
                exploitation_date=report.occurred_on,
                place_type=report.place_type,
                child=ChildInput(estimated_age=report.child_age, sex=report.child_sex),
                consent=ConsentInput(
                    given_by="nobody",
                    lawful_basis="public_task",
                    justification=f"Hotline report {report.tracking_code}: the child and family are not yet known.",
                ),
            ),
        )
        report.case = case
        changed.append("case")
        outcome.reference = case.reference
    if data.kind in (Outcome.Kind.POLICE, Outcome.Kind.TAKEDOWN, Outcome.Kind.CASE):
        if report.referred_at is None:
            report.referred_at = now
            changed.append("referred_at")
        if report.state != State.CLOSED:
            report.state = State.REFERRED
            changed.append("state")
    else:
        report.state, report.closed_at = State.CLOSED, now
        changed += ["state", "closed_at"]
    report.save(update_fields=sorted(set(changed)))
    outcome.save()
    _event(report, ReportEvent.Kind.OUTCOME, actor, outcome.get_kind_display())
    record(
        "hotline.report.outcome",
        actor=actor,
        target=report,
        request=request,
        details={"kind": outcome.kind, **({"case": str(report.case_id)} if data.kind == Outcome.Kind.CASE else {})},
    )
    return outcome


@transaction.atomic
def report_close(*, actor: User, report: Report, request: HttpRequest | None = None) -> Report:
    """A referred report whose work is done is closed (its outcomes stay)."""
    _check_triage(actor)
    report.state, report.closed_at = State.CLOSED, timezone.now()
    report.save(update_fields=["state", "closed_at", *_touch(report, report.closed_at)])
    _event(report, ReportEvent.Kind.OUTCOME, actor, str(State.CLOSED.label))
    record("hotline.report.closed", actor=actor, target=report, request=request)
    return report


@transaction.atomic
def report_reopen(*, actor: User, report: Report, request: HttpRequest | None = None) -> Report:
    _check_triage(actor)
    report.state = State.REFERRED if report.referred_at else State.IN_REVIEW
    report.closed_at = None
    report.save(update_fields=["state", "closed_at"])
    _event(report, ReportEvent.Kind.REOPENED, actor)
    record("hotline.report.reopened", actor=actor, target=report, request=request)
    return report
