"""The demo's casework: the demo units' cases walked through the real services, so that every status,
approval, task and referral a service unit meets is there the first time ``make run`` is opened.

Oldest cases first: most are closed, then cases in services, in plan, assessed with a plan waiting for
approval, registered with an assessment waiting (one returned), and the newest still to assess (a few
overdue). Dates are then set back to what they would have been (an assessment some days after
registration, and so on), so the timelines and the caseload insights read like a real year.
Everything here is synthetic.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from jaga.accounts.models import Organisation, User
from jaga.cases import workflow
from jaga.cases.details import service_record_add
from jaga.cases.models import Case, CaseEvent, ServiceOffer, Status, Task
from jaga.cases.referrals import referral_decide, referral_request
from jaga.notifications.models import Notification

NARRATIVES = [
    "Anak tinggal bersama nenek; sekolah terhenti sejak kelas 8. Kontak dengan pelaku lewat aplikasi pesan.",
    "Anak dijanjikan pekerjaan di kafe; kini di rumah aman. Keluarga mendukung, butuh bantuan ekonomi.",
    "Anak mengalami kecemasan berat; pelaku mengancam menyebarkan foto. Laporan polisi sudah dibuat.",
]
GOALS = "Anak aman, mendapat pendampingan psikologis, dan kembali bersekolah dalam satu semester."
ACTIONS = [
    ("Konseling psikologis mingguan", "psychosocial", 7),
    ("Pendampingan laporan ke Polda", "legal_aid", 14),
    ("Koordinasi dengan sekolah untuk kembali belajar", "reintegration", 30),
]


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _assess(worker: User, case: Case, rng: random.Random, *, submit: bool = True) -> None:
    risk = case.risk_level or rng.choice(["low", "medium", "high"])
    data = {
        "safety": rng.choice(["none", "some", "urgent"]),
        "health": rng.choice(["none", "some"]),
        "psychosocial": rng.choice(["some", "urgent"]),
        "legal": rng.choice(["none", "some", "urgent"]),
        "education": rng.choice(["none", "some"]),
        "family_economy": rng.choice(["none", "some"]),
        "risk_rating": risk,
        "narrative": rng.choice(NARRATIVES),
    }
    workflow.assessment_save(actor=worker, case=case, data=data, submit=submit)


def _plan(worker: User, case: Case) -> None:
    start = timezone.localdate()
    actions = [
        workflow.ActionInput(description=text, service=service, due_on=start + timedelta(days=days), responsible=worker)
        for text, service, days in ACTIONS
    ]
    workflow.plan_save(actor=worker, case=case, goals=GOALS, actions=actions, submit=True)


def _approve(boss: User, case: Case, item: str) -> None:
    entry = workflow.current(case, item)
    assert entry is not None
    workflow.submission_decide(actor=boss, entry=entry, approve=True)
    case.refresh_from_db()


def _walk(case: Case, stage: str, worker: User, boss: User, rng: random.Random) -> None:
    """Takes ``case`` as far as ``stage`` through the services (the status follows the approvals)."""
    if stage == "assessment_waiting":
        _assess(worker, case, rng)
        return
    if stage == "assessment_returned":
        _assess(worker, case, rng)
        entry = workflow.current(case, "assessment")
        assert entry is not None  # just submitted
        workflow.submission_decide(
            actor=boss, entry=entry, approve=False, comment="Tambahkan kebutuhan pendidikan dan rencana keamanan."
        )
        return
    _assess(worker, case, rng)
    _approve(boss, case, "assessment")
    _plan(worker, case)
    if stage == "plan_waiting":
        return
    _approve(boss, case, "plan")
    if stage == "case_plan":
        return
    started = min(case.registered_on + timedelta(days=DAYS["services"]), timezone.localdate())
    service_record_add(actor=worker, case=case, service="psychosocial", state="ongoing", started_on=started)
    case.refresh_from_db()
    if stage == "services":
        return
    workflow.closure_request_save(actor=worker, case=case, reason="goals_met", outcome="Anak kembali bersekolah.")
    if stage == "closure_waiting":
        return
    _approve(boss, case, "closure")


STAGES = [  # (share of the unit's cases, oldest first, and how far they go)
    (0.40, "closed"),
    (0.14, "services"),
    (0.02, "closure_waiting"),
    (0.08, "case_plan"),
    (0.06, "plan_waiting"),
    (0.06, "assessment_waiting"),
    (0.02, "assessment_returned"),
]
# Days after registration at which each step happened, for the dates set back afterwards.
DAYS = {"assessment": 5, "plan": 14, "services": 18, "closure": 120}


OFFERS = {
    "jakarta": ["medical", "psychosocial", "legal_aid", "shelter", "reintegration", "family_support", "restitution"],
    "bali": ["medical", "psychosocial", "legal_aid", "shelter", "reintegration"],
    "ngo": ["psychosocial", "legal_aid", "reintegration", "family_support"],
}


def demo_casework(organisations: dict[str, Organisation], *, seed: int = 7) -> None:
    rng = random.Random(seed)  # noqa: S311  (synthetic data)
    ServiceOffer.objects.bulk_create(
        [ServiceOffer(organisation=organisations[key], service=code) for key, codes in OFFERS.items() for code in codes]
    )
    for key in ("jakarta", "bali"):
        unit = organisations[key]
        worker = User.objects.get(organisation=unit, email__startswith="caseworker.")
        boss = User.objects.get(organisation=unit, email__startswith="supervisor.")
        cases = list(Case.objects.filter(organisation=unit, assigned_to=worker).order_by("registered_on", "number"))
        stages: list[str] = []
        for share, stage in STAGES:
            stages += [stage] * max(1, round(share * len(cases)))
        walked = list(zip(cases, stages, strict=False))
        for case, stage in walked:
            _walk(case, stage, worker, boss, rng)
            _set_dates_back(case)
        reopened = next((case for case, stage in walked if stage == "closed"), None)
        if reopened is not None:
            workflow.case_reopen(actor=boss, case=reopened, reason="Anak kembali ditemukan di lokasi yang sama.")
        _overdue(unit, rng)
    _demo_referrals(organisations)
    # What happened long ago was read long ago; what waits now stays unread.
    recent = timezone.now() - timedelta(hours=1)
    Notification.objects.filter(created_at__lt=recent).update(read_at=timezone.now())
    for user in User.objects.filter(organisation__in=[organisations["jakarta"], organisations["bali"]]):
        mine = Notification.objects.filter(user=user).order_by("-created_at")
        keep = list(mine.values_list("pk", flat=True)[:6])
        mine.exclude(pk__in=keep).update(read_at=timezone.now())
        Notification.objects.filter(pk__in=keep[3:]).update(read_at=timezone.now())


def _set_dates_back(case: Case) -> None:
    """The steps dated as they would have happened after the case's registration (never in the future)."""
    today = timezone.localdate()

    def day(offset: int) -> date:
        return min(case.registered_on + timedelta(days=offset), today)

    for item, model_days in (("assessment", DAYS["assessment"]), ("plan", DAYS["plan"]), ("closure", DAYS["closure"])):
        model = workflow.ITEMS[item]
        model.objects.filter(case=case).update(  # type: ignore[attr-defined]
            created_at=_at(day(model_days - 1)), submitted_at=_at(day(model_days - 1), 15)
        )
        model.objects.filter(case=case, decided_at__isnull=False).update(decided_at=_at(day(model_days)))  # type: ignore[attr-defined]
    moves = {
        Status.ASSESSED: DAYS["assessment"],
        Status.CASE_PLAN: DAYS["plan"],
        Status.SERVICES: DAYS["services"],
        Status.CLOSED: DAYS["closure"],
    }
    for status, offset in moves.items():
        case.events.filter(kind=CaseEvent.Kind.STATUS_CHANGED, to_status=status).update(at=_at(day(offset), 11))
    for kind, offset in (("submitted", 4), ("approved", 5), ("returned", 5), ("service_recorded", DAYS["services"])):
        case.events.filter(kind=kind).update(at=_at(day(offset), 12))
    case.services.update(created_at=_at(day(DAYS["services"])))
    steps = {"assessed_on": "assessment", "planned_on": "plan", "served_on": "services", "closed_on": "closure"}
    Case.objects.filter(pk=case.pk).update(
        **{name: day(DAYS[step]) for name, step in steps.items() if getattr(case, name) is not None}
    )
    if case.status == Status.CLOSED:
        case.tasks.update(closed_at=_at(day(DAYS["closure"])))


