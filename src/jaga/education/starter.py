"""The starter lessons the project writes (Bahasa Indonesia and English), installed as published by
``starter_install`` (the demo does it; a deployment may too). Officers change them like any lesson."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from jaga.audit.services import record
from jaga.education.models import Lesson, LessonRevision, QuizQuestion

HELP_ID = "## Di mana minta tolong\n- Telepon **SAPA 129** (gratis) atau **110** (polisi).\n- Laporkan di [formulir laporan](/lapor/)."
HELP_EN = (
    "## Where to get help\n- Call **SAPA 129** (free) or **110** (police).\n- Report on [the report form](/lapor/)."
)

LESSONS: list[dict[str, Any]] = [
    {
        "slug": "kenali-grooming-online",
        "audience": "children_13_15",
        "title": ("Kenali grooming online", "Spot online grooming"),
        "summary": (
            "Bagaimana orang asing mencoba mendekatimu lewat gim dan media sosial.",
            "How strangers try to get close to you through games and social media.",
        ),
        "body": (
            "Grooming adalah cara seseorang membangun kepercayaanmu supaya bisa memanfaatkanmu. Sering terjadi di "
            "gim daring, media sosial, dan aplikasi pesan.\n\n## Tanda-tandanya\n- Memberi hadiah, pulsa, atau item "
            "gim tanpa alasan.\n- Memintamu merahasiakan percakapan.\n- Meminta foto atau video pribadi.\n- Mengajak "
            "pindah ke aplikasi lain atau bertemu langsung.\n\n## Yang bisa kamu lakukan\n- Jangan kirim foto pribadi "
            "kepada siapa pun.\n- Blokir dan laporkan akunnya.\n- Ceritakan kepada orang dewasa yang kamu percaya: "
            "**kamu tidak salah**.\n\n" + HELP_ID,
            "Grooming is how someone builds your trust in order to exploit you. It often happens in online games, "
            "social media and chat apps.\n\n## The signs\n- Gifts, phone credit or game items for no reason.\n- "
            "Asking you to keep your chats secret.\n- Asking for private photos or videos.\n- Asking to move to "
            "another app or to meet in person.\n\n## What you can do\n- Never send private photos to anyone.\n- "
            "Block and report the account.\n- Tell an adult you trust: **it is not your fault**.\n\n" + HELP_EN,
        ),
        "questions": [
            (
                "Teman baru di gim memberimu pulsa dan minta dirahasiakan. Apa itu?",
                "A new friend in a game gives you phone credit and asks you to keep it secret. What is it?",
                ["Tanda grooming", "Hadiah biasa", "Promosi gim"],
                ["A sign of grooming", "A normal gift", "A game promotion"],
                0,
                "Hadiah yang harus dirahasiakan adalah tanda bahaya. Ceritakan kepada orang dewasa yang kamu percaya.",
                "A gift you must keep secret is a warning sign. Tell an adult you trust.",
            ),
            (
                "Seseorang mengancam menyebarkan fotomu. Siapa yang salah?",
                "Someone threatens to share your photo. Whose fault is it?",
                ["Kamu", "Orang yang mengancam", "Tidak ada"],
                ["Yours", "The person threatening", "Nobody's"],
                1,
                "Yang mengancam melakukan kejahatan. Jangan bayar, simpan bukti, dan minta tolong.",
                "The one threatening commits a crime. Do not pay, keep the evidence, and get help.",
            ),
        ],
    },
    {
        "slug": "sextortion-jangan-bayar",
        "audience": "children_16_17",
        "title": ("Sextortion: jangan bayar, minta tolong", "Sextortion: don't pay, get help"),
        "summary": (
            "Jika seseorang memerasmu dengan foto atau video, ini langkahnya.",
            "If someone blackmails you with a photo or video, these are the steps.",
        ),
        "body": (
            "Sextortion adalah pemerasan dengan foto atau video intim. Pelaku sering berpura-pura seumuran.\n\n"
            "## Langkah-langkah\n1. Jangan bayar dan jangan kirim apa pun lagi.\n2. Simpan bukti: tangkapan layar "
            "percakapan dan nama akun.\n3. Blokir dan laporkan akunnya di platform.\n4. Ceritakan kepada orang "
            "dewasa yang kamu percaya.\n\nMembayar tidak menghentikan pemerasan. **Kamu korban, bukan pelaku.**\n\n"
            + HELP_ID,
            "Sextortion is blackmail with intimate photos or videos. Offenders often pretend to be your age.\n\n"
            "## The steps\n1. Do not pay and do not send anything more.\n2. Keep the evidence: screenshots of the "
            "chat and the account name.\n3. Block and report the account on the platform.\n4. Tell an adult you "
            "trust.\n\nPaying does not stop blackmail. **You are the victim, not the offender.**\n\n" + HELP_EN,
        ),
        "questions": [
            (
                "Apa langkah pertama jika diperas?",
                "What is the first step if you are blackmailed?",
                ["Membayar", "Tidak membayar dan menyimpan bukti", "Menghapus semua pesan"],
                ["Pay", "Do not pay and keep the evidence", "Delete every message"],
                1,
                "Bukti membantu polisi dan platform menghentikan pelaku.",
                "Evidence helps the police and the platform stop them.",
            ),
        ],
    },
    {
        "slug": "tawaran-kerja-palsu",
        "audience": "children_10_12",
        "title": ("Hati-hati tawaran yang terlalu bagus", "Careful with offers that are too good"),
        "summary": ("Tidak semua ajakan kerja atau hadiah itu baik.", "Not every job offer or present is good."),
        "body": (
            "Ada orang yang menawarkan uang, pekerjaan, atau jalan-jalan kepada anak supaya bisa memanfaatkan mereka."
            "\n\n## Ingat\n- Anak tidak perlu bekerja untuk orang asing.\n- Jangan pergi dengan orang yang baru kamu "
            "kenal tanpa izin orang tua.\n- Kalau bingung atau takut, tanya orang dewasa yang kamu percaya.\n\n"
            + HELP_ID,
            "Some people offer children money, a job or a trip in order to exploit them.\n\n## Remember\n- Children "
            "do not need to work for strangers.\n- Do not go with someone you just met without your parents' "
            "permission.\n- If you are unsure or scared, ask an adult you trust.\n\n" + HELP_EN,
        ),
        "questions": [
            (
                "Orang yang baru dikenal mengajakmu ke kota lain untuk bekerja. Apa yang kamu lakukan?",
                "Someone you just met invites you to another town for work. What do you do?",
                ["Ikut saja", "Bertanya kepada orang tua atau guru", "Merahasiakannya"],
                ["Go along", "Ask your parents or a teacher", "Keep it secret"],
                1,
                "Orang dewasa yang kamu percaya bisa membantu memeriksa tawaran itu.",
                "An adult you trust can help check the offer.",
            ),
        ],
    },
    {
        "slug": "orang-tua-aman-daring",
        "audience": "parents",
        "title": ("Menjaga anak tetap aman saat daring", "Keeping your child safe online"),
        "summary": (
            "Percakapan sederhana dan pengaturan yang melindungi anak.",
            "Simple conversations and settings that protect children.",
        ),
        "body": (
            "Anak belajar dan bermain daring. Pendamping terbaik adalah orang tua yang mau diajak bicara.\n\n"
            "## Yang bisa dilakukan\n- Bicarakan dengan tenang siapa saja teman daring anak.\n- Atur akun anak menjadi "
            "privat dan matikan lokasi.\n- Jelaskan bahwa anak boleh bercerita tanpa dimarahi.\n- Kenali tanda: anak "
            "menyembunyikan ponsel, menerima hadiah dari orang asing, tampak takut.\n\n## Jika anak bercerita\nDengarkan, "
            "percayai, jangan menyalahkan. Simpan bukti dan hubungi SAPA 129.\n\n" + HELP_ID,
            "Children learn and play online. The best guard is a parent they can talk to.\n\n## What you can do\n"
            "- Talk calmly about who your child's online friends are.\n- Set your child's accounts to private and "
            "turn off location.\n- Explain that your child can tell you things without being punished.\n- Know the "
            "signs: hiding the phone, gifts from strangers, seeming afraid.\n\n## If your child tells you\nListen, "
            "believe, do not blame. Keep the evidence and call SAPA 129.\n\n" + HELP_EN,
        ),
        "questions": [
            (
                "Anak bercerita dimintai foto oleh orang asing. Apa yang pertama dilakukan?",
                "Your child tells you a stranger asked for photos. What do you do first?",
                ["Memarahi anak", "Mendengarkan dan menenangkan anak", "Menyita ponsel diam-diam"],
                ["Scold your child", "Listen and reassure your child", "Take the phone away quietly"],
                1,
                "Anak yang merasa aman akan terus bercerita. Lalu simpan bukti dan minta bantuan.",
                "A child who feels safe keeps telling you. Then keep the evidence and get help.",
            ),
        ],
    },
    {
        "slug": "guru-saat-anak-bercerita",
        "audience": "teachers",
        "title": ("Saat murid bercerita: yang wajib dilakukan", "When a pupil tells you: what you must do"),
        "summary": ("Langkah aman bagi guru dan pekerja komunitas.", "Safe steps for teachers and community workers."),
        "body": (
            "Murid yang bercerita tentang eksploitasi memercayai Anda. Tanggapan pertama Anda sangat menentukan.\n\n"
            "## Lakukan\n- Dengarkan tanpa menyela; percayai anak.\n- Katakan bahwa anak benar telah bercerita dan tidak "
            "bersalah.\n- Catat yang anak katakan dengan kata-katanya sendiri.\n- Laporkan ke unit layanan (UPTD PPA), "
            "SAPA 129, atau polisi.\n\n## Jangan\n- Jangan menjanjikan untuk merahasiakan.\n- Jangan menanyai anak "
            "berulang-ulang atau mempertemukannya dengan terduga pelaku.\n\n" + HELP_ID,
            "A pupil who tells you about exploitation trusts you. Your first response matters.\n\n## Do\n- Listen "
            "without interrupting; believe the child.\n- Say the child was right to tell and is not to blame.\n- "
            "Write down what the child said in the child's own words.\n- Report to the service unit (UPTD PPA), SAPA "
            "129 or the police.\n\n## Do not\n- Do not promise to keep it secret.\n- Do not question the child "
            "again and again or bring them together with the suspected offender.\n\n" + HELP_EN,
        ),
        "questions": [
            (
                "Murid meminta Anda berjanji merahasiakan ceritanya. Apa jawaban Anda?",
                "A pupil asks you to promise to keep what they say secret. What do you answer?",
                ["Berjanji merahasiakan", "Menjelaskan bahwa Anda harus meminta bantuan untuk melindunginya"],
                ["Promise secrecy", "Explain that you must get help to protect them"],
                1,
                "Anda wajib melindungi anak; jelaskan dengan jujur siapa yang akan diberi tahu.",
                "You must protect the child; explain honestly who will be told.",
            ),
        ],
    },
]


@transaction.atomic
def starter_install() -> int:
    """The starter lessons, published, where they are not yet (by address); returns how many were added."""
    added = 0
    for position, item in enumerate(LESSONS, start=1):
        if Lesson.objects.filter(slug=item["slug"]).exists():
            continue
        lesson = Lesson.objects.create(slug=item["slug"], audience=item["audience"], position=position)
        LessonRevision.objects.create(
            lesson=lesson,
            number=1,
            state=LessonRevision.State.PUBLISHED,
            published_at=timezone.now(),
            title_id=item["title"][0],
            title_en=item["title"][1],
            summary_id=item["summary"][0],
            summary_en=item["summary"][1],
            body_id=item["body"][0],
            body_en=item["body"][1],
        )
        for k, (text_id, text_en, opts_id, opts_en, answer, why_id, why_en) in enumerate(item["questions"], start=1):
            QuizQuestion.objects.create(
                lesson=lesson,
                position=k,
                text_id=text_id,
                text_en=text_en,
                options_id=opts_id,
                options_en=opts_en,
                answer=answer,
                why_id=why_id,
                why_en=why_en,
            )
        added += 1
    if added:
        record("education.starter.installed", actor=None, details={"lessons": added})
    return added
