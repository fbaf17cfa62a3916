from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from jaga.accounts.services import mfa_enrolled


@require_GET
def home_view(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "core/landing.html")
    return render(request, "core/home.html", {"mfa_enrolled": mfa_enrolled(request.user)})  # type: ignore[arg-type]


@require_GET
def health_view(request: HttpRequest) -> HttpResponse:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Says why when the refusal gave a reason (a restricted case, say)."""
    reason = str(exception) if exception is not None and exception.args else ""
    return render(request, "core/error.html", {"code": 403, "reason": reason}, status=403)


def error_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A request refused before any view (an upload over the limit, say), with the reason when there is one."""
    from django.core.exceptions import RequestDataTooBig

    reason = str(exception) if isinstance(exception, RequestDataTooBig) and exception.args else ""
    return render(request, "core/error.html", {"code": 400, "reason": reason}, status=400)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/error.html", {"code": 404}, status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    return render(request, "core/error.html", {"code": 500}, status=500)
