from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jaga.accounts.models import User
from jaga.audit.models import AuditEvent
from jaga.audit.services import audit_verify
from jaga.cases.imports import COLUMN_NAMES, check_rows, template_xlsx
from jaga.cases.models import Case, ImportJob
from jaga.conftest import run_worker
from jaga.core.tables import ImportFileError, read_table

HEADER = COLUMN_NAMES
GOOD = {
    "registered_on": "2024-03-14",
    "source": "police",
    "forms": "online;trafficking",
    "regency_code": "31.71",
    "child_full_name": "Anak Impor Satu",
    "child_nik": "3171074508120003",
    "child_date_of_birth": "05/08/2012",
    "child_sex": "female",
    "consent_given_by": "guardian",
    "consent_sharing": "ya",
}


def csv_bytes(rows: list[dict[str, str]], delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=HEADER, delimiter=delimiter)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def upload(client: Client, name: str, data: bytes) -> Any:
    return client.post("/cases/imports/", {"file": SimpleUploadedFile(name, data)})


@pytest.mark.django_db(transaction=True)
def test_a_valid_file_is_imported_whole_by_the_background_worker(
    login_client: Callable[..., Client], caseworker_jakarta: User
) -> None:
    client = login_client(caseworker_jakarta)
    rows = [GOOD, {**GOOD, "child_full_name": "Anak Impor Dua", "child_nik": "", "registered_on": "2023-01-02"}]
    response = upload(client, "kasus.csv", csv_bytes(rows, delimiter=";"))
    job = ImportJob.objects.get()
    assert response["Location"] == f"/cases/imports/{job.pk}/"
    assert 'http-equiv="refresh"' in client.get(response["Location"]).content.decode(), "progress refreshes itself"
    run_worker()
    job.refresh_from_db()
    assert (job.state, job.imported, job.data) == ("done", 2, b"")
    page = client.get(f"/cases/imports/{job.pk}/").content.decode()
    assert "2 kasus diimpor" in page and 'http-equiv="refresh"' not in page
    assert sorted(Case.objects.values_list("reference", flat=True)) == ["2023-00001", "2024-00001"]
    assert Case.objects.get(reference="2024-00001").child.full_name == "Anak Impor Satu"
    assert AuditEvent.objects.filter(action="cases.case.registered").count() == 2
    assert audit_verify().ok


@pytest.mark.django_db(transaction=True)
def test_one_bad_row_imports_nothing_and_lists_every_error(
    login_client: Callable[..., Client], caseworker_jakarta: User
) -> None:
    client = login_client(caseworker_jakarta)
    rows = [
        GOOD,
        {**GOOD, "child_nik": "12345", "registered_on": "kemarin"},
        {**GOOD, "regency_code": "99.99", "consent_given_by": "nobody", "child_full_name": "Rahasia Sekali"},
    ]
    upload(client, "kasus.csv", csv_bytes(rows))
    run_worker()
    job = ImportJob.objects.get()
    assert job.state == "failed" and not Case.objects.exists()
    errors = {(row, column) for row, column, _message in job.errors}
    assert {(3, "child_nik"), (3, "registered_on"), (4, "regency_code"), (4, "consent_lawful_basis")} <= errors
    assert "Rahasia" not in str(job.errors), "messages never repeat a value"
    download = client.get(f"/cases/imports/{job.pk}/errors.csv")
    assert download.content.decode("utf-8-sig").startswith("Baris,Kolom,Pesan")
    page = client.get(f"/cases/imports/{job.pk}/").content.decode()
    assert "Tidak ada yang diimpor" in page


@pytest.mark.django_db
def test_the_xlsx_template_imports_as_it_is(caseworker_jakarta: User) -> None:
    with translation.override("en"):
        checked = check_rows(read_table(template_xlsx()))
    assert checked.errors == [] and len(checked.inputs) == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff\xfe\x00broken", "not UTF-8"),
        (b"", "empty"),
        (b"nama,umur\nA,3\n", "Columns are missing"),
        (b"PK\x03\x04garbage", "cannot be read"),
    ],
)
def test_an_unreadable_file_gets_a_clear_message(regions: None, data: bytes, message: str) -> None:
    with translation.override("en"), pytest.raises(ImportFileError, match=message):
        check_rows(read_table(data))


