"""The case lifecycle: assessment, case plan and closure request, approved or returned by a supervisor,
with the status following the approvals; tested as a table of (status, step, who) and as a whole case."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.utils import timezone

from jaga.accounts.models import Role, User
from jaga.audit.models import AuditEvent
from jaga.cases import casetasks, services, workflow
from jaga.cases.details import service_record_add
from jaga.cases.models import Case, CaseChange, Status, Task
from jaga.cases.tests.test_access import ROLES, api_client
from jaga.cases.work_models import Submitted
from jaga.factories import PASSWORD
from jaga.notifications.models import Kind, Notification

pytestmark = pytest.mark.django_db

S = Status
CHILD_NAME = "Sinta Maharani Uji"  # the synthetic child of case_input
NARRATIVE = "Anak tinggal bersama tante di Jl. Melati; butuh rumah aman."


def assess(actor: User, case: Case, *, submit: bool = True, risk: str = "high") -> Any:
    data = {"safety": "urgent", "health": "some", "risk_rating": risk, "narrative": NARRATIVE}
    return workflow.assessment_save(actor=actor, case=case, data=data, submit=submit)


def plan(actor: User, case: Case, *, submit: bool = True, actions: int = 2) -> Any:
    due = timezone.localdate() + timedelta(days=10)
    steps = [
        workflow.ActionInput(description=f"Langkah {n}", due_on=due, service="psychosocial", responsible=None)
        for n in range(1, actions + 1)
    ]
    return workflow.plan_save(
        actor=actor, case=case, goals="Anak aman dan kembali sekolah", actions=steps, submit=submit
    )


def ask_closure(actor: User, case: Case) -> Any:
    return workflow.closure_request_save(actor=actor, case=case, reason="goals_met", outcome="Anak kembali sekolah")


def decide(actor: User, case: Case, item: str, *, approve: bool = True, comment: str = "") -> Any:
    entry = workflow.current(case, item)
    assert entry is not None
    return workflow.submission_decide(actor=actor, entry=entry, approve=approve, comment=comment)


def take(step: str, case: Case, people: dict[str, User]) -> None:
    """Takes ``step`` on ``case`` as the table says: a submission by its caseworker, a decision by ``who``."""
    who = people["who"]
    if step == "submit_assessment":
        assess(who, case)
    elif step == "submit_plan":
        plan(who, case)
    elif step == "submit_closure":
        ask_closure(who, case)
    elif step.startswith("approve_"):
        item = step.removeprefix("approve_")
        {"assessment": assess, "plan": plan, "closure": ask_closure}[item](people["caseworker"], case)
        decide(who, case, item)
    elif step == "start_services":
        workflow.case_start_services(actor=who, case=case)
    elif step == "reopen":
        workflow.case_reopen(actor=who, case=case, reason="Anak kembali ke tempat hiburan")


# (status the case is in, step, who takes it, the status after it or the refusal)
TABLE = [
    (S.REGISTERED, "submit_assessment", "caseworker", S.REGISTERED),
    (S.REGISTERED, "approve_assessment", "supervisor", S.ASSESSED),
    (S.REGISTERED, "approve_assessment", "caseworker", PermissionDenied),
    (S.REGISTERED, "submit_plan", "caseworker", ValidationError),
    (S.REGISTERED, "start_services", "caseworker", ValidationError),
    (S.REGISTERED, "approve_closure", "supervisor", S.CLOSED),
    (S.REGISTERED, "reopen", "supervisor", ValidationError),
    (S.ASSESSED, "submit_assessment", "caseworker", S.ASSESSED),
    (S.ASSESSED, "approve_assessment", "supervisor", S.ASSESSED),
    (S.ASSESSED, "approve_plan", "supervisor", S.CASE_PLAN),
    (S.ASSESSED, "start_services", "caseworker", ValidationError),
    (S.CASE_PLAN, "start_services", "caseworker", S.SERVICES),
    (S.CASE_PLAN, "approve_plan", "supervisor", S.CASE_PLAN),
    (S.CASE_PLAN, "submit_assessment", "caseworker", ValidationError),
    (S.SERVICES, "approve_plan", "supervisor", S.SERVICES),
    (S.SERVICES, "approve_closure", "supervisor", S.CLOSED),
    (S.SERVICES, "approve_closure", "caseworker", PermissionDenied),
    (S.SERVICES, "reopen", "supervisor", ValidationError),
    (S.CLOSED, "submit_closure", "caseworker", ValidationError),
    (S.CLOSED, "submit_assessment", "caseworker", ValidationError),
    (S.CLOSED, "reopen", "caseworker", PermissionDenied),
    (S.CLOSED, "reopen", "supervisor", S.REOPENED),
    (S.REOPENED, "approve_assessment", "supervisor", S.ASSESSED),
    (S.REOPENED, "approve_closure", "supervisor", S.CLOSED),
    (S.TRANSFERRED, "approve_assessment", "supervisor", S.ASSESSED),
    (S.REGISTERED, "submit_assessment", "other_unit", PermissionDenied),
    (S.CLOSED, "reopen", "other_unit_supervisor", PermissionDenied),
]


@pytest.mark.parametrize(("status", "step", "who", "expected"), TABLE, ids=lambda value: str(value))
def test_the_state_machine_as_a_table(
    status: str, step: str, who: str, expected: Any, persona: Callable[[str], User], make_user: Callable[..., User]
) -> None:
    caseworker = persona("caseworker_jakarta")
    supervisor = persona("supervisor_jakarta")
    people = {
        "caseworker": caseworker,
        "supervisor": supervisor,
        "other_unit": persona("caseworker_bali"),
        "other_unit_supervisor": persona("supervisor_bali"),
    }
    case = services.case_register(actor=caseworker, data=_input())
    Case.objects.filter(pk=case.pk).update(status=status)
    case.refresh_from_db()
    people["who"] = people[who]
    if isinstance(expected, type) and issubclass(expected, Exception):
        with pytest.raises(expected):
            take(step, case, people)
        case.refresh_from_db()
        assert case.status == status, "a refused step leaves the case as it was"
    else:
        take(step, case, people)
        case.refresh_from_db()
        assert case.status == expected


def _input() -> Any:
    from jaga.factories import case_input

    return case_input()


def test_every_status_is_reached_by_a_step_and_every_open_status_can_close() -> None:
    reached: set[str] = {S.REGISTERED}
    frontier: list[str] = [S.REGISTERED]
    while frontier:
        status = frontier.pop()
        for step in workflow.STEPS.values():
            target = step.moves.get(status)
            if target and target not in reached:
                reached.add(target)
                frontier.append(target)
    assert reached == set(Status.values), "no status a user cannot reach"
    for status in workflow.OPEN_STATUSES:
        assert workflow.STEPS["approve_closure"].moves[status] == S.CLOSED


def test_a_whole_case_from_registration_to_closure_and_reopening(
    caseworker_jakarta: User, supervisor_jakarta: User, register_case: Callable[..., Case]
) -> None:
    worker, boss = caseworker_jakarta, supervisor_jakarta
    case = register_case(worker)
    task = Task.objects.get(case=case, state="open")
    assert (task.kind, task.owner) == ("assessment", worker), "the standard deadline is the lead's"

    draft = assess(worker, case, submit=False)
    assert draft.state == "draft" and not Notification.objects.filter(user=boss).exists(), "a draft tells nobody"
    assess(worker, case)
    asked = Notification.objects.get(user=boss, kind=Kind.APPROVAL_REQUESTED)
    assert case.reference in asked.text and "asesmen" in asked.text and CHILD_NAME not in asked.text
    with pytest.raises(ValidationError, match="perlu diubah"):
        decide(boss, case, "assessment", approve=False)
    decide(boss, case, "assessment", approve=False, comment="Lengkapi kebutuhan pendidikan.")
    assert Notification.objects.filter(user=worker, kind=Kind.SUBMISSION_RETURNED).exists()
    case.refresh_from_db()
    assert case.status == S.REGISTERED, "a returned assessment does not move the case"
    assess(worker, case)
    assert workflow.current(case, "assessment").pk == draft.pk, "the returned assessment is sent again, not copied"
    decide(boss, case, "assessment")
    case.refresh_from_db()
    assert (case.status, case.risk_level) == (S.ASSESSED, "high")
    assert CaseChange.objects.filter(case=case, field="risk_level", new="high").exists()
    assert Task.objects.get(pk=task.pk).state == "done"
    assert Task.objects.filter(case=case, kind="plan", state="open", owner=worker).exists()

    plan(worker, case)
    decide(boss, case, "plan")
    case.refresh_from_db()
    assert case.status == S.CASE_PLAN
    open_kinds = sorted(Task.objects.filter(case=case, state="open").values_list("kind", flat=True))
    assert open_kinds == ["follow_up", "plan_action", "plan_action"]
    assert {t.label for t in Task.objects.filter(case=case, kind="plan_action")} == {"Langkah 1", "Langkah 2"}

    service_record_add(actor=worker, case=case, service="psychosocial", state="ongoing")
    case.refresh_from_db()
    assert case.status == S.SERVICES, "the first service that starts moves the case into services"

    ask_closure(worker, case)
    decide(boss, case, "closure")
    case.refresh_from_db()
    assert (case.status, case.closure_reason) == (S.CLOSED, "goals_met")
    assert not Task.objects.filter(case=case, state="open").exists(), "a closed case has nothing left to do"

    workflow.case_reopen(actor=boss, case=case, reason="Anak kembali dieksploitasi")
    case.refresh_from_db()
    assert case.status == S.REOPENED
    assert case.assessments.filter(state="approved").count() == 1, "reopening keeps the history"
    assert Task.objects.filter(case=case, kind="assessment", state="open").exists()
    actions = set(AuditEvent.objects.filter(target_id=str(case.pk)).values_list("action", flat=True))
    assert {
        "cases.assessment.saved",
        "cases.assessment.submitted",
        "cases.assessment.returned",
        "cases.assessment.approved",
        "cases.plan.approved",
        "cases.closure.approved",
        "cases.case.reopened",
    } <= actions
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds.count("approved") == 3 and "returned" in kinds


def test_nobody_approves_their_own_work_unless_they_are_the_only_approver(
    supervisor_jakarta: User, make_user: Callable[..., User], register_case: Callable[..., Case]
) -> None:
    case = register_case(supervisor_jakarta)
    assess(supervisor_jakarta, case)
    decide(supervisor_jakarta, case, "assessment")  # the unit's only supervisor
    row = AuditEvent.objects.get(action="cases.assessment.approved")
    assert row.details["self_approved"] is True
    make_user("wakil.jakarta@test.example", "jakarta", Role.SUPERVISOR, full_name="Wakil Supervisor")
    case.refresh_from_db()
    plan(supervisor_jakarta, case)
    with pytest.raises(ValidationError, match="supervisor lain"):
        decide(supervisor_jakarta, case, "plan")


def test_free_texts_are_encrypted_and_erasure_destroys_them(
    caseworker_jakarta: User, supervisor_jakarta: User, register_case: Callable[..., Case]
) -> None:
    case = register_case(caseworker_jakarta)
    assess(caseworker_jakarta, case)
    decide(supervisor_jakarta, case, "assessment", approve=False, comment="Nama tante Melati perlu dicek")
    with connection.cursor() as cursor:
        cursor.execute("SELECT narrative, comment FROM cases_assessment")
        stored = " ".join(str(value) for row in cursor.fetchall() for value in row)
    assert "Melati" not in stored and "rumah aman" not in stored
    from jaga.cases.subject import subject_erase

    subject_erase(actor=supervisor_jakarta, case=case, confirm=case.reference)
    entry = workflow.current(case, "assessment")
    assert (entry.narrative, entry.comment) == ("", "")


def test_a_plan_names_what_is_wrong_in_each_action(
    caseworker_jakarta: User, register_case: Callable[..., Case]
) -> None:
    case = register_case(caseworker_jakarta)
    Case.objects.filter(pk=case.pk).update(status=S.ASSESSED)
    case.refresh_from_db()
    bad = [workflow.ActionInput(description="", due_on=None)]
    with pytest.raises(ValidationError) as refused:
        workflow.plan_save(actor=caseworker_jakarta, case=case, goals="", actions=bad, submit=True)
    errors = refused.value.message_dict
    assert "goals" in errors and any("Tindakan 1" in message for message in errors["action_1"])
    assert not case.plans.exists(), "nothing is saved"


def test_the_pages_carry_the_assessment_to_approval(
    login_client: Callable[..., Client],
    caseworker_jakarta: User,
    supervisor_jakarta: User,
    register_case: Callable[..., Case],
) -> None:
    case = register_case(caseworker_jakarta)
    me = login_client(caseworker_jakarta)
    page = me.get(f"/cases/{case.pk}/").content.decode()
    assert "Asesmen" in page and f"/cases/{case.pk}/work/assessment/" in page
    url = f"/cases/{case.pk}/work/assessment/"
    assert me.get(url)["Location"].startswith("/accounts/reauth/"), "free text about the child: password again"
    me.post("/accounts/reauth/", {"secret": PASSWORD, "next": "/"})
    refused = me.post(url, {"safety": "urgent", "risk_rating": "", "narrative": NARRATIVE, "submit": "1"})
    assert refused.status_code == 400 and NARRATIVE in refused.content.decode(), "what was typed stays"
    sent = me.post(url, {"safety": "urgent", "risk_rating": "medium", "narrative": NARRATIVE, "submit": "1"})
    assert sent.status_code == 302
    assert "Menunggu persetujuan" in me.get(url).content.decode()
    boss = login_client(supervisor_jakarta)
    boss.post("/accounts/reauth/", {"secret": PASSWORD, "next": "/"})
    waiting = boss.get("/cases/approvals/").content.decode()
    assert case.reference in waiting
    assert "Menunggu persetujuan Anda" in boss.get("/").content.decode()
    review = boss.get(url).content.decode()
    assert NARRATIVE in review and 'value="approve"' in review
    assert AuditEvent.objects.filter(action="cases.case.identity_viewed", details__via="assessment").exists()
    boss.post(f"{url}decide/", {"decision": "approve", "comment": ""})
    case.refresh_from_db()
    assert case.status == S.ASSESSED
    assert me.post(f"/cases/{case.pk}/work/plan/", {"goals": "", "submit": "1"}).status_code == 400


def test_tasks_are_flagged_when_overdue_on_the_case_the_task_list_and_both_homes(
    login_client: Callable[..., Client],
    caseworker_jakarta: User,
    supervisor_jakarta: User,
    register_case: Callable[..., Case],
) -> None:
    case = register_case(caseworker_jakarta)
    Task.objects.filter(case=case).update(due_on=timezone.localdate() - timedelta(days=2))
    me = login_client(caseworker_jakarta)
    assert "terlambat" in me.get(f"/cases/{case.pk}/").content.decode()
    assert "terlambat" in me.get("/cases/tasks/").content.decode()
    assert "terlambat" in me.get("/cases/").content.decode(), "the case list flags it too"
    home = me.get("/").content.decode()
    assert "<strong>1</strong> Tugas terlambat" in home
    boss = login_client(supervisor_jakarta)
    assert "<strong>1</strong> Tugas terlambat di tim Anda" in boss.get("/").content.decode()
    load = boss.get("/cases/caseload/").content.decode()
    assert caseworker_jakarta.full_name in load and case.reference in load
    assert me.get("/cases/caseload/").status_code == 403, "the team's caseload is the supervisor's"


def test_a_task_by_hand_keeps_what_was_typed_when_refused_and_tells_its_owner(
    login_client: Callable[..., Client],
    caseworker_jakarta: User,
    supervisor_jakarta: User,
    register_case: Callable[..., Case],
) -> None:
    case = register_case(caseworker_jakarta)
    boss = login_client(supervisor_jakarta)
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    body = {"title": "Kunjungi sekolah", "owner": caseworker_jakarta.pk, "due_on": past}
    refused = boss.post(f"/cases/{case.pk}/tasks/", body)
    assert refused.status_code == 400 and "Kunjungi sekolah" in refused.content.decode()
    assert "tidak boleh di masa lalu" in refused.content.decode()
    body["due_on"] = (timezone.localdate() + timedelta(days=3)).isoformat()
    assert boss.post(f"/cases/{case.pk}/tasks/", body).status_code == 302
    task = Task.objects.get(case=case, kind="manual")
    told = Notification.objects.get(user=caseworker_jakarta, kind=Kind.TASK_ASSIGNED)
    assert case.reference in told.text and "Kunjungi" not in told.text, "a task's text is not in the notification"
    me = login_client(caseworker_jakarta)
    me.post(f"/cases/tasks/{task.pk}/close/", {"state": "done"})
    task.refresh_from_db()
    assert task.state == "done" and task.closed_by == caseworker_jakarta
    assert AuditEvent.objects.filter(action="cases.task.closed").exists()


def test_a_task_of_a_case_out_of_scope_is_not_found(
    login_client: Callable[..., Client], caseworker_bali: User, caseworker_jakarta: User, register_case: Any
) -> None:
    case = register_case(caseworker_jakarta)
    task = Task.objects.get(case=case)
    assert login_client(caseworker_bali).post(f"/cases/tasks/{task.pk}/close/", {"state": "done"}).status_code == 404
    task.refresh_from_db()
    assert task.state == "open"


def test_the_daily_digest_tells_each_owner_once_and_never_before_its_hour(
    caseworker_jakarta: User, register_case: Callable[..., Case], settings: Any
) -> None:
    settings.JAGA_DIGEST_HOUR = 7
    case = register_case(caseworker_jakarta)
    register_case(caseworker_jakarta)
    Task.objects.update(due_on=timezone.localdate() - timedelta(days=1))
    today = timezone.localtime()
    early = today.replace(hour=6, minute=0)
    late = today.replace(hour=8, minute=0)
    assert casetasks.overdue_digest(early) == 0
    assert casetasks.overdue_digest(late) == 1
    assert casetasks.overdue_digest(late) == 0, "once a day"
    told = Notification.objects.get(kind=Kind.TASKS_OVERDUE)
    assert "2" in told.text and case.reference not in told.text


def test_the_waiting_submissions_of_a_closed_case_are_returned(
    caseworker_jakarta: User, supervisor_jakarta: User, register_case: Callable[..., Case]
) -> None:
    case = register_case(caseworker_jakarta)
    assess(caseworker_jakarta, case)
    ask_closure(caseworker_jakarta, case)
    decide(supervisor_jakarta, case, "closure")
    assert workflow.current(case, "assessment").state == Submitted.State.RETURNED


CASE_ROLES = {"caseworker_jakarta", "supervisor_jakarta", "caseworker_bali", "supervisor_bali"}
APPROVERS = {"supervisor_jakarta", "supervisor_bali"}
OWNERS = {"caseworker_jakarta", "supervisor_jakarta"}


@pytest.mark.parametrize("name", ROLES)
def test_the_work_pages_and_api_follow_the_matrix(
    persona: Callable[[str], User], login_client: Callable[..., Client], register_case: Any, name: str
) -> None:
    case = register_case(persona("caseworker_jakarta"))
    user = persona(name)
    page = login_client(user)
    assert page.get("/cases/tasks/").status_code == (200 if name in CASE_ROLES else 403)
    assert page.get("/cases/approvals/").status_code == (200 if name in APPROVERS else 403)
    assert page.get("/cases/caseload/").status_code == (200 if name in APPROVERS else 403)
    work = page.get(f"/cases/{case.pk}/work/assessment/")
    assert work.status_code == (302 if name in OWNERS else (404 if name in CASE_ROLES else 403))
    api = api_client(user)
    body = {"risk_rating": "low", "narrative": "Catatan asesmen", "submit": False}
    written = api.post(f"/api/v1/cases/{case.pk}/work/assessment/", body, content_type="application/json")
    assert written.status_code == (200 if name in OWNERS else (404 if name in CASE_ROLES else 403))
    decide_body = {"item": "plan", "decision": "approve"}
    decided = api.post(f"/api/v1/cases/{case.pk}/work/decide/", decide_body, content_type="application/json")
    expected = {"supervisor_jakarta": 400, "supervisor_bali": 404}.get(name, 403)
    assert decided.status_code == expected, "nothing waits (400), out of scope (404), not an approver (403)"
    assert api.get("/api/v1/tasks/").status_code == (200 if name in CASE_ROLES else 403)


def test_the_api_carries_a_case_from_assessment_to_closure(
    caseworker_jakarta: User, supervisor_jakarta: User, register_case: Any
) -> None:
    case = register_case(caseworker_jakarta)
    me, boss = api_client(caseworker_jakarta), api_client(supervisor_jakarta)
    base = f"/api/v1/cases/{case.pk}/work/"

    def post(client: Client, path: str, body: dict[str, Any]) -> Any:
        return client.post(base + path, body, content_type="application/json")

    sent = post(me, "assessment/", {"risk_rating": "medium", "narrative": NARRATIVE})
    assert sent.status_code == 200 and sent.json()["state"] == "submitted"
    assert post(boss, "decide/", {"item": "assessment", "decision": "return"}).status_code == 400, "a comment first"
    done = post(boss, "decide/", {"item": "assessment", "decision": "approve"})
    assert done.json()["case_status"] == "assessed"
    due = (timezone.localdate() + timedelta(days=5)).isoformat()
    stranger = {"description": "Konseling", "due_on": due, "responsible": "x@y.z"}
    bad = post(me, "plan/", {"goals": "Aman", "actions": [stranger]})
    assert bad.status_code == 400 and "responsible" in str(bad.json())
    action = {"description": "Konseling", "due_on": due, "service": "psychosocial"}
    assert post(me, "plan/", {"goals": "Aman", "actions": [action]}).json()["state"] == "submitted"
    assert post(boss, "decide/", {"item": "plan", "decision": "approve"}).json()["case_status"] == "case_plan"
    tasks = me.get("/api/v1/tasks/").json()["results"]
    assert {task["kind"] for task in tasks} == {"plan_action", "follow_up"}
    closed = me.post(f"/api/v1/tasks/{tasks[0]['id']}/close/", {"state": "done"}, content_type="application/json")
    assert closed.status_code == 200 and closed.json()["state"] == "done"
    assert post(me, "closure/", {"reason": "goals_met", "outcome": "Kembali sekolah"}).status_code == 200
    assert post(boss, "decide/", {"item": "closure", "decision": "approve"}).json()["case_status"] == "closed"
