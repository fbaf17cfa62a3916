"""Statistics hear about changes through named events, sent by the services that change a case
(core/events.py), not through model save hooks: every service that changes what the dashboards
count queues one refresh after its commit, and reading a case queues none."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from jaga.accounts.models import Organisation, User
from jaga.cases.details import legal_process_update, perpetrator_add, service_record_add
from jaga.cases.inputs import ConsentInput
from jaga.cases.models import Case
from jaga.cases.referrals import referral_request
from jaga.cases.services import case_viewed, consent_record, note_add
from jaga.cases.subject import subject_erase, subject_restrict

pytestmark = pytest.mark.django_db


def refreshes_queued() -> int:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path__endswith="refresh_statistics", status="READY").count()


def after(run: Callable[[], Any], capture: Any) -> int:
    """How many refreshes are waiting once ``run``'s transaction has committed."""
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()
    with capture(execute=True):
        run()
    return refreshes_queued()


def test_every_service_that_changes_a_case_queues_one_refresh(
    caseworker_jakarta: User,
    supervisor_jakarta: User,
    orgs: dict[str, Organisation],
    register_case: Callable[..., Case],
    django_capture_on_commit_callbacks: Any,
) -> None:
    holder: dict[str, Case] = {}

    def register() -> None:
        holder["case"] = register_case(caseworker_jakarta)

    assert after(register, django_capture_on_commit_callbacks) == 1
    case = holder["case"]
    worker, supervisor = caseworker_jakarta, supervisor_jakarta
    consent = ConsentInput(given_by="guardian", services=True, sharing=True, statistics=False)
    changes: dict[str, Callable[[], Any]] = {
        "consent": lambda: consent_record(actor=worker, case=case, consent=consent),
        "note": lambda: note_add(actor=worker, case=case, text="Kunjungan rumah"),
        "referral": lambda: referral_request(actor=worker, case=case, to_organisation=orgs["bali"], service="shelter"),
        "perpetrator": lambda: perpetrator_add(
            actor=worker, case=case, relationship="online_contact", role="buyer", sex="male", age_band="25_39"
        ),
        "service": lambda: service_record_add(actor=worker, case=case, service="psychosocial", state="ongoing"),
        "legal": lambda: legal_process_update(actor=worker, case=case, stage="investigation"),
        "restriction": lambda: subject_restrict(actor=supervisor, case=case, restrict=True),
        "erasure": lambda: subject_erase(actor=supervisor, case=case, confirm=case.reference),
    }
    queued = {name: after(change, django_capture_on_commit_callbacks) for name, change in changes.items()}
    assert queued == dict.fromkeys(changes, 1)
    case.refresh_from_db()
    assert case.in_statistics is False, "the consent without statistics took the case out of the figures"


def test_reading_a_case_queues_no_refresh(
    caseworker_jakarta: User, register_case: Callable[..., Case], django_capture_on_commit_callbacks: Any
) -> None:
    case = register_case(caseworker_jakarta)

    def read() -> None:
        case_viewed(actor=caseworker_jakarta, case=case, via="page", identity=True)

    assert after(read, django_capture_on_commit_callbacks) == 0
