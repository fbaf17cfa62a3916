from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from jaga.accounts.models import User
from jaga.audit.models import AuditEvent
from jaga.cases.models import Case, IntakeDraft, Note
from jaga.factories import PASSWORD

pytestmark = pytest.mark.django_db

VALID = {
    "registered_on": "2026-03-14",
    "source": "hotline",
    "forms": ["online", "trafficking"],
    "exploitation_regency": "51.71",
    "child_full_name": "Ni Luh Putu Uji",
    "child_nik": "5171015506110002",
    "child_date_of_birth": "2011-06-15",
    "child_sex": "female",
    "consent_given_by": "guardian",
    "consent_services": "on",
}


STEPS = [
    ["registered_on", "source", "forms", "exploitation_regency"],
    [k for k in VALID if k.startswith("child_")],
    [k for k in VALID if k.startswith("consent_")],
]


def step_data(names: list[str], **overrides: object) -> dict[str, object]:
    return {**{name: VALID[name] for name in names if name in VALID}, **overrides}


def test_a_caseworker_registers_a_case_step_by_step(login_client: Callable[..., Client], caseworker_bali: User) -> None:
    client = login_client(caseworker_bali)
    start = client.post("/cases/new/")
    draft_url = start["Location"]
    first = client.get(draft_url).content.decode()
    assert "Daftarkan kasus" in first and "<optgroup" in first and 'aria-current="step"' in first
    for names in STEPS[:-1]:
        assert client.post(draft_url, step_data(names))["Location"] == draft_url
    response = client.post(draft_url, step_data(STEPS[-1]))
    case = Case.objects.get()
    assert response["Location"] == f"/cases/{case.pk}/"
    assert case.forms == ["online", "trafficking"] and case.organisation == caseworker_bali.organisation
    assert case.child.full_name == "Ni Luh Putu Uji"
    assert not IntakeDraft.objects.exists(), "the draft is gone once the case is registered"


def test_a_draft_is_kept_encrypted_and_only_for_its_author(
    login_client: Callable[..., Client], caseworker_bali: User, supervisor_bali: User
) -> None:
    client = login_client(caseworker_bali)
    draft_url = client.post("/cases/new/")["Location"]
    client.post(draft_url, step_data(STEPS[0]))
    client.post(draft_url, step_data(STEPS[1]))
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM cases_intakedraft")
        assert "Ni Luh" not in cursor.fetchone()[0]
    listing = client.get("/cases/new/").content.decode()
    assert draft_url in listing, "the caseworker can come back to it"
    assert 'value="Ni Luh Putu Uji"' in client.post(draft_url, {"action": "back"}, follow=True).content.decode()
    assert login_client(supervisor_bali).get(draft_url).status_code == 404


def test_each_step_explains_errors_and_keeps_what_was_typed(
    login_client: Callable[..., Client], caseworker_bali: User
) -> None:
    client = login_client(caseworker_bali)
    draft_url = client.post("/cases/new/")["Location"]
    client.post(draft_url, step_data(STEPS[0]))
    # The NIK rules are the registry's: they are checked when the case is registered, at the end.
    assert client.post(draft_url, step_data(STEPS[1], child_nik="5171015506110"))["Location"] == draft_url
    final = client.post(draft_url, step_data(STEPS[2], consent_given_by="nobody")).content.decode()
    assert "NIK terdiri dari tepat 16 digit." in final and 'value="Ni Luh Putu Uji"' in final
    assert 'aria-current="step" class="current">Anak<' in final, "the step with the error is open"
    assert not Case.objects.exists()
    # A date that is not a date is refused on its own step, which stays open.
    bad_date = client.post(draft_url, step_data(STEPS[1], child_date_of_birth="kemarin")).content.decode()
    assert "Masukkan tanggal yang valid." in bad_date


