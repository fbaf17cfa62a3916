"""One declared door per route: who may use it is written on its view, and read back here.

- A page declares ``@require_perm("...")`` or ``@require_login`` (``jaga.accounts.access``), or
  ``@public("why")`` for a page anyone may use. Its method decorator (``require_http_methods``,
  ``require_POST``, ``require_safe``) comes first, above the door, so that a method the page does not
  take is answered 405 before anything else.
- An API view is a ``DeclaredAPIView`` (or has ``MethodFirst`` before its DRF base) and sets its own
  ``permission_classes`` (``jaga.accounts.access.HasPerm`` or ``IsAuthenticated`` with its checked
  lookups); one anyone may use sets ``permission_classes = [AllowAny]`` and ``jaga_public = "why"``.

``door`` reads the declaration; ``core/tests/test_routes.py`` walks every URL pattern with it and holds
the list of public routes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from rest_framework.exceptions import MethodNotAllowed
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

View = TypeVar("View", bound=Callable[..., Any])


def public(reason: str) -> Callable[[View], View]:
    """Declares a page anyone may use, and why (read by ``door``)."""

    def mark(view: View) -> View:
        view.jaga_public = reason  # type: ignore[attr-defined]
        return view

    return mark


class MethodFirst:
    """A method the view does not take is answered 405 before authentication and permissions (DRF asks
    who is there first, so an anonymous client got 401 or 403 for a method that no one may use)."""

    def initial(self, request: Any, *args: Any, **kwargs: Any) -> None:
        if request.method.upper() not in self.allowed_methods:  # type: ignore[attr-defined]
            raise MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)  # type: ignore[misc]


class DeclaredAPIView(MethodFirst, APIView):
    """The base of Jaga's API views: the method first, then the declared ``permission_classes``."""


@dataclass(frozen=True)
class Door:
    public: bool
    api: bool
    declared: str  # the permission, "login", the permission classes, or why the route is public
    methods: frozenset[str] | None  # the methods an API view takes (None for a page: its decorators say)


def door(callback: Callable[..., Any]) -> Door | None:
    """What a route's view declares (None when it declares nothing)."""
    cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if cls is None:  # a page
        if reason := getattr(callback, "jaga_public", None):
            return Door(public=True, api=False, declared=reason, methods=None)
        if permission := getattr(callback, "jaga_permission", None):
            return Door(public=False, api=False, declared=permission, methods=None)
        return None
    methods = frozenset(cls().allowed_methods)
    classes = cls.permission_classes
    if reason := getattr(cls, "jaga_public", None):
        return Door(public=True, api=True, declared=reason, methods=methods)
    if classes is APIView.permission_classes or not classes or AllowAny in classes:
        return None  # the default, nothing, or open without saying why
    names = ", ".join(getattr(c, "jaga_permission", c.__name__) for c in classes)
    return Door(public=False, api=True, declared=names, methods=methods)
