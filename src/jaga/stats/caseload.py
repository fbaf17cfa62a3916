"""Caseload insights: how long children wait for each step, what becomes of referrals, who carries the load.

For the cases registered in a year, in a unit or, for readers beyond the unit, per province or per
unit of their jurisdiction: the days from registration to the assessment's approval, to the plan's,
to the first service and to closure (median and 90th percentile, with how many cases reached the
step), the referrals sent and what became of them, and the overdue tasks. The days are read from
the dates the workflow keeps on each case (``assessed_on`` ...), grouped by the database; no case is
read one by one.

A unit's own supervisors see its numbers as they are, with the caseload per caseworker. Everything
shown beyond the unit goes through the disclosure control of the published statistics: counts of 1
to 4 are suppressed with their complements, and no median or percentile is shown for fewer than
``THRESHOLD`` cases (it would tell about one child).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jaga.accounts.models import Organisation
from jaga.cases.models import Case, Referral, Task
from jaga.regions.models import Region
from jaga.stats.disclosure import Table, suppress

THRESHOLD = 5
MILESTONES = [
    ("assessed_on", _("Assessment approved")),
    ("planned_on", _("Case plan approved")),
    ("served_on", _("First service")),
    ("closed_on", _("Closed")),
]
REFERRAL_STATES = [
    (Referral.State.REQUESTED, _("Waiting")),
    (Referral.State.ACCEPTED, _("Accepted")),
    (Referral.State.DECLINED, _("Declined")),
    (Referral.State.COMPLETED, _("Completed")),
    (Referral.State.REVOKED, _("Revoked")),
]


@dataclass
class Step:
    label: Any
    reached: int
    median: int | None
    p90: int | None
    shown_reached: str = ""
    shown_median: str = ""
    shown_p90: str = ""


@dataclass
class Group:
    """One unit or province: cases registered, the steps, the referrals, the overdue tasks (texts as shown)."""

    key: str
    name: str
    registered: str
    steps: list[Step]
    referrals: list[str]
    overdue: str
    median_assessment: int | None = None  # for the chart


@dataclass
class Insights:
    year: int
    by: str  # "unit" (one unit, exact), "province" or "organisation" (beyond the unit, controlled)
    groups: list[Group] = field(default_factory=list)
    caseload: list[dict[str, Any]] = field(default_factory=list)


def percentiles(cases: QuerySet[Case], name: str) -> tuple[int, int | None, int | None]:
    """How many cases reached the step, and the median and 90th percentile of their days (a histogram
    grouped by the database)."""
    days = ExpressionWrapper(F(name) - F("registered_on"), output_field=DurationField())
    histogram = (
        cases.filter(**{f"{name}__isnull": False})
        .annotate(days=days)
        .values("days")
        .annotate(n=Count("pk"))
        .order_by("days")
    )
    rows = [(_days(row["days"]), row["n"]) for row in histogram]
    total = sum(n for _d, n in rows)
    if not total:
        return 0, None, None

    def rank(position: int) -> int:
        """The value at the 1-based ``position`` in the sorted days."""
        seen = 0
        for value, n in rows:
            seen += n
            if seen >= position:
                return value
        return rows[-1][0]

    median = (rank((total + 1) // 2) + rank(total // 2 + 1)) / 2
    return total, int(median + 0.5), rank(math.ceil(0.9 * total))  # the 90th percentile by nearest rank


def _days(value: Any) -> int:
    if isinstance(value, timedelta):
        return max(value.days, 0)
    return max(int(value or 0), 0)


def scoped_cases(year: int, province: str) -> QuerySet[Case]:
    cases = Case.objects.filter(registered_on__year=year, in_statistics=True, restricted_at__isnull=True)
    if province:
        cases = cases.filter(exploitation_regency__code__startswith=f"{province}.")
    return cases


def unit_insights(organisation_id: Any, year: int) -> Insights:
    """A unit's own numbers, exact, with the caseload per caseworker (for its supervisors)."""
    from jaga.cases.casetasks import caseload, overdue

    cases = Case.objects.filter(organisation_id=organisation_id, registered_on__year=year)
    steps = []
    for name, label in MILESTONES:
        reached, median, p90 = percentiles(cases, name)
        steps.append(Step(label, reached, median, p90, str(reached), _text(median), _text(p90)))
    sent = Referral.objects.filter(from_organisation_id=organisation_id, requested_at__year=year)
    states = dict(sent.values("state").annotate(n=Count("pk")).values_list("state", "n"))
    late = overdue().filter(case__organisation_id=organisation_id).count()
    group = Group(
        key=str(organisation_id),
        name=Organisation.objects.get(pk=organisation_id).name,
        registered=str(cases.count()),
        steps=steps,
        referrals=[str(states.get(state, 0)) for state, _label in REFERRAL_STATES],
        overdue=str(late),
        median_assessment=steps[0].median,
    )
    return Insights(year=year, by="unit", groups=[group], caseload=caseload(organisation_id))


