"""The annual report as its makers use it: start, write, comment, send, return, approve (figures frozen),
publish (files made by the worker), correct; and who may do which step."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from jaga.accounts.models import User
from jaga.audit.models import AuditEvent
from jaga.reports import services
from jaga.reports.models import AnnualReport, ReportFile

pytestmark = pytest.mark.django_db


def started(analyst: User, year: int = 2025) -> AnnualReport:
    return services.report_create(actor=analyst, year=year, scope="national")


def test_a_report_goes_from_draft_to_the_public_archive_through_the_pages(
    registry: dict[str, Any], analyst_national: User, head: User, login_client: Callable[..., Client]
) -> None:
    from jaga.reports.services import files_make

    analyst = login_client(analyst_national)
    made = analyst.post("/reports/", {"year": "2025", "scope": "national"})
    assert made.status_code == 302
    report = AnnualReport.objects.get()
    page = analyst.get(made["Location"]).content.decode()
    assert "Angka dalam setahun" in page and "Draf" in page, "the figures beside the texts, in Indonesian"
    texts = {"foreword-text_id": "Kata pengantar uji.", "foreword-text_en": "Test foreword."}
    saved = analyst.post(made["Location"], {"action": "narrative", "key": "foreword", **texts})
    assert saved.status_code == 302
    analyst.post(made["Location"], {"action": "comment", "section": "section:cases", "text": "Cek angka Bali."})
    analyst.post(made["Location"], {"action": "submit"})
    report.refresh_from_db()
    assert report.state == "review" and report.narrative["foreword"] == {
        "id": "Kata pengantar uji.",
        "en": "Test foreword.",
    }
    assert analyst.post(made["Location"], {"action": "approve"}).status_code == 403, "an analyst does not approve"

    boss = login_client(head)
    assert "Laporan tahunan menunggu persetujuan Anda" in boss.get("/").content.decode()
    returned = boss.post(made["Location"], {"action": "return", "reason": ""})
    assert returned.status_code == 400 and "wajib diisi" in returned.content.decode(), "the reason is required"
    boss.post(made["Location"], {"action": "return", "reason": "Tambahkan pesan kunci."})
    report.refresh_from_db()
    assert report.state == "draft" and report.comments.filter(text="Tambahkan pesan kunci.").exists()
    analyst.post(made["Location"], {"action": "submit"})
    boss.post(made["Location"], {"action": "approve"})
    report.refresh_from_db()
    assert report.state == "approved" and len(report.content_hash) == 64 and set(report.content or {}) == {"id", "en"}

    boss.post(made["Location"], {"action": "publish"})
    report.refresh_from_db()
    assert report.render == "running" and report.state == "approved", "published once the files are made"
    assert "render-progress" in boss.get(made["Location"]).content.decode()
    files_make(report.pk)  # what the worker runs
    report.refresh_from_db()
    assert report.state == "published" and report.render_progress == 100
    assert set(ReportFile.objects.filter(report=report).values_list("kind", "lang")) == {
        (kind, lang) for kind in ("pdf", "html", "data") for lang in ("id", "en")
    }
    public = Client()
    archive = public.get("/laporan/").content.decode()
    assert "2025" in archive and f"/laporan/{report.pk}/id.pdf" in archive
    pdf = public.get(f"/laporan/{report.pk}/id.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    html = public.get(f"/laporan/{report.pk}/en.html")
    assert "Test foreword." in html.content.decode() and "sha256-" in html["Content-Security-Policy"]
    listed = public.get("/api/v1/reports/").json()
    assert listed[0]["id"] == str(report.pk) and listed[0]["sha256"] == report.content_hash
    assert listed[0]["files"]["en"]["zip"].endswith(f"/laporan/{report.pk}/en.zip")
    detail = public.get(f"/api/v1/reports/{report.pk}/?lang=en").json()
    assert detail["content"]["sections"][0]["key"] == "cases"
    assert public.get("/api/v1/reports/?year=25").status_code == 400
    kinds = set(AuditEvent.objects.filter(action__startswith="reports.").values_list("action", flat=True))
    assert {
        "reports.report.created",
        "reports.report.submitted",
        "reports.report.returned",
        "reports.report.approved",
        "reports.report.published",
        "reports.files.made",
    } <= kinds


def test_approval_freezes_the_figures_and_a_correction_lists_what_changed(
    registry: dict[str, Any], analyst_national: User, head: User
) -> None:
    from datetime import date

    from jaga.cases.services import cases_bulk_register
    from jaga.factories import case_input
    from jaga.stats.aggregates import stats_refresh

    report = started(analyst_national)
    services.report_submit(actor=analyst_national, report=report)
    services.report_approve(actor=head, report=report)
    report.refresh_from_db()
    frozen = services.content_of(report, "id")["sections"][0]["figures"][0][1]
    cases_bulk_register(
        actor=registry["caseworker"],
        inputs=[
            case_input(registered_on=date(2025, 9, 1), child={"nik": "", "full_name": f"Anak Baru {k}"})
            for k in range(6)
        ],
    )
    stats_refresh()
    assert services.content_of(report, "id")["sections"][0]["figures"][0][1] == frozen, "approved: frozen"
    with pytest.raises(ValidationError):
        services.narrative_save(actor=analyst_national, report=report, key="foreword", texts={"id": "x"})
    services.report_publish(actor=head, report=report, background=False)
    report.refresh_from_db()
    assert report.state == "published"

    correction = services.report_correct(actor=analyst_national, report=report)
    assert correction.version == 2 and correction.state == "draft"
    with pytest.raises(ValidationError, match="dikoreksi"):
        services.report_submit(actor=analyst_national, report=correction)
    services.corrections_save(actor=analyst_national, report=correction, text="Enam kasus 2025 tercatat terlambat.")
    services.report_submit(actor=analyst_national, report=correction)
    services.report_approve(actor=head, report=correction)
    correction.refresh_from_db()
    changed = {name: (before, after) for name, before, after in correction.changed_figures["id"]}
    assert changed["Angka dalam setahun · Kasus"] == (frozen, str(int(frozen) + 6)), "no linkage ran: cases"
    services.report_publish(actor=head, report=correction, background=False)
    report.refresh_from_db()
    correction.refresh_from_db()
    assert report.state == "superseded" and correction.state == "published"
    page = Client().get(f"/laporan/{report.pk}/").content.decode()
    assert f"/laporan/{correction.pk}/" in page, "the old edition points to its correction"
    html = bytes(correction.files.get(kind="html", lang="id").data).decode()
    assert "Enam kasus 2025 tercatat terlambat." in html and "Koreksi" in html


def test_each_step_is_for_its_people_only(
    registry: dict[str, Any],
    analyst_national: User,
    head: User,
    caseworker_jakarta: User,
    persona: Any,
    orgs: dict[str, Any],
) -> None:
    from jaga.accounts.models import Role
    from jaga.factories import UserFactory

    with pytest.raises(PermissionDenied):
        started(caseworker_jakarta)
    provincial = UserFactory.create(organisation=orgs["jakarta"], roles=[Role.HEAD])
    with pytest.raises(ValidationError, match="nasional"):
        services.report_create(actor=provincial, year=2025, scope="national")
    with pytest.raises(ValidationError):
        services.report_create(actor=provincial, year=2025, scope="province", province=None)
    from jaga.regions.models import Region

    with pytest.raises(ValidationError, match="yurisdiksi"):
        services.report_create(actor=provincial, year=2025, scope="province", province=Region.objects.get(code="51"))
    with pytest.raises(ValidationError, match="2000"):
        services.report_create(actor=analyst_national, year=1999, scope="national")
    report = started(analyst_national)
    with pytest.raises(ValidationError, match="sudah ada"):
        started(analyst_national)
    with pytest.raises(ValidationError):
        services.report_approve(actor=head, report=report)  # a draft is not approved
    services.report_submit(actor=analyst_national, report=report)
    other_head = UserFactory.create(organisation=orgs["ngo"], roles=[Role.HEAD])
    with pytest.raises(PermissionDenied):
        services.report_approve(actor=other_head, report=report)
    with pytest.raises(ValidationError):
        services.narrative_save(actor=analyst_national, report=report, key="section:nothing", texts={"id": "x"})
    assert Client().get(f"/laporan/{report.pk}/").status_code == 404, "not published: not public"


def test_the_home_pages_and_the_stuck_files(
    analyst_national: User, head: User, login_client: Callable[..., Client]
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    page = login_client(analyst_national).get("/").content.decode()
    assert "Laporan nasional tahun lalu untuk dimulai" in page
    report = started(analyst_national, year=timezone.localdate().year - 1)
    AnnualReport.objects.filter(pk=report.pk).update(render="running", heartbeat_at=timezone.now() - timedelta(hours=1))
    assert services.renders_expire_stale() == 1
    report.refresh_from_db()
    assert report.render == "failed"
    page = login_client(analyst_national).get(f"/reports/{report.pk}/").content.decode()
    assert "Pembuatan berkas gagal" in page
