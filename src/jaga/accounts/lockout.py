"""How django-axes names an account, so that `Budi@X` and `budi@x ` share one failure count."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def lockout_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str | None:
    if credentials:
        value = credentials.get("username") or credentials.get("email")
    else:
        data = getattr(request, "data", None) or request.POST
        value = data.get("username") or data.get("email")
    return str(value).strip().lower() if value else None


def lockout_reset(*, email: str) -> int:
    """Forget the failed logins of one account (its address-based lockouts stay)."""
    from axes.utils import reset

    return reset(username=email.strip().lower())