def _text(value: int | None) -> str:
    return "—" if value is None else str(value)


def wide_insights(*, year: int, province: str = "", by: str = "province") -> Insights:
    """Per province (or per unit) of the reader's jurisdiction, through the disclosure control."""
    cases = scoped_cases(year, province)
    if by == "organisation":
        key_of = "organisation_id"
        names = dict(Organisation.objects.values_list("pk", "name"))
        rows = cases.values(key_of).annotate(n=Count("pk"))
        keys = sorted({row[key_of] for row in rows}, key=lambda k: names.get(k, ""))
        group_filter = {key: Q(organisation_id=key) for key in keys}
        label = {key: names.get(key, "") for key in keys}
    else:
        provinces = Region.objects.filter(level=Region.Level.PROVINCE)
        if province:
            provinces = provinces.filter(code=province)
        label = dict(provinces.values_list("code", "name"))
        keys = sorted(label)
        group_filter = {key: Q(exploitation_regency__code__startswith=f"{key}.") for key in keys}
    # Counts: registered and reaching each step (not additive across steps: a case reaches several).
    counted = cases.aggregate(
        **{f"{k}|registered": Count("pk", filter=group_filter[k]) for k in keys},
        **{f"{k}|{name}": Count("pk", filter=group_filter[k] & Q(**{f"{name}__isnull": False}))
           for k in keys for name, _l in MILESTONES},
    ) if keys else {}  # fmt: skip
    columns = ["registered", *[name for name, _l in MILESTONES]]
    steps_table = suppress(
        Table(
            shape=(len(keys), len(columns)),
            counts={(i, j): counted[f"{k}|{c}"] for i, k in enumerate(keys) for j, c in enumerate(columns)},
            threshold=THRESHOLD,
            additive=(True, False),
        )
    )
    sent = Referral.objects.filter(case__in=cases)
    referral_counts = {
        (row["g"], row["state"]): row["n"]
        for row in _grouped(sent, by, "case__").values("g", "state").annotate(n=Count("pk"))
    }
    states = [state for state, _label in REFERRAL_STATES]
    referrals_table = suppress(
        Table(
            shape=(len(keys), len(states)),
            counts={(i, j): referral_counts.get((k, s), 0) for i, k in enumerate(keys) for j, s in enumerate(states)},
            threshold=THRESHOLD,
        )
    )
    late_rows = _grouped(
        Task.objects.filter(state=Task.State.OPEN, due_on__lt=timezone.localdate(), case__in=cases), by, "case__"
    )
    late = dict(late_rows.values("g").annotate(n=Count("pk")).values_list("g", "n"))
    late_table = suppress(
        Table(shape=(len(keys),), counts={(i,): late.get(k, 0) for i, k in enumerate(keys)}, threshold=THRESHOLD)
    )
    groups = []
    for i, key in enumerate(keys):
        subset = cases.filter(group_filter[key])
        steps = []
        for j, (name, step_label) in enumerate(MILESTONES, start=1):
            reached = counted[f"{key}|{name}"]
            shown = steps_table.label((i, j))
            if reached >= THRESHOLD and (i, j) not in steps_table.suppressed:
                _n, median, p90 = percentiles(subset, name)
                steps.append(Step(step_label, reached, median, p90, shown, _text(median), _text(p90)))
            else:  # too few to describe without telling about a child
                steps.append(Step(step_label, reached, None, None, shown, "…", "…"))
        groups.append(
            Group(
                key=str(key),
                name=label[key],
                registered=steps_table.label((i, 0)),
                steps=steps,
                referrals=[referrals_table.label((i, j)) for j in range(len(states))],
                overdue=late_table.label((i,)),
                median_assessment=steps[0].median,
            )
        )
    return Insights(year=year, by=by, groups=groups)


def _grouped(queryset: QuerySet[Any], by: str, prefix: str) -> QuerySet[Any]:
    """``queryset`` with ``g``: the province code (its first two characters) or the unit, through ``prefix``."""
    from django.db.models.functions import Substr

    if by == "organisation":
        return queryset.annotate(g=F(f"{prefix}organisation_id"))
    return queryset.annotate(g=Substr(f"{prefix}exploitation_regency__code", 1, 2))


def years(organisation_id: Any = None) -> list[int]:
    cases = Case.objects.all() if organisation_id is None else Case.objects.filter(organisation_id=organisation_id)
    found = sorted({d.year for d in cases.dates("registered_on", "year")}, reverse=True)
    return found or [timezone.localdate().year]
