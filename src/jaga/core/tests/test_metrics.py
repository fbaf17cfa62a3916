"""Monitoring: /metrics for a scraper with its token (and for nobody else), counting what an operator
watches without a path, a query or a user in any label; every answer and log line carries the
request's id; production logs are JSON lines without query strings or exception texts."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import pytest
from django.test import Client

from jaga.core.logs import JsonFormatter, RequestIdFilter, WithoutQueryStrings

pytestmark = pytest.mark.django_db
TOKEN = "m" * 40


def value(text: str, name: str, **labels: str) -> float:
    """A sample's value in Prometheus' text format (0 when absent)."""
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        sample, _, number = line.rpartition(" ")
        metric, _, rest = sample.partition("{")
        found = ",".join(sorted(rest.rstrip("}").split(","))) if rest else ""
        if metric == name and found == wanted:
            return float(number)
    return 0.0


def scrape(client: Client) -> str:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200, response.content
    return response.content.decode()


def test_metrics_need_their_token_and_are_off_without_one(settings: Any, anonymous: Client) -> None:
    settings.JAGA_METRICS_TOKEN = ""
    assert anonymous.get("/metrics").status_code == 404
    settings.JAGA_METRICS_TOKEN = TOKEN
    refused = anonymous.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong")
    assert refused.status_code == 401 and refused["WWW-Authenticate"].startswith("Bearer")
    assert anonymous.get("/metrics").status_code == 401
    assert "jaga_task_queue_length" in scrape(anonymous)


def test_requests_rate_limits_failed_logins_and_the_queue_are_counted(
    settings: Any, anonymous: Client, regions: None
) -> None:
    settings.JAGA_METRICS_TOKEN = TOKEN
    settings.JAGA_HOTLINE_STATUS_LIMIT = 1
    before = scrape(anonymous)
    anonymous.get("/healthz")
    for _ in range(3):
        anonymous.post("/lapor/status/", {"code": "JG-AAAA-AAAA", "secret": "x"})
    Client().post("/accounts/login/", {"username": "nobody@test.example", "password": "wrong-password-1"})
    after = scrape(anonymous)
    assert (
        value(after, "jaga_http_requests_total", method="GET", route="core:health", status="2xx")
        == value(before, "jaga_http_requests_total", method="GET", route="core:health", status="2xx") + 1
    )
    assert (
        value(after, "jaga_rate_limited_total", route="lapor:status")
        - value(before, "jaga_rate_limited_total", route="lapor:status")
        == 2
    ), "the second and third check were refused"
    assert value(after, "jaga_logins_failed_total") == value(before, "jaga_logins_failed_total") + 1
    assert "jaga_http_request_duration_seconds_bucket" in after and "jaga_worker_last_seen_seconds" in after
    assert "JG-AAAA" not in after and "nobody" not in after and "/lapor/" not in after, "no path, query or user"


def test_every_answer_carries_a_request_id_and_a_good_one_from_the_proxy_is_kept(anonymous: Client) -> None:
    own = anonymous.get("/healthz")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", own)
    assert anonymous.get("/healthz", HTTP_X_REQUEST_ID="proxy-1234-abcd")["X-Request-ID"] == "proxy-1234-abcd"
    assert anonymous.get("/healthz", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"] != "<script>"


def test_production_log_lines_are_json_without_query_strings_or_exception_texts() -> None:
    record = logging.LogRecord(
        "django.request", logging.ERROR, __file__, 1, "GET %s", ("/lapor/status/?secret=abc",), None
    )
    try:
        raise ValueError("NIK 3171074508120003 of Sinta")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    for step in (WithoutQueryStrings(), RequestIdFilter()):
        step.filter(record)
    line = JsonFormatter().format(record)
    body = json.loads(line)
    assert body["level"] == "ERROR" and body["request_id"] == "-" and body["error"] == "ValueError"
    assert body["message"] == "GET /lapor/status/?…"
    assert "abc" not in line and "3171074508120003" not in line and "Sinta" not in line
    assert body["frames"] and body["frames"][-1].endswith(
        ":test_production_log_lines_are_json_without_query_strings_or_exception_texts"
    )
