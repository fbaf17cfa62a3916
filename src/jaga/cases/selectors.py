from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from jaga.cases.access import may_see_identity
from jaga.cases.models import Case, Child
from jaga.cases.nik import NIK_PATTERN, normalise_nik
from jaga.cases.services import nik_indexes

OLD_SPELLINGS = (("oe", "u"), ("dj", "j"), ("tj", "c"), ("sj", "sy"), ("ch", "kh"))


def normalise_name(name: str) -> str:
    """Lower case, no accents or punctuation, old Indonesian spellings made new (Soekarno -> sukarno)."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z ]+", " ", text)
    for old, new in OLD_SPELLINGS:
        text = text.replace(old, new)
    return " ".join(text.split())


def _name_matches(cases: QuerySet[Case], q: str) -> list[Any]:
    needle = normalise_name(q)
    if len(needle) < 3:  # a reference or a number, not a name
        return []
    rows = Child.objects.filter(case__in=cases.values("pk")).values_list("case_id", "full_name", "aliases")
    return [pk for pk, full_name, aliases in rows.iterator(chunk_size=2000)
            if needle in normalise_name(full_name or "") or needle in normalise_name(aliases or "")]  # fmt: skip


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
            cases = cases.filter(child__nik_index__in=nik_indexes(q))
        elif may_see_identity(user) and len(q) >= 3:
            # Names are ciphertext: they are compared in memory, within the user's own scope only.
            cases = cases.filter(Q(reference__istartswith=q) | Q(pk__in=_name_matches(cases, q)))
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
    if mine:  # the cases they lead or work on beside the lead, and the referred ones given to them
        from jaga.cases.models import Coworker, Referral

        given = Referral.objects.filter(assigned_to=user, state=Referral.State.ACCEPTED).values_list(
            "case_id", flat=True
        )
        beside = Coworker.objects.filter(user=user).values_list("case_id", flat=True)
        cases = cases.filter(Q(assigned_to=user) | Q(pk__in=[*given, *beside]))
    # Identity columns are never needed in a list: do not even decrypt them.
    return cases.defer(
        *(
            f"child__{name}"
            for name in ("full_name", "aliases", "nik", "date_of_birth", "address", "phone", "guardian_name")
        )
    ).order_by("-registered_on", "-number")


def overdue_among(case_ids: list[Any]) -> set[Any]:
    """Which of these cases (one page of a list) have a task still to do after its due date."""
    from jaga.cases.casetasks import overdue

    return set(overdue().filter(case_id__in=case_ids).values_list("case_id", flat=True))
