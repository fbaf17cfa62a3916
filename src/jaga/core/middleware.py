from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext as _

Handler = Callable[[HttpRequest], HttpResponse]


class LanguageMiddleware:
    """Bahasa Indonesia unless the person chose otherwise.

    Pages follow only the language cookie set by the language switch, so an English-language
    browser still starts in Indonesian. API clients may ask with Accept-Language.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
            if request.path.startswith("/api/"):
                language = translation.get_language_from_request(request)
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        return response


class NoStoreForAuthenticatedMiddleware:
    """Pages seen by a signed-in person are never kept by browsers or proxies."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
            response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
        return response


# Browser features Jaga never uses, switched off for every page (a script injected despite the CSP
# could not reach the camera, the microphone or the location).
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), usb=(), xr-spatial-tracking=()"
)


class PermissionsPolicyMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class BusyDatabaseMiddleware:
    """A database that cannot answer now is a 503 with Retry-After, never a 500.

    A write that waited for the lock longer than its timeout (a long import on SQLite; SQLite's
    busy_timeout is 10 s) stored nothing, and trying again in a few seconds works. A connection the
    server dropped (a restart, a failover) may have lost the request's work or not: the client tries
    again, and a create sent with an ``Idempotency-Key`` is stored once either way.
    """

    RETRY_AFTER = "5"
    BUSY = ("database is locked", "database table is locked", "lock timeout", "could not obtain lock")
    LOST = (
        "terminating connection",
        "server closed the connection",
        "connection already closed",
        "connection is closed",
        "could not connect",
        "connection refused",
        "consuming input failed",
        "the connection is lost",
    )

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        text = str(exception)
        if any(sign in text for sign in self.BUSY):
            code = "busy"
            message = _(
                "Jaga is busy with a large piece of work. Nothing was saved: please try again in a few seconds."
            )
        elif any(sign in text for sign in self.LOST):
            code = "unavailable"
            message = _("Jaga lost its connection to the database for a moment. Please try again in a few seconds.")
        else:
            return None
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse({"detail": message, "code": code}, status=503)
        else:
            response = render(request, "core/error.html", {"code": 503, "reason": message}, status=503)
        response["Retry-After"] = self.RETRY_AFTER
        return response


class OwnNotFoundPageMiddleware:
    """Pages that do not exist answer with Jaga's own 404 page in development too (``JAGA_DEBUG``, the
    demo), not Django's technical page that lists every route; production does it through ``handler404``."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            settings.DEBUG
            and response.status_code == 404
            and not request.path.startswith(("/api/", "/static/"))
            and response.get("Content-Type", "").startswith("text/html")
        ):
            from jaga.core.views import error_404

            return error_404(request)
        return response
