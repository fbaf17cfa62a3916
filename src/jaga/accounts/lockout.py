"""Login lockouts (django-axes): how an account is named, and what locks.

Five failures lock one account from one address, not the account everywhere: otherwise anyone who
knows a staff email could keep its owner out with five requests. An address with many failures over
any accounts (password spraying) is locked as a whole. Guessing one account from many addresses is
not locked; it is audited (``accounts.login.failed``), raises a security alert, and in production a
password alone does not open an account without its MFA code.
"""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def lockout_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str | None:
    if credentials:
        value = credentials.get("username") or credentials.get("email")
    else:
        data = getattr(request, "data", None) or request.POST
        value = data.get("username") or data.get("email")
    return str(value).strip().lower() if value else None


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler, with a second, higher limit per address over all accounts."""

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        failures = super().get_failures(request, credentials)
        address = getattr(request, "axes_ip_address", None)
        if address and failures < settings.AXES_FAILURE_LIMIT:
            recent = AccessAttempt.objects.filter(
                ip_address=address, attempt_time__gte=get_cool_off_threshold(request)
            ).aggregate(total=Sum("failures_since_start"))["total"]
            if (recent or 0) >= settings.JAGA_LOCKOUT_ADDRESS_FAILURES:
                return settings.AXES_FAILURE_LIMIT
        return failures


def lockout_reset(*, email: str) -> int:
    """Lift the lockouts of one account: its own failures, and those of the addresses they came from."""
    from axes.utils import reset

    username = email.strip().lower()
    addresses = set(AccessAttempt.objects.filter(username=username).values_list("ip_address", flat=True))
    cleared = reset(username=username)
    for address in addresses - {None, ""}:
        cleared += reset(ip=address)
    return cleared
