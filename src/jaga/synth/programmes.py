"""Demo content for training, The Code and the results framework: invented people, realistic shapes.

The ESKA prevention module's outline is the project's own summary of what such a module covers
(the seed study names "a module on preventing ESKA" as a result of the training programme).
"""

from __future__ import annotations

import random
import secrets
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from jaga.accounts.models import Organisation

PREVENTION_OUTLINE = """Memahami ESKA: pengertian dan bentuknya (prostitusi, eksploitasi daring, perdagangan anak)
Kerangka hukum: UU Perlindungan Anak, UU TPPO, UU TPKS, UU ITE, UU PDP
Faktor risiko dan tanda-tanda anak yang dieksploitasi
Modus: grooming daring, sextortion, prostitusi lewat aplikasi, jeratan utang, tawaran kerja palsu
Peran tiap lembaga: UPTD PPA, kepolisian, sekolah, layanan kesehatan, usaha pariwisata, platform daring
Merespons dan merujuk: wawancara yang ramah anak, SAPA 129, rujukan ke layanan
Kerahasiaan dan perlindungan data anak
Rencana aksi pencegahan di lembaga peserta"""

QUESTIONS = [
    ("Apa kepanjangan ESKA?", ["Eksploitasi Seksual Komersial Anak", "Edukasi Seksual Kesehatan Anak", "Etika Sosial Keluarga Anak"], 0),  # noqa: E501
    ("Menurut UU Perlindungan Anak, anak adalah seseorang yang belum berusia…", ["16 tahun", "18 tahun", "21 tahun"], 1),  # noqa: E501
    ("Anak yang dieksploitasi secara seksual adalah…", ["Pelaku yang harus dihukum", "Korban yang berhak atas perlindungan", "Saksi saja"], 1),  # noqa: E501
    ("Nomor layanan pengaduan SAPA untuk kekerasan terhadap perempuan dan anak adalah…", ["112", "129", "110"], 1),
    ("Grooming daring adalah…", ["Membangun kepercayaan anak untuk mengeksploitasinya", "Merawat penampilan di media sosial", "Mengajar anak memakai internet"], 0),  # noqa: E501
    ("Saat mewawancarai anak korban, yang paling penting adalah…", ["Menanyakan berulang-ulang agar rinci", "Ramah anak, aman, dan tidak menghakimi", "Menghadirkan terduga pelaku"], 1),  # noqa: E501
    ("Data identitas anak korban boleh dibagikan…", ["Kepada siapa saja yang bertanya", "Hanya sesuai kebutuhan layanan dan dasar hukum", "Di media sosial agar pelaku jera"], 1),  # noqa: E501
    ("Hotel yang menerapkan The Code wajib…", ["Melatih staf mengenali dan melaporkan ESKA", "Menolak semua tamu keluarga", "Menyimpan foto tamu anak"], 0),  # noqa: E501
]  # fmt: skip

FIRST = ["Putu", "Made", "Komang", "Ketut", "Wayan", "Nyoman", "Siti", "Dewi", "Agus", "Rina", "Budi", "Sri", "Andi"]
LAST = ["Contoh", "Peserta", "Sampel", "Demo", "Ujicoba"]


def demo_programmes(organisations: dict[str, Organisation]) -> None:
    _training(organisations)
    _code(organisations)
    _results()


def question_bank(module: Any) -> None:
    """The prevention module's questions (the project's own), as a module's pre- and post-test."""
    from jaga.programs.training.models import Question

    Question.objects.bulk_create(
        [
            Question(module=module, text=text, options=options, answer=answer, position=k)
            for k, (text, options, answer) in enumerate(QUESTIONS, start=1)
        ]
    )


