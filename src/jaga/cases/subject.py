"""Data-subject rights under UU 27/2022 (PDP) for one child: access, correction, restriction, erasure.

Each is a supervisor's act (``cases.subject_rights``), audited, and recorded on the case timeline.
"""

from __future__ import annotations

import json
from typing import cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from jaga.accounts.models import User
from jaga.accounts.permissions import user_has_perm
from jaga.audit.models import AuditEvent
from jaga.audit.services import record
from jaga.cases.inputs import ChildInput, age_band, age_on
from jaga.cases.models import Case, CaseEvent, Child, PlanAction
from jaga.cases.nik import NikError, normalise_nik, parse_nik
from jaga.cases.services import identity_of, nik_index, phone_index, statistics_flag_update
from jaga.cases.timeline import case_event
from jaga.core import events


def _check(actor: User, case: Case) -> None:
    if not user_has_perm(actor, "cases.subject_rights") or case.organisation_id != actor.organisation_id:
        raise PermissionDenied


def subject_export(*, actor: User, case: Case, request: HttpRequest | None = None) -> str:
    """Everything held about the child of ``case``, including who accessed it, as JSON."""
    _check(actor, case)
    child = case.child
    history = AuditEvent.objects.filter(target_id=str(case.pk)).order_by("seq")
    people = dict(User.objects.filter(pk__in=history.values("actor_id")).values_list("pk", "email"))
    document = {
        "exported_at": timezone.now(),
        "case": {
            "reference": case.reference,
            "organisation": case.organisation.name,
            "registered_on": case.registered_on,
            "source": case.source,
            "forms": case.forms,
            "regency": case.exploitation_regency_id,
            "status": case.status,
        },
        "child": {
            **identity_of(child),
            "sex": child.sex,
            "age_at_registration": child.age_at_registration,
            "erased_at": child.erased_at,
        },
        "consents": list(
            case.consents.values("given_by", "services", "sharing", "statistics", "given_on", "lawful_basis")
        ),
        "notes": [{"text": n.text, "created_at": n.created_at} for n in case.notes.all()],
        "services": [{"service": s.service, "state": s.state, "outcome": s.outcome} for s in case.services.all()],
        "attachments": [
            {"filename": a.filename, "type": a.content_type, "size": a.size, "uploaded_at": a.uploaded_at}
            for a in case.attachments.defer("data")
        ],
        "referrals": list(case.referrals.values("to_organisation__name", "service", "state", "requested_at")),
        "access_history": [
            {
                "at": e.created_at,
                "action": e.action,
                "by": people.get(e.actor_id, "") if e.actor_id else "",
                "details": e.details,
            }
            for e in history
        ],
    }
    record("cases.subject.exported", actor=actor, target=case, request=request)
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


@transaction.atomic
def subject_correct(*, actor: User, case: Case, data: ChildInput, request: HttpRequest | None = None) -> Child:
    """Replaces the identity fields; the NIK is checked as at registration, indexes and age follow."""
    _check(actor, case)
    child = case.child
    errors: dict[str, list[str]] = {}
    if data.nik:
        try:
            parse_nik(data.nik)
        except NikError as exc:
            errors["nik"] = [str(exc)]
    if data.date_of_birth and data.date_of_birth > timezone.localdate():
        errors["date_of_birth"] = [_("The date of birth cannot be in the future.")]
    if errors:
        raise ValidationError(errors)
    before = identity_of(child)
    child.full_name, child.aliases = data.full_name.strip(), data.aliases.strip()
    child.nik, child.nik_index = normalise_nik(data.nik), nik_index(data.nik)
    child.date_of_birth = data.date_of_birth.isoformat() if data.date_of_birth else ""
    child.address, child.guardian_name = data.address.strip(), data.guardian_name.strip()
    child.phone, child.phone_index = data.phone.strip(), phone_index(data.phone)
    if data.date_of_birth:
        child.age_at_registration = age_on(data.date_of_birth, case.registered_on)
        child.age_is_estimated = False
        child.age_band = age_band(child.age_at_registration)
    child.save()
    events.child_identity_changed.send(sender=Child, child=child)
    changed = sorted(name for name, value in identity_of(child).items() if value != before[name])
    case_event(case=case, kind=CaseEvent.Kind.CORRECTED, actor=actor, detail=", ".join(changed))
    record("cases.subject.corrected", actor=actor, target=case, request=request, details={"fields": changed})
    return child


@transaction.atomic
def subject_restrict(*, actor: User, case: Case, restrict: bool, request: HttpRequest | None = None) -> Case:
    _check(actor, case)
    case.restricted_at = timezone.now() if restrict else None
    case.save(update_fields=["restricted_at", "updated_at"])
    statistics_flag_update(case)
    kind = CaseEvent.Kind.RESTRICTED if restrict else CaseEvent.Kind.UNRESTRICTED
    case_event(case=case, kind=kind, actor=actor)
    record(
        "cases.subject.restricted" if restrict else "cases.subject.unrestricted",
        actor=actor,
        target=case,
        request=request,
    )
    return case


@transaction.atomic
def subject_erase(*, actor: User, case: Case, confirm: str, request: HttpRequest | None = None) -> Case:
    """Destroys the identity fields, notes and every free text (assessments, plans, tasks, reasons);
    keeps what statistics count."""
    _check(actor, case)
    if confirm.strip() != case.reference:
        raise ValidationError(
            {"confirm": _("Type the case reference %(reference)s to confirm.") % {"reference": case.reference}}
        )
    removed = identity_erase(case, actor=actor)
    record("cases.subject.erased", actor=actor, target=case, request=request, details={"removed": removed})
    return case


def identity_erase(case: Case, *, actor: User | None) -> dict[str, int]:
    """The erasure itself (on request, or when the retention period of a closed case ends): the identity
    fields, notes, attachments and every free text go; what statistics count stays. Answers what the
    apps above cases removed of the child (linkage: encoding, clusters, pairs)."""
    child = case.child
    for name in Child.IDENTITY_FIELDS:
        setattr(child, name, "")
    child.nik_index = child.phone_index = ""
    child.erased_at = timezone.now()
    child.save()
    case.notes.all().delete()
    case.attachments.all().delete()
    case.consents.update(justification="")
    case.perpetrators.update(identity="")
    case.services.update(outcome="")
    case.referrals.update(reason="", decline_reason="")
    case.changes.update(reason="")
    case.assessments.update(narrative="", comment="")
    case.plans.update(goals="", comment="")
    PlanAction.objects.filter(plan__case=case).update(description="")
    case.closure_requests.update(outcome="", comment="")
    case.tasks.update(title="")
    if hasattr(case, "legal"):
        case.legal.police_report_number = ""
        case.legal.save(update_fields=["police_report_number"])
    case_event(case=case, kind=CaseEvent.Kind.ERASED, actor=actor)
    # What the apps above cases held of the child (linkage: encoding, clusters, pairs), as they answer.
    removed: dict[str, int] = {}
    for _receiver, answer in events.case_erased.send(sender=Case, case=case):
        removed.update(cast(dict[str, int], answer or {}))
    return removed
