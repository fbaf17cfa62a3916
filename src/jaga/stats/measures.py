"""What the apps above statistics add beside the cases (``JAGA_STATS_PARTS``: incidents in the media)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string


def other_measures(year: int, province: str) -> list[dict[str, Any]]:
    """Each part's figures for the year (national or one province); parts with nothing to show are left out."""
    found = (import_string(path)(year, province) for path in settings.JAGA_STATS_PARTS)
    return [part for part in found if part]
