"""The Code: companies, progress on the six criteria with evidence, the partner's annual report, verification."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest

from jaga.audit.models import AuditEvent
from jaga.factories import PASSWORD
from jaga.programs.code import services as code
from jaga.programs.code.models import CodeMember, CodeReport, CriterionProgress

pytestmark = pytest.mark.django_db


def _report(year: int, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"year": year, "staff_trained": 40}
    for n in range(1, 6):
        data[f"status_{n}"] = "met"
        data[f"evidence_{n}"] = f"Bukti kriteria {n}"
    data.update(overrides)
    return data


def test_a_company_reports_an_officer_returns_then_verifies_and_the_dashboard_counts_it(
    login_client: Any, programme_officer: Any, partner_hotel: Any, orgs: dict
) -> None:
    officer = login_client(programme_officer)
    # Only private-sector organisations join; a member needs a date.
    page = officer.post(
        "/programs/code/", {"organisation": orgs["ngo"].pk, "sector": "hotel", "status": "member"}
    ).content.decode()
    assert not CodeMember.objects.exists()
    response = officer.post(
        "/programs/code/",
        {"organisation": orgs["hotel"].pk, "sector": "hotel", "status": "member", "joined_on": "2024-01-15"},
    )
    member = CodeMember.objects.get()
    assert response["Location"] == f"/programs/code/{member.pk}/"
    assert member.progress.count() == 6 and not member.progress.exclude(status="not_started").exists()

    company = login_client(partner_hotel)
    year = date.today().year - 1
    page = company.get("/programs/code/report/").content.decode()
    assert "Kirim laporan tahunan" in page and orgs["hotel"].name in page
    page = company.post("/programs/code/report/", _report(year, evidence_3="")).content.decode()
    assert "apa buktinya" in page and not CodeReport.objects.exists()  # a claim needs its evidence
    assert company.post("/programs/code/report/", _report(year, status_3="in_progress")).status_code == 302
    page = company.post("/programs/code/report/", _report(year)).content.decode()
    assert "sudah dikirim" in page  # once per year, unless returned

    url = f"/programs/code/{member.pk}/"
    report = CodeReport.objects.get()
    page = officer.post(url, {"action": "review", "report": report.pk, "review-decision": "return"}).content.decode()
    assert "apa yang perlu diubah" in page  # returning needs a note
    officer.post(
        url,
        {"action": "review", "report": report.pk, "review-decision": "return", "review-note": "Lampirkan kontrak"},
    )
    assert CodeReport.objects.get().status == "returned"
    assert "Lampirkan kontrak" in company.get("/programs/code/report/").content.decode()
    assert company.post("/programs/code/report/", _report(year)).status_code == 302  # sent again
    officer.post(url, {"action": "review", "report": report.pk, "review-decision": "verify"})
    assert CodeReport.objects.get().status == "verified"
    statuses = dict(member.progress.values_list("criterion", "status"))
    assert statuses == dict.fromkeys(range(1, 7), "met")
    assert member.progress.get(criterion=3).evidence == "Bukti kriteria 3"

    board = code.dashboard()
    assert board.all_six == 1 and board.staff_trained == 40 and board.awaiting == 0
    assert dict((c, n) for c, _label, n in board.per_criterion) == dict.fromkeys(range(1, 7), 1)
    page = officer.get("/programs/code/").content.decode()
    assert "<svg" in page and "6 / 6" in page
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(officer.get("/programs/code/", {"format": "xlsx"}).content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == orgs["hotel"].name and rows[1][4:10] == ("met",) * 6

    token = officer.post(
        "/api/v1/auth/token/", {"email": programme_officer.email, "password": PASSWORD}, content_type="application/json"
    ).json()["token"]
    body = officer.get("/api/v1/programs/code/members/", HTTP_AUTHORIZATION=f"Token {token}").json()
    assert body[0]["criteria"] == dict.fromkeys([str(n) for n in range(1, 7)], "met")
    assert body[0]["reports"] == [{"year": year, "status": "verified", "staff_trained": 40}]
    actions = list(AuditEvent.objects.filter(action__startswith="programs.code.").values_list("action", flat=True))
    assert actions.count("programs.code.report_submitted") == 2 and actions.count("programs.code.report_reviewed") == 2


def test_progress_needs_evidence_and_reports_overdue(programme_officer: Any, orgs: dict) -> None:
    member = code.member_add(
        actor=programme_officer, organisation=orgs["hotel"], sector="hotel", status="member", joined_on=date(2023, 1, 1)
    )
    with pytest.raises(Exception, match=r"evidence|bukti"):
        code.progress_set(actor=programme_officer, member=member, criterion=1, status="met", evidence="",
                          evidence_on=date(2025, 1, 1))  # fmt: skip
    with pytest.raises(Exception, match=r"date|tanggal"):
        code.progress_set(
            actor=programme_officer, member=member, criterion=1, status="met", evidence="Kebijakan", evidence_on=None
        )
    progress = code.progress_set(
        actor=programme_officer,
        member=member,
        criterion=1,
        status="met",
        evidence="Kebijakan disahkan",
        evidence_on=date(2025, 1, 1),
    )
    assert progress.status == CriterionProgress.Status.MET
    members = list(CodeMember.objects.prefetch_related("reports"))
    assert code.overdue(members, today=date(2026, 4, 1)) == [member]  # the 2025 report was due on 31 March
    assert code.overdue(members, today=date(2026, 3, 1)) == [member]  # then the 2024 one was the latest due
    CodeReport.objects.create(member=member, year=2025, staff_trained=1, criteria={}, status="submitted")
    CodeReport.objects.create(member=member, year=2024, staff_trained=1, criteria={}, status="verified")
    members = list(CodeMember.objects.prefetch_related("reports"))
    assert code.overdue(members, today=date(2026, 4, 1)) == []
    assert code.overdue(members, today=date(2026, 3, 1)) == []


def test_the_company_page_is_for_partner_users_and_other_companies_see_nothing(
    login_client: Any, partner_hotel: Any, caseworker_jakarta: Any
) -> None:
    page = login_client(partner_hotel).get("/programs/code/report/").content.decode()
    assert "belum tergabung" in page  # not a member yet: nothing to report
    assert login_client(partner_hotel).get("/programs/code/").status_code == 403
    assert login_client(caseworker_jakarta).get("/programs/code/report/").status_code == 403
