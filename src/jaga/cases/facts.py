"""Correcting a case's facts after registration, with their history.

The facts are what statistics count and linkage compares: source, forms of exploitation, modus,
place, regencies, date, risk level, and the child's sex, disability and schooling. Identity fields
(name, NIK, birth date, address) are corrected through the data-subject page instead, where their
history is kept encrypted. Each change keeps who, when, the old and the new value (``CaseChange``),
writes one timeline entry and one audit row; lowering the risk level needs a reason.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jaga.accounts.models import User
from jaga.accounts.permissions import user_has_perm
from jaga.audit.services import record
from jaga.cases.models import (
    Case,
    CaseChange,
    CaseEvent,
    CaseForm,
    Form,
    Modus,
    PlaceType,
    RiskLevel,
    Sex,
    Source,
    Status,
)
from jaga.cases.nik import regency_codes
from jaga.cases.timeline import case_event
from jaga.core import events

CASE_FIELDS = (
    "source",
    "modus",
    "place_type",
    "exploitation_regency",
    "residence_regency",
    "exploitation_date",
    "risk_level",
)
CHILD_FIELDS = ("sex", "disability", "schooling")
RISK_ORDER = {"": 0, RiskLevel.LOW: 1, RiskLevel.MEDIUM: 2, RiskLevel.HIGH: 3}
FIELD_LABELS = {
    "source": gettext_lazy("source"),
    "modus": gettext_lazy("modus"),
    "place_type": gettext_lazy("place"),
    "exploitation_regency": gettext_lazy("regency where it happened"),
    "residence_regency": gettext_lazy("regency where the child lives"),
    "exploitation_date": gettext_lazy("date it happened"),
    "risk_level": gettext_lazy("risk level"),
    "forms": gettext_lazy("forms of exploitation"),
    "sex": gettext_lazy("sex"),
    "disability": gettext_lazy("disability"),
    "schooling": gettext_lazy("schooling"),
}
CHOICES = {"source": Source, "modus": Modus, "place_type": PlaceType, "risk_level": RiskLevel, "sex": Sex}


def change_rows(case: Case) -> list[tuple[CaseChange, str, str, str]]:
    """The history for the page: each change with its field and values as people read them, not codes."""

    def label(field: str, value: str) -> str:
        if field == "forms":
            return "; ".join(str(Form(code).label) for code in value.split(";") if code in Form.values)
        if field in CHOICES and value in CHOICES[field].values:
            return str(CHOICES[field](value).label)
        if field == "disability":
            return {"True": str(_("Yes")), "False": str(_("No"))}.get(value, "")
        return value

    return [
        (change, str(FIELD_LABELS.get(change.field, change.field)), label(change.field, change.old),
         label(change.field, change.new))
        for change in case.changes.select_related("by")[:50]
    ]  # fmt: skip


def facts_of(case: Case) -> dict[str, Any]:
    """The correctable facts as they are now (codes, not labels)."""
    child = case.child
    return {
        "source": case.source,
        "modus": case.modus,
        "place_type": case.place_type,
        "exploitation_regency": case.exploitation_regency_id,
        "residence_regency": case.residence_regency_id or "",
        "exploitation_date": case.exploitation_date,
        "risk_level": case.risk_level,
        "forms": sorted(link.form for link in case.form_links.all()),
        "sex": child.sex,
        "disability": child.disability,
        "schooling": child.schooling,
    }


def _validate(new: dict[str, Any], old: dict[str, Any], reason: str) -> None:
    errors: dict[str, list[str]] = {}
    for name, choices in CHOICES.items():
        value = new.get(name, old[name])
        if value and value not in choices.values:
            errors[name] = [_("Choose one of the listed values.")]
    if not new.get("source", old["source"]):
        errors["source"] = [_("This field is required.")]
    if not new.get("sex", old["sex"]):
        errors["sex"] = [_("This field is required.")]
    forms = new.get("forms", old["forms"])
    if not forms or any(form not in Form.values for form in forms):
        errors["forms"] = [_("Choose at least one form of exploitation.")]
    regencies = regency_codes()
    if new.get("exploitation_regency", old["exploitation_regency"]) not in regencies:
        errors["exploitation_regency"] = [_("Choose a regency or city.")]
    residence = new.get("residence_regency", old["residence_regency"])
    if residence and residence not in regencies:
        errors["residence_regency"] = [_("Choose a regency or city.")]
    happened = new.get("exploitation_date", old["exploitation_date"])
    if isinstance(happened, date) and happened > timezone.localdate():
        errors["exploitation_date"] = [_("The date cannot be in the future.")]
    if len(new.get("schooling", "") or "") > 20:
        errors["schooling"] = [_("Keep it under %(max)s characters.") % {"max": 20}]
    lowered = RISK_ORDER.get(new.get("risk_level", old["risk_level"]), 0) < RISK_ORDER.get(old["risk_level"], 0)
    if lowered and not reason.strip():
        errors["reason"] = [_("Say why the risk is lower now: the supervisor and the timeline see it.")]
    if len(reason) > 300:
        errors["reason"] = [_("Keep the reason under %(max)s characters.") % {"max": 300}]
    if errors:
        raise ValidationError(errors)


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):  # forms: a set, whatever order they come in
        return ";".join(sorted(set(value)))
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


@transaction.atomic
def case_facts_update(
    *, actor: User, case: Case, changes: dict[str, Any], reason: str = "", request: HttpRequest | None = None
) -> list[str]:
    """Applies ``changes`` (any of the fields above and ``forms``); returns the names of the fields that changed."""
    if not user_has_perm(actor, "cases.edit") or case.organisation_id != actor.organisation_id:
        raise PermissionDenied
    if case.status == Status.CLOSED:
        raise ValidationError(_("A closed case is not changed; reopen it first."))
    known = {*CASE_FIELDS, *CHILD_FIELDS, "forms"}
    unknown = set(changes) - known
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed here.")] for name in sorted(unknown)})
    old = facts_of(case)
    _validate(changes, old, reason)
    changed = [name for name in changes if _shown(changes[name]) != _shown(old[name])]
    if not changed:
        return []
    child = case.child
    for name in changed:
        value = changes[name]
        if name == "forms":
            CaseForm.objects.filter(case=case).delete()
            CaseForm.objects.bulk_create([CaseForm(case=case, form=form) for form in sorted(set(value))])
        elif name in ("exploitation_regency", "residence_regency"):
            setattr(case, f"{name}_id", value or None)
        elif name in CASE_FIELDS:
            setattr(case, name, value if value is not None else ("" if name != "exploitation_date" else None))
        else:
            setattr(child, name, value)
    case.save()
    if any(name in CHILD_FIELDS for name in changed):
        child.save()
        events.child_identity_changed.send(sender=type(child), child=child)
    now = timezone.now()
    CaseChange.objects.bulk_create(
        [
            CaseChange(
                case=case,
                field=name,
                old=_shown(old[name]),
                new=_shown(changes[name]),
                by=actor,
                at=now,
                reason=reason.strip(),
            )
            for name in changed
        ]
    )
    labels = [str(FIELD_LABELS.get(name, name)) for name in changed]
    case_event(case=case, kind=CaseEvent.Kind.FACTS_CHANGED, actor=actor, detail=", ".join(labels))
    record(
        "cases.case.facts_changed",
        actor=actor,
        target=case,
        request=request,
        details={"fields": changed, **({"reason": True} if reason.strip() else {})},
    )
    return changed
