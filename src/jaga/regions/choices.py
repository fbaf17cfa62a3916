"""The region picker: a province (all of it) or one of its regencies/cities, grouped by province."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from jaga.regions.models import Region


def region_choices(blank: str = "") -> list[Any]:
    provinces = dict(Region.objects.filter(level=Region.Level.PROVINCE).values_list("code", "name"))
    groups: dict[str, list[tuple[str, str]]] = {
        code: [(code, _("%(province)s: the whole province") % {"province": name})] for code, name in provinces.items()
    }
    for code, name, parent in Region.objects.filter(level=Region.Level.REGENCY).values_list("code", "name", "parent"):
        groups.setdefault(parent, []).append((code, name))
    return [("", blank or "—"), *((provinces.get(code, code), rows) for code, rows in groups.items())]
