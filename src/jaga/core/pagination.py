"""Pagination that stays fast on very large lists: it counts up to a cap, then says "more than"."""

from __future__ import annotations

from functools import cached_property

from django.core.paginator import Paginator

COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """``count`` is exact up to COUNT_CAP; beyond it, COUNT_CAP + 1 (shown as "more than 10,000").

    Counting a million rows exactly costs more than showing the page; nobody pages that far.
    """

    @cached_property
    def count(self) -> int:
        return self.object_list[: COUNT_CAP + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP

    @property
    def cap(self) -> int:
        return COUNT_CAP
