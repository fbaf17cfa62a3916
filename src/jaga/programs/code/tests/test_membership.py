"""The Code's membership and criteria rules (the reporting flow: test_code.py): only companies join,
once; a member has a join date; a criterion is met only with dated evidence, never from the future;
each change is audited with what it was before."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from jaga.accounts.models import Organisation, User
from jaga.audit.models import AuditEvent
from jaga.programs.code.models import CodeMember
from jaga.programs.code.services import member_add, membership_set, met_count, progress_set

pytestmark = pytest.mark.django_db


def join(officer: User, organisation: Organisation, status: str = "applicant", on: date | None = None) -> CodeMember:
    return member_add(actor=officer, organisation=organisation, sector="hotel", status=status, joined_on=on)


def test_only_a_company_joins_and_only_once(programme_officer: User, orgs: dict[str, Organisation]) -> None:
    with pytest.raises(ValidationError, match=r"swasta|private"):
        member_add(
            actor=programme_officer, organisation=orgs["ngo"], sector="hotel", status="applicant", joined_on=None
        )
    with pytest.raises(ValidationError) as refused:
        join(programme_officer, orgs["hotel"], "member")
    assert "joined_on" in refused.value.message_dict
    member = join(programme_officer, orgs["hotel"])
    assert member.progress.count() == 6 and met_count(member) == 0, "six criteria, none met yet"
    with pytest.raises(ValidationError, match=r"sudah|already"):
        member_add(
            actor=programme_officer, organisation=orgs["hotel"], sector="hotel", status="applicant", joined_on=None
        )
    assert CodeMember.objects.count() == 1


def test_a_criterion_is_met_only_with_dated_evidence_from_the_past(
    programme_officer: User, orgs: dict[str, Organisation]
) -> None:
    member = join(programme_officer, orgs["hotel"], "member", date(2025, 1, 6))
    with pytest.raises(ValidationError) as refused:
        progress_set(actor=programme_officer, member=member, criterion=1, status="met", evidence=" ", evidence_on=None)
    assert set(refused.value.message_dict) == {"evidence", "evidence_on"}
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError, match=r"masa depan|future"):
        progress_set(
            actor=programme_officer, member=member, criterion=1, status="met", evidence="SOP", evidence_on=tomorrow
        )
    progress_set(actor=programme_officer, member=member, criterion=1, status="met",
                 evidence="SOP perlindungan anak ditandatangani direksi", evidence_on=date(2025, 3, 1))  # fmt: skip
    assert met_count(member) == 1
    row = AuditEvent.objects.get(action="programs.code.progress_set")
    assert row.details == {"criterion": 1, "from": "not_started", "to": "met"}


def test_membership_changes_are_audited_and_only_officers_make_them(
    programme_officer: User, partner_hotel: User, orgs: dict[str, Organisation]
) -> None:
    member = join(programme_officer, orgs["hotel"])
    with pytest.raises(PermissionDenied):
        membership_set(actor=partner_hotel, member=member, status="member", joined_on=date(2026, 1, 5))
    membership_set(actor=programme_officer, member=member, status="member", joined_on=date(2026, 1, 5))
    member.refresh_from_db()
    assert member.status == "member" and member.joined_on == date(2026, 1, 5)
    change = AuditEvent.objects.get(action="programs.code.membership_changed")
    assert change.details == {"from": "applicant", "to": "member"}
