"""Cross-tabulations of up to three dimensions, counted from the cases on demand and suppressed."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.utils.translation import gettext as _

from jaga.stats.aggregates import child_count, eligible_cases
from jaga.stats.dimensions import DIMENSIONS, MAX_CROSSTAB_CELLS, MAX_CROSSTAB_DIMENSIONS
from jaga.stats.disclosure import TOTAL, Table, suppress


class CrosstabError(ValueError):
    pass


@dataclass
class Crosstab:
    dims: list[str]
    labels: list[list[tuple[str, Any]]]  # per dimension: (value, label), "" last for not recorded
    table: Table
    year: int | None
    province: str

    def rows(self) -> list[tuple[list[str | None], list[Any], str]]:
        """(values, labels, shown count) for every cell; a total has the value None."""
        axes = [
            [*range(len(labels)), *([TOTAL] if self.table.additive[k] else [])] for k, labels in enumerate(self.labels)
        ]
        out = []
        for cell in itertools.product(*axes):
            values = [None if i == TOTAL else self.labels[k][i][0] for k, i in enumerate(cell)]
            names = [_("Total") if i == TOTAL else self.labels[k][i][1] for k, i in enumerate(cell)]
            out.append((values, names, self.table.label(cell)))
        return out


def crosstab(*, dims: list[str], year: int | None = None, province: str = "") -> Crosstab:
    if not dims:
        raise CrosstabError(_("Choose at least one dimension."))
    if len(dims) > MAX_CROSSTAB_DIMENSIONS:
        raise CrosstabError(_("At most %(max)s dimensions.") % {"max": MAX_CROSSTAB_DIMENSIONS})
    unknown = [d for d in dims if d not in DIMENSIONS]
    if unknown:
        raise CrosstabError(_("Unknown dimension: %(name)s.") % {"name": unknown[0][:40]})
    if len(set(dims)) != len(dims):
        raise CrosstabError(_("Each dimension once."))
    labels = []
    for dim in dims:
        choices = [(str(v), label) for v, label in DIMENSIONS[dim].choices()]
        if province and dim == "regency":
            choices = [(v, label) for v, label in choices if v.startswith(province + ".")]
        if province and dim == "province":
            choices = [(v, label) for v, label in choices if v == province]
        labels.append([*choices, ("", _("Not recorded"))])
    cells = 1
    for values in labels:
        cells *= len(values)
    if cells > MAX_CROSSTAB_CELLS:
        raise CrosstabError(
            _("That table would have %(cells)s cells (at most %(max)s): choose fewer dimensions or one province.")
            % {"cells": cells, "max": MAX_CROSSTAB_CELLS}
        )
    cases = eligible_cases()
    if year:
        cases = cases.filter(year=year)
    if province:
        cases = cases.filter(exploitation_regency__parent_id=province)
    group = {f"d{k}": DIMENSIONS[dim].expression for k, dim in enumerate(dims)}
    index = [{value: j for j, (value, _l) in enumerate(values)} for values in labels]
    counts: dict[tuple[int, ...], int] = {}
    for row in cast(Iterator[dict[str, Any]], cases.values(**group).annotate(n=child_count()).iterator()):
        cell = []
        for k in range(len(dims)):
            value = "" if row[f"d{k}"] in (None, "") else str(row[f"d{k}"])
            cell.append(index[k].get(value, index[k][""]))
        counts[tuple(cell)] = counts.get(tuple(cell), 0) + row["n"]
    additive = tuple(not DIMENSIONS[dim].multi for dim in dims)
    table = suppress(Table(tuple(len(v) for v in labels), counts, settings.JAGA_STATS_THRESHOLD, additive=additive))
    return Crosstab(dims=dims, labels=labels, table=table, year=year, province=province)
