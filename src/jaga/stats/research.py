"""De-identified case records for researchers, k-anonymous on their quasi-identifiers.

No identity field leaves: only age band, sex, province, year, forms, source and services. Records
whose combination of quasi-identifiers (age band, sex, province, year) is shared by fewer than k
records are generalised step by step (province to "*", then age band, then sex) and, if still
rare, left out. The extract says how many records each step touched.
"""

from __future__ import annotations

import io
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jaga.accounts.models import User
from jaga.accounts.permissions import user_has_perm
from jaga.audit.services import record
from jaga.core.tables import csv_text
from jaga.stats.aggregates import eligible_cases

QUASI = ["age_band", "sex", "province", "year"]
COLUMNS = ["record", "year", "province", "age_band", "sex", "forms", "source", "services"]
STEPS = ["province", "age_band", "sex"]  # generalised in this order
DICTIONARY = [
    ("record", _("A number for this extract only; it links to nothing else")),
    ("year", _("Year the case was registered")),
    ("province", _("Kemendagri code of the province where the exploitation happened; * = generalised")),
    ("age_band", _("Age at registration: 0-9, 10-14, 15-17; empty = unknown; * = generalised")),
    ("sex", _("female, male, unknown; * = generalised")),
    ("forms", _("Forms of exploitation, separated by ; (prostitution, online, trafficking, travel_tourism, ...)")),
    ("source", _("Source of the report (hotline, police, school, ...)")),
    ("services", _("Services received, separated by ; (medical, psychosocial, legal_aid, shelter, ...)")),
]


@dataclass
class Extract:
    rows: list[dict[str, Any]]
    k: int
    generalised: dict[str, int] = field(default_factory=dict)
    suppressed: int = 0


def _records() -> list[dict[str, Any]]:
    cases = eligible_cases()
    forms: dict[Any, list[str]] = {}
    for case_id, form in cases.values_list("pk", "form_links__form"):
        if form:
            forms.setdefault(case_id, []).append(form)
    services: dict[Any, set[str]] = {}
    for case_id, service in cases.values_list("pk", "services__service"):
        if service:
            services.setdefault(case_id, set()).add(service)
    out = []
    for case_id, year, regency, age, sex, source in cases.values_list(
        "pk", "year", "exploitation_regency_id", "child__age_band", "child__sex", "source"
    ).order_by("?"):  # random order: row position says nothing about registration order
        out.append(
            {
                "year": year,
                "province": regency.split(".")[0],
                "age_band": age or "",
                "sex": sex,
                "forms": ";".join(sorted(forms.get(case_id, []))),
                "source": source,
                "services": ";".join(sorted(services.get(case_id, set()))),
            }
        )
    return out


def k_anonymise(
    rows: list[dict[str, Any]], k: int, quasi: list[str] | None = None, steps: list[str] | None = None
) -> Extract:
    """Generalises the quasi-identifiers (``quasi``) to "*" one at a time (``steps``) in the records whose
    combination is shared by fewer than ``k``, then leaves out those still rarer (cases by default; survey
    respondents pass their own)."""
    quasi = QUASI if quasi is None else quasi
    extract = Extract(rows=rows, k=k)
    for step in STEPS if steps is None else steps:
        groups = Counter(tuple(r[q] for q in quasi) for r in rows)
        rare = [r for r in rows if groups[tuple(r[q] for q in quasi)] < k]
        for r in rare:
            r[step] = "*"
        extract.generalised[step] = len(rare)
    groups = Counter(tuple(r[q] for q in quasi) for r in rows)
    kept = [r for r in rows if groups[tuple(r[q] for q in quasi)] >= k]
    extract.suppressed = len(rows) - len(kept)
    for number, r in enumerate(kept, start=1):
        r["record"] = number
    extract.rows = kept
    return extract


def research_extract(*, actor: User, request: HttpRequest | None = None) -> tuple[Extract, bytes]:
    """The extract as a ZIP (records, data dictionary, README with the k-anonymity report); audited."""
    if not user_has_perm(actor, "stats.research_extract"):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    k = settings.JAGA_RESEARCH_K
    extract = k_anonymise(_records(), k)
    records = csv_text(COLUMNS, ([row[c] for c in COLUMNS] for row in extract.rows))
    dictionary = csv_text(["column", "meaning"], ((column, str(meaning)) for column, meaning in DICTIONARY))
    readme = (
        f"Jaga research extract, {timezone.now():%Y-%m-%d %H:%M %Z}\n\n"
        f"{len(extract.rows)} case records (cases, not children). k-anonymity: every combination of "
        f"{', '.join(QUASI)} is shared by at least {k} records.\n"
        + "".join(f"Generalised {step} to * in {n} records.\n" for step, n in extract.generalised.items())
        + f"Left out {extract.suppressed} records that stayed rarer than {k}.\n\n"
        "Do not try to identify any child, link these records to other data, or publish counts below "
        f"{settings.JAGA_STATS_THRESHOLD}. Your download is recorded.\n"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("records.csv", records)
        archive.writestr("data_dictionary.csv", dictionary)
        archive.writestr("README.txt", readme)
    record(
        "stats.research_extract.downloaded",
        actor=actor,
        request=request,
        details={
            "records": len(extract.rows),
            "k": k,
            "generalised": extract.generalised,
            "left_out": extract.suppressed,
        },
    )
    return extract, buffer.getvalue()
