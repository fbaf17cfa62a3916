"""Pagination that stays fast on very large lists: it counts up to a cap, then says "more than"."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.paginator import Paginator
from django.db.models import IntegerField, QuerySet, Subquery

COUNT_CAP = 1_000


class CappedPaginator(Paginator):
    """``count`` is exact up to COUNT_CAP; beyond it, COUNT_CAP + 1 (shown as "more than 1000").

    Counting a million rows exactly costs more than showing the page (docs/benchmarks.md), and
    nobody pages that far: they filter. The count ignores the order, which it does not need.
    """

    @cached_property
    def count(self) -> int:
        rows: QuerySet[Any] = self.object_list  # type: ignore[assignment]  # a queryset: only they are paged here
        return rows.order_by()[: COUNT_CAP + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP

    @property
    def cap(self) -> int:
        return COUNT_CAP


def capped_count(queryset: Any) -> int:
    """How many, exact up to COUNT_CAP and COUNT_CAP + 1 beyond (pages show it as "more than 1000"):
    a home page's counts stay fast however long a queue grows."""
    return int(queryset.order_by()[: COUNT_CAP + 1].count())


class _CappedCount(Subquery):
    """``(SELECT COUNT(*) FROM (<the subquery, LIMIT cap + 1>) AS capped)``: a correlated count that
    stops reading at the cap (PostgreSQL and SQLite both take a correlated subquery in FROM)."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS capped)"
    output_field = IntegerField()


def capped_subquery(queryset: Any, cap: int = COUNT_CAP) -> Any:
    """An annotation counting ``queryset`` (which may use OuterRef) up to ``cap`` + 1, from its index."""
    return _CappedCount(queryset.order_by().values("pk")[: cap + 1])


def api_pages(items: type[Any], name: str, page_size: int = 50) -> tuple[type[Any], type[Any]]:
    """A REST page of ``items`` (count up to COUNT_CAP + 1, next, previous, results): the pagination
    class and its documented serializer, for the API's long lists (notifications, tasks)."""
    from rest_framework import serializers
    from rest_framework.pagination import PageNumberPagination

    pagination = type(f"{name}Pagination", (PageNumberPagination,), {
        "page_size": page_size, "django_paginator_class": CappedPaginator,
    })  # fmt: skip
    page = type(f"{name}PageSerializer", (serializers.Serializer,), {
        "count": serializers.IntegerField(help_text="Stops at 1,001 on very long lists"),
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": items(many=True),
    })  # fmt: skip
    return pagination, page
