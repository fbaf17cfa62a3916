"""The demo's annual reports: last year's national report waiting for the head's approval (with its texts
and a comment), and the year before's published, so that the public archive has an edition."""

from __future__ import annotations

import logging

from django.utils import timezone

from jaga.accounts.models import User
from jaga.reports import services
from jaga.reports.models import AnnualReport

log = logging.getLogger(__name__)

TEXTS = {
    "foreword": {
        "id": "Laporan ini disusun dari data kasus yang dicatat oleh unit layanan, hotline, dan program mitra di Jaga. "
        "Semua angka adalah data sintetis untuk demo.\n\nTerima kasih kepada semua mitra yang mencatat dengan teliti.",
        "en": "This report is built from the cases recorded by service units, the hotline and partner programmes in "
        "Jaga. All figures are synthetic demo data.\n\nWe thank every partner for careful recording.",
    },
    "messages": {
        "id": "Eksploitasi seksual daring tetap menjadi bentuk yang paling sering dicatat.\n\n"
        "Waktu dari pencatatan ke asesmen perlu dipersingkat di banyak provinsi.",
        "en": "Online sexual exploitation remains the form recorded most often.\n\n"
        "The time from registration to assessment needs to shorten in many provinces.",
    },
    "section:cases": {
        "id": "Kenaikan jumlah anak sebagian mencerminkan pencatatan yang lebih baik oleh unit layanan daerah.",
        "en": "Part of the rise in children counted reflects better recording by regional service units.",
    },
}


def demo_reports() -> None:
    analyst = User.objects.get(email="analyst@jaga.example")
    head = User.objects.get(email="head@jaga.example")
    last = timezone.localdate().year - 1
    older = services.report_create(actor=analyst, year=last - 1, scope=AnnualReport.Scope.NATIONAL)
    current = services.report_create(actor=analyst, year=last, scope=AnnualReport.Scope.NATIONAL)
    for report in (older, current):
        for key, texts in TEXTS.items():
            services.narrative_save(actor=analyst, report=report, key=key, texts=texts)
        services.report_submit(actor=analyst, report=report)
    services.report_approve(actor=head, report=older)
    try:
        services.report_publish(actor=head, report=older, background=False)
    except RuntimeError as exc:  # no Pango on this machine (README): the demo keeps it approved, unpublished
        log.warning("the demo's %s report is not published: %s", older.year, exc)
    services.comment_add(
        actor=analyst, report=current, section="section:services",
        text="Mohon cek apakah median waktu asesmen perlu dijelaskan per provinsi (demo).",
    )  # fmt: skip
