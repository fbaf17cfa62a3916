"""The caseload insights page: a unit's own numbers for its supervisors, and per province or unit,
through the disclosure control, for readers of statistics. Charts with their tables; CSV export."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from jaga.accounts.access import require_perm
from jaga.accounts.permissions import user_has_perm
from jaga.accounts.requests import AuthedHttpRequest
from jaga.core.tables import csv_download
from jaga.stats import charts
from jaga.stats.access import province_scope
from jaga.stats.caseload import MILESTONES, REFERRAL_STATES, Insights, unit_insights, wide_insights, years


def _header() -> list[str]:
    header = [_("Group"), _("Cases registered")]
    for _name, label in MILESTONES:
        header += [
            _("%(step)s: cases") % {"step": label},
            _("%(step)s: median days") % {"step": label},
            _("%(step)s: 90th percentile days") % {"step": label},
        ]
    return header + [str(label) for _state, label in REFERRAL_STATES] + [_("Overdue tasks")]


def _rows(found: Insights) -> list[list[str]]:
    rows = []
    for group in found.groups:
        row = [group.name, group.registered]
        for step in group.steps:
            row += [step.shown_reached, step.shown_median, step.shown_p90]
        rows.append(row + group.referrals + [group.overdue])
    return rows


@require_GET
@require_perm("stats.view")
def caseload_insights_view(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    own_unit = user_has_perm(user, "cases.view_all_org")
    choices = (["unit"] if own_unit else []) + ["province", "organisation"]
    by = request.GET.get("by", choices[0])
    by = by if by in choices else choices[0]
    available = years(user.organisation_id if by == "unit" else None)
    try:
        year = int(request.GET.get("year", available[0]))
    except ValueError:
        year = available[0]
    year = year if year in available else available[0]
    if by == "unit":
        found = unit_insights(user.organisation_id, year)
    else:
        found = wide_insights(year=year, province=province_scope(user), by=by)
    if request.GET.get("format") == "csv":
        response = HttpResponse(csv_download(_header(), _rows(found)), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="jaga-caseload-{by}-{year}.csv"'
        return response
    chart_rows: list[Any]
    if by == "unit":
        group = found.groups[0]
        chart_rows = [(step.label, step.median, step.shown_median) for step in group.steps]
        chart = charts.bars(_("Median days from registration to each step"), chart_rows)
    else:
        chart_rows = [(g.name, g.median_assessment, g.steps[0].shown_median) for g in found.groups]
        chart = charts.bars(_("Median days from registration to the approved assessment"), chart_rows)
    return render(
        request,
        "stats/caseload.html",
        {
            "found": found,
            "choices": choices,
            "by": by,
            "years": available,
            "year": year,
            "chart": chart,
            "milestones": [label for _name, label in MILESTONES],
            "states": [label for _state, label in REFERRAL_STATES],
        },
    )
