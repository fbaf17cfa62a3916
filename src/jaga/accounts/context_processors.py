from __future__ import annotations

from functools import partial
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from jaga.accounts.permissions import user_permissions
from jaga.accounts.services import mfa_enrolled

# The roles whose work the API carries (case systems, statistics pulls, partners' reports, training
# records): their pages link to the API documentation. The public sees it too (open statistics and the
# hotline's public API); a hotline operator, an organisation admin or a researcher is not sent there.
API_PERMISSIONS = frozenset({"cases.edit", "stats.export", "hotline.submit_reports", "programs.manage"})


def jaga(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    perms = user_permissions(user) if user is not None and user.is_authenticated else frozenset()
    unread = 0
    if user is not None and user.is_authenticated:
        from django.apps import apps

        # Looked up by name: accounts does not import the apps above it.
        unread = apps.get_model("notifications", "Notification").objects.filter(user=user, read_at=None).count()
    return {
        # Called only by a template that reads it (the home page's banner): one query there, none elsewhere.
        "jaga_mfa_enrolled": partial(mfa_enrolled, user) if user is not None and user.is_authenticated else True,
        "jaga_unread": unread,
        "jaga_env": settings.JAGA_ENV,
        "jaga_mfa_required": settings.JAGA_MFA_REQUIRED,
        "jaga_perms": perms,
        "jaga_uses_api": user is None or not user.is_authenticated or bool(perms & API_PERMISSIONS),
    }
