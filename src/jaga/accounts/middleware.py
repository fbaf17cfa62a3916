from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from jaga.accounts.services import mfa_enrolled

Handler = Callable[[HttpRequest], HttpResponse]


class SessionLimitsMiddleware:
    """Ends a session 12 hours after login, however active (the idle limit is the cookie age)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            login_at = request.session.get("jaga_login_at")
            limit = settings.JAGA_SESSION_MAX_HOURS * 3600
            if login_at is None or timezone.now().timestamp() - login_at > limit:
                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                messages.info(request, _("Your session has ended. Please log in again."))
                return redirect(settings.LOGIN_URL)
        return self.get_response(request)


# Pages a signed-in person may reach before setting up MFA.
MFA_EXEMPT_PREFIXES = ("/accounts/mfa/", "/accounts/logout/", "/i18n/", "/static/", "/api/")


class MfaRequiredMiddleware:
    """Where MFA is required, a signed-in user without a verified device can only enrol."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.JAGA_MFA_REQUIRED
            and user.is_authenticated
            and not getattr(user, "is_verified", lambda: False)()  # django-otp's middleware adds it
            and not request.path.startswith(MFA_EXEMPT_PREFIXES)
        ):
            if mfa_enrolled(user):
                # Enrolled but this session never passed the second step: start again.
                logout(request)
                return redirect(settings.LOGIN_URL)
            return redirect("accounts:mfa_setup")
        return self.get_response(request)
