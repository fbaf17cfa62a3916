"""Checked lookups and declared permissions: the only roads to users and organisations in views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from jaga.accounts.models import Organisation, User
from jaga.accounts.permissions import user_has_perm


def require_perm(perm: str) -> Callable[..., Any]:
    """A view decorator: anonymous people go to the login page, others without ``perm`` get 403."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user_has_perm(request.user, perm):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.jaga_permission = perm  # type: ignore[attr-defined]
        return wrapped

    return decorator


def HasPerm(perm: str = "", **by_method: str) -> type[Any]:
    """A DRF permission class (an API view's declared door): the signed-in user holds ``perm``, or, per
    method, ``HasPerm(GET="cases.view", POST="cases.edit")`` (HEAD and OPTIONS as GET)."""
    from rest_framework.permissions import BasePermission

    from jaga.accounts.permissions import PERMISSIONS

    needed = {method.upper(): name for method, name in by_method.items()}
    for name in [perm, *needed.values()]:
        if name and name not in PERMISSIONS:
            raise KeyError(f"unknown permission {name!r}")
    if not perm and "GET" in needed:
        needed.setdefault("HEAD", needed["GET"])
        needed.setdefault("OPTIONS", needed["GET"])

    class _HasPerm(BasePermission):
        jaga_permission = perm or ", ".join(f"{method} {name}" for method, name in by_method.items())

        def has_permission(self, request: Any, view: Any) -> bool:
            wanted = needed.get(request.method, perm)
            return bool(
                request.user and request.user.is_authenticated and wanted and user_has_perm(request.user, wanted)
            )

    _HasPerm.__name__ = _HasPerm.__qualname__ = f"HasPerm({_HasPerm.jaga_permission})"
    return _HasPerm


def require_login(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    wrapped.jaga_permission = "login"  # type: ignore[attr-defined]
    return wrapped


def reauthenticated_recently(request: HttpRequest) -> bool:
    at = request.session.get("jaga_reauth_at")
    return at is not None and timezone.now().timestamp() - at < settings.JAGA_REAUTH_MINUTES * 60


def secret_check(request: HttpRequest, user: User, secret: str) -> str:
    """The password or an MFA code again (the re-authentication page and ``POST /api/v1/auth/elevate/``):
    "ok", "wrong" (counted towards the lockout, as a failed login is) or "locked"."""
    from axes.handlers.proxy import AxesProxyHandler

    from jaga.accounts.services import mfa_verify

    credentials = {"username": user.email}
    if AxesProxyHandler.is_locked(request, credentials):
        return "locked"
    if user.check_password(secret) or mfa_verify(user, secret) is not None:
        return "ok"
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    return "wrong"


def api_elevated(request: Any) -> bool:
    """Whether an API request re-authenticated recently: its token was elevated, or its session re-authenticated.

    ``request`` is DRF's request (``auth`` is the ApiToken for token requests) or Django's.
    """
    from jaga.accounts.models import ApiToken

    auth = getattr(request, "auth", None)
    if isinstance(auth, ApiToken):
        return auth.is_elevated()
    session = getattr(request, "session", None)
    return session is not None and reauthenticated_recently(request)


def redirect_to_reauth(request: HttpRequest, next_url: str | None = None) -> HttpResponse:
    return redirect(f"{reverse('accounts:reauth')}?{urlencode({'next': next_url or request.get_full_path()})}")


def require_reauth(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Before revealing identities or exporting: the password or an MFA code again, valid a few minutes."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not reauthenticated_recently(request):
            return redirect_to_reauth(request)
        return view(request, *args, **kwargs)

    return wrapped


def managed_users(actor: User) -> QuerySet[User]:
    if user_has_perm(actor, "accounts.manage_all_users"):
        return User.objects.all()
    if user_has_perm(actor, "accounts.manage_org_users"):
        return User.objects.filter(organisation_id=actor.organisation_id)
    return User.objects.none()


def access_managed_user(actor: User, user_id: Any) -> User:
    """The user ``actor`` may manage, or 404: whether others exist is not told."""
    user = managed_users(actor).select_related("organisation").filter(pk=user_id).first()
    if user is None:
        raise Http404
    return user


def managed_organisations(actor: User) -> QuerySet[Organisation]:
    if user_has_perm(actor, "accounts.manage_all_users"):
        return Organisation.objects.all()
    if user_has_perm(actor, "accounts.manage_org_users"):
        return Organisation.objects.filter(pk=actor.organisation_id)
    return Organisation.objects.none()


def access_organisation(actor: User, organisation_id: Any) -> Organisation:
    if not user_has_perm(actor, "accounts.manage_organisations"):
        raise PermissionDenied
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        raise Http404
    return organisation
