"""The factories make objects as users do: through the services, with their audit rows and rules."""

from __future__ import annotations

import pytest

from jaga.accounts.models import Role
from jaga.audit.models import AuditEvent
from jaga.cases.models import CaseEvent
from jaga.factories import CaseFactory, ReportFactory, TrainingSessionFactory, UnitFactory, UserFactory
from jaga.hotline.models import State

pytestmark = pytest.mark.django_db


def test_a_factory_case_is_registered_by_the_service_with_its_child_consent_timeline_and_audit_row() -> None:
    case = CaseFactory.create(child={"nik": ""})
    assert case.reference and case.child.full_name == "Sinta Maharani Uji" and case.consents.count() == 1
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.REGISTERED).exists()
    assert AuditEvent.objects.filter(action="cases.case.registered", target_id=str(case.pk)).exists()
    worker = UserFactory.create(organisation=case.organisation, roles=[Role.CASEWORKER])
    second = CaseFactory.create(actor=worker, child={"nik": "", "full_name": "Dewi Lestari Uji"})
    assert second.organisation == case.organisation and second.reference != case.reference


def test_a_factory_user_has_its_roles_and_logs_in() -> None:
    from django.test import Client

    from jaga.factories import PASSWORD

    user = UserFactory.create(organisation=UnitFactory.create(), roles=[Role.SUPERVISOR])
    assert user.roles == frozenset({Role.SUPERVISOR})
    assert Client().post("/accounts/login/", {"username": user.email, "password": PASSWORD}).status_code == 302


def test_a_factory_report_and_session_come_from_their_services() -> None:
    report = ReportFactory.create()
    assert report.state == State.RECEIVED and report.tracking_code and report.regency_id == "51.71"
    session = TrainingSessionFactory.create()
    assert session.test_token and session.module.title.startswith("Mencegah")
    assert AuditEvent.objects.filter(action="programs.training.session_created", target_id=str(session.pk)).exists()
