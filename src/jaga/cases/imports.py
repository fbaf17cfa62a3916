"""Importing historical cases from CSV or XLSX: every row checked first, then all imported or none.

Messages name the row, the column and the rule; they never repeat the value (it may be a child's
name). The file itself is kept encrypted while the job runs and erased when it ends.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jaga.accounts.models import User
from jaga.audit.services import record
from jaga.cases.inputs import CaseInput, ChildInput, ConsentInput
from jaga.cases.models import Form, ImportJob, Sex
from jaga.cases.nik import regency_codes
from jaga.cases.services import cases_bulk_register
from jaga.cases.validation import validate_case_input
from jaga.core import crypto, events
from jaga.core.bulk import gc_paused
from jaga.core.jobs import heartbeat
from jaga.core.tables import MAX_FILE_BYTES, ImportFileError, read_table

MAX_ROWS = 200_000
MAX_LISTED_ERRORS = 1000
PROGRESS_EVERY = 500


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    example: str
    help: str


COLUMNS = [
    Column("registered_on", True, "2024-03-14", "YYYY-MM-DD or DD/MM/YYYY"),
    Column("source", True, "police", "hotline, police, school, health_facility, family, child, ngo_outreach, online_platform, other"),  # noqa: E501
    Column("forms", True, "online;trafficking", "one or more of " + ", ".join(Form.values) + ", separated by ;"),
    Column("regency_code", True, "31.71", "Kemendagri regency/city code"),
    Column("exploitation_date", False, "", "date"),
    Column("modus", False, "online_grooming", "online_grooming, sextortion, app_prostitution, debt_bondage, deceptive_job_offer, other"),  # noqa: E501
    Column("place_type", False, "online", "home, lodging, entertainment_venue, online, street, other"),
    Column("risk_level", False, "", "low, medium, high"),
    Column("child_full_name", False, "Nama Contoh", "text"),
    Column("child_aliases", False, "", "text"),
    Column("child_nik", False, "", "16 digits"),
    Column("child_date_of_birth", False, "2011-06-15", "date"),
    Column("child_estimated_age", False, "", "0-17, when the date of birth is not known"),
    Column("child_sex", True, "female", "female, male, unknown"),
    Column("child_address", False, "", "text"),
    Column("child_phone", False, "", "text"),
    Column("child_guardian_name", False, "", "text"),
    Column("consent_given_by", True, "guardian", "guardian, child, nobody"),
    Column("consent_services", False, "yes", "yes/no"),
    Column("consent_sharing", False, "yes", "yes/no"),
    Column("consent_statistics", False, "yes", "yes/no"),
    Column("consent_lawful_basis", False, "", "vital_interest, legal_obligation, public_task (when nobody consented)"),
    Column("consent_justification", False, "", "why consent could not be had"),
]  # fmt: skip
COLUMN_NAMES = [column.name for column in COLUMNS]
# The registry's field paths, as the columns that hold them.
SERVICE_TO_COLUMN = {
    "exploitation_regency": "regency_code",
    "residence_regency": "regency_code",
    **{
        f"child.{n}": f"child_{n}"
        for n in (
            "full_name",
            "aliases",
            "nik",
            "date_of_birth",
            "estimated_age",
            "sex",
            "address",
            "phone",
            "guardian_name",
        )
    },
    **{f"consent.{n}": f"consent_{n}" for n in ("given_by", "lawful_basis", "justification")},
}


Error = tuple[int, str, str]


@dataclass
class Checked:
    inputs: list[CaseInput] = field(default_factory=list)
    errors: list[Error] = field(default_factory=list)


def _phone(value: str) -> str:
    """Agencies' exports write phones as 0812-3456-7890 or (0361) 123456: their separators become spaces;
    anything else (letters, a second number) is refused by the registry's rule, naming the cell."""
    return " ".join(re.sub(r"[-().\/]", " ", value).split())


def _date(value: str) -> date:
    if len(value) == 10 and value[4] == value[7] == "-":  # YYYY-MM-DD, the template's form: the fast parser
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(_("is not a date (use YYYY-MM-DD or DD/MM/YYYY)"))


def _bool(value: str) -> bool:
    lowered = value.lower()
    if lowered in {"yes", "ya", "y", "true", "1"}:
        return True
    if lowered in {"no", "tidak", "n", "false", "0", ""}:
        return False
    raise ValueError(_("must be yes or no"))


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError as exc:
        raise ValueError(_("is not a whole number")) from exc


