"""Audit rows for logins, logouts, failures and lockouts, wherever they happen (pages or API)."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils import timezone

from jaga.accounts.models import User
from jaga.audit.services import record


def _known_user(credentials: dict[str, Any]) -> User | None:
    """The account a failed login named, if there is one.

    An attempted email that matches no account is not recorded: people sometimes type their
    password into the email field.
    """
    email = (credentials.get("username") or credentials.get("email") or "").strip()
    return User.objects.filter(email__iexact=email).first() if email else None


@receiver(user_logged_in)
def _on_login(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session["jaga_login_at"] = timezone.now().timestamp()
    record("accounts.login.succeeded", actor=user, target=user, request=request)


@receiver(user_logged_out)
def _on_logout(sender: Any, request: Any, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        record("accounts.logout", actor=user, target=user, request=request)


def _record_failure(action: str, credentials: dict[str, Any], request: Any) -> None:
    user = _known_user(credentials)
    record(
        action,
        target=user,
        organisation=user.organisation_id if user else None,
        request=request,
        details={"known_account": user is not None},
    )


@receiver(user_login_failed)
def _on_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    _record_failure("accounts.login.failed", credentials, request)


@receiver(user_locked_out)
def _on_locked_out(sender: Any, request: Any, username: str | None = None, **kwargs: Any) -> None:
    _record_failure("accounts.login.locked_out", {"username": username}, request)