def test_identity_is_masked_until_the_caseworker_reauthenticates(
    login_client: Callable[..., Client], caseworker_jakarta: User, register_case: Callable[..., Case]
) -> None:
    case = register_case(caseworker_jakarta)
    client = login_client(caseworker_jakarta)
    masked = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Sinta" not in masked and "3171074508120003" not in masked
    assert "Tampilkan identitas" in masked
    ask = client.get(f"/cases/{case.pk}/identity/")
    assert ask["Location"].startswith("/accounts/reauth/")
    client.post("/accounts/reauth/", {"secret": PASSWORD, "next": f"/cases/{case.pk}/identity/"})
    shown = client.get(f"/cases/{case.pk}/identity/").content.decode()
    assert "Sinta Maharani Uji" in shown and "3171074508120003" in shown
    assert AuditEvent.objects.filter(action="cases.case.identity_viewed", target_id=str(case.pk)).count() == 1


def test_a_nik_search_finds_the_case_through_the_blind_index(
    login_client: Callable[..., Client], caseworker_jakarta: User, register_case: Callable[..., Case]
) -> None:
    case = register_case(caseworker_jakarta)
    register_case(caseworker_jakarta, child={"nik": "", "full_name": "Anak Lain"})
    client = login_client(caseworker_jakarta)
    found = client.post("/cases/", {"q": "3171 0745 0812 0003"}, follow=True).context["page"].object_list
    assert [c.pk for c in found] == [case.pk]
    assert len(client.post("/cases/", {"q": "3171074508120004"}, follow=True).context["page"].object_list) == 0
    by_reference = client.post("/cases/", {"q": case.reference}, follow=True).context["page"].object_list
    assert [c.pk for c in by_reference] == [case.pk]


def test_the_list_filters_by_status_form_region_and_assignment(
    login_client: Callable[..., Client],
    caseworker_jakarta: User,
    supervisor_jakarta: User,
    register_case: Callable[..., Case],
) -> None:
    online = register_case(caseworker_jakarta)
    trafficking = register_case(supervisor_jakarta, forms=["trafficking"], exploitation_regency="32.73")
    client = login_client(supervisor_jakarta)

    def refs(**params: str) -> list[str]:
        return [c.reference for c in client.get("/cases/", params).context["page"].object_list]

    assert refs(form="trafficking") == [trafficking.reference]
    assert refs(region="31") == [online.reference]
    assert refs(mine="on") == [], "a supervisor's registration waits in the intake queue"
    assign = {"assignee": supervisor_jakarta.pk, "reason": "Saya tangani"}
    assert client.post(f"/cases/{trafficking.pk}/assign/", assign).status_code == 302
    assert refs(mine="on") == [trafficking.reference]
    assert refs(status="closed") == []


def test_a_note_is_saved_encrypted_and_shown_with_the_identity(
    login_client: Callable[..., Client], caseworker_jakarta: User, register_case: Callable[..., Case]
) -> None:
    case = register_case(caseworker_jakarta)
    client = login_client(caseworker_jakarta)
    client.post(f"/cases/{case.pk}/notes/", {"text": "Kunjungan rumah dilakukan."})
    assert Note.objects.get().text == "Kunjungan rumah dilakukan."
    client.post("/accounts/reauth/", {"secret": PASSWORD, "next": "/"})
    assert "Kunjungan rumah dilakukan." in client.get(f"/cases/{case.pk}/identity/").content.decode()
    assert "Kunjungan rumah" not in client.get(f"/cases/{case.pk}/").content.decode()


