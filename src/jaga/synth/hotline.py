"""Synthetic hotline reports for the demo: a realistic mix of forms, regions, urgency and triage."""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from jaga.accounts.models import Role, User
from jaga.cases.models import Form, PlaceType
from jaga.hotline.models import Outcome, ReportEvent, State
from jaga.hotline.services import ReportInput, store_report, validate_report
from jaga.regions.models import Region

STORIES = [
    "Ada akun yang menawarkan anak sekolah lewat aplikasi pesan.",
    "Seorang anak terlihat dibawa ke penginapan oleh orang dewasa yang berbeda-beda.",
    "Video anak diunggah di grup media sosial dan dijual.",
    "Anak dijanjikan pekerjaan di kota lain lalu tidak bisa pulang.",
    "Ada siaran langsung yang melibatkan anak di aplikasi streaming.",
    "Anak perempuan dinikahkan dengan tamu asing yang menginap di vila.",
]
PLATFORMS = ["WhatsApp", "Telegram", "Instagram", "Facebook", "MiChat", "TikTok", ""]


@transaction.atomic
def synth_reports(*, count: int, seed: int = 7) -> int:
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
    regencies = list(Region.objects.filter(level=Region.Level.REGENCY).values_list("code", flat=True))
    operator = User.objects.filter(role_grants__role=Role.HOTLINE_OPERATOR).first()
    now = timezone.now()
    for _n in range(count):
        forms = rng.sample([Form.ONLINE, Form.PROSTITUTION, Form.TRAFFICKING, Form.TRAVEL_TOURISM], rng.randint(1, 2))
        online = Form.ONLINE in forms
        data = ReportInput(
            description=rng.choice(STORIES),
            forms=[str(form) for form in forms],
            regency_code=rng.choice(regencies) if rng.random() < 0.8 else "",
            place_type=PlaceType.ONLINE
            if online
            else rng.choice([PlaceType.LODGING, PlaceType.STREET, PlaceType.HOME]),
            child_age=rng.choice([None, rng.randint(6, 17)]),
            child_sex=rng.choice(["female", "female", "male", "unknown"]),
            urls=[f"https://sosmed-{rng.randint(1, 40)}.example/p/{rng.randint(1, 60)}"] if online else [],
            platform=rng.choice(PLATFORMS) if online else "",
            in_danger=rng.random() < 0.05,
            live=rng.random() < 0.05,
        )
        report = store_report(
            data, validate_report(data), channel=rng.choice(["web", "web", "public_api"]), partner=None
        ).report
        # Most in the last four months (the queue); a third in the year before, for the annual report.
        received = now - timedelta(days=rng.uniform(0, 120) if rng.random() < 0.65 else rng.uniform(340, 700))
        report.received_at = received
        fields = ["received_at"]
        if operator and received < now - timedelta(days=2) and rng.random() < 0.8:
            report.assigned_to, report.first_triaged_at = operator, received + timedelta(hours=rng.uniform(0.2, 30))
            report.state = State.IN_REVIEW
            fields += ["assigned_to", "first_triaged_at", "state"]
            kind = rng.choice([Outcome.Kind.POLICE, Outcome.Kind.TAKEDOWN, Outcome.Kind.CLOSED, None])
            if kind:
                at = report.first_triaged_at + timedelta(hours=rng.uniform(1, 72))
                outcome = Outcome(report=report, kind=kind, on=at.date(), by=operator, at=at)
                if kind == Outcome.Kind.POLICE:
                    outcome.police_unit = "Ditreskrimsus Polda (demo)"
                elif kind == Outcome.Kind.TAKEDOWN and report.urls.exists():
                    outcome.url, outcome.recipient = report.urls.first(), Outcome.Recipient.PLATFORM
                    outcome.takedown_result = rng.choice(Outcome.TakedownResult.values)
                else:
                    outcome.kind, outcome.close_reason = Outcome.Kind.CLOSED, Outcome.CloseReason.INSUFFICIENT
                outcome.save()
                if outcome.kind == Outcome.Kind.CLOSED:
                    report.state, report.closed_at = State.CLOSED, at
                    fields += ["closed_at"]
                else:
                    report.state, report.referred_at = State.REFERRED, at
                    fields += ["referred_at"]
                ReportEvent.objects.create(report=report, kind=ReportEvent.Kind.OUTCOME, by=operator, at=at)
        report.save(update_fields=sorted(set(fields)))
        report.events.filter(kind=ReportEvent.Kind.RECEIVED).update(at=received)
    return count