def test_a_zip_bomb_is_refused_before_it_is_opened() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (310 * 1024 * 1024))
    assert len(buffer.getvalue()) < 1024 * 1024
    with translation.override("en"), pytest.raises(ImportFileError, match="300 MB"):
        list(read_table(buffer.getvalue()))


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(st.binary(max_size=400), st.text(max_size=400).map(str.encode)))
def test_the_importer_never_crashes_on_any_bytes(regions: None, data: bytes) -> None:
    try:
        check_rows(read_table(csv_bytes([GOOD]) + data))
        check_rows(read_table(data))
    except ImportFileError:
        pass


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.dictionaries(st.sampled_from(HEADER), st.text(max_size=30), max_size=8))
def test_any_cell_values_give_row_errors_not_crashes(regions: None, cells: dict[str, str]) -> None:
    row = {**GOOD, **{k: v.replace("\x00", "") for k, v in cells.items()}}
    try:
        checked = check_rows(read_table(csv_bytes([row])))
    except ImportFileError:
        return
    assert len(checked.inputs) + len({e[0] for e in checked.errors}) == 1


@pytest.mark.django_db
def test_a_name_in_the_wrong_column_is_not_repeated_in_the_errors(regions: None) -> None:
    row = {**GOOD, "source": "Siti Rahasia Nurhaliza", "regency_code": "Siti Rahasia", "child_sex": "Siti"}
    with translation.override("en"):
        checked = check_rows(read_table(csv_bytes([row])))
    assert {column for _row, column, _message in checked.errors} == {"source", "regency_code", "child_sex"}
    assert "Rahasia" not in str(checked.errors) and "Siti" not in str(checked.errors)


def test_phones_as_agencies_write_them_pass_and_no_value_is_cut(regions: None) -> None:
    rows = [
        {**GOOD, "child_phone": "0812-3456-7890"},
        {**GOOD, "child_phone": "(0361) 123.456"},
        {**GOOD, "child_phone": "0812 3456 ext. Ibu"},
        {**GOOD, "child_full_name": "A" * 201},
    ]
    with translation.override("id"):
        checked = check_rows(read_table(csv_bytes(rows)))
    errors = {(row, column): message for row, column, message in checked.errors}
    assert set(errors) == {(4, "child_phone"), (5, "child_full_name")}, "separators are fine, letters are not"
    assert "hanya angka, spasi dan +" in errors[(4, "child_phone")]
    assert "201" in errors[(5, "child_full_name")] and "200" in errors[(5, "child_full_name")]


@pytest.mark.django_db
def test_bulk_registration_stores_what_a_single_registration_stores(caseworker_jakarta: User) -> None:
    """The bulk path takes shortcuts (core/bulk.py); the rows it writes must read back the same."""
    from django.db import connection

    from jaga.cases.models import CaseEvent, CaseForm, Child, Consent
    from jaga.cases.services import case_register, cases_bulk_register
    from jaga.factories import case_input

    def shape(case: Case) -> dict[str, Any]:
        case = Case.objects.get(pk=case.pk)
        # An imported case waits in the intake queue; a registered one is led by who registered it.
        ignore = {
            "id",
            "case_id",
            "reference",
            "number",
            "created_at",
            "updated_at",
            "recorded_at",
            "at",
            "assigned_to_id",
        }

        def fields(obj: Any) -> dict[str, Any]:
            return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields if f.attname not in ignore}

        return {
            "case": fields(case),
            "forms": sorted(CaseForm.objects.filter(case=case).values_list("form", flat=True)),
            "child": fields(Child.objects.get(case=case)),
            "consent": fields(Consent.objects.get(case=case)),
            "events": [fields(e) for e in CaseEvent.objects.filter(case=case)],
        }

    data = case_input(forms=["online", "trafficking"], child={"aliases": "Sin", "address": "Jl. Uji 1"})
    single = case_register(actor=caseworker_jakarta, data=data)
    twins = cases_bulk_register(actor=caseworker_jakarta, inputs=[data, data])
    assert shape(twins[0]) == shape(single) == shape(twins[1])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT full_name, nik FROM {Child._meta.db_table} WHERE full_name <> ''")
        stored = cursor.fetchall()
    assert len(stored) == 3 and len({row for row in stored}) == 3, "the same name is encrypted afresh each time"
    assert not any("Sinta" in value or "3171074508120003" in value for row in stored for value in row)