def test_perpetrators_services_and_legal_process_are_recorded_from_the_case_page(
    login_client: Callable[..., Client], caseworker_jakarta: User, register_case: Callable[..., Case]
) -> None:
    case = register_case(caseworker_jakarta)
    client = login_client(caseworker_jakarta)
    client.post(
        f"/cases/{case.pk}/perpetrator/",
        {
            "perpetrator-relationship": "online_contact",
            "perpetrator-role": "online_offender",
            "perpetrator-sex": "male",
            "perpetrator-age_band": "25_39",
            "perpetrator-origin": "foreign",
            "perpetrator-legal_status": "reported",
            "perpetrator-identity": "Akun @contoh_pelaku",
        },
    )
    client.post(
        f"/cases/{case.pk}/service/",
        {"service-service": "psychosocial", "service-state": "ongoing", "service-started_on": "2026-03-15"},
    )
    bad = client.post(
        f"/cases/{case.pk}/service/",
        {
            "service-service": "shelter",
            "service-state": "completed",
            "service-started_on": "2026-03-15",
            "service-ended_on": "2026-03-01",
        },
        follow=True,
    )
    assert "Akhir tidak boleh sebelum awal." in bad.content.decode()
    client.post(
        f"/cases/{case.pk}/legal/", {"legal-stage": "investigation", "legal-police_report_number": "LP/B/123/III/2026"}
    )
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Pelaku daring" in page and "Psikososial" in page and "Penyidikan" in page
    assert "@contoh_pelaku" not in page and "LP/B/123" not in page, "identifying details stay hidden"
    assert case.perpetrators.get().identity == "Akun @contoh_pelaku"
    assert case.services.count() == 1
    actions = set(AuditEvent.objects.filter(target_id=str(case.pk)).values_list("action", flat=True))
    assert {"cases.perpetrator.added", "cases.service.recorded", "cases.legal.updated"} <= actions
    # Updating the stage from the masked page keeps the recorded number.
    client.post(f"/cases/{case.pk}/legal/", {"legal-stage": "prosecution", "legal-police_report_number": ""})
    case.legal.refresh_from_db()
    assert (case.legal.stage, case.legal.police_report_number) == ("prosecution", "LP/B/123/III/2026")


def test_exports_follow_the_list_and_guard_identities(
    login_client: Callable[..., Client], caseworker_jakarta: User, register_case: Callable[..., Case]
) -> None:
    import io

    from openpyxl import load_workbook

    register_case(caseworker_jakarta, child={"full_name": '=HYPERLINK("http://evil.example")'})
    register_case(caseworker_jakarta, forms=["trafficking"])
    client = login_client(caseworker_jakarta)
    plain = client.get("/cases/export.csv", {"form": "online"}).content.decode("utf-8-sig")
    lines = plain.strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith("Nomor kasus,Tanggal pencatatan")
    assert "Nama lengkap anak" not in lines[0]
    assert "Eksploitasi seksual daring" in lines[1] and ",online," not in lines[1], "labels, never raw codes"
    english = login_client(caseworker_jakarta)
    english.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert english.get("/cases/export.csv").content.decode("utf-8-sig").startswith("Reference,Registration date")
    assert client.get("/cases/export.xlsx", {"identity": "1"})["Location"].startswith("/accounts/reauth/")
    client.post("/accounts/reauth/", {"secret": PASSWORD, "next": "/"})
    workbook = load_workbook(io.BytesIO(client.get("/cases/export.xlsx", {"identity": "1"}).content))
    rows = list(workbook.active.iter_rows(values_only=True))
    names = [row[rows[0].index("Nama lengkap anak")] for row in rows[1:]]
    assert '=HYPERLINK("http://evil.example")' in names
    kinds = {cell.data_type for row in workbook.active.iter_rows() for cell in row}
    assert "f" not in kinds, "a formula is written as text"
    assert "Sinta Maharani Uji" in names
    events = list(
        AuditEvent.objects.filter(action="cases.export.downloaded").order_by("seq").values_list("details", flat=True)
    )
    assert events == [
        {"format": "csv", "rows": 1, "identity": False},
        {"format": "csv", "rows": 2, "identity": False},
        {"format": "xlsx", "rows": 2, "identity": True},
    ]
    assert client.get("/cases/export.pdf").status_code == 404


