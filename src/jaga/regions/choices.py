"""Region pickers, grouped by province (<optgroup>) so that 514 regencies stay navigable."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from jaga.regions.models import Region


def _by_province(label: Any) -> tuple[dict[str, str], dict[str, list[tuple[str, str]]]]:
    """Province names, and each province's regencies as (code, ``label(code, name)``)."""
    provinces = dict(Region.objects.filter(level=Region.Level.PROVINCE).values_list("code", "name"))
    groups: dict[str, list[tuple[str, str]]] = {}
    for code, name, parent in Region.objects.filter(level=Region.Level.REGENCY).values_list("code", "name", "parent"):
        groups.setdefault(str(parent), []).append((code, label(code, name)))
    return provinces, groups


def regency_choices(blank: str) -> list[Any]:
    """A regency/city, grouped under its province (intake, hotline)."""
    provinces, groups = _by_province(lambda code, name: f"{code} · {name}")
    return [("", blank), *((provinces.get(parent, parent), rows) for parent, rows in groups.items())]


def region_choices(blank: str = "") -> list[Any]:
    """A province (all of it) or one of its regencies/cities (filters, advocacy asks)."""
    provinces, groups = _by_province(lambda _code, name: name)
    whole = {
        code: [(code, _("%(province)s: the whole province") % {"province": name})] for code, name in provinces.items()
    }
    for parent, rows in groups.items():
        whole.setdefault(parent, []).extend(rows)
    return [("", blank or "—"), *((provinces.get(code, code), rows) for code, rows in whole.items())]
