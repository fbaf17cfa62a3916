from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet

from jaga.cases.models import Case
from jaga.cases.nik import NIK_PATTERN, normalise_nik
from jaga.cases.services import nik_index


def case_list(
    *,
    user: Any,
    q: str = "",
    status: str = "",
    form: str = "",
    region: str = "",
    since: date | None = None,
    until: date | None = None,
    mine: bool = False,
) -> QuerySet[Case]:
    """The cases ``user`` may see, filtered. A 16-digit query is a NIK, found through its blind index."""
    cases = Case.objects.visible_to(user).select_related("exploitation_regency", "assigned_to", "child")
    q = q.strip()
    if q:
        if NIK_PATTERN.match(normalise_nik(q)):
            cases = cases.filter(child__nik_index=nik_index(q))
        else:
            cases = cases.filter(reference__istartswith=q)
    if status:
        cases = cases.filter(status=status)
    if form:
        cases = cases.filter(form_links__form=form)
    if region:
        cases = cases.filter(exploitation_regency__code__startswith=region)
    if since:
        cases = cases.filter(registered_on__gte=since)
    if until:
        cases = cases.filter(registered_on__lte=until)
    if mine:
        cases = cases.filter(assigned_to=user)
    # Identity columns are never needed in a list: do not even decrypt them.
    return cases.defer(
        *(
            f"child__{name}"
            for name in ("full_name", "aliases", "nik", "date_of_birth", "address", "phone", "guardian_name")
        )
    ).order_by("-registered_on", "-number")
