from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from jaga.accounts.models import User
from jaga.audit.models import AuditEvent
from jaga.cases.models import Attachment, Case
from jaga.core import crypto
from jaga.core.files import detect_type
from jaga.core.keys import keys_rotate
from jaga.factories import PASSWORD

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\nRahasia Sinta Maharani\n%%EOF"


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def test_the_type_comes_from_the_bytes_not_the_name() -> None:
    assert detect_type(PDF) == "application/pdf"
    assert detect_type(docx()).endswith("wordprocessingml.document")
    assert detect_type(b"MZ\x90\x00 windows program") is None
    assert detect_type(b"PK\x03\x04 not really a zip") is None
    assert detect_type(b"<script>alert(1)</script>") is None


@pytest.fixture
def case(caseworker_jakarta: User, register_case: Callable[..., Case]) -> Case:
    return register_case(caseworker_jakarta)


def upload(client: Client, case: Case, name: str, data: bytes) -> Any:
    return client.post(f"/cases/{case.pk}/attachments/", {"file": SimpleUploadedFile(name, data)}, follow=True)


def test_a_document_is_encrypted_at_rest_and_downloaded_after_reauthentication(
    login_client: Callable[..., Client], case: Case, caseworker_jakarta: User
) -> None:
    client = login_client(caseworker_jakarta)
    page = upload(client, case, "surat-visum.pdf", PDF).content.decode()
    assert "jangan pernah mengunggah gambar atau video kekerasan" in page.lower()
    attachment = Attachment.objects.get()
    with connection.cursor() as cursor:
        cursor.execute("SELECT data, filename FROM cases_attachment")
        blob, name = cursor.fetchone()
    assert b"Rahasia" not in bytes(blob) and "visum" not in name
    url = f"/cases/{case.pk}/attachments/{attachment.pk}/"
    assert client.get(url)["Location"].startswith("/accounts/reauth/")
    client.post("/accounts/reauth/", {"secret": PASSWORD, "next": "/"})
    response = client.get(url)
    assert response.content == PDF and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"].startswith("sandbox"), "a browser that renders it runs nothing"
    assert AuditEvent.objects.filter(action="cases.attachment.downloaded").count() == 1


def test_a_disallowed_or_oversized_file_is_refused_with_a_message(
    settings: Any, login_client: Callable[..., Client], case: Case, caseworker_jakarta: User
) -> None:
    client = login_client(caseworker_jakarta)
    refused = upload(client, case, "foto.pdf", b"GIF89a pretend").content.decode()
    assert "Hanya berkas PDF, JPEG, PNG" in refused
    settings.JAGA_ATTACHMENT_MAX_MB = 1
    too_big = upload(client, case, "besar.pdf", b"%PDF-" + b"0" * (1024 * 1024 + 1)).content.decode()
    assert "lebih besar dari 1 MB" in too_big
    assert not Attachment.objects.exists()


def test_key_rotation_re_encrypts_documents(settings: Any, case: Case, caseworker_jakarta: User) -> None:
    from jaga.cases.attachments import attachment_add, attachment_read

    attachment = attachment_add(actor=caseworker_jakarta, case=case, filename="a.pdf", data=PDF)
    new = f"2:{crypto.new_key()}"
    settings.JAGA_FIELD_KEYS = f"{new},{settings.JAGA_FIELD_KEYS}"
    keys_rotate()
    settings.JAGA_FIELD_KEYS = new
    attachment.refresh_from_db()
    assert bytes(attachment.data).startswith(b"v2:")
    assert attachment_read(actor=caseworker_jakarta, attachment=attachment) == PDF


def _office(*parts: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<w:document/>")
        for name, body in parts:
            package.writestr(name, body)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"%PDF-1.7\n1 0 obj << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >> endobj\n%%EOF", "JavaScript"),
        (b"%PDF-1.7\n1 0 obj << /OpenAction << /S /#4Aava#53cript >> >> endobj\n%%EOF", "JavaScript"),
        (b"%PDF-1.7\n1 0 obj << /Type /Action /S /Launch /F (cmd.exe) >> endobj\n%%EOF", "Launch"),
        (_office(("word/vbaProject.bin", b"\xd0\xcf\x11\xe0macro")), "makro"),
        (_office(("word/activeX/activeX1.xml", b"<ax/>")), "makro"),
        (
            _office(
                (
                    "word/_rels/settings.xml.rels",
                    b'<Relationship Target="http://x.example/t.dotm" TargetMode="External"/>',
                )
            ),
            "di tempat lain",
        ),
        (_office(("word/media/big.xml", b"0" * (20 * 1024 * 1024))), "membesar"),  # a zip bomb: 20 MB from 20 KB
    ],
)
def test_a_file_with_content_that_runs_is_refused_with_the_reason(
    login_client: Callable[..., Client], case: Case, caseworker_jakarta: User, data: bytes, says: str
) -> None:
    response = upload(login_client(caseworker_jakarta), case, "dokumen", data)
    assert response.status_code == 400 and not response.redirect_chain, "refused with a 4xx, on the case page"
    assert says in response.content.decode(), response.content.decode()[:300]
    assert not Attachment.objects.exists()
