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


def demo_study() -> int:
    """The researcher's demo study: the example XLSForm, with synthetic answers given on the web form."""
    from django.http import QueryDict

    from jaga.research import collect, studies, xlsform
    from jaga.research.example_form import example_xlsform
    from jaga.research.studies import StudyInput

    rng = random.Random(13)  # noqa: S311 - synthetic answers, not secrets
    researcher = User.objects.get(email="researcher@jaga.example")
    today = timezone.localdate()
    study = studies.study_create(
        actor=researcher,
        data=StudyInput(
            title="Survei kesadaran ESKA di sekolah (demo)",
            ethics_reference="KEP-UNIV/2026/041 (demo)",
            ethics_approved_on=today - timedelta(days=60),
            consent_id=(
                "Survei ini tentang pengetahuan mengenai eksploitasi seksual anak. Jawaban Anda tanpa nama, "
                "boleh berhenti kapan saja, dan hanya tim peneliti yang membacanya. (demo)"
            ),
            consent_en="This survey is about what people know of child sexual exploitation. Your answers carry no "
            "name, you may stop at any time, and only the research team reads them. (demo)",
            retention_until=today + timedelta(days=3 * 365),
        ),
    )
    instrument = studies.instrument_upload(
        actor=researcher, study=study, data=example_xlsform(), filename="jaga-eska-awareness-xlsform.xlsx"
    )
    questions = xlsform.questions(instrument.definition)
    provinces = [name for name, _labels in next(q for q in questions if q.name == "province").choices]
    made = 0
    for _n in range(64):
        post = QueryDict(mutable=True)
        heard = rng.choice(["yes", "yes", "no"])
        post.update(
            {
                "respondent": rng.choice(["adolescent", "adolescent", "parent", "professional"]),
                "age_band": rng.choice(["13-17", "13-17", "18-35", "36+"]),
                "sex": rng.choice(["female", "male"]),
                "province": rng.choice([*provinces[:6], "p31", "p31", "p51", "p51"]),
                "heard": heard,
                "knows_129": rng.choice(["yes", "no"]),
                "would_report": rng.choice(["very", "somewhat", "unsure"]),
                "hours_online": str(rng.randint(1, 9)),
            }
        )
        if heard == "yes":
            for value in rng.sample(["school", "social_media", "tv_radio", "family"], rng.randint(1, 2)):
                post.appendlist("awareness/heard_from", value)
        response, _errors = studies.response_submit(study=study, raw=collect.from_post(questions, post), consent=True)
        made += response is not None
    return made
