"""The report's sections on children and cases: the year in numbers, services and referrals, the legal process.

Nationally and for a province, every table is the published dashboard's own (``stats.aggregates.dashboard``:
suppressed jointly over provinces), so the report says nothing the public statistics hide. For one
organisation the tables are counted from its cases and suppressed table by table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from jaga.cases.models import AgeBand, Case, Sex
from jaga.reports.content import TREND_YEARS, Block, Scope, Section, block, change, counted, section
from jaga.stats.aggregates import Published, child_count, counting, dashboard, eligible_cases, province_map_rows
from jaga.stats.caseload import MILESTONES, percentiles, scoped_cases
from jaga.stats.dimensions import DIMENSIONS

Earlier = Callable[[int], dict[str, Any] | None] | None


def unit_word() -> str:
    """The published statistics' own word for what they count."""
    return str(_("Children") if counting() == "children" else _("Cases"))


def _from_published(key: str, table: Published, unit: str, chart: str = "bars") -> Block:
    return block(
        key,
        table.title,
        [unit],
        [(str(label), [shown], table.numbers.get(value)) for value, label, shown in table.rows],
        total=table.total,
        chart=chart,
        persons=True,
    )


def _org_cases(scope: Scope, year: int) -> QuerySet[Case]:
    return eligible_cases().filter(organisation_id=scope.organisation_id, year=year)


def _org_table(scope: Scope, year: int, dim: str, unit: str, chart: str = "bars") -> Block:
    dimension = DIMENSIONS[dim]
    counts = {
        ("" if row["v"] in (None, "") else str(row["v"])): row["n"]
        for row in _org_cases(scope, year).values(v=dimension.expression).annotate(n=child_count())
    }
    labels = [(str(v), label) for v, label in dimension.choices()]
    rows = [(label, counts.get(value, 0)) for value, label in labels]
    if counts.get(""):
        rows.append((_("Not recorded"), counts[""]))
    return counted(dim, dimension.label, rows, unit=unit, chart=chart, total=not dimension.multi)


def _tables(scope: Scope, year: int, dims: list[str], unit: str) -> dict[str, Block]:
    if scope.kind == "organisation":
        return {dim: _org_table(scope, year, dim, unit) for dim in dims}
    board = dashboard(year=year, province=scope.province)
    return {dim: _from_published(dim, board.tables[dim], unit) for dim in dims}


def total_shown(scope: Scope, year: int, earlier: Earlier = None) -> str:
    """The year's published total: from the year's own published edition if there is one."""
    edition = earlier(year) if earlier else None
    if edition is not None:
        return str(edition["sections"][0]["figures"][0][1])
    if scope.kind == "organisation":
        n = _org_cases(scope, year).aggregate(n=child_count())["n"]
        return f"<{settings.JAGA_STATS_THRESHOLD}" if 0 < n < settings.JAGA_STATS_THRESHOLD else str(n)
    return dashboard(year=year, province=scope.province).total_shown


def _geography(scope: Scope, year: int, unit: str) -> Block | None:
    if scope.kind == "organisation":
        return _org_table(scope, year, "province", unit, chart="")
    board = dashboard(year=year, province=scope.province)
    if scope.province:
        regencies = board.regencies
        if regencies is None:
            return None
        rows = [(str(name), [shown], regencies.numbers.get(code)) for code, name, shown in regencies.rows]
        return block(
            "regency",
            _("By regency/city"),
            [unit],
            rows,
            total=regencies.total,
            chart="regency_map",
            persons=True,
            codes=[code for code, _n, _s in regencies.rows],
        )
    provinces = province_map_rows(board)
    rows = [(name, [shown], n) for _code, name, shown, n in provinces]
    return block(
        "province",
        _("By province"),
        [unit],
        rows,
        total=board.total_shown,
        chart="province_map",
        persons=True,
        codes=[code for code, *_rest in provinces],
    )


def _pyramid(scope: Scope, year: int, unit: str) -> Block:
    if scope.kind == "organisation":
        base = _org_table(scope, year, "age_sex", unit)
        values = [str(v) for v, _l in DIMENSIONS["age_sex"].choices()]  # "not recorded" may follow: not drawn
        keyed = {v: (row[1], n) for v, row, n in zip(values, base["rows"], base["numbers"], strict=False)}
    else:
        table = dashboard(year=year, province=scope.province).tables["age_sex"]
        keyed = {value: (shown, table.numbers.get(value)) for value, _label, shown in table.rows}
    rows = []
    for band, label in AgeBand.choices:
        girls = keyed.get(f"{band}|{Sex.FEMALE}", ("0", 0))
        boys = keyed.get(f"{band}|{Sex.MALE}", ("0", 0))
        rows.append((str(label), [girls[0] or "0", boys[0] or "0"], None))
    found = block(
        "age_sex", _("Age and sex of the children"), [_("Girls"), _("Boys")], rows, chart="pyramid", persons=True
    )
    found["series"] = {
        "female": [keyed.get(f"{band}|{Sex.FEMALE}", ("0", 0))[1] for band, _l in AgeBand.choices],
        "male": [keyed.get(f"{band}|{Sex.MALE}", ("0", 0))[1] for band, _l in AgeBand.choices],
    }
    return found


def _trend(scope: Scope, year: int, unit: str, earlier: Earlier) -> Block:
    years = list(range(year - TREND_YEARS + 1, year + 1))
    shown = [total_shown(scope, y, earlier if y < year else None) for y in years]
    rows = [(str(y), [s], int(s) if s.isdigit() else None) for y, s in zip(years, shown, strict=True)]
    return block("trend", _("Five years"), [unit], rows, chart="columns", persons=True)


