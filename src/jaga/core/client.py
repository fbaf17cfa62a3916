"""The client's address, as the rest of Jaga sees it: lockouts, rate limits and the audit log.

Without trusted proxies configured, ``X-Forwarded-For`` is ignored and the address is the socket's
peer: anyone can write that header. Behind ``JAGA_TRUSTED_PROXY_COUNT`` proxies (nginx, a load
balancer) each of which appends the address it received the request from, the client is the entry
that many places from the right of ``X-Forwarded-For``; whatever the client wrote to its left is not
trusted. With ``JAGA_TRUSTED_PROXIES`` the header is read only when the peer is one of those
networks, so that a request that reaches the application directly cannot pick its own address.
The header is parsed and validated by python-ipware (through django-ipware).
"""

from __future__ import annotations

import ipaddress
from functools import cache

from django.conf import settings
from django.http import HttpRequest
from ipware import get_client_ip

_ATTRIBUTE = "_jaga_client_address"


@cache
def _trusted_networks(entries: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _from_trusted_proxy(peer: str | None) -> bool:
    entries = tuple(settings.JAGA_TRUSTED_PROXIES)
    if not entries:
        return True  # only a count is configured: the deployment promises every request passes the proxies
    try:
        address = ipaddress.ip_address(peer or "")
    except ValueError:
        return False
    return any(address in network for network in _trusted_networks(entries))


def client_address(request: HttpRequest) -> str | None:
    """The address of the person or machine that sent ``request`` (also django-axes' callable)."""
    cached = getattr(request, _ATTRIBUTE, None)
    if cached is not None:
        return cached or None
    peer = request.META.get("REMOTE_ADDR") or None
    address = peer
    proxies = settings.JAGA_TRUSTED_PROXY_COUNT
    if proxies and _from_trusted_proxy(peer):
        # The last proxy is the peer; the entries it and the proxies before it appended are the
        # right-most ``proxies`` ones, and the client is the first of those.
        forwarded, _routable = get_client_ip(
            request,
            proxy_order="left-most",
            proxy_count=proxies - 1,
            request_header_order=["HTTP_X_FORWARDED_FOR"],
            strict=False,
        )
        address = forwarded or peer
    setattr(request, _ATTRIBUTE, address or "")
    return address
