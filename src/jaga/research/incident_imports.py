"""Incidents from a spreadsheet (the template's columns): all or nothing, every error by row and column."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from jaga.accounts.models import User
from jaga.audit.services import record
from jaga.core.tables import ImportFileError, read_table
from jaga.hotline.urls_normal import UrlError, normalise_url
from jaga.research import incidents
from jaga.research.incidents import BANDS, SEXES, IncidentInput

MAX_ROWS = 5_000
REQUIRED = ["summary", "region_code", "forms", "outlet", "published_on"]
OPTIONAL = ["incident_date", "url", "place_type", "modus", "legal_stage", "perpetrator_roles"]
CHILD_COLUMNS = {f"{sex}_{band.replace('-', '_')}": f"{band}|{sex}" for band in BANDS for sex in SEXES}
COLUMNS = [*REQUIRED, *OPTIONAL, *CHILD_COLUMNS]


def template_rows() -> tuple[list[str], list[list[Any]]]:
    """The template's header and one example row (synthetic)."""
    example: dict[str, Any] = {
        "summary": "Dua anak perempuan ditawarkan melalui aplikasi pesan di sebuah penginapan (contoh).",
        "region_code": "51.71",
        "forms": "prostitution,online",
        "outlet": "Contoh Harian",
        "published_on": "2025-03-04",
        "incident_date": "2025-03-01",
        "url": "https://berita.example/2025/03/04/contoh",
        "place_type": "lodging",
        "modus": "app_prostitution",
        "legal_stage": "investigation",
        "perpetrator_roles": "facilitator|domestic=1",
        "female_15_17": 2,
    }
    return COLUMNS, [[example.get(column, "") for column in COLUMNS]]


def _date(value: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise ValueError(_("a date as YYYY-MM-DD, e.g. 2025-03-04")) from None


def _count(value: str) -> int:
    if not value:
        return 0
    if not value.isdigit():
        raise ValueError(_("a whole number"))
    return int(value)


def _perpetrators(value: str) -> dict[str, int]:
    """``role|origin=n`` pairs separated by commas, e.g. ``facilitator|domestic=1,buyer|foreign=2``."""
    found: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in value.split(","))):
        key, _sep, number = part.partition("=")
        if not number.strip().isdigit():
            raise ValueError(_("role|origin=number pairs, e.g. facilitator|domestic=1"))
        found[key.strip()] = found.get(key.strip(), 0) + int(number)
    return found


def parse(data: bytes) -> tuple[list[IncidentInput], list[tuple[int, str, str]]]:
    """The rows as inputs, and every problem as (row, column, message)."""
    rows = read_table(data)
    header = [name.strip().lower() for name in next(rows, [])]
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        raise ImportFileError(
            _("The file lacks the columns %(names)s: start from the template.") % {"names": ", ".join(missing)}
        )
    unknown = [name for name in header if name and name not in COLUMNS]
    if unknown:
        raise ImportFileError(_("Unknown columns: %(names)s.") % {"names": ", ".join(unknown)[:200]})
    inputs: list[IncidentInput] = []
    errors: list[tuple[int, str, str]] = []
    seen_urls: dict[str, int] = {}
    for number, row in enumerate(rows, start=2):
        if number - 1 > MAX_ROWS:
            raise ImportFileError(_("At most %(max)s rows at a time: split the file.") % {"max": f"{MAX_ROWS:,}"})
        cells = dict(zip(header, [*row, *[""] * (len(header) - len(row))], strict=False))
        if not any(cells.values()):
            continue
        values: dict[str, Any] = {}
        for column, parser in (("published_on", _date), ("incident_date", _date), ("perpetrator_roles", _perpetrators)):
            try:
                values[column] = parser(cells.get(column, ""))
            except ValueError as exc:
                errors.append((number, column, str(exc)))
        children = {}
        for column, key in CHILD_COLUMNS.items():
            try:
                children[key] = _count(cells.get(column, ""))
            except ValueError as exc:
                errors.append((number, column, str(exc)))
        item = IncidentInput(
            summary=cells.get("summary", ""),
            region_code=cells.get("region_code", ""),
            forms=[f.strip() for f in cells.get("forms", "").split(",") if f.strip()],
            outlet=cells.get("outlet", ""),
            published_on=values.get("published_on"),
            url=cells.get("url", ""),
            incident_on=values.get("incident_date"),
            place_type=cells.get("place_type", ""),
            modus=cells.get("modus", ""),
            legal_stage=cells.get("legal_stage", ""),
            children=children,
            perpetrators=values.get("perpetrator_roles") or {},
        )
        column_of = {"incident_on": "incident_date", "children": "female_15_17", "perpetrators": "perpetrator_roles"}
        for name, messages in incidents.problems(item).items():
            if not any(e[0] == number and e[1] == column_of.get(name, name) for e in errors):
                errors += [(number, column_of.get(name, name), message) for message in messages]
        if item.url.strip():
            try:
                url = normalise_url(item.url)
            except UrlError:
                url = ""
            if url and url in seen_urls:
                errors.append((number, "url", _("The same article as row %(row)s.") % {"row": seen_urls[url]}))
            elif url and incidents._same_article(url) is not None:
                errors.append((number, "url", _("This article is recorded already.")))
            if url:
                seen_urls.setdefault(url, number)
        inputs.append(item)
    if not inputs and not errors:
        raise ImportFileError(_("The file has no rows under its header."))
    return inputs, errors


@transaction.atomic
def incidents_import(*, actor: User, data: bytes, filename: str, request: HttpRequest | None = None) -> list[Any]:
    """Every row stored, or none: a ValidationError lists each problem as "row N, column: message"."""
    incidents._check(actor)
    inputs, errors = parse(data)
    if errors:
        raise ValidationError(
            [
                _("Row %(row)s, %(column)s: %(message)s") % {"row": r, "column": c, "message": m}
                for r, c, m in errors[:200]
            ]
        )
    made = [incidents._store(actor, item) for item in inputs]
    grouped = sum(1 for i in made if i.same_as_id)
    record(
        "research.incidents.imported",
        actor=actor,
        request=request,
        details={"rows": len(made), "grouped": grouped, "file": filename[:100]},
    )
    return made