def cases_section(scope: Scope, year: int, earlier: Earlier) -> Section:
    unit = unit_word()
    now = total_shown(scope, year)
    before = total_shown(scope, year - 1, earlier)
    tables = _tables(scope, year, ["form", "sex", "age_band", "source", "place_type"], unit)
    text = [change(unit, year, now, before)]
    forms = [
        (row[0], n)
        for row, n in zip(tables["form"]["rows"], tables["form"]["numbers"], strict=True)
        if n and row[0] != str(_("Not recorded"))
    ]
    if forms:
        top = max(forms, key=lambda item: item[1])
        text.append(_("The form of exploitation recorded most often: %(form)s.") % {"form": top[0]})
    blocks = [b for b in [_geography(scope, year, unit)] if b is not None]
    blocks += [
        tables["form"],
        _pyramid(scope, year, unit),
        tables["sex"],
        tables["age_band"],
        tables["source"],
        tables["place_type"],
        _trend(scope, year, unit, earlier),
    ]
    notes = [
        _("A child with several forms of exploitation counts once under each: the forms have no total."),
        _(
            "Totals of different tables may differ: a child counts once in the year's total but in every "
            'age band the records give when linked records disagree, and "not recorded" rows are shown only '
            "where something is missing."
        ),
    ]
    return section("cases", _("The year in numbers"), text=text, figures=[(unit, now)], blocks=blocks, notes=notes)


def _assessment_median(scope: Scope, year: int) -> int | None:
    cases = scoped_cases(year, scope.province)
    if scope.kind == "organisation":
        cases = cases.filter(organisation_id=scope.organisation_id)
    reached, median, _p90 = percentiles(cases, MILESTONES[0][0])
    return median if reached >= settings.JAGA_STATS_THRESHOLD else None


def _median_change(scope: Scope, year: int, now: int | None) -> str:
    before = _assessment_median(scope, year - 1)
    if now is None or before is None:
        return str(
            _("Too few assessments in %(year)s or %(last)s to compare the waiting times.")
            % {"year": year, "last": year - 1}
        )
    if now == before:
        return str(_("The median wait for an assessment is the same as in %(last)s.") % {"last": year - 1})
    return str(
        _("The median wait for an assessment was %(before)s days in %(last)s, %(now)s days in %(year)s.")
        % {"before": before, "last": year - 1, "now": now, "year": year}
    )


def services_section(scope: Scope, year: int) -> Section:
    cases = scoped_cases(year, scope.province)
    if scope.kind == "organisation":
        cases = cases.filter(organisation_id=scope.organisation_id)
    threshold = settings.JAGA_STATS_THRESHOLD
    registered = cases.count()
    steps: list[tuple[Any, int]] = [(_("Registered"), registered)]
    timing: list[tuple[str, list[Any], int | None]] = []
    for name, label in MILESTONES:
        reached, median, p90 = percentiles(cases, name)
        steps.append((label, reached))
        if reached >= threshold:
            timing.append((str(label), [str(median), str(p90)], median))
        else:
            timing.append((str(label), ["…", "…"], None))
    unit = unit_word()
    tables = _tables(scope, year, ["service", "referral"], unit)
    stepped = counted("steps", _("Cases reaching each step"), steps, unit=_("Cases"), total=False)
    days = block(
        "days",
        _("Days from registration to each step"),
        [_("Median"), _("90th percentile")],
        timing,
        chart="bars",
        unit=str(_("days")),
    )
    text = []
    first = timing[0]
    if first[2] is not None:
        text.append(
            _("Half of the children whose assessment was approved waited %(days)s days or fewer for it.")
            % {"days": first[2]}
        )
    text.append(_median_change(scope, year, first[2]))
    return section(
        "services",
        _("Services and referrals"),
        text=text,
        blocks=[stepped, days, tables["service"], tables["referral"]],
        notes=[
            _(
                "Days are counted for the cases registered in the year that reached the step; no median is shown "
                "for fewer than %(t)s cases."
            )
            % {"t": threshold},
        ],
    )


def _staged(table: Block) -> str:
    """How many have a legal stage recorded (every row but "not recorded"), where every row is published."""
    unknown = str(_("Not recorded"))
    numbers = [n for row, n in zip(table["rows"], table["numbers"], strict=True) if row[0] != unknown]
    if any(n is None for n in numbers):
        return "x"
    staged = sum(int(n or 0) for n in numbers)
    return str(staged) if staged == 0 or staged >= settings.JAGA_STATS_THRESHOLD else "x"


def legal_section(scope: Scope, year: int) -> Section:
    unit = unit_word()
    tables = _tables(scope, year, ["legal_stage", "perpetrator_role", "perpetrator_origin"], unit)
    stages = tables["legal_stage"]
    unknown = str(_("Not recorded"))
    known = [(row[0], n) for row, n in zip(stages["rows"], stages["numbers"], strict=True) if n and row[0] != unknown]
    text = [
        change(
            str(_("Children whose case has a legal stage recorded")),
            year,
            _staged(stages),
            _staged(_tables(scope, year - 1, ["legal_stage"], unit)["legal_stage"]),
        )
    ]
    if known:
        top = max(known, key=lambda item: item[1])
        text.append(_("The legal stage recorded most often at the year's end: %(stage)s.") % {"stage": top[0]})
    return section(
        "legal",
        _("Legal process"),
        text=text,
        blocks=[stages, tables["perpetrator_role"], tables["perpetrator_origin"]],
        notes=[_("Perpetrators are counted through the cases: a case with two perpetrators of one role counts once.")],
    )


def sections(scope: Scope, year: int, earlier: Earlier) -> list[Section]:
    return [cases_section(scope, year, earlier), services_section(scope, year), legal_section(scope, year)]
