"""Who may change programme data: programme officers (``programs.manage``)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from jaga.accounts.permissions import user_has_perm


def require_manager(actor: Any) -> None:
    """Every programme service starts here; views also check, this is the rule itself."""
    if not user_has_perm(actor, "programs.manage"):
        raise PermissionDenied
