"""Who may change programme data: programme officers (``programs.manage``)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from jaga.accounts.permissions import user_has_perm
from jaga.core.lookups import one_or_404


def require_manager(actor: Any) -> None:
    """Every programme service starts here; views also check, this is the rule itself."""
    if not user_has_perm(actor, "programs.manage"):
        raise PermissionDenied


def access_record(actor: Any, source: Any, **filters: Any) -> Any:
    """A programme record (partner, agreement, ask, campaign, module, session, certificate, Code member,
    or one of their parts) for a programme officer; 404 when there is none (``source``: a model, a
    manager or a queryset, ``filters``: usually ``pk``)."""
    require_manager(actor)
    return one_or_404(source, **filters)