def test_a_name_search_finds_old_spellings_and_nicknames_within_scope(
    login_client: Callable[..., Client],
    caseworker_jakarta: User,
    caseworker_bali: User,
    register_case: Callable[..., Case],
) -> None:
    mine = register_case(caseworker_jakarta, child={"full_name": "Djoko Soesilo", "aliases": "Koko", "nik": ""})
    register_case(caseworker_bali, exploitation_regency="51.71", child={"full_name": "Joko Susilo", "nik": ""})
    client = login_client(caseworker_jakarta)
    for query in ("joko susilo", "DJOKO", "koko"):
        found = client.post("/cases/", {"q": query}, follow=True).context["page"].object_list
        assert [c.pk for c in found] == [mine.pk], query
    event = AuditEvent.objects.filter(action="cases.case.searched").last()
    assert event.details == {"results": 1} and "koko" not in str(event.details).lower()


def test_a_very_long_list_stops_counting_and_says_so(
    monkeypatch: pytest.MonkeyPatch,
    login_client: Callable[..., Client],
    caseworker_jakarta: User,
    register_case: Callable[..., Case],
) -> None:
    from jaga.core import pagination

    monkeypatch.setattr(pagination, "COUNT_CAP", 2)
    for _n in range(4):
        register_case(caseworker_jakarta)
    client = login_client(caseworker_jakarta)
    page = client.get("/cases/").content.decode()
    assert "Lebih dari 2 kasus" in page
    api = client.get("/api/v1/cases/").json()
    assert api["count"] == 3, "the API counts up to the cap plus one as well"


def test_a_search_keeps_the_nik_out_of_every_url(
    login_client: Callable[..., Client], caseworker_jakarta: User, register_case: Callable[..., Case]
) -> None:
    case = register_case(caseworker_jakarta)
    register_case(caseworker_jakarta, child={"nik": "", "full_name": "Anak Lain"})
    client = login_client(caseworker_jakarta)
    response = client.post("/cases/", {"q": "3171074508120003", "status": "registered"})
    location = response["Location"]
    assert response.status_code == 302 and "3171074508120003" not in location and "search=" in location
    page = client.get(location)
    assert [c.pk for c in page.context["page"].object_list] == [case.pk]
    assert "3171074508120003" in page.content.decode()  # in the search box, on the page only
    assert "3171074508120003" not in str(client.session.get("case_searches"))  # kept encrypted
    export = client.get(location.replace("/cases/?", "/cases/export.csv?"))
    assert export.status_code == 200 and export.content.decode().count("\n") == 2  # header and the one case
    expired = Client()
    expired.force_login(caseworker_jakarta)
    shown = expired.get(location, follow=True).content.decode()
    assert "Pencarian itu sudah kedaluwarsa" in shown
    session = client.session
    session["case_searches"] = {"old": "v99:c2VhbGVkIHVuZGVyIGEgcmV0aXJlZCBrZXk="}  # a key since retired
    session.save()
    response = client.get("/cases/?search=old")
    assert response.status_code == 200 and "Pencarian itu sudah kedaluwarsa" in response.content.decode()
    assert client.post("/cases/", {"since": "kemarin"}).status_code == 400


def test_the_list_shows_initials_and_the_name_only_after_re_authenticating(
    login_client: Callable[..., Client], caseworker_jakarta: User, register_case: Callable[..., Case]
) -> None:
    from jaga.audit.models import AuditEvent
    from jaga.factories import PASSWORD

    case = register_case(caseworker_jakarta)
    client = login_client(caseworker_jakarta)
    page = client.get("/cases/").content.decode()
    assert "S. M. U." in page and "Sinta Maharani" not in page, "initials until the password is given again"
    client.post("/accounts/reauth/", {"secret": PASSWORD, "next": "/"})
    page = client.get("/cases/").content.decode()
    assert "Sinta Maharani Uji" in page
    seen = AuditEvent.objects.filter(action="cases.case.identity_viewed", target_id=str(case.pk))
    assert seen.filter(details__via="list").count() == 1, "each name shown is an audited read"
