"""The example XLSForm Jaga ships: a short survey of awareness of ESKA (for adolescents, parents and
professionals), in Bahasa Indonesia and English, written as rows here and built into an .xlsx on request.
It uses what Jaga's web form supports: select_one, select_multiple, integer, text, note, a group shown
when relevant, a constraint, and the question names the analysis breaks down by (province, age_band, sex)."""

from __future__ import annotations

import io

from openpyxl import Workbook

from jaga.regions.models import Region

ID, EN = "label::Indonesian (id)", "label::English (en)"
SURVEY = [
    ["type", "name", ID, EN, "required", "relevant", "constraint", "constraint_message::Indonesian (id)",
     "constraint_message::English (en)"],
    ["note", "intro", "Survei singkat tentang eksploitasi seksual anak. Tidak ada jawaban benar atau salah.",
     "A short survey about the sexual exploitation of children. There are no right or wrong answers.", "", "", "", "",
     ""],
    ["select_one who", "respondent", "Anda menjawab sebagai", "You answer as", "yes", "", "", "", ""],
    ["select_one band", "age_band", "Kelompok umur Anda", "Your age group", "yes", "", "", "", ""],
    ["select_one sex", "sex", "Jenis kelamin", "Sex", "yes", "", "", "", ""],
    ["select_one province", "province", "Provinsi tempat tinggal", "Province where you live", "yes", "", "", "", ""],
    ["select_one yesno", "heard", "Pernah mendengar tentang eksploitasi seksual anak (ESKA)?",
     "Have you heard about the commercial sexual exploitation of children (ESKA)?", "yes", "", "", "", ""],
    ["begin_group", "awareness", "Yang Anda ketahui", "What you know", "", "${heard} = 'yes'", "", "", ""],
    ["select_multiple source", "heard_from", "Dari mana Anda mendengarnya?", "Where did you hear about it?", "yes",
     "", "", "", ""],
    ["select_multiple sign", "signs", "Mana yang bisa menjadi tanda grooming daring?",
     "Which can be signs of online grooming?", "", "", "", "", ""],
    ["end_group", "", "", "", "", "", "", "", ""],
    ["select_one yesno", "knows_129", "Tahu bahwa SAPA 129 menerima laporan kekerasan terhadap anak?",
     "Do you know SAPA 129 takes reports of violence against children?", "yes", "", "", "", ""],
    ["select_one likely", "would_report", "Jika melihat anak dieksploitasi, seberapa mungkin Anda melapor?",
     "If you saw a child being exploited, how likely would you report it?", "yes", "", "", "", ""],
    ["integer", "hours_online", "Berapa jam sehari Anda (atau anak Anda) daring?",
     "How many hours a day are you (or your child) online?", "", "", ". >= 0 and . <= 24",
     "Antara 0 dan 24 jam.", "Between 0 and 24 hours."],
    ["text", "comment", "Ada yang ingin disampaikan? (tidak akan diterbitkan)",
     "Anything you want to say? (never published)", "", "", "string-length(.) <= 500",
     "Paling banyak 500 karakter.", "At most 500 characters."],
    ["note", "thanks", "Terima kasih. Jika Anda atau anak yang Anda kenal butuh bantuan, hubungi SAPA 129.",
     "Thank you. If you or a child you know needs help, call SAPA 129.", "", "", "", "", ""],
]  # fmt: skip
CHOICES = [
    ["who", "adolescent", "Remaja (13-17 tahun)", "Adolescent (13-17)"],
    ["who", "parent", "Orang tua atau pengasuh", "Parent or carer"],
    ["who", "professional", "Guru, pekerja sosial, atau profesional lain", "Teacher, social worker, professional"],
    ["band", "13-17", "13-17 tahun", "13-17 years"],
    ["band", "18-35", "18-35 tahun", "18-35 years"],
    ["band", "36+", "36 tahun ke atas", "36 years or more"],
    ["sex", "female", "Perempuan", "Female"],
    ["sex", "male", "Laki-laki", "Male"],
    ["yesno", "yes", "Ya", "Yes"],
    ["yesno", "no", "Tidak", "No"],
    ["source", "school", "Sekolah", "School"],
    ["source", "social_media", "Media sosial", "Social media"],
    ["source", "tv_radio", "Televisi atau radio", "Television or radio"],
    ["source", "family", "Keluarga atau teman", "Family or friends"],
    ["source", "religious", "Tokoh agama atau masyarakat", "Religious or community leaders"],
    ["sign", "gifts", "Orang asing memberi hadiah atau pulsa", "A stranger gives gifts or phone credit"],
    ["sign", "secrecy", "Meminta merahasiakan percakapan", "Asking to keep chats secret"],
    ["sign", "photos", "Meminta foto pribadi", "Asking for private photos"],
    ["sign", "meet", "Mengajak bertemu langsung", "Asking to meet in person"],
    ["likely", "very", "Sangat mungkin", "Very likely"],
    ["likely", "somewhat", "Mungkin", "Somewhat likely"],
    ["likely", "unlikely", "Tidak mungkin", "Unlikely"],
    ["likely", "unsure", "Tidak tahu", "Not sure"],
]  # fmt: skip
VERSION = "2026120501"


def example_xlsform() -> bytes:
    workbook = Workbook()
    survey = workbook.active
    survey.title = "survey"
    for row in SURVEY:
        survey.append(row)
    choices = workbook.create_sheet("choices")
    choices.append(["list_name", "name", ID, EN])
    for row in CHOICES:
        choices.append(row)
    for code, name in Region.objects.filter(level=Region.Level.PROVINCE).order_by("code").values_list("code", "name"):
        choices.append(["province", f"p{code}", name, name])
    settings = workbook.create_sheet("settings")
    settings.append(["form_title", "form_id", "version", "default_language"])
    settings.append(["Survei kesadaran ESKA (contoh Jaga)", "jaga_eska_awareness", VERSION, "Indonesian (id)"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
