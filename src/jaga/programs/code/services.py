"""The Code: companies' commitments to the six criteria, their annual reports and the programme's dashboard.

A company's `partner` user submits the annual report for the past year through Jaga; a programme
officer verifies it (the criteria's progress then takes the report's claims as evidence, and
criterion 6, reporting, is met) or returns it with a note. A report for year Y is due on 31 March
of Y+1; a member without one then is overdue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from jaga.accounts.models import Organisation, User
from jaga.accounts.permissions import user_has_perm
from jaga.audit.services import record
from jaga.programs.access import require_manager
from jaga.programs.code.models import CodeCriterion, CodeMember, CodeReport, CriterionProgress

REPORTED = [c for c in CodeCriterion if c != CodeCriterion.REPORTING]  # the report states criteria 1 to 5
DUE_MONTH, DUE_DAY = 3, 31
MET = CriterionProgress.Status.MET


@transaction.atomic
def member_add(
    *, actor: User, organisation: Organisation, sector: str, status: str, joined_on: date | None, request: Any = None
) -> CodeMember:
    require_manager(actor)
    if organisation.type != Organisation.Type.PRIVATE_SECTOR:
        raise ValidationError({"organisation": [_("Only private-sector organisations join The Code.")]})
    if CodeMember.objects.filter(organisation=organisation).exists():
        raise ValidationError({"organisation": [_("This company is already in The Code.")]})
    if status == CodeMember.Status.MEMBER and joined_on is None:
        raise ValidationError({"joined_on": [_("Give the date the company became a member.")]})
    member = CodeMember(organisation=organisation, sector=sector, status=status, joined_on=joined_on, created_by=actor)
    member.full_clean()
    member.save()
    CriterionProgress.objects.bulk_create(
        [CriterionProgress(member=member, criterion=criterion, updated_by=actor) for criterion in CodeCriterion]
    )
    record("programs.code.member_added", actor=actor, target=member, request=request, details={"status": status})
    return member


@transaction.atomic
def membership_set(
    *, actor: User, member: CodeMember, status: str, joined_on: date | None, request: Any = None
) -> None:
    require_manager(actor)
    if status == CodeMember.Status.MEMBER and joined_on is None:
        raise ValidationError({"joined_on": [_("Give the date the company became a member.")]})
    previous = member.status
    member.status, member.joined_on = status, joined_on
    member.full_clean()
    member.save(update_fields=["status", "joined_on"])
    record(
        "programs.code.membership_changed",
        actor=actor,
        target=member,
        request=request,
        details={"from": previous, "to": status},
    )


def _evidence_rule(status: str, evidence: str, evidence_on: date | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if status == MET and not evidence.strip():
        errors["evidence"] = [_("A criterion is met only with evidence: say what shows it.")]
    if status == MET and evidence_on is None:
        errors["evidence_on"] = [_("Give the date of the evidence.")]
    if evidence_on and evidence_on > timezone.localdate():
        errors["evidence_on"] = [_("The date is in the future.")]
    return errors


@transaction.atomic
def progress_set(
    *,
    actor: User,
    member: CodeMember,
    criterion: int,
    status: str,
    evidence: str,
    evidence_on: date | None,
    request: Any = None,
) -> CriterionProgress:
    require_manager(actor)
    errors = _evidence_rule(status, evidence, evidence_on)
    if errors:
        raise ValidationError(errors)
    progress = member.progress.get(criterion=criterion)
    previous = progress.status
    progress.status, progress.evidence, progress.evidence_on = status, evidence.strip(), evidence_on
    progress.updated_by, progress.updated_at = actor, timezone.now()
    progress.full_clean()
    progress.save()
    record(
        "programs.code.progress_set",
        actor=actor,
        target=member,
        request=request,
        details={"criterion": criterion, "from": previous, "to": status},
    )
    return progress


def member_of(user: User) -> CodeMember | None:
    return CodeMember.objects.filter(organisation_id=user.organisation_id).select_related("organisation").first()


def report_year_default(today: date | None = None) -> int:
    return (today or timezone.localdate()).year - 1


@dataclass
class ReportInput:
    year: int
    staff_trained: int
    criteria: dict[int, tuple[str, str]]  # criterion 1..5 -> (status, evidence)


@transaction.atomic
def report_submit(*, actor: User, data: ReportInput, request: HttpRequest | None = None) -> CodeReport:
    """The company's partner user reports on a past year; a returned report may be sent again."""
    if not user_has_perm(actor, "programs.submit_code_report"):
        raise PermissionDenied
    member = member_of(actor)
    if member is None or member.status not in (CodeMember.Status.MEMBER, CodeMember.Status.APPLICANT):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    this_year = timezone.localdate().year
    if not 2000 <= data.year <= this_year:
        errors["year"] = [_("Report on a past year, or on this one.")]
    if data.staff_trained < 0:
        errors["staff_trained"] = [_("The number of staff trained cannot be negative.")]
    criteria: dict[str, dict[str, str]] = {}
    for criterion in REPORTED:
        status, evidence = data.criteria.get(int(criterion), ("", ""))
        if status not in CriterionProgress.Status.values:
            errors[f"status_{int(criterion)}"] = [_("Choose a status.")]
        elif status != CriterionProgress.Status.NOT_STARTED and not evidence.strip():
            errors[f"evidence_{int(criterion)}"] = [_("Say what the company did, and what shows it.")]
        criteria[str(int(criterion))] = {"status": status, "evidence": evidence.strip()}
    existing = CodeReport.objects.select_for_update().filter(member=member, year=data.year).first()
    if existing and existing.status != CodeReport.Status.RETURNED:
        errors["year"] = [_("The report for this year has already been sent.")]
    if errors:
        raise ValidationError(errors)
    report = existing or CodeReport(member=member, year=data.year)
    report.staff_trained, report.criteria = data.staff_trained, criteria
    report.status, report.submitted_by, report.submitted_at = CodeReport.Status.SUBMITTED, actor, timezone.now()
    report.save()
    record(
        "programs.code.report_submitted",
        actor=actor,
        target=member,
        request=request,
        details={"year": data.year, "again": existing is not None},
    )
    return report


