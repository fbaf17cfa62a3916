"""The system admin's operations pages in a real Chromium, with axe-core: the overview (backups, worker,
disk), the breach register and a breach, retention with a legal hold."""

from __future__ import annotations

import os
from typing import Any

import pytest

from jaga.accounts.models import User
from jaga.core.tests.test_browser import CHROMIUM, log_in, serious_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Chromium is not installed: browser tests skipped"),
]


def test_axe_finds_no_serious_violation_on_the_operations_pages(
    live_server: Any, page: Any, system_admin: User
) -> None:
    from jaga.operations.breaches import breach_record
    from jaga.operations.retention import hold_place

    breach = breach_record(actor=system_admin, title="Laptop petugas hilang (uji)", data=["identity"], subjects=12)
    hold_place(
        actor=system_admin,
        kind="closed_cases",
        target_id="00000000-0000-0000-0000-000000000007",
        reason="Perkara di pengadilan (uji)",
    )
    base = live_server.url
    log_in(page, base, system_admin.email)
    page.wait_for_url(f"{base}/")
    problems = {}
    for path in [
        "/operations/",
        "/operations/breaches/",
        f"/operations/breaches/{breach.pk}/",
        "/operations/retention/",
    ]:
        page.goto(base + path)
        assert page.locator("h1").count() == 1, path
        problems[path] = serious_violations(page)
    assert "Perkara di pengadilan (uji)" in page.content()
    assert {path: found for path, found in problems.items() if found} == {}
