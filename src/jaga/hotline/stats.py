"""Hotline figures for the statistics dashboards: reports by form, channel, province and outcome,
and how long triage and referral take. Counts only; no report's contents."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count

from jaga.cases.models import Form
from jaga.hotline.models import Channel, Outcome, Report, State
from jaga.regions.models import Region


def _hours(deltas: list[timedelta]) -> dict[str, float | None]:
    """Median and 90th percentile, in hours (None without data)."""
    if not deltas:
        return {"count": 0, "median": None, "p90": None}
    ordered = sorted(d.total_seconds() / 3600 for d in deltas)
    return {
        "count": len(ordered),
        "median": round(ordered[len(ordered) // 2], 1),
        "p90": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))], 1),
    }


def report_statistics(
    *, since: datetime | None = None, until: datetime | None = None, province: str = ""
) -> dict[str, Any]:
    """Counts of the reports received from ``since`` until ``until`` (in one province: by their regency)."""
    reports = Report.objects.all()
    if province:
        reports = reports.filter(regency__parent_id=province)
    if since:
        reports = reports.filter(received_at__gte=since)
    if until:
        reports = reports.filter(received_at__lt=until)
    total = reports.count()
    by_form: Counter[str] = Counter()
    for forms in reports.values_list("forms", flat=True).iterator():
        by_form.update(set(forms))
    channels = dict(reports.values_list("channel").annotate(n=Count("pk")).values_list("channel", "n"))
    states = dict(reports.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    provinces = dict(Region.objects.filter(level=Region.Level.PROVINCE).values_list("code", "name"))
    by_province: Counter[str] = Counter()
    for regency in reports.values_list("regency_id", flat=True).iterator():
        by_province[regency.split(".")[0] if regency else ""] += 1
    outcomes = dict(
        Outcome.objects.filter(report__in=reports)
        .values_list("kind")
        .annotate(n=Count("report", distinct=True))
        .values_list("kind", "n")
    )
    triage = [
        row["first_triaged_at"] - row["received_at"]  # type: ignore[operator]  # filtered: not null
        for row in reports.filter(first_triaged_at__isnull=False).values("received_at", "first_triaged_at")
    ]
    referral = [
        row["referred_at"] - row["received_at"]  # type: ignore[operator]  # filtered: not null
        for row in reports.filter(referred_at__isnull=False).values("received_at", "referred_at")
    ]
    return {
        "total": total,
        "by_form": [(str(label), by_form.get(value, 0)) for value, label in Form.choices],
        "by_channel": [(str(label), channels.get(value, 0)) for value, label in Channel.choices],
        "by_state": [(str(label), states.get(value, 0)) for value, label in State.choices],
        "by_outcome": [(str(label), outcomes.get(value, 0)) for value, label in Outcome.Kind.choices],
        "by_province": sorted(
            ((provinces.get(code, code) if code else "—", n) for code, n in by_province.items()),
            key=lambda item: (-item[1], item[0]),
        ),
        "time_to_triage": _hours(triage),
        "time_to_referral": _hours(referral),
        "online_share": round(100 * reports.filter(online=True).count() / total) if total else None,
    }
