from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_safe

from jaga.core.doors import public


@require_GET
@public("the landing page for visitors; the work waiting for a signed-in user")
def home_view(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "core/landing.html")
    from django.conf import settings
    from django.utils.module_loading import import_string

    # Each app says what waits for this user (JAGA_HOME_ITEMS): core does not import the apps above it.
    work = [item for path in settings.JAGA_HOME_ITEMS for item in import_string(path)(request.user)]
    context = {"work": work}  # the MFA banner reads jaga_mfa_enrolled (accounts' context processor)
    return render(request, "core/home.html", context)


@require_GET
@public("load balancers: the process is up")
def health_view(request: HttpRequest) -> HttpResponse:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


@require_safe
@public("load balancers: the database and a worker answer")
def ready_view(request: HttpRequest) -> HttpResponse:
    """For load balancers and monitors: the database answers, a background worker is alive and the disks
    of the data and the backups have room (else 503); beside them what ``JAGA_READY_REPORTS`` add (the
    last good backup's age)."""
    from django.conf import settings
    from django.db import DatabaseError, connection
    from django.http import JsonResponse
    from django.utils import timezone
    from django.utils.module_loading import import_string

    from jaga.core.health import disk_free_mb
    from jaga.core.models import WorkerBeat

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        last = WorkerBeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()
    except DatabaseError:
        return JsonResponse({"database": "unreachable", "worker": "unknown"}, status=503)
    silent = int((timezone.now() - last).total_seconds()) if last else None
    worker_ok = silent is not None and silent <= settings.JAGA_WORKER_SILENT_SECONDS
    free = disk_free_mb()
    disk_ok = free >= settings.JAGA_DISK_MIN_FREE_MB
    body: dict[str, object] = {
        "database": "ok",
        "worker": "ok" if worker_ok else "silent",
        "worker_last_seen_seconds": silent,
    }
    body.update({"disk": "ok" if disk_ok else "low", "disk_free_mb": free})
    for path in settings.JAGA_READY_REPORTS:
        body.update(import_string(path)())  # reported, not a reason to take the server out of rotation
    response = JsonResponse(body, status=200 if worker_ok and disk_ok else 503)
    response["Cache-Control"] = "no-store"
    return response


@require_safe
@public("monitoring: a scraper's bearer token (JAGA_METRICS_TOKEN), not an account; 404 without one")
def metrics_view(request: HttpRequest) -> HttpResponse:
    """Prometheus metrics (core/metrics.py): counts and times, never a path, a query or a user."""
    from jaga.core.metrics import metrics_response

    return metrics_response(request)


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