def row_to_input(cells: dict[str, str], errors: list[Error], number: int) -> CaseInput:
    def get(name: str, parse: Callable[[str], Any], empty: Any) -> Any:
        value = cells.get(name, "")
        if value == "":
            return empty
        try:
            return parse(value)
        except ValueError as exc:
            errors.append((number, name, str(exc)))
            return empty

    return CaseInput(
        registered_on=get("registered_on", _date, None),
        source=cells.get("source", "").lower(),
        forms=[form.strip().lower() for form in cells.get("forms", "").replace(",", ";").split(";") if form.strip()],
        exploitation_regency=cells.get("regency_code", ""),
        exploitation_date=get("exploitation_date", _date, None),
        modus=cells.get("modus", "").lower(),
        place_type=cells.get("place_type", "").lower(),
        risk_level=cells.get("risk_level", "").lower(),
        child=ChildInput(
            full_name=cells.get("child_full_name", ""),
            aliases=cells.get("child_aliases", ""),
            nik=cells.get("child_nik", ""),
            date_of_birth=get("child_date_of_birth", _date, None),
            estimated_age=get("child_estimated_age", _int, None),
            sex=cells.get("child_sex", "").lower() or Sex.UNKNOWN,
            address=cells.get("child_address", ""),
            phone=_phone(cells.get("child_phone", "")),
            guardian_name=cells.get("child_guardian_name", ""),
        ),
        consent=ConsentInput(
            given_by=cells.get("consent_given_by", "").lower(),
            services=get("consent_services", _bool, False),
            sharing=get("consent_sharing", _bool, False),
            statistics=get("consent_statistics", _bool, False),
            lawful_basis=cells.get("consent_lawful_basis", "").lower(),
            justification=cells.get("consent_justification", ""),
        ),
    )


def check_rows(rows: Iterator[list[str]], progress: Callable[[int], None] = lambda _n: None) -> Checked:
    """Validates every row with the registry's own rules; row 1 is the header."""
    checked = Checked()
    header = next(rows, None)
    if header is None:
        raise ImportFileError(_("The file is empty."))
    names = [cell.strip().lower() for cell in header]
    missing = [c.name for c in COLUMNS if c.required and c.name not in names]
    if missing:
        raise ImportFileError(
            _("Columns are missing: %(columns)s. Start from the template.") % {"columns": ", ".join(missing)}
        )
    unknown = [name for name in names if name and name not in COLUMN_NAMES]
    if unknown:  # headers are names of columns, not data; still, only the first few are named
        raise ImportFileError(_("Unknown columns: %(columns)s.") % {"columns": ", ".join(unknown[:5])[:200]})
    regencies = regency_codes()
    today = timezone.localdate()
    with gc_paused():  # one input per row, all kept: collections would only rescan them
        for number, row in enumerate(rows, start=2):
            if not any(row):
                continue
            if number - 1 > MAX_ROWS:
                raise ImportFileError(_("The file has more than %(max)s rows. Split it.") % {"max": MAX_ROWS})
            cells = dict(zip(names, row, strict=False))
            row_errors: list[Error] = []
            data = row_to_input(cells, row_errors, number)
            try:
                validate_case_input(data, today=today, regencies=regencies)
            except ValidationError as exc:
                for key, messages in exc.message_dict.items():
                    column = SERVICE_TO_COLUMN.get(key, key)
                    if not any(e[1] == column for e in row_errors):
                        row_errors += [(number, column, message) for message in messages]
            checked.errors += row_errors
            if not row_errors:
                checked.inputs.append(data)
            if (number - 1) % PROGRESS_EVERY == 0:
                progress(number - 1)
    if not checked.inputs and not checked.errors:
        raise ImportFileError(_("The file has a header but no cases."))
    return checked


# --- Jobs ------------------------------------------------------------------------------------------


def import_job_create(*, actor: User, filename: str, data: bytes, request: Any = None) -> ImportJob:
    from jaga.accounts.permissions import user_has_perm
    from jaga.cases.tasks import run_import

    if not user_has_perm(actor, "cases.edit"):
        raise PermissionError
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(_("The file is larger than 50 MB. Split it into smaller files."))
    with transaction.atomic():
        job = ImportJob(organisation=actor.organisation, created_by=actor, filename=filename[:200])
        job.data = crypto.encrypt_bytes(data, context=job.crypto_context)
        job.save()
        record("cases.import.started", actor=actor, target=job, request=request, details={"bytes": len(data)})
        # The queue is in the database: queued in the job's transaction, the job and its task are stored
        # together or not at all (a process killed between a commit and a later enqueue left jobs waiting).
        run_import.enqueue(str(job.pk))
    return job


def _stopped(job: ImportJob, why: str) -> None:
    """Marks ``job`` failed because its work stopped, not because of its rows; the file is kept for a retry."""
    job.mark_stopped(why)
    record("cases.import.stopped", actor=job.created_by, target=job, details={"reason": "worker"})