def _overdue(unit: Organisation, rng: random.Random) -> None:
    """A few of the unit's tasks missed their date, as in any real week."""
    today = timezone.localdate()
    tasks = list(Task.objects.filter(case__organisation=unit, state=Task.State.OPEN).order_by("due_on", "pk")[:40])
    for task in rng.sample(tasks, min(4, len(tasks))):
        Task.objects.filter(pk=task.pk).update(due_on=today - timedelta(days=rng.randint(1, 6)))


def _demo_referrals(organisations: dict[str, Organisation]) -> None:
    """Jakarta refers four children to Bali: one waits for Bali's decision, one accepted, one declined, and
    one transferred (the family moved; the case continues in Bali, waiting in its intake queue)."""
    jakarta, bali = organisations["jakarta"], organisations["bali"]
    sender = User.objects.get(organisation=jakarta, email__startswith="caseworker.")
    boss = User.objects.get(organisation=bali, email__startswith="supervisor.")
    receiver = User.objects.get(organisation=bali, email__startswith="caseworker.")
    shareable = Case.objects.filter(
        organisation=jakarta, assigned_to=sender, status__in=[Status.SERVICES, Status.CASE_PLAN]
    ).filter(consents__sharing=True)
    chosen = list(shareable.distinct().order_by("-registered_on")[:4])
    plans = [
        ("shelter", None, False),
        ("psychosocial", True, False),
        ("legal_aid", False, False),
        ("shelter", True, True),
    ]
    for case, (service, answer, transfer) in zip(chosen, plans, strict=False):
        referral = referral_request(
            actor=sender,
            case=case,
            to_organisation=bali,
            service=service,
            is_transfer=transfer,
            reason="Keluarga pindah ke Denpasar; anak butuh layanan lanjutan di sana.",
        )
        if answer is True:
            referral_decide(actor=boss, referral=referral, accept=True, assignee=None if transfer else receiver)
        elif answer is False:
            referral_decide(
                actor=boss, referral=referral, accept=False, reason="Kuota pendampingan hukum bulan ini penuh."
            )
