"""Retention on schedule: what is past its period is erased by its own app (identity and free texts
gone, statistics kept), a legal hold keeps a record, the page shows what goes now and within 30 days,
the system admin sets the periods, each run is recorded and audited; the audit log is only counted."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.utils import timezone

from jaga.accounts.models import User
from jaga.audit.models import AuditEvent
from jaga.cases.models import Case, Status
from jaga.factories import CaseFactory, ReportFactory, TrainingSessionFactory
from jaga.hotline.models import State
from jaga.operations.models import RetentionRun
from jaga.operations.retention import forecast, hold_place, hold_release, retention_due, retention_run, retention_set
from jaga.programs.training.services import ParticipantInput, participant_add

pytestmark = pytest.mark.django_db


def closed(case: Case, on: date) -> Case:
    Case.objects.filter(pk=case.pk).update(status=Status.CLOSED, closed_on=on)
    case.refresh_from_db()
    return case


def test_what_is_past_its_period_is_erased_and_what_is_held_or_recent_stays(
    system_admin: User, caseworker_jakarta: User, programme_officer: User
) -> None:
    today = timezone.localdate()
    old = closed(CaseFactory.create(actor=caseworker_jakarta, child={"nik": "", "full_name": "Anak Lama Uji"}),
                 today - timedelta(days=365 * 11))  # fmt: skip
    held = closed(CaseFactory.create(actor=caseworker_jakarta, child={"nik": "", "full_name": "Anak Ditahan Uji"}),
                  today - timedelta(days=365 * 11))  # fmt: skip
    recent = closed(CaseFactory.create(actor=caseworker_jakarta, child={"nik": "", "full_name": "Anak Baru Uji"}),
                    today - timedelta(days=30))  # fmt: skip
    report = ReportFactory.create(contact="0812 0000 1111")
    type(report).objects.filter(pk=report.pk).update(state=State.CLOSED, closed_at=timezone.now() - timedelta(days=800))
    session = TrainingSessionFactory.create(
        actor=programme_officer, starts_on=date(2019, 1, 7), ends_on=date(2019, 1, 8)
    )
    person = participant_add(actor=programme_officer, session=session,
                             data=ParticipantInput(full_name="Guru Lama Uji", sex="female", role="Guru"))  # fmt: skip
    hold_place(actor=system_admin, kind="closed_cases", target_id=str(held.pk), reason="Perkara di pengadilan")

    rows = {kind.name: (now, soon, holds) for kind, now, soon, holds in forecast()}
    assert rows["closed_cases"] == (1, 0, 1), "the held case is not shown as going"
    assert rows["hotline_reports"][0] == 1
    assert rows["training_participants"][0] == 1 and rows["audit_log"][0] == 0

    run = retention_run()
    assert run.counts == {"closed_cases": 1, "hotline_reports": 1, "training_participants": 1, "research_responses": 0}
    old.child.refresh_from_db()
    held.child.refresh_from_db()
    recent.child.refresh_from_db()
    assert old.child.full_name == "" and old.child.erased_at is not None
    assert held.child.full_name == "Anak Ditahan Uji" and recent.child.full_name == "Anak Baru Uji"
    assert Case.objects.filter(pk=old.pk, status=Status.CLOSED).exists(), "the case stays for the statistics"
    report.refresh_from_db()
    person.refresh_from_db()
    assert report.description == "" and report.contact == "" and not report.urls.exists()
    assert report.forms == ["online"] and report.regency_id == "51.71", "what statistics count stays"
    assert person.full_name == "" and person.role == "" and person.sex == "female"
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM audit_auditevent WHERE action = 'operations.retention.ran'")
        assert cursor.fetchone()[0] == 1
    assert AuditEvent.objects.filter(action="cases.retention.erased", target_id=str(old.pk)).exists()
    assert retention_run().counts == {
        "closed_cases": 0,
        "hotline_reports": 0,
        "training_participants": 0,
        "research_responses": 0,
    }


def test_the_periods_and_holds_are_the_system_admins_and_audited(system_admin: User, caseworker_jakarta: User) -> None:
    with pytest.raises(PermissionDenied):
        retention_set(actor=caseworker_jakarta, kind="closed_cases", months=12)
    for kind, months in (("gossip", 12), ("closed_cases", 0), ("closed_cases", 601)):
        with pytest.raises(ValidationError):
            retention_set(actor=system_admin, kind=kind, months=months)
    retention_set(actor=system_admin, kind="hotline_reports", months=6)
    assert {kind.name: months for kind, *_rest in forecast() for months in [kind.months]}["hotline_reports"] == 6
    row = AuditEvent.objects.get(action="operations.retention.set")
    assert row.details == {"kind": "hotline_reports", "months": 6, "before": ""}
    with pytest.raises(ValidationError) as refused:
        hold_place(actor=system_admin, kind="closed_cases", target_id=" ", reason="")
    assert set(refused.value.message_dict) == {"target_id", "reason"}
    hold = hold_place(actor=system_admin, kind="closed_cases", target_id="x", reason="Penyidikan")
    hold_release(actor=system_admin, hold=hold)
    with pytest.raises(ValidationError):
        hold_release(actor=system_admin, hold=hold)


def test_the_worker_runs_it_once_a_day_after_the_backup(settings: Any) -> None:
    settings.JAGA_BACKUP_HOUR = 2
    settings.TIME_ZONE = "Asia/Jakarta"
    early = timezone.make_aware(datetime(2026, 11, 20, 1, 0))
    late = timezone.make_aware(datetime(2026, 11, 20, 4, 0))
    retention_due(early)
    assert not RetentionRun.objects.exists()
    retention_due(late)
    retention_due(late + timedelta(hours=2))
    assert RetentionRun.objects.count() == 1


def test_the_retention_page(login_client: Callable[..., Client], system_admin: User, caseworker_jakarta: User) -> None:
    admin = login_client(system_admin)
    page = admin.get("/operations/retention/")
    assert page.status_code == 200 and "Kasus yang ditutup" in page.content.decode()
    assert (
        admin.post("/operations/retention/", {"action": "period", "kind": "closed_cases", "months": "0"}).status_code
        == 400
    )
    saved = admin.post("/operations/retention/", {"action": "period", "kind": "closed_cases", "months": "84"})
    assert saved.status_code == 302
    held = admin.post("/operations/retention/", {"action": "hold", "kind": "hotline_reports", "target_id": "abc",
                                                 "reason": "Permintaan penyidik"})  # fmt: skip
    assert held.status_code == 302 and "Permintaan penyidik" in admin.get("/operations/retention/").content.decode()
    assert login_client(caseworker_jakarta).get("/operations/retention/").status_code == 403
