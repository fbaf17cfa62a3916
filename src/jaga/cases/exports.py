"""Exports of the cases a user may see, as CSV or XLSX, safe to open in a spreadsheet program."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _l

from jaga.accounts.models import User
from jaga.audit.services import record
from jaga.cases.models import Case, Form
from jaga.core.tables import csv_download, xlsx_download

# (column, header): headers and values in the reader's language, never a raw code (the regency's BPS
# code is kept beside its name: it is how agencies' systems join).
COLUMNS = [
    ("reference", _l("Reference")),
    ("registered_on", _l("Registration date")),
    ("source", _l("Source of the report")),
    ("forms", _l("Forms of exploitation")),
    ("regency_code", _l("Regency/city code")),
    ("regency", _l("Regency/city where it happened")),
    ("status", _l("Status")),
    ("risk_level", _l("Risk level")),
    ("child_sex", _l("Sex")),
    ("child_age_at_registration", _l("Age at registration")),
    ("child_age_band", _l("Age band")),
]
IDENTITY_COLUMNS = [
    ("child_full_name", _l("Child's full name")),
    ("child_aliases", _l("Other names and nicknames")),
    ("child_nik", _l("NIK")),
    ("child_date_of_birth", _l("Date of birth")),
    ("child_phone", _l("Phone")),
    ("child_address", _l("Address")),
    ("child_guardian_name", _l("Parent or guardian")),
]


def _rows(cases: QuerySet[Case], identity: bool) -> Iterator[list[Any]]:
    forms = dict(Form.choices)
    for case in cases.prefetch_related("form_links").iterator(chunk_size=1000):
        child = case.child
        labels = "; ".join(sorted(str(forms.get(link.form, link.form)) for link in case.form_links.all()))
        row = [
            case.reference, case.registered_on.isoformat(), case.get_source_display(), labels,
            case.exploitation_regency_id, case.exploitation_regency.name, case.get_status_display(),
            case.get_risk_level_display(), child.get_sex_display(), child.age_at_registration, child.age_band,
        ]  # fmt: skip
        if identity:
            row += [getattr(child, name.removeprefix("child_")) for name, _header in IDENTITY_COLUMNS]
        yield row


def export_cases(
    *, actor: User, cases: QuerySet[Case], fmt: str, identity: bool, request: HttpRequest | None = None
) -> bytes:
    """The file's bytes; the export itself is audited (format, row count, whether identities were in it)."""
    header = [str(label) for _name, label in COLUMNS + (IDENTITY_COLUMNS if identity else [])]
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
