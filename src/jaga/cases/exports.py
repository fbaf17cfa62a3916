"""Exports of the cases a user may see, as CSV or XLSX, safe to open in a spreadsheet program."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from jaga.accounts.models import User
from jaga.audit.services import record
from jaga.cases.models import Case
from jaga.core.tables import csv_download, xlsx_download

COLUMNS = [
    "reference", "registered_on", "source", "forms", "regency_code", "regency", "status", "risk_level",
    "child_sex", "child_age_at_registration", "child_age_band",
]  # fmt: skip
IDENTITY_COLUMNS = [
    "child_full_name", "child_aliases", "child_nik", "child_date_of_birth", "child_phone", "child_address",
    "child_guardian_name",
]  # fmt: skip


def _rows(cases: QuerySet[Case], identity: bool) -> Iterator[list[Any]]:
    for case in cases.prefetch_related("form_links").iterator(chunk_size=1000):
        child = case.child
        forms = ";".join(sorted(link.form for link in case.form_links.all()))
        row = [
            case.reference, case.registered_on.isoformat(), case.source, forms, case.exploitation_regency_id,
            case.exploitation_regency.name, case.status, case.risk_level, child.sex, child.age_at_registration,
            child.age_band,
        ]  # fmt: skip
        if identity:
            row += [getattr(child, name.removeprefix("child_")) for name in IDENTITY_COLUMNS]
        yield row


def export_cases(
    *, actor: User, cases: QuerySet[Case], fmt: str, identity: bool, request: HttpRequest | None = None
) -> bytes:
    """The file's bytes; the export itself is audited (format, row count, whether identities were in it)."""
    header = COLUMNS + (IDENTITY_COLUMNS if identity else [])
    if identity:
        cases = cases.defer(None)  # the list defers identity columns; this export needs them
    rows = list(_rows(cases, identity))
    data = xlsx_download(header, rows, sheet="cases") if fmt == "xlsx" else csv_download(header, rows)
    record(
        "cases.export.downloaded",
        actor=actor,
        request=request,
        details={"format": fmt, "rows": len(rows), "identity": identity},
    )
    return data