@pytest.mark.django_db(transaction=True)
def test_a_job_left_by_a_dead_worker_is_failed_then_retried_or_cancelled(
    login_client: Callable[..., Client], caseworker_jakarta: User, settings: Any
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    client = login_client(caseworker_jakarta)
    upload(client, "satu.csv", csv_bytes([GOOD]))
    upload(client, "dua.csv", csv_bytes([{**GOOD, "child_nik": "", "child_full_name": "Anak Impor Dua"}]))
    first, second = ImportJob.objects.order_by("created_at")
    # The worker took the first and died while checking rows; the second never reached a worker.
    ImportJob.objects.filter(pk=first.pk).update(
        state="validating", heartbeat_at=timezone.now() - timedelta(minutes=11)
    )
    ImportJob.objects.filter(pk=second.pk).update(created_at=timezone.now() - timedelta(minutes=11))
    page = client.get(f"/cases/imports/{first.pk}/").content.decode()
    first.refresh_from_db()
    assert first.state == "failed" and first.retryable
    assert 'http-equiv="refresh"' not in page and "Coba lagi impor" in page
    assert AuditEvent.objects.filter(action="cases.import.stopped").count() == 2

    assert client.post(f"/cases/imports/{first.pk}/", {"action": "retry"}).status_code == 302
    run_worker()
    first.refresh_from_db()
    assert (first.state, first.imported, first.data) == ("done", 1, b"")

    client.post(f"/cases/imports/{second.pk}/", {"action": "cancel"})
    second.refresh_from_db()
    assert (second.state, second.data) == ("cancelled", b"")
    run_worker()
    assert Case.objects.count() == 1, "a cancelled import imports nothing"
    assert client.post(f"/cases/imports/{second.pk}/", {"action": "retry"}).status_code == 302
    second.refresh_from_db()
    assert second.state == "cancelled"


@pytest.mark.django_db(transaction=True)
def test_an_error_in_the_worker_marks_the_job_failed_not_stuck(
    login_client: Callable[..., Client], caseworker_jakarta: User, monkeypatch: Any
) -> None:
    from jaga.cases import imports

    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(imports, "cases_bulk_register", broken)
    client = login_client(caseworker_jakarta)
    upload(client, "satu.csv", csv_bytes([GOOD]))
    run_worker()
    job = ImportJob.objects.get()
    assert job.state == "failed" and job.retryable and Case.objects.count() == 0


def _xlsx(rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_hostile_and_broken_spreadsheets_are_refused_with_a_reason_before_anything_is_read(regions: None) -> None:
    # A zip bomb: one cell of 50 million characters, packed to a few hundred kilobytes.
    bomb = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(_xlsx([HEADER]))) as source,
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for info in source.infolist():
            body = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(
                    b"</sheetData>",
                    b'<row r="2"><c r="A2" t="inlineStr"><is><t>'
                    + b"A" * 50_000_000
                    + b"</t></is></c></row></sheetData>",
                )
            out.writestr(info, body)
    cases = {
        "spreadsheet unpacks": bomb.getvalue(),
        "names a column twice": csv_bytes([GOOD]).replace(b"source,", b"source,source,", 1),
        "header but no cases": csv_bytes([]),
        "longer than 10,000": csv_bytes([{**GOOD, "child_full_name": "x" * 10_001}]),
        "formula without a value": _xlsx([HEADER, ["=TODAY()", *list(GOOD.values())[1:]]]),
    }
    for reason, data in cases.items():
        with pytest.raises(ImportFileError) as refused, translation.override("en"):
            check_rows(read_table(data))
        assert reason in str(refused.value), (reason, str(refused.value))


@pytest.mark.django_db(transaction=True)
def test_an_upload_refused_says_why_with_a_400(login_client: Callable[..., Client], caseworker_jakarta: User) -> None:
    client = login_client(caseworker_jakarta)
    response = upload(client, "kosong.csv", b"")
    assert response.status_code == 400 and ImportJob.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_large_import_never_touches_the_disk_in_clear(
    login_client: Callable[..., Client], caseworker_jakarta: User, settings: Any, tmp_path: Any, monkeypatch: Any
) -> None:
    import tempfile

    from django.core.files import uploadedfile

    written: list[str] = []
    original = uploadedfile.TemporaryUploadedFile.__init__

    def spy(self: Any, *args: Any, **kwargs: Any) -> None:  # Django's upload kept in a file on disk
        written.append(str(args[0] if args else kwargs.get("name")))
        original(self, *args, **kwargs)

    monkeypatch.setattr(uploadedfile.TemporaryUploadedFile, "__init__", spy)
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    tempfile.tempdir = str(tmp_path)
    try:
        planted = "Anak Tertanam Rahasia"
        rows = [{**GOOD, "child_full_name": f"{planted} {n}", "child_nik": ""} for n in range(110_000)]
        data = csv_bytes(rows)
        assert len(data) > 12 * 1024 * 1024, "past the 11 MB at which Jaga used to write uploads to a temporary file"
        client = login_client(caseworker_jakarta)
        assert upload(client, "besar.csv", data).status_code == 302
        assert written == [], "the upload was held in a temporary file"
        leftovers = [path for path in tmp_path.rglob("*") if path.is_file()]
        assert all(planted.encode() not in path.read_bytes() for path in leftovers), leftovers
        job = ImportJob.objects.get()
        assert planted.encode() not in bytes(job.data), "stored encrypted"
    finally:
        tempfile.tempdir = None
    too_big = client.post("/cases/imports/", {"file": SimpleUploadedFile("x.csv", b"x" * (52 * 1024 * 1024))})
    assert too_big.status_code == 400 and "51 MB" in too_big.content.decode()
