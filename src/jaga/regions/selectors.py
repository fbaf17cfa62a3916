from __future__ import annotations

from django.db.models import QuerySet

from jaga.regions.models import Region


def region_list(*, level: str | None = None, parent: str | None = None) -> QuerySet[Region]:
    regions = Region.objects.all()
    if level:
        regions = regions.filter(level=level)
    if parent:
        regions = regions.filter(parent_id=parent)
    return regions.order_by("code")
