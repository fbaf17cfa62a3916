"""The demo's media-monitoring register: synthetic incidents as news outlets would report them, some
reported by two outlets (grouped and counted once). Invented outlets, addresses and summaries only."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.utils import timezone

from jaga.accounts.models import User
from jaga.regions.models import Region
from jaga.research.incidents import IncidentInput, incident_record

OUTLETS = ["Harian Contoh", "Warta Demo", "Kabar Sintetis", "Portal Berita Contoh", "Radio Demo FM"]
SUMMARIES = {
    "online": "Seorang anak dibujuk melalui gim daring lalu diperas dengan foto pribadinya (demo).",
    "prostitution": "Polisi menggerebek penginapan yang menawarkan anak melalui aplikasi pesan (demo).",
    "trafficking": "Anak-anak direkrut dengan tawaran kerja di kota lain lalu dieksploitasi (demo).",
    "travel_tourism": "Wisatawan ditangkap karena mengeksploitasi anak di daerah wisata (demo).",
    "child_marriage": "Perkawinan anak yang diatur demi uang dilaporkan ke unit layanan (demo).",
}
PLACES = {
    "online": "online",
    "prostitution": "lodging",
    "trafficking": "other",
    "travel_tourism": "lodging",
    "child_marriage": "home",
}
MODI = {"online": "sextortion", "prostitution": "app_prostitution", "trafficking": "deceptive_job_offer"}


def demo_incidents(count: int = 36) -> int:
    rng = random.Random(11)  # noqa: S311 - synthetic data, not secrets
    monitor = User.objects.get(email="programme@jaga.example")
    regencies = list(Region.objects.filter(level=Region.Level.REGENCY).values_list("code", flat=True))
    today = timezone.localdate()
    made = 0
    for n in range(count):
        form = rng.choice(list(SUMMARIES))
        happened = date(today.year - 1, 1, 1) + timedelta(days=rng.randint(0, 600))
        happened = min(happened, today - timedelta(days=10))
        published = happened + timedelta(days=rng.randint(1, 6))
        children = {f"{rng.choice(['10-14', '15-17'])}|{rng.choice(['female', 'female', 'male'])}": rng.randint(1, 3)}
        base = IncidentInput(
            summary=SUMMARIES[form],
            region_code=rng.choice(regencies),
            forms=[form],
            outlet=rng.choice(OUTLETS),
            published_on=published,
            url=f"https://berita-{n % 7}.example/{published:%Y/%m/%d}/kasus-{n}",
            incident_on=happened,
            place_type=PLACES[form],
            modus=MODI.get(form, ""),
            children=children,
            legal_stage=rng.choice(["", "reported", "investigation", "prosecution"]),
            perpetrators={"facilitator|domestic": 1} if form == "prostitution" else {},
        )
        incident_record(actor=monitor, data=base)
        made += 1
        if n % 6 == 0:  # another outlet reports the same incident a day later: grouped, counted once
            again = IncidentInput(
                **{
                    **base.__dict__,
                    "outlet": "Koran Lain (demo)",
                    "url": f"https://koran-lain.example/{published:%Y%m%d}/{n}",
                    "published_on": published + timedelta(days=1),
                }
            )
            incident_record(actor=monitor, data=again)
            made += 1
    return made
