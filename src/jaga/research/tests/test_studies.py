"""Surveys as a research team runs them: an XLSForm loaded and versioned, answers on the web (consent first,
relevance, constraints, invitation codes), exports from KoboToolbox and ODK Central imported all or nothing,
tables through disclosure control, team-only access, retention."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from openpyxl import Workbook

from jaga.accounts.models import Role, User
from jaga.factories import UserFactory
from jaga.research import analysis, studies, xlsform
from jaga.research.example_form import example_xlsform
from jaga.research.models import Response, Study

pytestmark = pytest.mark.django_db


def study_input(**overrides: Any) -> studies.StudyInput:
    values: dict[str, Any] = {
        "title": "Survei uji",
        "ethics_reference": "KEP/2026/1",
        "ethics_approved_on": date(2026, 1, 5),
        "consent_id": "Jawaban Anda tanpa nama (uji).",
        "consent_en": "Your answers carry no name (test).",
        "retention_until": date.today() + timedelta(days=365),
        **overrides,
    }
    return studies.StudyInput(**values)


@pytest.fixture
def study(researcher: User, regions: None) -> Study:
    made = studies.study_create(actor=researcher, data=study_input())
    studies.instrument_upload(actor=researcher, study=made, data=example_xlsform(), filename="contoh.xlsx")
    return made


def xlsx(rows: list[list[str]], choices: list[list[str]] | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "survey"
    for row in rows:
        sheet.append(row)
    if choices:
        extra = book.create_sheet("choices")
        for row in choices:
            extra.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_an_xlsform_is_read_as_odk_reads_it_and_what_jaga_cannot_collect_is_named(regions: None) -> None:
    found = {q.name: q for q in xlsform.questions(xlsform.load(example_xlsform(), "contoh.xlsx"))}
    assert found["heard_from"].type == "select_multiple" and found["heard_from"].relevant == ["${heard} = 'yes'"]
    assert found["hours_online"].constraint == ". >= 0 and . <= 24" and found["respondent"].required
    assert found["heard"].labels == {
        "id": "Pernah mendengar tentang eksploitasi seksual anak (ESKA)?",
        "en": "Have you heard about the commercial sexual exploitation of children (ESKA)?",
    }
    with pytest.raises(xlsform.FormError, match="lokasi"):
        xlsform.load(xlsx([["type", "name", "label"], ["geopoint", "lokasi", "Lokasi"]]), "a.xlsx")
    with pytest.raises(xlsform.FormError, match="pulldata"):
        xlsform.load(xlsx([["type", "name", "label", "relevant"], ["text", "a", "A", "pulldata('x', 'y')"]]), "a.xlsx")
    with pytest.raises(xlsform.FormError, match="XLSForm"):
        xlsform.load(xlsx([["type", "name", "label"], ["select_one nolist", "a", "A"]]), "a.xlsx")
    with pytest.raises(xlsform.FormError):
        xlsform.load(b"not a spreadsheet", "a.xlsx")


def test_a_study_needs_its_ethics_approval_consent_and_retention(researcher: User) -> None:
    with pytest.raises(ValidationError) as caught:
        studies.study_create(
            actor=researcher, data=study_input(ethics_reference="", consent_id="", retention_until=date(2020, 1, 1))
        )
    assert set(caught.value.message_dict) == {"ethics_reference", "consent_id", "retention_until"}


def test_a_participant_answers_on_the_web_with_consent_first(study: Study, anonymous: Client) -> None:
    url = f"/survei/{study.token}/"
    page = anonymous.get(url).content.decode()
    assert "Jawaban Anda tanpa nama (uji)." in page and 'name="awareness/heard_from"' in page and "<script" not in page
    answers = {
        "respondent": "adolescent",
        "age_band": "13-17",
        "sex": "female",
        "province": "p51",
        "heard": "no",
        "awareness/heard_from": ["school"],
        "knows_129": "yes",
        "would_report": "very",
        "hours_online": "30",
        "comment": "Saya Budi dari kelas 8",
    }
    refused = anonymous.post(url, answers)
    text = refused.content.decode()
    assert refused.status_code == 400 and Response.objects.count() == 0
    assert "persetujuan" in text and "Antara 0 dan 24 jam." in text, "consent first, and the constraint's own message"
    done = anonymous.post(url, {**answers, "hours_online": "3", "consent": "yes"})
    assert done.status_code == 200 and "Terima kasih" in done.content.decode()
    response = Response.objects.get()
    kept = studies.answers_of(response)
    assert "awareness/heard_from" not in kept, "heard = no: the group was not relevant, its answer is dropped"
    assert kept["hours_online"] == "3" and kept["comment"] == "Saya Budi dari kelas 8"
    with connection.cursor() as cursor:
        cursor.execute("SELECT answers FROM research_response")
        assert "Budi" not in cursor.fetchone()[0], "answers are encrypted at rest"


def test_invitation_codes_answer_once(researcher: User, regions: None, anonymous: Client) -> None:
    made = studies.study_create(actor=researcher, data=study_input(access="code"))
    studies.instrument_upload(actor=researcher, study=made, data=example_xlsform(), filename="contoh.xlsx")
    code = studies.codes_make(actor=researcher, study=made, count=2)[0]
    answers = {
        "respondent": "parent",
        "age_band": "36+",
        "sex": "male",
        "province": "p31",
        "heard": "no",
        "knows_129": "no",
        "would_report": "unsure",
        "consent": "yes",
    }
    assert anonymous.post(f"/survei/{made.token}/", {**answers, "code": "WRONG123"}).status_code == 400
    assert anonymous.post(f"/survei/{made.token}/", {**answers, "code": code.lower()}).status_code == 200
    again = anonymous.post(f"/survei/{made.token}/", {**answers, "code": code})
    assert again.status_code == 400 and "sudah dipakai" in again.content.decode()


KOBO_HEAD = (
    "_uuid,__version__,respondent,age_band,sex,province,heard,awareness/heard_from,awareness/heard_from/school,"
    "knows_129,would_report,hours_online,_submission_time"
)


def kobo(rows: list[str]) -> io.BytesIO:
    upload = io.BytesIO("\n".join([KOBO_HEAD, *rows]).encode())
    upload.name = "kobo.csv"
    return upload


def test_a_kobo_export_is_imported_whole_or_not_at_all(
    study: Study, researcher: User, login_client: Callable[..., Client]
) -> None:
    client = login_client(researcher)
    good = [
        f"u{k},2026120501,adolescent,13-17,female,p51,yes,school social_media,1,yes,very,{k},2026-11-0{k}T10:00"
        for k in range(1, 8)
    ]
    bad = client.post(
        f"/research/studies/{study.pk}/",
        {
            "action": "import",
            "source": "kobo",
            "file": kobo([*good, "u9,2026120501,alien,13-17,female,p51,yes,radio,0,yes,very,99,2026-11-01T10:00"]),
        },
    )
    text = bad.content.decode()
    assert bad.status_code == 400 and Response.objects.count() == 0
    assert "Baris 9, respondent" in text and "Baris 9, awareness/heard_from" in text and "Baris 9, hours_online" in text
    done = client.post(f"/research/studies/{study.pk}/", {"action": "import", "source": "kobo", "file": kobo(good)})
    assert done.status_code == 302 and Response.objects.filter(source="kobo").count() == 7
    assert studies.answers_of(Response.objects.all()[0])["awareness/heard_from"] == ["school", "social_media"]
    again = client.post(
        f"/research/studies/{study.pk}/", {"action": "import", "source": "kobo", "file": kobo(good[:1])}
    )
    assert again.status_code == 400 and "sudah diimpor" in again.content.decode()


def test_an_odk_central_json_export_with_nested_groups(study: Study, researcher: User) -> None:
    body = {
        "value": [
            {
                "__id": f"uuid:{k}",
                "respondent": "professional",
                "age_band": "18-35",
                "sex": "male",
                "province": "p31",
                "heard": "yes",
                "awareness": {"heard_from": "tv_radio", "signs": "gifts photos"},
                "knows_129": "no",
                "would_report": "somewhat",
                "__system": {"formVersion": "2026120501"},
            }
            for k in range(3)
        ]
    }
    stored, unknown = studies.responses_import(
        actor=researcher, study=study, data=json.dumps(body).encode(), filename="odk.json", source="odk"
    )
    assert stored == 3 and unknown == []
    assert studies.answers_of(Response.objects.all()[0])["awareness/signs"] == ["gifts", "photos"]


def test_a_changed_form_keeps_old_answers_readable(
    study: Study, researcher: User, login_client: Callable[..., Client], anonymous: Client
) -> None:
    anonymous.post(
        f"/survei/{study.token}/",
        {
            "respondent": "parent",
            "age_band": "36+",
            "sex": "female",
            "province": "p31",
            "heard": "no",
            "knows_129": "yes",
            "would_report": "very",
            "consent": "yes",
        },
    )
    changed = xlsx(
        [["type", "name", "label::Indonesian (id)"], ["select_one yn", "sapa", "Kenal SAPA 129?"]],
        [["list_name", "name", "label::Indonesian (id)"], ["yn", "yes", "Ya"], ["yn", "no", "Tidak"]],
    )
    second = studies.instrument_upload(actor=researcher, study=study, data=changed, filename="v2.xlsx")
    assert second.version == 2
    page = login_client(researcher).get(f"/research/studies/{study.pk}/responses/").content.decode()
    assert "Orang tua atau pengasuh" in page and "versi 1" in page, "read with version 1's labels"


def test_tables_hide_small_cells_free_text_is_never_tabulated_and_only_the_team_reads(
    study: Study, researcher: User, login_client: Callable[..., Client]
) -> None:
    from jaga.audit.models import AuditEvent

    rows = [
        f"u{k},2026120501,adolescent,13-17,{'female' if k < 9 else 'male'},p51,yes,school,1,"
        f"{'yes' if k % 2 else 'no'},very,2,2026-11-01T10:00"
        for k in range(12)
    ]
    studies.responses_import(
        actor=researcher, study=study, data="\n".join([KOBO_HEAD, *rows]).encode(), filename="k.csv", source="kobo"
    )
    table = analysis.crosstab(study, "knows_129", by="sex")
    body = {row[0]: row[1:] for row in table.body()}
    assert table.header()[1:] == ["Perempuan", "Laki-laki", "Jumlah"] and table.responses == 12
    assert body["Jumlah"][-1] == "12" and "<5" in body["Ya"] + body["Tidak"], "3 boys: hidden, with a complement"
    with pytest.raises(analysis.AnalysisError):
        analysis.crosstab(study, "comment")
    client = login_client(researcher)
    page = client.get(f"/research/studies/{study.pk}/?question=knows_129&by=sex")
    assert page.status_code == 200 and "&lt;5" in page.content.decode()
    xlsx_file = client.get(f"/research/studies/{study.pk}/?question=knows_129&by=sex&format=xlsx")
    assert xlsx_file.status_code == 200 and xlsx_file.content[:2] == b"PK"
    respondents = client.post(f"/research/studies/{study.pk}/respondents.zip")
    assert respondents.status_code == 200 and respondents.content[:2] == b"PK"
    outsider = UserFactory.create(organisation=researcher.organisation, roles=[Role.RESEARCHER])
    assert login_client(outsider).get(f"/research/studies/{study.pk}/").status_code == 403
    with pytest.raises(PermissionDenied):
        studies.responses_import(actor=outsider, study=study, data=b"", filename="x.csv", source="kobo")
    studies.team_set(actor=researcher, study=study, members=[outsider])
    assert login_client(outsider).get(f"/research/studies/{study.pk}/responses/").status_code == 200
    actions = set(AuditEvent.objects.filter(action__startswith="research.").values_list("action", flat=True))
    assert {
        "research.study.viewed",
        "research.table.viewed",
        "research.respondent_file.downloaded",
        "research.responses.viewed",
        "research.responses.imported",
    } <= actions
    api = login_client(researcher).get(f"/api/v1/research/studies/{study.pk}/results/?question=heard")
    assert api.status_code == 200 and api.json()["responses"] == 12
    assert (
        login_client(researcher).get(f"/api/v1/research/studies/{study.pk}/results/?question=comment").status_code
        == 400
    )


def test_responses_are_erased_at_the_studys_retention_date(study: Study, researcher: User) -> None:
    from jaga.operations.retention import forecast, retention_run

    studies.responses_import(
        actor=researcher,
        study=study,
        data="\n".join([KOBO_HEAD, "u1,,parent,36+,male,p31,no,,,no,unsure,,2026-11-01"]).encode(),
        filename="k.csv",
        source="kobo",
    )
    Study.objects.filter(pk=study.pk).update(retention_until=date.today() - timedelta(days=1))
    rows = {kind.name: now for kind, now, _soon, _held in forecast()}
    assert rows["research_responses"] == 1
    run = retention_run()
    assert run.counts["research_responses"] == 1
    response = Response.objects.get()
    assert response.erased_at is not None and studies.answers_of(response) == {}


def test_the_lead_chooses_the_team_on_the_page_and_a_table_has_its_chart(
    study: Study, researcher: User, login_client: Callable[..., Client]
) -> None:
    colleague = UserFactory.create(organisation=researcher.organisation, roles=[Role.RESEARCHER], full_name="Rekan Uji")
    client = login_client(researcher)
    page = client.get(f"/research/studies/{study.pk}/").content.decode()
    assert "Rekan Uji" in page, "researchers are offered as members"
    assert (
        client.post(f"/research/studies/{study.pk}/", {"action": "team", "members": [str(colleague.pk)]}).status_code
        == 302
    )
    assert list(study.team.all()) == [colleague]
    assert (
        login_client(colleague).post(f"/research/studies/{study.pk}/", {"action": "team", "members": []}).status_code
        == 403
    )
    rows = [f"u{k},2026120501,adolescent,13-17,female,p51,yes,school,1,yes,very,2,2026-11-01" for k in range(6)]
    studies.responses_import(
        actor=researcher, study=study, data="\n".join([KOBO_HEAD, *rows]).encode(), filename="k.csv", source="kobo"
    )
    table_page = client.get(f"/research/studies/{study.pk}/?question=knows_129").content.decode()
    assert 'role="img"' in table_page and "<caption>" in table_page, "a chart with its table"


def test_answers_from_one_connection_are_limited_per_hour(study: Study, anonymous: Client, settings: Any) -> None:
    settings.JAGA_SURVEY_LIMIT_PER_ADDRESS = 2
    for _n in range(2):
        assert anonymous.post(f"/survei/{study.token}/", {}).status_code == 400, "checked, not stored"
    refused = anonymous.post(f"/survei/{study.token}/", {})
    assert refused.status_code == 429 and refused["Retry-After"].isdigit()
    assert "coba lagi" in refused.content.decode()
