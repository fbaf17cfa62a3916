"""Incidents reported in the media as their own measure in the statistics (``JAGA_STATS_PARTS``): counted
once per incident however many outlets reported it, by the year of the incident and the province, never
added to the case counts; counts from 1 to 4 hidden as everywhere else."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from jaga.cases.choices import Form
from jaga.regions.models import Region
from jaga.research.incidents import BANDS, SEXES, counted
from jaga.stats.disclosure import TOTAL, Table, suppress


def _table(title: Any, unit: Any, rows: list[tuple[str, Any, int]], *, total: bool = True) -> dict[str, Any]:
    grid = suppress(
        Table(
            (len(rows),),
            {(i,): n for i, (_v, _l, n) in enumerate(rows)},
            settings.JAGA_STATS_THRESHOLD,
            additive=(total,),
        )
    )
    return {
        "title": str(title),
        "unit": str(unit),
        "rows": [
            {"value": v, "label": str(label), "shown": grid.label((i,)), "count": grid.published((i,))}
            for i, (v, label, _n) in enumerate(rows)
        ],
        "total": grid.label((TOTAL,)) if total else "",
    }


def figures(year: int, province: str = "") -> dict[str, Any]:
    """The year's incidents (national or one province): by province, by form, and the children they report."""
    incidents = counted().filter(year=year)
    if province:
        incidents = incidents.filter(region__code__startswith=province)
    rows = list(incidents.values_list("region_id", "forms", "children"))
    by_province: Counter[str] = Counter(str(region).split(".")[0] for region, _f, _c in rows)
    by_form: Counter[str] = Counter(form for _r, forms, _c in rows for form in set(forms))
    children: Counter[str] = Counter()
    for _r, _f, counts in rows:
        children.update({key: int(n) for key, n in counts.items()})
    names = dict(Region.objects.filter(level=Region.Level.PROVINCE).values_list("code", "name"))
    provinces = [province] if province else sorted(names)
    incident_word = _("Incidents")
    sex_label = {"female": _("Girls"), "male": _("Boys"), "unknown": _("Sex not reported")}
    return {
        "year": year,
        "incidents": len(rows),
        "tables": [
            _table(
                _("Incidents reported in the media, by province"),
                incident_word,
                [(code, names.get(code, code), by_province.get(code, 0)) for code in provinces],
            ),
            _table(
                _("Incidents reported in the media, by form of exploitation"),
                incident_word,
                [(value, label, by_form.get(value, 0)) for value, label in Form.choices],
                total=False,
            ),
            _table(
                _("Children in the incidents reported, by age and sex"),
                _("Children"),
                [
                    (
                        f"{band}|{sex}",
                        f"{band if band != 'unknown' else _('Age not reported')} · {sex_label[sex]}",
                        children.get(f"{band}|{sex}", 0),
                    )
                    for band in BANDS
                    for sex in SEXES
                ],
            ),
        ],
        "note": _(
            "Counted by researchers from news reports and public documents: each incident once, however many "
            "outlets reported it, in the year it happened. These are not the cases agencies recorded and are "
            "never added to them; many cases never reach the news, and some incidents in the news never reach "
            "an agency."
        ),
    }


def stats_part(year: int, province: str) -> dict[str, Any] | None:
    """The statistics page's section on incidents in the media (None when none was recorded that year)."""
    found = figures(year, province)
    if not found["incidents"]:
        return None
    return {"template": "research/_stats_part.html", "title": _("Incidents reported in the media"), **found}