def _training(organisations: dict[str, Organisation]) -> None:
    from jaga.programs.training.certificates import new_certificate_code
    from jaga.programs.training.models import Certificate, Module, Participant, Score, TrainingSession
    from jaga.programs.training.services import new_participant_code

    rng = random.Random(7)  # noqa: S311 - invented names and scores, not secrets
    module = Module.objects.create(
        title="Pencegahan dan Penanganan ESKA (demo)",
        audience="social_workers",
        language="id",
        objectives="Peserta mengenali ESKA dan tanda-tandanya, memahami kerangka hukumnya, dan tahu cara "
        "merespons serta merujuk anak korban dengan aman.",
        outline=PREVENTION_OUTLINE,
        pass_mark=70,
    )
    question_bank(module)
    Module.objects.create(
        title="The Code untuk staf hotel (demo)",
        audience="hotel_staff",
        language="id",
        objectives="Staf hotel mengenali tanda-tanda ESKA di tempat kerja dan tahu cara melapor.",
        outline="Mengapa usaha pariwisata terlibat\nTanda-tanda di hotel\nProsedur melapor\nSkenario latihan",
    )
    year = timezone.localdate().year
    sessions = [
        (date(year - 1, 5, 12), "Denpasar", "51.71", organisations["bali"], 20),
        (date(year - 1, 10, 6), "Jakarta Selatan", "31.74", organisations["jakarta"], 16),
        (date(year, 3, 10), "Denpasar", "51.71", organisations["bali"], 24),
        (date(year, 8, 18), "Jakarta Pusat", "31.71", organisations["jakarta"], 18),
    ]
    for starts, place, region, organisation, count in sessions:
        session = TrainingSession.objects.create(
            module=module,
            starts_on=starts,
            ends_on=starts + timedelta(days=1),
            place=place,
            region_id=region,
            trainers="Tim pelatih ECPAT Indonesia (demo)",
            test_token=secrets.token_urlsafe(18),
            pre_test_open=False,
            post_test_open=False,
        )
        session.organisations.set([organisation])
        taken: set[str] = set()
        for k in range(count):
            participant = Participant.objects.create(
                session=session,
                full_name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                organisation=organisation if k % 3 else None,
                organisation_name="" if k % 3 else "Puskesmas setempat (demo)",
                role=rng.choice(["Pekerja sosial", "Konselor", "Penyidik", "Guru BK"]),
                sex=rng.choice(["female", "female", "male"]),
                code=new_participant_code(taken),
                attended=k % 8 != 0,
            )
            pre = rng.randint(3, 6) * 100 // 8
            post = min(100, pre + rng.randint(1, 4) * 100 // 8)
            Score.objects.bulk_create(
                [
                    Score(participant=participant, kind="pre", score=pre, source="entered"),
                    Score(participant=participant, kind="post", score=post, source="entered"),
                ]
            )
            if participant.attended and post >= module.pass_mark:
                Certificate.objects.create(participant=participant, code=new_certificate_code())


def _code(organisations: dict[str, Organisation]) -> None:
    from jaga.programs.code.models import CodeCriterion, CodeMember, CodeReport, CriterionProgress

    hotel = CodeMember.objects.create(
        organisation=organisations["hotel"], sector="hotel", status="member", joined_on=date(2024, 5, 1)
    )
    evidence = {
        1: "Kebijakan perlindungan anak disahkan direksi (demo)",
        2: "112 staf dilatih pada 2025 (demo)",
        4: "Informasi SAPA 129 di setiap kamar (demo)",
    }
    CriterionProgress.objects.bulk_create(
        [
            CriterionProgress(
                member=hotel,
                criterion=int(c),
                status="met" if int(c) in evidence else ("in_progress" if int(c) == 3 else "not_started"),
                evidence=evidence.get(int(c), ""),
                evidence_on=date(2025, 11, 1) if int(c) in evidence else None,
            )
            for c in CodeCriterion
        ]
    )
    CodeReport.objects.create(
        member=hotel,
        year=timezone.localdate().year - 1,
        staff_trained=112,
        criteria={
            str(n): {
                "status": "met" if n in evidence else "in_progress",
                "evidence": evidence.get(n, "Klausul kontrak sedang dirundingkan dengan pemasok (demo)"),
            }
            for n in range(1, 6)
        },
        status="submitted",
    )


def _results() -> None:
    from jaga.programs.results.models import Indicator, IndicatorTarget

    year = timezone.localdate().year
    plan = {
        "cases_registered": (900, 2000),
        "share_referred": (35, 60),
        "asks_adopted": (0, 2),
        "professionals_trained": (20, 60),
        "knowledge_gain": (10, 20),
        "companies_all_six": (0, 3),
        "campaign_reach": (100, 500),
        "lessons_read": (0, 5000),
        "quizzes_completed": (0, 1500),
        "teachers_certified": (0, 25),
    }
    for measure, (baseline, target) in plan.items():
        indicator = Indicator.objects.create(measure=measure, baseline=baseline, baseline_year=year - 1)
        IndicatorTarget.objects.create(indicator=indicator, year=year, target=target)
        IndicatorTarget.objects.create(indicator=indicator, year=year - 1, target=baseline + (target - baseline) // 2)
    bali = Indicator.objects.get(measure="professionals_trained")
    IndicatorTarget.objects.create(indicator=bali, year=year, province_id="51", target=30)
