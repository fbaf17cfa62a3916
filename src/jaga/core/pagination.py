"""Pagination that stays fast on very large lists: it counts up to a cap, then says "more than"."""

from __future__ import annotations

from functools import cached_property

from django.core.paginator import Paginator

COUNT_CAP = 1_000


class CappedPaginator(Paginator):
    """``count`` is exact up to COUNT_CAP; beyond it, COUNT_CAP + 1 (shown as "more than 1000").

    Counting a million rows exactly costs more than showing the page (docs/benchmarks.md), and
    nobody pages that far: they filter. The count ignores the order, which it does not need.
    """

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by()[: COUNT_CAP + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP

    @property
    def cap(self) -> int:
        return COUNT_CAP
