from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from jaga.regions.models import Region
from jaga.regions.sources import RegionRecord


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    unchanged: int


@transaction.atomic
def regions_load(*, records: list[RegionRecord]) -> LoadResult:
    """Create or update every region from ``records``; all or nothing.

    Regions are never deleted here: cases keep pointing at the codes they were recorded with.
    """
    known = {code for code, _ in Region.Level.choices}
    codes = {record.code for record in records}
    for record in records:
        if record.level not in known:
            raise ValueError(f"region {record.code}: unknown level {record.level!r}")
        if record.parent_code and record.parent_code not in codes:
            raise ValueError(f"region {record.code}: parent {record.parent_code} is not in the data")
    existing = {region.code: region for region in Region.objects.all()}
    created = updated = unchanged = 0
    for record in records:
        region = existing.get(record.code)
        if region is None:
            Region.objects.create(code=record.code, name=record.name, level=record.level, parent_id=record.parent_code)
            created += 1
        elif (region.name, region.level, region.parent_id) != (record.name, record.level, record.parent_code):
            region.name, region.level, region.parent_id = record.name, record.level, record.parent_code
            region.save(update_fields=["name", "level", "parent"])
            updated += 1
        else:
            unchanged += 1
    return LoadResult(created=created, updated=updated, unchanged=unchanged)
