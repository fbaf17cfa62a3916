from __future__ import annotations

from typing import Any


def province_scope(user: Any) -> str:
    """The province a user's statistics are limited to: their organisation's, or "" (all of Indonesia)
    for national organisations and the public."""
    region = user.organisation.jurisdiction if user.is_authenticated else None
    return region.code.split(".")[0] if region is not None else ""
