"""The demo: fictional organisations and one user per role. Never real people or real cases."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from jaga.accounts.models import Organisation, Role, User, UserRole
from jaga.audit.services import record
from jaga.regions.models import Region
from jaga.regions.services import regions_load
from jaga.regions.sources import read_regions

T = Organisation.Type

DEMO_ORGANISATIONS = [
    # (key, name, type, jurisdiction code or None for national)
    ("jakarta", "UPTD PPA Provinsi DKI Jakarta (demo)", T.REGIONAL_SERVICE_UNIT, "31"),
    ("bali", "UPTD PPA Provinsi Bali (demo)", T.REGIONAL_SERVICE_UNIT, "51"),
    ("ministry", "Kementerian PPPA (demo)", T.NATIONAL_MINISTRY, None),
    ("ngo", "ECPAT Indonesia (demo)", T.NGO, None),
    ("hotel", "Hotel Nusantara Raya Group (demo)", T.PRIVATE_SECTOR, "51"),
    ("university", "Pusat Kajian Perlindungan Anak, Universitas (demo)", T.ACADEMIA, None),
]

DEMO_USERS = [
    # (email, full name, organisation key, roles)
    ("caseworker.jakarta@jaga.example", "Rina Caseworker", "jakarta", [Role.CASEWORKER]),
    ("supervisor.jakarta@jaga.example", "Budi Supervisor", "jakarta", [Role.SUPERVISOR]),
    ("caseworker.bali@jaga.example", "Made Caseworker", "bali", [Role.CASEWORKER]),
    ("supervisor.bali@jaga.example", "Ketut Supervisor", "bali", [Role.SUPERVISOR]),
    ("analyst@jaga.example", "Sari Analyst", "ministry", [Role.ANALYST]),
    ("researcher@jaga.example", "Dian Researcher", "university", [Role.RESEARCHER]),
    ("linkage@jaga.example", "Wayan Linkage Officer", "ministry", [Role.LINKAGE_OFFICER]),
    ("hotline@jaga.example", "Dewi Hotline", "ngo", [Role.HOTLINE_OPERATOR]),
    ("programme@jaga.example", "Agus Programme", "ngo", [Role.PROGRAMME_OFFICER]),
    ("partner@jaga.example", "Putu Partner", "hotel", [Role.PARTNER]),
    ("orgadmin@jaga.example", "Yanti Org Admin", "ngo", [Role.ORG_ADMIN]),
    ("admin@jaga.example", "Andi System Admin", "ministry", [Role.SYSTEM_ADMIN]),
    ("head@jaga.example", "Ratna Head of Organisation", "ministry", [Role.HEAD]),
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DemoResult:
    created: bool
    password: str | None
    emails: list[str]
    cases: int = 0


def demo_password() -> str:
    return secrets.token_urlsafe(12)


DEMO_CASES = 2000
DEMO_REPORTS = 80


@transaction.atomic
def demo_seed(*, password: str | None, cases: int = DEMO_CASES) -> DemoResult:
    """Load the demo when the database has no organisation yet; otherwise leave data as it is.

    With ``password`` given and the demo already present, the demo users get that password, so
    ``JAGA_DEMO_PASSWORD=... make run`` always logs in.
    """
    emails = [email for email, *_rest in DEMO_USERS]
    if Organisation.objects.exists():
        if password:
            for user in User.objects.filter(email__in=emails):
                user.set_password(password)
                user.save(update_fields=["password"])
        return DemoResult(created=False, password=password, emails=emails)
    if not Region.objects.exists():
        regions_load(records=read_regions())
    password = password or demo_password()
    organisations = {
        key: Organisation.objects.create(name=name, type=kind, jurisdiction_id=code)
        for key, name, kind, code in DEMO_ORGANISATIONS
    }
    for email, full_name, key, roles in DEMO_USERS:
        user = User.objects.create_user(email, password, full_name=full_name, organisation=organisations[key])
        UserRole.objects.bulk_create([UserRole(user=user, role=role) for role in roles])
    if cases:
        from jaga.synth.cases import synth_cases

        synth_cases(count=cases, seed=1)
    from jaga.synth.hotline import synth_reports

    reports = synth_reports(count=DEMO_REPORTS) if cases else 0
    _demo_partners(organisations)
    from jaga.synth.programmes import demo_programmes

    demo_programmes(organisations)
    from jaga.synth.education import demo_education

    demo_education()
    if cases:
        from jaga.synth.casework import demo_casework

        demo_casework(organisations)
        _demo_intake_queue(organisations)
        from jaga.linkage.services import run_now
        from jaga.stats.aggregates import stats_refresh

        run_now()  # so that the demo counts children and has pairs to review
        stats_refresh()
        from jaga.synth.incidents import demo_incidents, demo_study
        from jaga.synth.reports import demo_reports

        demo_incidents()
        demo_study()
        demo_reports()
    record(
        "synth.demo.seeded",
        details={"organisations": len(organisations), "users": len(DEMO_USERS), "cases": cases, "reports": reports},
    )
    if settings.JAGA_BACKUP_KEY:  # the system admin's operations page starts with one good backup
        from jaga.operations.backup import BackupError
        from jaga.operations.services import backup_create

        try:
            backup_create(actor=None)
        except (BackupError, OSError) as exc:  # recorded as failed; the demo itself is good
            log.warning("the demo's first backup failed: %s", exc)
    return DemoResult(created=True, password=password, emails=emails, cases=cases)


def _demo_intake_queue(organisations: dict[str, Organisation]) -> None:
    """A few recent open cases of each demo unit wait for a supervisor to assign them, as hotline
    conversions and transfers would, so the intake queue and the supervisors' homes have work."""
    from jaga.cases.models import Case, Status, Task

    for key in ("jakarta", "bali"):
        led = Case.objects.filter(organisation=organisations[key], status=Status.REGISTERED, assessments__isnull=True)
        waiting = list(led.order_by("-registered_on").values_list("pk", flat=True)[: min(4, led.count() // 2)])
        Case.objects.filter(pk__in=waiting).update(assigned_to=None)
        Task.objects.filter(case__in=waiting).update(owner=None)  # the caseworker a supervisor picks gets them


def _demo_partners(organisations: dict[str, Organisation]) -> None:
    """Programmes, invented contact people and an MoU, so that the partner pages have something to show."""
    from datetime import date

    from jaga.programs.partners.models import Agreement, Contact, PartnerProgramme, Programme

    taking_part = {
        "ministry": [Programme.RESEARCH, Programme.ADVOCACY],
        "ngo": [Programme.RESEARCH, Programme.ADVOCACY, Programme.TRAINING, Programme.CAMPAIGNS],
        "university": [Programme.RESEARCH, Programme.TRAINING],
        "hotel": [Programme.TRAINING, Programme.CAMPAIGNS],
        "bali": [Programme.TRAINING],
    }
    PartnerProgramme.objects.bulk_create(
        [PartnerProgramme(organisation=organisations[key], programme=p) for key, ps in taking_part.items() for p in ps]
    )
    for key, name, position in [
        ("ngo", "Rahmawati Contoh", "Koordinator advokasi"),
        ("hotel", "Gede Contoh", "Human resources manager"),
        ("university", "Dr. Lestari Contoh", "Kepala pusat kajian"),
    ]:
        Contact.objects.create(
            organisation=organisations[key], full_name=name, position=position, email=f"{key}.contact@jaga.example"
        )
    mou = Agreement.objects.create(
        title="Nota kesepahaman pencegahan ESKA (demo)",
        kind=Agreement.Kind.MOU,
        programme=Programme.ADVOCACY,
        scope="Data sharing on ESKA cases, joint advocacy for regional regulations, training of service units.",
        starts_on=date(2025, 1, 1),
        ends_on=date(2027, 12, 31),
    )
    mou.parties.set([organisations["ministry"], organisations["ngo"]])
    from jaga.programs.advocacy.models import Ask, StageChange

    perda = Ask.objects.create(
        institution="DPRD Provinsi Bali",
        level=Ask.Level.PROVINCE,
        region_id="51",
        title="Perda perlindungan anak dari eksploitasi seksual (demo)",
        kind=Ask.Kind.REGULATION,
        lead=organisations["ngo"],
        stage="drafted",
        stage_since=date(2026, 6, 1),
    )
    StageChange.objects.create(
        ask=perda,
        from_stage="identified",
        to_stage="drafted",
        changed_on=date(2026, 6, 1),
        evidence="Naskah akademik diserahkan ke Bapemperda (demo)",
    )
    from jaga.programs.campaigns.models import Campaign, CampaignActivity

    campaign = Campaign.objects.create(
        title="Sekolah Aman dari Eksploitasi (demo)",
        theme="Grooming online dan sextortion",
        audience="Siswa SMP dan orang tua",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
    )
    campaign.provinces.set(Region.objects.filter(code__in=["51", "31"]))
    campaign.partners.set([organisations["ngo"], organisations["bali"]])
    earlier = Campaign.objects.create(
        title="Liburan Aman Tanpa Eksploitasi (demo)",
        theme="Eksploitasi seksual anak di destinasi wisata",
        audience="Pelaku usaha wisata dan masyarakat",
        starts_on=date(2025, 6, 1),
        ends_on=date(2025, 12, 31),
    )
    earlier.provinces.set(Region.objects.filter(code__in=["51", "52"]))
    earlier.partners.set([organisations["ngo"], organisations["hotel"]])
    for kind, channel, day, region, reach in [
        ("workshop", "in_person", date(2025, 7, 14), "51.03", {"girls": 0, "boys": 0, "women": 38, "men": 41}),
        ("school_visit", "in_person", date(2025, 9, 2), "52.71", {"girls": 88, "boys": 74, "women": 6, "men": 3}),
        ("social_media", "online", date(2025, 12, 10), None, {"impressions": 24300, "engagement": 1870}),
    ]:
        CampaignActivity.objects.create(
            campaign=earlier, kind=kind, channel=channel, held_on=day, region_id=region, **reach
        )
    for kind, channel, day, region, reach in [
        ("school_visit", "in_person", date(2026, 2, 10), "51.71", {"girls": 64, "boys": 58, "women": 4, "men": 2}),
        ("workshop", "in_person", date(2026, 3, 3), "31.71", {"girls": 20, "boys": 15, "women": 18, "men": 9}),
        ("social_media", "online", date(2026, 3, 20), None, {"impressions": 18500, "engagement": 1240}),
    ]:
        CampaignActivity.objects.create(
            campaign=campaign, kind=kind, channel=channel, held_on=day, region_id=region, **reach
        )
    Ask.objects.create(
        institution="Kementerian Pariwisata",
        level=Ask.Level.NATIONAL,
        title="Kode etik perlindungan anak untuk usaha pariwisata (demo)",
        kind=Ask.Kind.CODE_OF_CONDUCT,
        lead=organisations["ngo"],
    )
