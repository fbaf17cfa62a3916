"""Which organisations provide which services, and the "refer to" list built from it: those that
provide the service, nearest first (the case's regency, then its province, then national bodies,
then the rest). An organisation declares its services on its services page (supervisors and
organisation admins); one that has declared none is still offered, last, so that a new installation
can refer before every organisation has filled its page in.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jaga.accounts.models import Organisation, User
from jaga.accounts.permissions import user_has_perm
from jaga.audit.services import record
from jaga.cases.models import Case, Service, ServiceOffer

GROUPS = {
    0: gettext_lazy("In the case's regency/city"),
    1: gettext_lazy("In the case's province"),
    2: gettext_lazy("National organisations"),
    3: gettext_lazy("Elsewhere"),
    4: gettext_lazy("Services not declared yet"),
}


def may_declare(user: User) -> bool:
    return user_has_perm(user, "cases.accept_referral") or user_has_perm(user, "accounts.manage_org_users")


def offered(organisation_id: Any) -> list[str]:
    return sorted(ServiceOffer.objects.filter(organisation_id=organisation_id).values_list("service", flat=True))


@transaction.atomic
def services_declare(*, actor: User, services: Iterable[str], request: HttpRequest | None = None) -> list[str]:
    """Replaces the services the actor's organisation declares it provides."""
    if not may_declare(actor):
        raise PermissionDenied
    chosen = sorted(set(services))
    unknown = [code for code in chosen if code not in Service.values]
    if unknown:
        raise ValidationError({"services": [_("Choose services from the list.")]})
    before = offered(actor.organisation_id)
    ServiceOffer.objects.filter(organisation_id=actor.organisation_id).delete()
    ServiceOffer.objects.bulk_create([ServiceOffer(organisation_id=actor.organisation_id, service=c) for c in chosen])
    record(
        "cases.services.declared",
        actor=actor,
        target=actor.organisation,
        request=request,
        details={"before": before, "after": chosen},
    )
    return chosen


def _distance(organisation: Organisation, case: Case) -> int:
    code = organisation.jurisdiction_id
    places = {case.exploitation_regency_id, case.residence_regency_id} - {None}
    if code is None:
        return 2
    if code in places:
        return 0
    if any(place and place.split(".")[0] == code.split(".")[0] for place in places):
        return 1
    return 3


def refer_to_choices(case: Case, service: str = "") -> list[tuple[Any, list[tuple[str, str]]]]:
    """The "refer to" list, grouped by nearness; with ``service``, only those that provide it (and those
    that have declared nothing). Each label names the services the organisation provides."""
    organisations = Organisation.objects.filter(is_active=True).exclude(pk=case.organisation_id)
    services: dict[Any, list[str]] = {}
    for organisation_id, code in ServiceOffer.objects.values_list("organisation_id", "service"):
        services.setdefault(organisation_id, []).append(code)
    labels = dict(Service.choices)
    groups: dict[int, list[tuple[str, str]]] = {}
    for organisation in organisations.select_related("jurisdiction"):
        provided = services.get(organisation.pk)
        if provided and service and service not in provided:
            continue
        group = _distance(organisation, case) if provided else 4
        what = ", ".join(str(labels[code]) for code in sorted(provided or []))
        label = f"{organisation.name} ({what})" if what else organisation.name
        groups.setdefault(group, []).append((str(organisation.pk), label))
    return [(str(GROUPS[key]), sorted(groups[key], key=lambda item: item[1])) for key in sorted(groups)]


def check_provides(organisation: Organisation, service: str) -> None:
    """Refuses a referral for a service the organisation has declared it does not provide."""
    provided = offered(organisation.pk)
    if provided and service not in provided:
        labels = dict(Service.choices)
        raise ValidationError(
            {
                "to_organisation": [
                    _("%(name)s does not provide %(service)s; it provides: %(provided)s.")
                    % {
                        "name": organisation.name,
                        "service": str(labels.get(service, service)).lower(),
                        "provided": ", ".join(str(labels[code]).lower() for code in provided),
                    }
                ]
            }
        )
