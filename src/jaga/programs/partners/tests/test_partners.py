"""Partners: the directory and its filters and exports, contact people (encrypted, audited), agreements."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from jaga.accounts.models import Organisation
from jaga.audit.models import AuditEvent
from jaga.programs.partners.models import Agreement, Contact, PartnerProgramme

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_only_programme_officers_see_partners(
    login_client: Any, caseworker_jakarta: Any, programme_officer: Any
) -> None:
    assert login_client(caseworker_jakarta).get("/programs/partners/").status_code == 403
    assert login_client(programme_officer).get("/programs/partners/").status_code == 200


def test_the_directory_filters_by_type_province_and_programme_and_exports(
    login_client: Any, programme_officer: Any, orgs: dict
) -> None:
    PartnerProgramme.objects.create(organisation=orgs["bali"], programme="training")
    PartnerProgramme.objects.create(organisation=orgs["ngo"], programme="campaigns")
    client = login_client(programme_officer)

    def listed(**filters: str) -> set[str]:
        page = client.get("/programs/partners/", filters).content.decode()
        return {key for key, org in orgs.items() if f'href="/programs/partners/{org.pk}/"' in page}

    assert listed(programme="training") == {"bali"}
    assert "bali" in listed(province="51") and "jakarta" not in listed(province="51")
    assert listed(type="ngo") == {"ngo"}
    response = client.get("/programs/partners/", {"programme": "training", "format": "xlsx"})
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "name" and [row[0] for row in rows[1:]] == [orgs["bali"].name]
    # The whole directory by name, in the export and the API alike (the agreements counted per partner
    # make a grouped query, which drops the model's ordering).
    Organisation.objects.create(name="Aliansi Anak (test)", type=Organisation.Type.NGO)
    everyone = load_workbook(io.BytesIO(client.get("/programs/partners/", {"format": "xlsx"}).content)).active
    names = [row[0] for row in list(everyone.iter_rows(values_only=True))[1:]]
    assert len(names) == Organisation.objects.filter(is_active=True).count() >= 7
    assert names == sorted(names, key=str.casefold)
    assert [p["name"] for p in client.get("/api/v1/programs/partners/").json()] == names


def test_contacts_are_encrypted_shown_to_officers_and_every_view_is_audited(
    login_client: Any, programme_officer: Any, orgs: dict, tmp_path: Any
) -> None:
    client = login_client(programme_officer)
    url = f"/programs/partners/{orgs['ngo'].pk}/"
    response = client.post(
        url, {"action": "contact", "full_name": "Ratna Kontak Uji", "email": "ratna@ngo.example", "phone": "0811-000"}
    )
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert AuditEvent.objects.filter(action="programs.contact.added", target_id=str(contact.pk)).exists()
    page = client.get(url).content.decode()
    assert "Ratna Kontak Uji" in page and "ratna@ngo.example" in page
    assert AuditEvent.objects.filter(action="programs.contacts.viewed", target_id=str(orgs["ngo"].pk)).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT full_name, email, phone FROM programs_contact")
        stored = " ".join(str(v) for v in cursor.fetchone())
    assert "Ratna" not in stored and "ngo.example" not in stored and "0811" not in stored
    # A bad email is refused with the field named; nothing is written.
    response = client.post(url, {"action": "contact", "full_name": "X", "email": "not-an-email"})
    assert response.status_code == 400 and "email" in response.content.decode().lower()
    assert Contact.objects.count() == 1
    client.post(url, {"action": "remove_contact", "contact": str(contact.pk)})
    assert not Contact.objects.exists()
    assert AuditEvent.objects.filter(action="programs.contact.removed").exists()


def agreement_form(orgs: dict, **changes: Any) -> dict[str, Any]:
    return {
        "title": "MoU pelatihan",
        "kind": "mou",
        "programme": "training",
        "parties": [str(orgs["ngo"].pk), str(orgs["bali"].pk)],
        "scope": "Training of service unit staff",
        "starts_on": "2026-01-01",
        "ends_on": "2027-12-31",
        **changes,
    }


def test_an_agreement_with_its_signed_pdf(login_client: Any, programme_officer: Any, orgs: dict) -> None:
    client = login_client(programme_officer)
    url = f"/programs/partners/{orgs['ngo'].pk}/"
    base = agreement_form(orgs, action="agreement")
    # Refused: the end before the start, a single party, a document that is not a PDF.
    page = client.post(url, {**base, "ends_on": "2025-01-01"}).content.decode()
    assert "sebelum tanggal mulai" in page
    page = client.post(url, {**base, "parties": [str(orgs["ngo"].pk)]}).content.decode()
    assert "dua pihak" in page
    page = client.post(url, {**base, "document": SimpleUploadedFile("x.pdf", b"MZ not a pdf")}).content.decode()
    assert "PDF" in page
    assert not Agreement.objects.exists()
    response = client.post(url, {**base, "document": SimpleUploadedFile("mou.pdf", PDF)})
    assert response.status_code == 302
    agreement = Agreement.objects.get()
    assert set(agreement.parties.all()) == {orgs["ngo"], orgs["bali"]} and agreement.in_force()
    bali_page = client.get(f"/programs/partners/{orgs['bali'].pk}/").content.decode()
    assert "MoU pelatihan" in bali_page
    download = client.get(f"/programs/agreements/{agreement.pk}/document/")
    assert download.status_code == 200 and download.content == PDF
    assert AuditEvent.objects.filter(action="programs.agreement.document_downloaded").exists()
    listing = client.get("/programs/partners/", {"type": "ngo"}).content.decode()
    assert "<td>1</td>" in listing  # one agreement in force


def test_an_agreement_is_renewed_corrected_and_its_pdf_replaced(
    login_client: Any, programme_officer: Any, caseworker_jakarta: Any, orgs: dict
) -> None:
    client = login_client(programme_officer)
    first = SimpleUploadedFile("mou.pdf", PDF)
    client.post(
        f"/programs/partners/{orgs['ngo'].pk}/", {**agreement_form(orgs, action="agreement"), "document": first}
    )
    agreement = Agreement.objects.get()
    bali_page = client.get(f"/programs/partners/{orgs['bali'].pk}/").content.decode()
    edit = f"/programs/agreements/{agreement.pk}/edit/?partner={orgs['bali'].pk}"
    assert edit.replace("&", "&amp;") in bali_page and "Ubah" in bali_page
    assert login_client(caseworker_jakarta).get(edit).status_code == 403
    page = client.get(edit).content.decode()
    assert "Ubah perjanjian" in page and 'value="MoU pelatihan"' in page and 'value="2027-12-31"' in page

    refused = client.post(edit, agreement_form(orgs, ends_on="2025-06-01"))
    assert refused.status_code == 200 and "sebelum tanggal mulai" in refused.content.decode()
    agreement.refresh_from_db()
    assert str(agreement.ends_on) == "2027-12-31", "a refused change changes nothing"

    renewed = client.post(edit, agreement_form(orgs, title="MoU pelatihan (diperpanjang)", ends_on="2029-12-31"))
    assert renewed.status_code == 302 and renewed["Location"] == f"/programs/partners/{orgs['bali'].pk}/"
    agreement.refresh_from_db()
    assert agreement.title == "MoU pelatihan (diperpanjang)" and str(agreement.ends_on) == "2029-12-31"
    assert bytes(agreement.document or b"") == PDF, "without a new document the signed one stays"
    changed = AuditEvent.objects.filter(action="programs.agreement.changed", target_id=str(agreement.pk))
    assert changed.get().details == {"fields": ["title", "ends_on"]}

    signed_again = PDF.replace(b"%%EOF", b"% signed again\n%%EOF")
    client.post(edit, {**agreement_form(orgs, title="MoU pelatihan (diperpanjang)", ends_on="2029-12-31"),
                       "document": SimpleUploadedFile("mou-2.pdf", signed_again)})  # fmt: skip
    agreement.refresh_from_db()
    assert bytes(agreement.document or b"") == signed_again and agreement.document_name == "mou-2.pdf"
    assert changed.order_by("-created_at").first().details == {"fields": ["document"]}

    # A party deactivated since is still offered, chosen, and kept when the agreement is saved again.
    orgs["bali"].is_active = False
    orgs["bali"].save(update_fields=["is_active"])
    assert f'value="{orgs["bali"].pk}" selected' in client.get(edit).content.decode()
    client.post(edit, agreement_form(orgs, title="MoU pelatihan (2)", ends_on="2029-12-31"))
    assert set(Agreement.objects.get().parties.all()) == {orgs["ngo"], orgs["bali"]}


def test_the_api_lists_partners_and_agreements_and_refuses_unknown_filters(
    programme_officer: Any, caseworker_jakarta: Any, orgs: dict, client: Any
) -> None:
    from jaga.factories import PASSWORD

    PartnerProgramme.objects.create(organisation=orgs["ngo"], programme="advocacy")

    def token(user: Any) -> str:
        response = client.post(
            "/api/v1/auth/token/", {"email": user.email, "password": PASSWORD}, content_type="application/json"
        )
        return response.json()["token"]

    headers = {"HTTP_AUTHORIZATION": f"Token {token(programme_officer)}"}
    body = client.get("/api/v1/programs/partners/", {"programme": "advocacy"}, **headers).json()
    assert [row["name"] for row in body] == [orgs["ngo"].name] and body[0]["programmes"] == ["advocacy"]
    response = client.get("/api/v1/programs/partners/", {"programme": "cooking", "province": "99"}, **headers)
    assert response.status_code == 400 and set(response.json()) >= {"programme", "province"}
    assert client.get("/api/v1/programs/agreements/", **headers).json() == []
    other = {"HTTP_AUTHORIZATION": f"Token {token(caseworker_jakarta)}"}
    assert client.get("/api/v1/programs/partners/", **other).status_code == 403
