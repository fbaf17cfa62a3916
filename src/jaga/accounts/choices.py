"""Long select lists made navigable: organisations grouped by type (<optgroup>), for every form that offers them."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from jaga.accounts.models import Organisation


def organisation_choices(organisations: QuerySet[Organisation], blank: str = "—") -> list[Any]:
    """``organisations`` grouped under their type, by name; the field's queryset still checks the answer."""
    labels = dict(Organisation.Type.choices)
    groups: dict[str, list[tuple[str, str]]] = {}
    for organisation in organisations.order_by("name"):
        groups.setdefault(str(labels.get(organisation.type, organisation.type)), []).append(
            (str(organisation.pk), organisation.name)
        )
    return [("", blank), *sorted(groups.items())]
