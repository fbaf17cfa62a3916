"""Requests that passed a door which lets only signed-in people through, typed as such.

A page behind ``require_perm`` or ``require_login`` takes an ``AuthedHttpRequest``: its ``user`` is a
``User``, never the anonymous one, so services that take an ``actor`` get one without a cast. An API
view (whose method signature DRF fixes) reads the same user with ``actor(request)``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from rest_framework.request import Request

from jaga.accounts.models import User


class AuthedHttpRequest(HttpRequest):
    """A page request behind a door that requires an account (the decorators in ``accounts.access``)."""

    user: User


def signed_in(request: Request | HttpRequest) -> User:
    """The signed-in user of a request that passed its door; anyone else is refused (never reached:
    the door refused them first)."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied
    return user