@transaction.atomic
def report_review(
    *, actor: User, report: CodeReport, verified: bool, note: str, request: HttpRequest | None = None
) -> None:
    """Verified: the report's claims become the criteria's progress, and criterion 6 is met. Returned: with a note."""
    require_manager(actor)
    if report.status != CodeReport.Status.SUBMITTED:
        raise ValidationError(_("This report has already been reviewed."))
    if not verified and not note.strip():
        raise ValidationError({"note": [_("Tell the company what to change.")]})
    report.status = CodeReport.Status.VERIFIED if verified else CodeReport.Status.RETURNED
    report.reviewed_by, report.reviewed_at, report.review_note = actor, timezone.now(), note.strip()
    report.save()
    if verified:
        day = report.submitted_at.date()
        newer = report.member.reports.filter(status=CodeReport.Status.VERIFIED, year__gt=report.year).exists()
        for key, claim in report.criteria.items():
            progress = report.member.progress.get(criterion=int(key))
            if newer and progress.status == MET:
                continue  # an older year's report does not undo what a newer one showed
            progress.status, progress.evidence = claim["status"], claim["evidence"]
            progress.evidence_on, progress.updated_by, progress.updated_at = day, actor, timezone.now()
            progress.save()
        reporting = report.member.progress.get(criterion=CodeCriterion.REPORTING)
        reporting.status = MET
        reporting.evidence = _("Annual report for %(year)s verified.") % {"year": report.year}
        reporting.evidence_on, reporting.updated_by, reporting.updated_at = day, actor, timezone.now()
        reporting.save()
    record(
        "programs.code.report_reviewed",
        actor=actor,
        target=report.member,
        request=request,
        details={"year": report.year, "verified": verified},
    )


def overdue(members: list[CodeMember], today: date | None = None) -> list[CodeMember]:
    """Members whose report on last year was due (31 March) and has not been sent."""
    today = today or timezone.localdate()
    year = today.year - 1
    if today < date(today.year, DUE_MONTH, DUE_DAY):
        year -= 1  # last year's report is not due yet: the one before it is the latest due
    late = []
    for member in members:
        if member.status != CodeMember.Status.MEMBER or (member.joined_on and member.joined_on.year > year):
            continue
        if not any(r.year == year and r.status != CodeReport.Status.RETURNED for r in member.reports.all()):
            late.append(member)
    return late


@dataclass
class Dashboard:
    members: list[CodeMember]
    by_status: list[tuple[str, Any, int]]
    per_criterion: list[tuple[int, Any, int]]  # criterion, label, members meeting it
    all_six: int
    staff_trained: int
    awaiting: int
    overdue: list[CodeMember]


def latest_report(member: CodeMember) -> CodeReport | None:
    """The member's report on the most recent year (reports prefetched)."""
    return max(member.reports.all(), key=lambda r: r.year, default=None)


def met_count(member: CodeMember) -> int:
    return sum(1 for p in member.progress.all() if p.status == MET)


def dashboard(today: date | None = None) -> Dashboard:
    members = list(
        CodeMember.objects.select_related("organisation", "organisation__jurisdiction").prefetch_related(
            "progress", "reports"
        )
    )
    active = [m for m in members if m.status == CodeMember.Status.MEMBER]
    per_criterion = [
        (int(c), c.label, sum(1 for m in active for p in m.progress.all() if p.criterion == c and p.status == MET))
        for c in CodeCriterion
    ]
    staff = 0
    for member in active:
        verified = [r for r in member.reports.all() if r.status == CodeReport.Status.VERIFIED]
        if verified:
            staff += max(verified, key=lambda r: r.year).staff_trained
    return Dashboard(
        members=members,
        by_status=[(s, label, sum(1 for m in members if m.status == s)) for s, label in CodeMember.Status.choices],
        per_criterion=per_criterion,
        all_six=sum(1 for m in active if met_count(m) == len(CodeCriterion)),
        staff_trained=staff,
        awaiting=sum(1 for m in members for r in m.reports.all() if r.status == CodeReport.Status.SUBMITTED),
        overdue=overdue(members, today),
    )


def claims(report: CodeReport) -> list[tuple[Any, Any, str]]:
    """A report's claims for display: criterion, status, evidence."""
    statuses = dict(CriterionProgress.Status.choices)
    return [
        (CodeCriterion(int(key)).label, statuses.get(claim["status"], claim["status"]), claim["evidence"])
        for key, claim in sorted(report.criteria.items())
    ]