def import_jobs_expire_stale() -> int:
    """Jobs a dead worker left behind become failed (to retry or cancel) within ``JAGA_JOB_STALE_MINUTES``;
    files of failed jobs nobody retried are erased after ``JAGA_JOB_KEEP_HOURS``. Returns the jobs expired."""
    expired = 0
    why = _("The background work stopped before this import finished. Nothing was imported: retry or cancel.")
    for job in ImportJob.objects.defer("data").select_related("created_by").filter(ImportJob.stale()):
        with transaction.atomic():
            _stopped(job, str(why))
        expired += 1
    ImportJob.erase_old_files()
    return expired


def _locked(actor: User, job: ImportJob) -> ImportJob:
    """``job`` read again under a row lock, for one of its organisation's people with ``cases.edit``."""
    from jaga.accounts.permissions import user_has_perm

    if job.organisation_id != actor.organisation_id or not user_has_perm(actor, "cases.edit"):
        raise PermissionError
    return ImportJob.objects.select_for_update().get(pk=job.pk)


@transaction.atomic
def import_job_retry(*, actor: User, job: ImportJob, request: Any = None) -> ImportJob:
    """A job the worker could not finish, queued again with the same file."""
    from jaga.cases.tasks import run_import

    job = _locked(actor, job)
    if not job.retryable or not job.data:
        raise ImportFileError(_("Only an import that stopped can be retried; upload the file again."))
    job.mark_queued_again()
    record("cases.import.retried", actor=actor, target=job, request=request)
    run_import.enqueue(str(job.pk))  # in the job's transaction: both are stored, or neither
    return job


@transaction.atomic
def import_job_cancel(*, actor: User, job: ImportJob, request: Any = None) -> ImportJob:
    """A waiting or stopped job is dropped and its file erased."""
    job = _locked(actor, job)
    if not (job.state == ImportJob.State.QUEUED or job.retryable):
        raise ImportFileError(_("This import can no longer be cancelled."))
    job.mark_cancelled()
    record("cases.import.cancelled", actor=actor, target=job, request=request)
    return job


def import_job_run(job_id: str) -> ImportJob:
    """What the background worker does: check every row, then import all or none.

    Any error on the way (a dropped database connection, a bug) marks the job failed, to be retried;
    where even that fails, the stale-job sweep does it.
    """
    job = ImportJob.objects.select_related("created_by__organisation").get(pk=job_id)
    if job.state != ImportJob.State.QUEUED:
        return job  # cancelled meanwhile, or taken by another worker
    try:
        with heartbeat(ImportJob, job.pk):
            return _run(job)
    except Exception:
        from django.db import connection

        connection.close_if_unusable_or_obsolete()
        _stopped(job, str(_("The import stopped on an error. Nothing was imported: retry or cancel.")))
        raise


def _run(job: ImportJob) -> ImportJob:
    actor = job.created_by
    data = crypto.decrypt_bytes(bytes(job.data), context=job.crypto_context)

    job.advance(state=ImportJob.State.VALIDATING, total_rows=max(data.count(b"\n"), 1))
    try:
        checked = check_rows(read_table(data), progress=lambda n: job.advance(checked_rows=n))
    except ImportFileError as exc:
        checked = Checked(errors=[(0, "", str(exc))])
    if actor is None or not actor.is_active:
        checked.errors.append((0, "", _("The person who started the import can no longer import.")))
    total = len(checked.inputs) + len({e[0] for e in checked.errors if e[0]})
    if checked.errors:
        job.advance(
            state=ImportJob.State.FAILED,
            total_rows=total,
            checked_rows=total,
            errors=[list(e) for e in checked.errors[:MAX_LISTED_ERRORS]],
            error_count=len(checked.errors),
            finished_at=timezone.now(),
            data=b"",
        )
        record("cases.import.failed", actor=actor, target=job, details={"errors": len(checked.errors)})
        return job
    job.advance(state=ImportJob.State.IMPORTING, total_rows=total, checked_rows=total)
    assert actor is not None  # users are deactivated, never deleted
    with transaction.atomic():
        cases = cases_bulk_register(actor=actor, inputs=checked.inputs, details={"import": str(job.pk)})
        job.advance(state=ImportJob.State.DONE, imported=len(cases), finished_at=timezone.now(), data=b"")
        record("cases.import.completed", actor=actor, target=job, details={"cases": len(cases)})
        # The new cases reach the dashboards (bulk inserts send no save signals).
        events.cases_imported.send(sender=ImportJob, job=job)
    return job


def template_csv() -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMN_NAMES)
    writer.writerow([column.example for column in COLUMNS])
    return buffer.getvalue()


def template_xlsx() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "cases"
    sheet.append(COLUMN_NAMES)
    sheet.append([column.example for column in COLUMNS])
    guide = workbook.create_sheet("guide")
    guide.append(["column", "required", "values"])
    for column in COLUMNS:
        guide.append([column.name, "yes" if column.required else "no", column.help])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
