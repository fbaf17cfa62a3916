"""A service unit's day in a real Chromium: the supervisor assigns a case from the intake queue, the
caseworker sees the notification, writes the assessment and the plan, the supervisor approves both, a
task goes overdue and shows on both homes; the staff pages fit a 360 px phone without sideways scrolling.

Skipped, with the reason printed, where Debian's Chromium is not installed (`.ci/run` installs it).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from jaga.accounts.models import User
from jaga.cases.models import Case, Task
from jaga.core.tests.test_browser import CHROMIUM, browser, log_in, serious_violations  # noqa: F401
from jaga.factories import PASSWORD, case_input

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not __import__("os").path.exists(CHROMIUM), reason="Chromium is not installed"),
]


@pytest.fixture
def person(browser: Any) -> Iterator[Any]:  # noqa: F811
    """A new browser for each person of the day (their own session), in Indonesian."""
    contexts: list[Any] = []

    def open_as(viewport: dict[str, int] | None = None) -> Any:
        context = browser.new_context(locale="id-ID", viewport=viewport or {"width": 1200, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield open_as
    for context in contexts:
        context.close()


def reauth(page: Any) -> None:
    """The password again, where the page asks for it (free text about the child)."""
    if "/accounts/reauth/" in page.url:
        page.fill("input[name=secret]", PASSWORD)
        page.click("button.primary")


def test_a_day_at_the_unit(live_server: Any, person: Any, caseworker_jakarta: User, supervisor_jakarta: User) -> None:
    from jaga.cases.services import case_register

    case = case_register(actor=supervisor_jakarta, data=case_input(risk_level="high"))
    assert case.assigned_to is None, "a supervisor's registration waits in the queue"
    base = live_server.url

    boss = person()
    log_in(boss, base, supervisor_jakarta.email)
    boss.wait_for_url(f"{base}/")
    boss.goto(f"{base}/cases/queue/")
    boss.check(f"#case-{case.pk}")
    boss.select_option("#id_assignee", str(caseworker_jakarta.pk))
    boss.fill("#id_reason", "Risiko tinggi, mohon asesmen minggu ini")
    boss.click("button.primary")
    assert Case.objects.get(pk=case.pk).assigned_to == caseworker_jakarta

    worker = person()
    log_in(worker, base, caseworker_jakarta.email)
    worker.wait_for_url(f"{base}/")
    worker.goto(f"{base}/notifications/")
    assert case.reference in worker.locator("main").inner_text()
    worker.goto(f"{base}/cases/{case.pk}/")
    worker.click(f"a[href='/cases/{case.pk}/work/assessment/']")
    reauth(worker)
    worker.wait_for_url(f"**/cases/{case.pk}/work/assessment/")
    worker.select_option("#id_safety", "urgent")
    worker.select_option("#id_risk_rating", "high")
    worker.fill("#id_narrative", "Anak membutuhkan rumah aman dan pendampingan psikologis.")
    worker.click("button[name=submit]")
    assert "Menunggu persetujuan" in worker.locator("h1").inner_text()

    boss.goto(f"{base}/cases/approvals/")
    boss.click(f"text={case.reference}")
    reauth(boss)
    boss.wait_for_url(f"**/cases/{case.pk}/work/assessment/")
    boss.click("button[value=approve]")
    case.refresh_from_db()
    assert case.status == "assessed"

    worker.goto(f"{base}/cases/{case.pk}/work/plan/")
    worker.fill("#id_goals", "Anak aman dan kembali sekolah.")
    worker.fill("#id_action_1_description", "Konseling mingguan")
    worker.select_option("#id_action_1_service", "psychosocial")
    worker.fill("#id_action_1_due_on", (timezone.localdate() + timedelta(days=7)).isoformat())
    worker.click("button[name=submit]")
    boss.goto(f"{base}/cases/{case.pk}/work/plan/")
    boss.click("button[value=approve]")
    case.refresh_from_db()
    assert case.status == "case_plan"

    # A week passes without the counselling: the task is overdue on both homes.
    Task.objects.filter(case=case, kind="plan_action").update(due_on=timezone.localdate() - timedelta(days=1))
    worker.goto(f"{base}/")
    assert "Tugas terlambat" in worker.locator("ul.work").inner_text()
    boss.goto(f"{base}/")
    assert "Tugas terlambat di tim Anda" in boss.locator("ul.work").inner_text()

    problems = {}
    for path in [
        "/cases/approvals/", "/cases/caseload/", f"/cases/{case.pk}/", f"/cases/{case.pk}/work/plan/",
        f"/cases/{case.pk}/work/closure/", "/stats/caseload/", "/cases/services-offered/",
    ]:  # fmt: skip
        boss.goto(base + path)
        problems[path] = serious_violations(boss)
    for path in ["/cases/tasks/", f"/cases/{case.pk}/work/assessment/"]:
        worker.goto(base + path)
        problems[path] = serious_violations(worker)
    assert {path: found for path, found in problems.items() if found} == {}, "axe-core: no serious violation"

    phone = person({"width": 360, "height": 740})
    log_in(phone, base, supervisor_jakarta.email)
    phone.wait_for_url(f"{base}/")
    wide = {}
    for path in ["/", "/cases/", f"/cases/{case.pk}/", "/cases/queue/", "/cases/caseload/", "/cases/approvals/"]:
        phone.goto(base + path)
        width = phone.evaluate("document.documentElement.scrollWidth")
        if width > 362:
            wide[path] = width
    assert wide == {}, "no sideways scrolling on a 360 px phone"
