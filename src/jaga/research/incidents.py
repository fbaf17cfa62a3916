"""The media-monitoring register: incidents seen in the news or public documents, recorded without names.

An article already recorded (the same address) is refused with a pointer to its incident. A new record
of an incident that another outlet reported (the same regency, dates within a week, the same forms and
number of children) is grouped with the first record (``same_as``): the register keeps both sources, the
statistics count the incident once. A researcher who knows better ungroups it. Imports from the template
are all or nothing, with every error by row and column.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from jaga.accounts.models import User
from jaga.accounts.permissions import user_has_perm
from jaga.audit.services import record
from jaga.cases.choices import AgeBand, Form, Modus, PlaceType
from jaga.cases.record_models import LegalProcess, Perpetrator
from jaga.hotline.urls_normal import UrlError, normalise_url
from jaga.regions.models import Region
from jaga.research.models import Incident, IncidentSource

BANDS = [*AgeBand.values, "unknown"]
SEXES = ["female", "male", "unknown"]
CHILD_KEYS = [f"{band}|{sex}" for band in BANDS for sex in SEXES]
PERPETRATOR_KEYS = [f"{role}|{origin}" for role in Perpetrator.Role.values for origin in Perpetrator.Origin.values]
MAX_PEOPLE = 500
SAME_INCIDENT_DAYS = 7
# A summary names nobody: 10 or more digits in a row are a NIK or a phone number.
LONG_NUMBER = re.compile(r"\d[\d .-]{8,}\d")


@dataclass
class IncidentInput:
    summary: str
    region_code: str
    forms: list[str]
    outlet: str
    published_on: date | None
    url: str = ""
    incident_on: date | None = None
    place_type: str = ""
    modus: str = ""
    legal_stage: str = ""
    children: dict[str, int] = field(default_factory=dict)
    perpetrators: dict[str, int] = field(default_factory=dict)


def url_key(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()


def problems(data: IncidentInput, *, today: date | None = None) -> dict[str, list[str]]:
    """Every problem of one record, by field; empty when it can be stored."""
    today = today or timezone.localdate()
    found: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        found.setdefault(name, []).append(message)

    summary = data.summary.strip()
    if not summary:
        add("summary", _("Summarise what the report says, without names."))
    elif len(summary) > 2000:
        add("summary", _("At most 2,000 characters."))
    elif LONG_NUMBER.search(summary):
        add("summary", _("Leave out numbers that could identify someone (NIK, phone numbers)."))
    if not Region.objects.filter(code=data.region_code.strip()).exists():
        add("region_code", _("Give the regency/city or province code, e.g. 51.71 for Denpasar or 51 for Bali."))
    if not data.forms:
        add("forms", _("Choose at least one form of exploitation."))
    elif set(data.forms) - set(Form.values):
        add("forms", _("Unknown form: %(value)s.") % {"value": sorted(set(data.forms) - set(Form.values))[0][:40]})
    for name, value, allowed in (
        ("place_type", data.place_type, PlaceType.values),
        ("modus", data.modus, Modus.values),
        ("legal_stage", data.legal_stage, LegalProcess.Stage.values),
    ):
        if value and value not in allowed:
            add(name, _("Unknown value: %(value)s.") % {"value": value[:40]})
    for name, counts, keys in (
        ("children", data.children, CHILD_KEYS),
        ("perpetrators", data.perpetrators, PERPETRATOR_KEYS),
    ):
        unknown = set(counts) - set(keys)
        if unknown:
            add(name, _("Unknown group: %(value)s.") % {"value": sorted(unknown)[0][:40]})
        if any(not 0 <= n <= MAX_PEOPLE for n in counts.values()):
            add(name, _("Each number from 0 to %(max)s.") % {"max": MAX_PEOPLE})
    if not any(data.children.values()):
        add(
            "children",
            _("How many children does the report mention? At least one, by age band and sex (unknown if not said)."),
        )
    if not data.outlet.strip():
        add("outlet", _("Name the outlet or the document (e.g. Kompas, a court decision)."))
    if data.published_on is None:
        add("published_on", _("Give the publication date."))
    elif data.published_on > today:
        add("published_on", _("The publication date is in the future."))
    if data.incident_on is not None:
        if data.incident_on > today:
            add("incident_on", _("The date of the incident is in the future."))
        elif data.published_on is not None and data.incident_on > data.published_on:
            add("incident_on", _("The incident cannot come after its report."))
    if data.url.strip():
        try:
            normalise_url(data.url)
        except UrlError as exc:
            add("url", str(exc))
    return found


def _check(actor: User) -> None:
    if not user_has_perm(actor, "research.incidents"):
        raise PermissionDenied


def _same_article(url: str) -> Incident | None:
    source = IncidentSource.objects.filter(url_hash=url_key(url)).select_related("incident").first()
    return source.incident if source is not None else None


def same_incident(data: IncidentInput, *, exclude: Any = None) -> Incident | None:
    """The first record of the same incident reported elsewhere: same place, dates within a week, same
    forms and number of children."""
    reference = data.incident_on or data.published_on
    if reference is None:
        return None
    window = timedelta(days=SAME_INCIDENT_DAYS)
    dated = Q(incident_on__range=(reference - window, reference + window)) | Q(
        incident_on__isnull=True, sources__published_on__range=(reference - window, reference + window)
    )
    candidates = Incident.objects.filter(dated, same_as__isnull=True, region_id=data.region_code.strip()).distinct()
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude)
    total = sum(data.children.values())
    for candidate in candidates.order_by("created_at"):
        if sorted(candidate.forms) == sorted(data.forms) and candidate.children_total == total:
            return candidate
    return None


def _store(actor: User, data: IncidentInput) -> Incident:
    assert data.published_on is not None  # checked by problems()
    url = normalise_url(data.url) if data.url.strip() else ""
    group = same_incident(data)
    incident = Incident.objects.create(
        summary=data.summary.strip(),
        incident_on=data.incident_on,
        year=(data.incident_on or data.published_on or timezone.localdate()).year,
        region_id=data.region_code.strip(),
        place_type=data.place_type,
        forms=sorted(set(data.forms)),
        modus=data.modus,
        children={k: n for k, n in data.children.items() if n},
        perpetrators={k: n for k, n in data.perpetrators.items() if n},
        legal_stage=data.legal_stage,
        same_as=group,
        created_by=actor,
    )
    IncidentSource.objects.create(
        incident=incident,
        outlet=data.outlet.strip()[:200],
        url=url,
        url_hash=url_key(url) if url else "",
        published_on=data.published_on,
    )
    return incident


@transaction.atomic
def incident_record(*, actor: User, data: IncidentInput, request: HttpRequest | None = None) -> Incident:
    _check(actor)
    errors = problems(data)
    if not errors.get("url") and data.url.strip():
        already = _same_article(normalise_url(data.url))
        if already is not None:
            errors["url"] = [
                _("This article is recorded already (incident of %(year)s in %(place)s).")
                % {"year": already.year, "place": already.region.name}
            ]
    if errors:
        raise ValidationError(errors)
    incident = _store(actor, data)
    record(
        "research.incident.recorded",
        actor=actor,
        target=incident,
        request=request,
        details={"grouped": bool(incident.same_as_id)},
    )
    return incident


@transaction.atomic
def incident_ungroup(*, actor: User, incident: Incident, request: HttpRequest | None = None) -> None:
    """ "Not the same incident": the record counts on its own again."""
    _check(actor)
    incident.same_as = None
    incident.save(update_fields=["same_as"])
    record("research.incident.ungrouped", actor=actor, target=incident, request=request)


@transaction.atomic
def incident_group(*, actor: User, incident: Incident, primary: Incident, request: HttpRequest | None = None) -> None:
    """ "The same incident as ...": counted once, with the first record."""
    _check(actor)
    primary = primary.same_as or primary
    if primary.pk == incident.pk:
        raise ValidationError(_("An incident is not a duplicate of itself."))
    Incident.objects.filter(same_as=incident).update(same_as=primary)
    incident.same_as = primary
    incident.save(update_fields=["same_as"])
    record(
        "research.incident.grouped", actor=actor, target=incident, request=request, details={"with": str(primary.pk)}
    )


def counted() -> QuerySet[Incident]:
    """One record per incident: the first of each group."""
    return Incident.objects.filter(same_as__isnull=True)
