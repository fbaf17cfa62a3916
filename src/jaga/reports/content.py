"""An annual report's content, built once as data and rendered to HTML, PDF and a data package (one source).

``build(scope, year, lang)`` answers a JSON-ready dict: the report's meta, then sections, each with
generated text, key figures, blocks (a table with its chart) and notes on method. Every count of
people (children, reports, participants) goes through the disclosure control of the published
statistics: case tables are the public dashboard's own, suppressed jointly over provinces; other
counts of people are suppressed table by table (``counted``). Counts of things (sessions, asks,
companies) and indicators are published as they are. No name of a child, a staff member or a
perpetrator is read.

The sections live in ``sections_cases`` and ``sections_programmes``; this module holds the scope, the
blocks and the sentences that compare the year with the last.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jaga.stats.disclosure import TOTAL, Table, suppress

Block = dict[str, Any]
Section = dict[str, Any]

# The order of the report; each section's key names its narrative ("section:<key>") and its comments.
SECTION_KEYS = [
    "cases",
    "services",
    "legal",
    "hotline",
    "research",
    "advocacy",
    "training",
    "campaigns",
    "code",
    "results",
    "method",
]
TREND_YEARS = 5


@dataclass(frozen=True)
class Scope:
    """What a report covers: all of Indonesia, one province (code) or one organisation (its cases and work)."""

    kind: str  # "national", "province", "organisation"
    province: str = ""
    organisation_id: Any = None
    name: str = ""

    @property
    def national(self) -> bool:
        return self.kind == "national"


def counted(
    key: str,
    title: Any,
    rows: Sequence[tuple[Any, int]],
    *,
    unit: Any,
    chart: str = "bars",
    total: bool = True,
) -> Block:
    """A table of counts of people, suppressed as the published statistics are (1 to 4 hidden, with
    complements so that nothing hidden follows from the total). ``total`` False: the rows overlap (a
    report names several forms), so there is no total and each count is only protected alone."""
    table = suppress(
        Table(
            (len(rows),),
            {(i,): n for i, (_label, n) in enumerate(rows)},
            settings.JAGA_STATS_THRESHOLD,
            additive=(total,),
        )
    )
    return block(
        key,
        title,
        [str(unit)],
        [(str(label), [table.label((i,))], table.published((i,))) for i, (label, _n) in enumerate(rows)],
        total=table.label((TOTAL,)) if total else "",
        chart=chart,
        persons=True,
    )


def block(
    key: str,
    title: Any,
    header: Sequence[Any],
    rows: Sequence[tuple[str, Sequence[Any], int | float | None]],
    *,
    total: str = "",
    chart: str = "",
    persons: bool = False,
    unit: str = "",
    codes: Sequence[str] = (),
) -> Block:
    """One table (and the chart drawn from it): rows of (label, shown cells, number for the chart)."""
    return {
        "key": key,
        "title": str(title),
        "header": [str(h) for h in header],
        "rows": [[label, *[str(c) for c in cells]] for label, cells, _n in rows],
        "numbers": [n for _l, _c, n in rows],
        "codes": list(codes),
        "total": total,
        "chart": chart,
        "persons": persons,  # counts of people: every cell passed the disclosure control
        "unit": unit,
    }


def number(shown: str) -> int | None:
    """A published count as a number; None where it is hidden ("<5", "x") or absent."""
    return int(shown) if shown.isdigit() else None


def change(what: str, year: int, now: str, before: str) -> str:
    """One sentence comparing the year with the one before, from the published figures only."""
    a, b = number(now), number(before)
    if a is None:
        return _("%(what)s in %(year)s: not published (too few, or hidden to protect a small count).") % {
            "what": what,
            "year": year,
        }
    if b is None or b == 0:
        return _("%(what)s in %(year)s: %(now)s (no published figure for %(last)s to compare).") % {
            "what": what,
            "year": year,
            "now": now,
            "last": year - 1,
        }
    percent = round(100 * (a - b) / b)
    if percent == 0:
        trend = _("about the same as in %(last)s (%(before)s)")
    elif percent > 0:
        trend = _("up %(percent)s%% from %(before)s in %(last)s")
    else:
        trend = _("down %(percent)s%% from %(before)s in %(last)s")
    return _("%(what)s in %(year)s: %(now)s, %(trend)s.") % {
        "what": what,
        "year": year,
        "now": now,
        "trend": trend % {"percent": abs(percent), "before": before, "last": year - 1},
    }


def section(
    key: str,
    title: Any,
    *,
    text: Sequence[str] = (),
    figures: Sequence[tuple[Any, str]] = (),
    blocks: Sequence[Block] = (),
    notes: Sequence[Any] = (),
) -> Section:
    return {
        "key": key,
        "title": str(title),
        "text": [str(t) for t in text],
        "figures": [[str(label), str(value)] for label, value in figures],
        "blocks": list(blocks),
        "notes": [str(n) for n in notes],
    }


def build(scope: Scope, year: int, lang: str, *, earlier: Callable[[int], dict[str, Any] | None] | None = None) -> dict:
    """The whole report in ``lang``. ``earlier(year)`` gives a published edition's content for a past
    year of the same scope, whose figures the trend and the comparisons reuse (a report never
    publishes a past year's figure differently from the edition that published it)."""
    from jaga.reports import sections_cases, sections_programmes
    from jaga.stats.aggregates import latest_refresh

    with translation.override(lang):
        refresh = latest_refresh()
        sections = [
            *sections_cases.sections(scope, year, earlier),
            *sections_programmes.sections(scope, year),
        ]
        sections.append(method(scope, refresh is not None and refresh.linked))
        return {
            "meta": {
                "year": year,
                "scope": scope.kind,
                "province": scope.province,
                "organisation": str(scope.organisation_id or ""),
                "scope_name": scope.name or str(_("Indonesia")),
                "lang": lang,
                "built_at": timezone.now().isoformat(timespec="seconds"),
                "figures_as_of": refresh.finished_at.isoformat(timespec="seconds")
                if refresh and refresh.finished_at
                else "",
                "threshold": settings.JAGA_STATS_THRESHOLD,
                "title": str(_("Annual report %(year)s") % {"year": year}),
                "subtitle": str(
                    _("Commercial sexual exploitation of children (ESKA): %(scope)s")
                    % {"scope": scope.name or _("Indonesia")}
                ),
            },
            "sections": sections,
        }


def method(scope: Scope, linked: bool) -> Section:
    threshold = settings.JAGA_STATS_THRESHOLD
    counting = (
        _("Children are counted after linkage: the records that several agencies keep of one child count once.")
        if linked
        else _("No linkage has run yet: every case record counts, so a child known to two agencies counts twice.")
    )
    return section(
        "method",
        _("Notes on method"),
        text=[
            counting,
            _(
                "A child counts in the year the case was registered and in the province where the exploitation "
                "happened. Cases restricted under UU 27/2022 (PDP), and cases without consent or another lawful "
                "basis for statistics, are not counted."
            ),
            _(
                'Disclosure control: no count of people from 1 to %(small)s is published (it reads "<%(t)s"), and '
                'further counts are hidden ("x") wherever a hidden one could be worked out from totals. The case '
                "tables are the published statistics' own, protected jointly over all provinces."
            )
            % {"small": threshold - 1, "t": threshold},
            _(
                "Figures of earlier years are those their own published editions gave, where there is one, so "
                "that two editions can never be subtracted from each other to reveal a late-registered case."
            ),
            _(
                "Hotline reports are counted as received, not as children: one report can concern several children "
                "and several reports one child. Training, campaign and The Code figures come from the programme "
                "records kept in Jaga."
            ),
        ],
    )
