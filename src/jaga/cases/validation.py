"""What a case must hold before it is registered: choices, lengths, dates, regencies and consent, field by field."""

from __future__ import annotations

import functools
import re
from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from jaga.cases.inputs import ADULT_AGE, CaseInput, ConsentInput, age_on
from jaga.cases.models import (
    Consent,
    Form,
    Modus,
    PlaceType,
    Sex,
    Source,
)
from jaga.cases.nik import NikError, parse_nik, regency_codes


@functools.cache
def _allowed(choices: type[models.Choices]) -> tuple[frozenset[str], str]:
    """A choice class's values as a set and as the list a message names (computed once: imports ask per row)."""
    return frozenset(choices.values), ", ".join(choices.values)


def _choice(
    errors: dict[str, list[str]], key: str, value: str, choices: type[models.Choices], *, required: bool
) -> None:
    if not value:
        if required:
            errors.setdefault(key, []).append(_("This field is required."))
        return
    allowed, listed = _allowed(choices)
    if value not in allowed:
        # The value is not repeated: imports keep these messages, and a misplaced name must not be among them.
        errors.setdefault(key, []).append(_("Use one of: %(choices)s.") % {"choices": listed})


PHONE = re.compile(r"\+?[0-9 ]{3,30}")


# What the intake form allows for the child's texts: a longer value (from an import or the API) is
# refused with a message, never cut.
TEXT_LIMITS = {
    "full_name": 200,
    "aliases": 300,
    "address": 500,
    "phone": 30,
    "guardian_name": 200,
    "guardian_relationship": 30,
    "schooling": 20,
}


def validate_case_input(data: CaseInput, *, today: date | None = None, regencies: frozenset[str] | None = None) -> None:
    """Every rule of a new case, all errors at once keyed by field path (``child.nik``).

    Raises ValidationError when anything is wrong. Bulk callers pass ``regencies`` (the set of
    regency codes, from ``regency_codes()``) so that no query is made per row.
    """
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if data.registered_on is None:
        errors["registered_on"] = [_("This field is required.")]
    elif data.registered_on > today:
        errors["registered_on"] = [_("The registration date cannot be in the future.")]
    _choice(errors, "source", data.source, Source, required=True)
    if not data.forms:
        errors["forms"] = [_("Choose at least one form of exploitation.")]
    for form in data.forms:
        _choice(errors, "forms", form, Form, required=True)
    _choice(errors, "modus", data.modus, Modus, required=False)
    _choice(errors, "place_type", data.place_type, PlaceType, required=False)
    _choice(errors, "child.sex", data.child.sex, Sex, required=True)
    regencies = regencies if regencies is not None else regency_codes()
    for key, code, required in (
        ("exploitation_regency", data.exploitation_regency, True),
        ("residence_regency", data.residence_regency, False),
    ):
        if not code:
            if required:
                errors[key] = [_("This field is required.")]
            continue
        if code not in regencies:
            errors[key] = [_("This is not a regency/city code (for example 31.71 for Jakarta Pusat).")]
    reference_day = data.exploitation_date or data.registered_on or today
    if data.exploitation_date and data.exploitation_date > today:
        errors["exploitation_date"] = [_("The date of exploitation cannot be in the future.")]
    child = data.child
    if child.date_of_birth is not None:
        if child.date_of_birth > today:
            errors["child.date_of_birth"] = [_("The date of birth cannot be in the future.")]
        elif age_on(child.date_of_birth, reference_day) >= ADULT_AGE:
            errors["child.date_of_birth"] = [
                _("The child was 18 or older at the time of exploitation: Jaga records children's cases only.")
            ]
    elif child.estimated_age is not None and not (0 <= child.estimated_age < ADULT_AGE):
        errors["child.estimated_age"] = [_("An estimated age is between 0 and 17.")]
    if child.nik:
        try:
            info = parse_nik(child.nik, regencies=regencies)
        except NikError as exc:
            errors["child.nik"] = [str(exc)]
        else:
            born = info.birth_date(not_after=today)
            if child.date_of_birth and born != child.date_of_birth:
                errors.setdefault("child.nik", []).append(
                    _("The birth date in the NIK (%(nik_date)s) differs from the date of birth.")
                    % {"nik_date": born.isoformat() if born else "?"}
                )
            if child.sex in (Sex.FEMALE, Sex.MALE) and info.female != (child.sex == Sex.FEMALE):
                errors.setdefault("child.nik", []).append(_("The NIK's birth day says the other sex."))
    if child.phone and not PHONE.fullmatch(child.phone.strip()):
        errors["child.phone"] = [_("Use only digits, spaces and + in a phone number (for example +62 812 3456 7890).")]
    for name, limit in TEXT_LIMITS.items():
        value = getattr(child, name) or ""
        if len(value.strip()) > limit:
            errors.setdefault(f"child.{name}", []).append(
                _("This is %(length)s characters long; the limit is %(limit)s.")
                % {"length": len(value), "limit": limit}
            )
    _check_consent(errors, data.consent, prefix="consent.")
    if errors:
        raise ValidationError(errors)


def _check_consent(errors: dict[str, list[str]], consent: ConsentInput, *, prefix: str) -> None:
    """Consent from the guardian or the child, or where nobody can give it, a lawful basis and why."""
    _choice(errors, f"{prefix}given_by", consent.given_by, Consent.GivenBy, required=True)
    if consent.given_by == Consent.GivenBy.NOBODY:
        _choice(errors, f"{prefix}lawful_basis", consent.lawful_basis, Consent.LawfulBasis, required=True)
        if not consent.justification.strip():
            errors[f"{prefix}justification"] = [
                _("Without consent, say why (for example: the guardian is the suspected perpetrator).")
            ]
