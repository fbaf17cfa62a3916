"""Building the aggregates from the cases, and reading tables out of them with disclosure control.

Counting: children. Once linkage has run, the records of one child (one cluster) count once in
each cell; a record no run has seen yet counts as a child of its own; before any run, every case
counts. Each record counts in the year it was registered and the province where the exploitation
happened, so a child recorded in two provinces counts once in each (docs/adr/0012).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, cast

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, F, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from jaga.audit.services import audit_checkpoint_save
from jaga.cases.models import Case
from jaga.core.bulk import bulk_insert
from jaga.linkage.models import ClusterMember
from jaga.stats.dimensions import DASHBOARD_DIMENSIONS, DIMENSIONS, SIMFONI_DIMENSIONS
from jaga.stats.disclosure import TOTAL, Table, suppress
from jaga.stats.models import Aggregate, GridCache, Refresh

# Stored per (province, year, form filter): these dimensions, the month, the regency and the total.
STORED = [*DASHBOARD_DIMENSIONS, "month", "regency", "total", *SIMFONI_DIMENSIONS]


def eligible_cases() -> QuerySet[Case]:
    return Case.objects.filter(in_statistics=True)


def child_count() -> Count:
    """Distinct children: the linkage cluster, or the case itself where linkage has not placed it."""
    return Count(Coalesce("cluster_membership__cluster", "id"), distinct=True)


def _path(name: str) -> Any:
    return DIMENSIONS[name].expression


@transaction.atomic
def stats_refresh() -> Refresh:
    """Rebuilds every aggregate from the cases (a background task; seconds for a million cases)."""
    run = Refresh.objects.create()
    cases = eligible_cases()
    rows: dict[tuple[str, str, int, str, str], int] = {}
    base = {"p": F("exploitation_regency__parent_id"), "y": F("year")}
    for dim in STORED:
        for with_form in (False, True):
            if with_form and dim in ("form", "simfoni_type"):
                continue
            group = {**base, **({"f": F("form_links__form")} if with_form else {})}
            if dim != "total":
                group["v"] = _path(dim)
            query = cases.values(**group).annotate(n=child_count())
            for row in cast(Iterator[dict[str, Any]], query.iterator()):
                value = "" if row.get("v") in (None, "") else str(row["v"])
                key = (dim, row["p"], row["y"], row.get("f", "") if with_form else "", value)
                rows[key] = rows.get(key, 0) + row["n"]
    Aggregate.objects.all().delete()
    bulk_insert(
        [
            Aggregate(dim=dim, province=province, year=year, form=form or "", value=value, count=count)
            for (dim, province, year, form, value), count in rows.items()
        ]
    )
    run.cases = cases.count()
    run.children = cases.aggregate(n=child_count())["n"]
    run.linked = ClusterMember.objects.exists()
    run.excluded = Case.objects.filter(in_statistics=False).count()
    run.finished_at = timezone.now()
    run.save()
    Refresh.objects.exclude(pk=run.pk).delete()  # and their cached tables: they describe old figures
    transaction.on_commit(lambda: [grids(year=year) for year in years_available()], robust=True)  # pages, ready
    # The refresh runs on a schedule (`jaga stats refresh`, and after changes): it also signs and saves
    # the audit log's head outside the database, so a rewritten or emptied log is detected.
    transaction.on_commit(audit_checkpoint_save, robust=True)
    return run


def latest_refresh() -> Refresh | None:
    return Refresh.objects.filter(finished_at__isnull=False).order_by("-started_at").first()


def counting() -> str:
    """What the published figures count: "children" once a linkage run has placed the records, else "cases"."""
    refresh = latest_refresh()
    return "children" if refresh is not None and refresh.linked else "cases"


# --- Reading tables ---------------------------------------------------------------------------------


@dataclass
class Published:
    """One table as published: rows of (value, label, shown) where shown is a number or "<5"/"x"."""

    dim: str
    title: Any
    rows: list[tuple[str, Any, str]]
    total: str  # the table's total as shown ("" where a total would double-count)
    numbers: dict[str, int | None] = field(default_factory=dict)  # value -> published count (None: hidden)
    note: str = ""  # why the total differs from the year's, where it does


def years_available() -> list[int]:
    return sorted(set(Aggregate.objects.filter(dim="total").values_list("year", flat=True)), reverse=True)


def _load(year: int, form: str, dims: list[str]) -> dict[str, dict[tuple[str, str], int]]:
    """dim -> (province, value) -> count, for one year and form filter."""
    found: dict[str, dict[tuple[str, str], int]] = defaultdict(dict)
    for dim, province, value, count in Aggregate.objects.filter(year=year, form=form, dim__in=dims).values_list(
        "dim", "province", "value", "count"
    ):
        found[dim][(province, value)] = count
    return found


@dataclass
class Dashboard:
    year: int
    form: str
    province: str  # "" for national
    totals: Table  # province x 1: the map, and every table's margins
    provinces: list[tuple[str, str]]
    tables: dict[str, Published]
    months: Published
    regencies: Published | None
    total_shown: str
    threshold: int


def _values(dim: str) -> list[str]:
    if dim == "month":
        return [str(m) for m in range(1, 13)]
    return [str(value) for value, _label in DIMENSIONS[dim].choices()] + [""]


@dataclass
class Grids:
    """The suppressed tables of one year and form filter, province by value; language-free, cached."""

    provinces: list[str]
    totals: Table
    tables: dict[str, Table]
    regencies: dict[str, tuple[list[str], Table]]


def grids(*, year: int, form: str = "") -> Grids:
    """This process's copy, else the database's (computed once per refresh by whoever asks first)."""
    refresh = latest_refresh()
    threshold = settings.JAGA_STATS_THRESHOLD
    key = f"jaga-stats:{refresh.pk if refresh else 0}:{year}:{form}:{threshold}"
    found = cache.get(key)
    if found is not None:
        return found
    stored = (
        GridCache.objects.filter(refresh=refresh, year=year, form=form, threshold=threshold).first()
        if refresh
        else None
    )
    if stored is not None:
        found = _grids_from_json(stored.data)
    else:
        found = _compute_grids(year, form)
        if refresh is not None:
            GridCache.objects.get_or_create(
                refresh=refresh, year=year, form=form, threshold=threshold, defaults={"data": _grids_to_json(found)}
            )
    cache.set(key, found, timeout=None)
    return found


def _table_to_json(table: Table) -> dict[str, Any]:
    def key(cell: tuple[int, ...]) -> str:
        return ",".join(map(str, cell))

    return {
        "shape": list(table.shape),
        "threshold": table.threshold,
        "additive": list(table.additive),
        "counts": {key(c): n for c, n in table.counts.items() if n},
        "primary": [key(c) for c in sorted(table.primary)],
        "secondary": [key(c) for c in sorted(table.secondary)],
    }


def _table_from_json(data: dict[str, Any]) -> Table:
    def cell(text: str) -> tuple[int, ...]:
        return tuple(int(part) for part in text.split(","))

    table = Table(
        tuple(data["shape"]),
        {cell(k): n for k, n in data["counts"].items()},
        data["threshold"],
        additive=tuple(data["additive"]),
    )
    table.primary = {cell(k) for k in data["primary"]}
    table.secondary = {cell(k) for k in data["secondary"]}
    return table


def _grids_to_json(found: Grids) -> dict[str, Any]:
    return {
        "provinces": found.provinces,
        "totals": _table_to_json(found.totals),
        "tables": {dim: _table_to_json(t) for dim, t in found.tables.items()},
        "regencies": {p: [codes, _table_to_json(t)] for p, (codes, t) in found.regencies.items()},
    }


def _grids_from_json(data: dict[str, Any]) -> Grids:
    return Grids(
        provinces=data["provinces"],
        totals=_table_from_json(data["totals"]),
        tables={dim: _table_from_json(t) for dim, t in data["tables"].items()},
        regencies={p: (codes, _table_from_json(t)) for p, (codes, t) in data["regencies"].items()},
    )


def _compute_grids(year: int, form: str) -> Grids:
    threshold = settings.JAGA_STATS_THRESHOLD
    provinces = [str(code) for code, _name in DIMENSIONS["province"].choices()]
    pindex = {code: i for i, code in enumerate(provinces)}
    dims = [*DASHBOARD_DIMENSIONS, "month", *SIMFONI_DIMENSIONS]
    loaded = _load(year, form, [*dims, "total", "regency"])
    totals = suppress(
        Table(
            (len(provinces), 1),
            {(pindex[p], 0): n for (p, _v), n in loaded["total"].items() if p in pindex},
            threshold,
            additive=(True, False),
        )
    )
    hidden: set[tuple[int, ...]] = {(i, TOTAL) for i in range(len(provinces)) if (i, 0) in totals.suppressed}
    locked: set[tuple[int, ...]] = {(i, TOTAL) for i in range(len(provinces)) if (i, 0) not in totals.suppressed}
    (hidden if (TOTAL, 0) in totals.suppressed else locked).add((TOTAL, TOTAL))
    tables = {}
    for dim in dims:
        values = _values(dim)
        vindex = {value: j for j, value in enumerate(values)}
        counts: dict[tuple[int, ...], int] = {}
        for (p, v), n in loaded[dim].items():
            if p in pindex:  # a value outside the list (an age band not recorded) counts as "not recorded"
                cell = (pindex[p], vindex.get(v, vindex.get("", 0)))
                counts[cell] = counts.get(cell, 0) + n
        multi = dim in DIMENSIONS and DIMENSIONS[dim].multi
        tables[dim] = suppress(
            Table(
                (len(provinces), len(values)),
                counts,
                threshold,
                additive=(True, not multi),
                forced=set() if multi else hidden,
                locked=set() if multi else locked,
            )
        )
    regencies = {}
    by_province: dict[str, list[str]] = defaultdict(list)
    for code, _name in DIMENSIONS["regency"].choices():
        by_province[str(code).split(".")[0]].append(str(code))
    for province, codes in by_province.items():
        if province not in pindex:
            continue
        rindex = {code: j for j, code in enumerate(codes)}
        counts = {(rindex[v],): n for (p, v), n in loaded["regency"].items() if p == province and v in rindex}
        margin_hidden = (pindex[province], 0) in totals.suppressed
        grid = Table(
            (len(codes),),
            counts,
            threshold,
            forced={(TOTAL,)} if margin_hidden else set(),
            locked=set() if margin_hidden else {(TOTAL,)},
        )
        regencies[province] = (codes, suppress(grid))
    return Grids(provinces=provinces, totals=totals, tables=tables, regencies=regencies)


def dashboard(*, year: int, province: str = "", form: str = "") -> Dashboard:
    """Every table of a dashboard, suppressed jointly over provinces so that national and
    provincial figures cannot be differenced (see docs/adr/0010-disclosure-control.md)."""
    found = grids(year=year, form=form)
    names = {str(code): str(name) for code, name in DIMENSIONS["province"].choices()}
    provinces = [(code, names.get(code, code)) for code in found.provinces]
    pindex = {code: i for i, code in enumerate(found.provinces)}
    row = pindex.get(province, TOTAL) if province else TOTAL
    totals = found.totals

    def table(dim: str, title: Any) -> Published:
        grid = found.tables[dim]
        labels = (
            [(str(m), str(m)) for m in range(1, 13)]
            if dim == "month"
            else [*((str(v), label) for v, label in DIMENSIONS[dim].choices()), ("", _("Not recorded"))]
        )
        rows = []
        numbers: dict[str, int | None] = {}
        for j, (value, label) in enumerate(labels):
            cell = (row, j)
            if value == "" and grid.values.get(cell, 0) == 0:
                continue  # "not recorded" only where something is not recorded
            rows.append((value, label, grid.label(cell)))
            numbers[value] = grid.published(cell)
        total = grid.label((row, TOTAL)) if (row, TOTAL) in grid.values else ""
        return Published(dim=dim, title=title, rows=rows, total=total, numbers=numbers)

    # Filtered to one form, the table of forms would only repeat the filter: it is left out.
    tables = {dim: table(dim, DIMENSIONS[dim].label) for dim in DASHBOARD_DIMENSIONS if not (form and dim == "form")}
    months = table("month", _("Month"))
    regencies = None
    if province in found.regencies:
        codes, grid = found.regencies[province]
        regency_names = {str(code): name for code, name in DIMENSIONS["regency"].choices()}
        regencies = Published(
            dim="regency",
            title=DIMENSIONS["regency"].label,
            rows=[(code, regency_names[code], grid.label((j,))) for j, code in enumerate(codes)],
            total=grid.label((TOTAL,)),
            numbers={code: grid.published((j,)) for j, code in enumerate(codes)},
        )
    total_cell = (pindex[province], 0) if province else (TOTAL, 0)
    year_total = totals.label(total_cell)
    for published in [*tables.values(), months]:
        if published.total.isdigit() and year_total.isdigit() and published.total != year_total:
            published.note = _(
                "This table adds up to %(total)s, not the year's %(year_total)s: a child whose linked records "
                "disagree on it (two age bands, two months of registration) counts once under each."
            ) % {"total": published.total, "year_total": year_total}
    return Dashboard(
        year=year,
        form=form,
        province=province,
        totals=totals,
        provinces=provinces,
        tables=tables,
        months=months,
        regencies=regencies,
        total_shown=year_total,
        threshold=settings.JAGA_STATS_THRESHOLD,
    )


def province_map_rows(board: Dashboard) -> list[tuple[str, str, str, int | None]]:
    """(code, name, shown, number) per province, from the jointly suppressed totals."""
    return [
        (code, name, board.totals.label((i, 0)), board.totals.published((i, 0)))
        for i, (code, name) in enumerate(board.provinces)
    ]
