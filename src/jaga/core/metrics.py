"""Prometheus metrics at ``/metrics`` (a bearer token, ``JAGA_METRICS_TOKEN``; without one the route
answers 404), and the request id every log line and answer carries.

Counted in the web processes (across gunicorn's workers when ``PROMETHEUS_MULTIPROC_DIR`` names a
folder they share): requests by method, route name and status class, their latency, the answers
that refused for a rate limit, failed logins. Read from the database at each scrape: the task queue's
length and its failed tasks, the worker's last heartbeat, and what ``JAGA_READY_REPORTS`` add (the last
good backup's age). Labels are route names and status classes, never a path, a query or a user.
"""

from __future__ import annotations

import hmac
import os
import re
import time
import uuid
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.module_loading import import_string
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import REGISTRY, Collector

if _shared := os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    Path(_shared).mkdir(parents=True, exist_ok=True)  # each process writes its own files there

REQUESTS = Counter("jaga_http_requests", "Requests answered", ["method", "route", "status"])
LATENCY = Histogram(
    "jaga_http_request_duration_seconds",
    "Time to answer a request",
    ["route"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
RATE_LIMITED = Counter("jaga_rate_limited", "Requests refused for a rate limit (429)", ["route"])
LOGINS_FAILED = Counter("jaga_logins_failed", "Failed logins (wrong password or MFA code)")

request_id: ContextVar[str] = ContextVar("jaga_request_id", default="-")
_GOOD_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


def _route(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return (match.view_name if match is not None else "") or "unmatched"


class RequestMetricsMiddleware:
    """First in the chain: gives the request its id (the proxy's ``X-Request-ID`` when it is one),
    answers with it, and counts the answer and its time."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        token = request_id.set(given if _GOOD_ID.fullmatch(given) else uuid.uuid4().hex)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id.get()
            if request.path != "/metrics":
                route = _route(request)
                REQUESTS.labels(request.method, route, f"{response.status_code // 100}xx").inc()
                LATENCY.labels(route).observe(time.perf_counter() - started)
                if response.status_code == 429:
                    RATE_LIMITED.labels(route).inc()
            return response
        finally:
            request_id.reset(token)


class _DatabaseCollector(Collector):
    """What the database knows, read at each scrape (cheap counts on indexed columns)."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from django_tasks_db.models import DBTaskResult

        from jaga.core.models import WorkerBeat

        waiting = DBTaskResult.objects.filter(status="READY").count()
        failed = DBTaskResult.objects.filter(status="FAILED").count()
        yield GaugeMetricFamily("jaga_task_queue_length", "Background tasks waiting for the worker", value=waiting)
        yield GaugeMetricFamily(
            "jaga_tasks_failed", "Background tasks that failed (kept in the queue table)", value=failed
        )
        last = WorkerBeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()
        seen = (timezone.now() - last).total_seconds() if last else float("nan")
        yield GaugeMetricFamily("jaga_worker_last_seen_seconds", "Seconds since the worker's heartbeat", value=seen)
        for path in settings.JAGA_READY_REPORTS:
            for name, value in import_string(path)().items():
                if isinstance(value, int | float) and not isinstance(value, bool):
                    yield GaugeMetricFamily(f"jaga_{name}", f"{name.replace('_', ' ')} (/readyz)", value=value)


def metrics_text() -> bytes:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        registry = REGISTRY  # this process's own counters
    text = generate_latest(registry)
    database = CollectorRegistry()
    database.register(_DatabaseCollector())
    return text + generate_latest(database)


def metrics_response(request: HttpRequest) -> HttpResponse:
    """The metrics for a scraper that sends ``Authorization: Bearer JAGA_METRICS_TOKEN``."""
    token = settings.JAGA_METRICS_TOKEN
    if not token:
        raise Http404
    sent = request.headers.get("Authorization", "")
    if not hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
        response = HttpResponse("a bearer token is required\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(metrics_text(), content_type=CONTENT_TYPE_LATEST)


def login_failed(**_kwargs: Any) -> None:
    LOGINS_FAILED.inc()
