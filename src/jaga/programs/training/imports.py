"""Participants from a spreadsheet: all or nothing, errors by row and column."""

from __future__ import annotations

import io
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jaga.accounts.models import Organisation, User
from jaga.audit.services import record
from jaga.core.tables import ImportFileError, read_table
from jaga.programs.access import require_manager
from jaga.programs.training.models import Participant, Score, TrainingSession
from jaga.programs.training.services import SEXES, ParticipantInput, _participant

IMPORT_MAX_ROWS = 2000


IMPORT_COLUMNS = ["full_name", "organisation", "role", "sex", "attended", "pre_score", "post_score"]


class ImportRejected(ValueError):
    """The file is not imported; ``errors`` lists (row, column, message)."""

    def __init__(self, errors: list[tuple[int, str, str]]) -> None:
        super().__init__(f"{len(errors)} problems")
        self.errors = errors


def _score(value: str) -> int | None:
    if not value:
        return None
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        raise ValueError(_("is not a number")) from None
    if not 0 <= number <= 100:
        raise ValueError(_("must be a percentage from 0 to 100"))
    return round(number)


def _yes_no(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"yes", "ya", "y", "1", "true", "hadir"}:
        return True
    if lowered in {"no", "tidak", "n", "0", "false", "", "absen"}:
        return False
    raise ValueError(_("must be yes or no"))


IMPORT_LIMITS = {"full_name": 200, "organisation": 200, "role": 120}


@transaction.atomic
def participants_import(*, actor: User, session: TrainingSession, data: bytes, request: Any = None) -> int:
    """Participants (and optionally attendance and scores) from XLSX or CSV: every row is checked, then all or none.

    Columns: full_name, sex (required); organisation (a Jaga organisation's name, or any other
    name), role, attended (yes/no), pre_score and post_score (0 to 100). Raises ``ImportRejected``
    or ``ImportFileError``; messages name the row and column, never the value.
    """
    require_manager(actor)
    rows = read_table(data)
    header = [cell.strip().lower() for cell in next(rows, [])]
    if not header or not any(header):
        raise ImportFileError(_("The file is empty. Download the template and fill it in."))
    unknown = [name for name in header if name and name not in IMPORT_COLUMNS]
    missing = [name for name in ("full_name", "sex") if name not in header]
    if unknown or missing:
        problems = []
        if missing:
            problems.append(_("missing columns: %(names)s") % {"names": ", ".join(missing)})
        if unknown:
            problems.append(_("unknown columns: %(names)s") % {"names": ", ".join(unknown)})
        raise ImportFileError(_("The header is not the template's (%(problems)s).") % {"problems": "; ".join(problems)})
    organisations = {org.name.casefold(): org for org in Organisation.objects.filter(is_active=True)}
    taken = set(session.participants.values_list("code", flat=True))
    errors: list[tuple[int, str, str]] = []
    ready: list[tuple[Participant, int | None, int | None]] = []
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(ready) + len(errors) >= IMPORT_MAX_ROWS:
            raise ImportFileError(_("A session import takes at most 2,000 rows."))
        cells = dict(zip(header, [*row, *[""] * (len(header) - len(row))], strict=False))
        before = len(errors)
        if not cells.get("full_name", "").strip():
            errors.append((number, "full_name", _("is required")))
        for column, most in IMPORT_LIMITS.items():  # the same limits as the forms: refused, never cut
            if len(cells.get(column, "")) > most:
                errors.append((number, column, _("is longer than %(max)s characters") % {"max": most}))
        sex = SEXES.get(cells.get("sex", "").strip().lower())
        if sex is None:
            errors.append((number, "sex", _("must be female or male (perempuan or laki-laki)")))
        values: dict[str, Any] = {}
        for column, parse in (("attended", _yes_no), ("pre_score", _score), ("post_score", _score)):
            try:
                values[column] = parse(cells.get(column, ""))
            except ValueError as exc:
                errors.append((number, column, str(exc)))
        if len(errors) > before:
            continue
        name = cells.get("organisation", "").strip()
        data_in = ParticipantInput(
            full_name=cells["full_name"],
            sex=sex or "",
            organisation=organisations.get(name.casefold()),
            organisation_name=name,
            role=cells.get("role", ""),
            attended=values["attended"],
        )
        try:
            participant = _participant(session, data_in, taken)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                column = {"organisation_name": "organisation"}.get(field, field)
                errors.extend((number, column, message) for message in messages)
            continue
        ready.append((participant, values["pre_score"], values["post_score"]))
    if errors:
        raise ImportRejected(errors)
    if not ready:
        raise ImportFileError(_("The file has a header but no participants."))
    Participant.objects.bulk_create([participant for participant, _pre, _post in ready])
    results = [
        Score(participant=participant, kind=kind, score=score, source=Score.Source.IMPORTED)
        for participant, pre, post in ready
        for kind, score in (("pre", pre), ("post", post))
        if score is not None
    ]
    Score.objects.bulk_create(results)
    record(
        "programs.training.participants_imported",
        actor=actor,
        target=session,
        request=request,
        details={"participants": len(ready), "scores": len(results)},
    )
    return len(ready)


def import_template_xlsx() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "participants"
    sheet.append(IMPORT_COLUMNS)
    sheet.append(["Nama Contoh", "Polda Bali", "Penyidik PPA", "perempuan", "ya", 55, 85])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
