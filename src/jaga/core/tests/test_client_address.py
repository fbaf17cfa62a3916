"""Which address a request comes from, with and without trusted proxies."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory

from jaga.core.client import client_address


def address(remote: str, forwarded: str | None = None) -> str | None:
    extra: dict[str, Any] = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_address(RequestFactory().get("/", REMOTE_ADDR=remote, **extra))


def test_it_ignores_x_forwarded_for_when_no_proxy_is_configured(settings: Any) -> None:
    settings.JAGA_TRUSTED_PROXY_COUNT, settings.JAGA_TRUSTED_PROXIES = 0, []
    assert address("198.51.100.7", "100.64.0.1") == "198.51.100.7"


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (1, "100.64.0.1", "100.64.0.1"),
        (1, "6.6.6.6, 100.64.0.1", "100.64.0.1"),  # what the client wrote itself is not trusted
        (2, "6.6.6.6, 100.64.0.1, 10.0.0.2", "100.64.0.1"),
        (2, "100.64.0.1", "127.0.0.1"),  # fewer hops than proxies: the request skipped one; keep the peer
        (1, "not an address", "127.0.0.1"),
        (1, "", "127.0.0.1"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_it_takes_the_address_the_trusted_proxies_saw(settings: Any, count: int, forwarded: str, expected: str) -> None:
    settings.JAGA_TRUSTED_PROXY_COUNT, settings.JAGA_TRUSTED_PROXIES = count, []
    assert address("127.0.0.1", forwarded) == expected


def test_it_reads_the_header_only_from_a_listed_proxy(settings: Any) -> None:
    settings.JAGA_TRUSTED_PROXY_COUNT, settings.JAGA_TRUSTED_PROXIES = 1, ["10.0.0.0/8"]
    assert address("10.1.2.3", "100.64.0.1") == "100.64.0.1"
    assert address("198.51.100.7", "100.64.0.1") == "198.51.100.7", "straight to the app: the header is not believed"
