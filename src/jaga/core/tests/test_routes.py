"""Every route has one declared door (issue: architecture, point 4).

The test walks every URL pattern Jaga serves and fails on:

- a route whose view declares nothing: a page needs ``@require_perm`` or ``@require_login``, an API
  view its ``permission_classes``, and a route anyone may use ``@public("why")`` (``public = "why"``
  on an API view) and a place on PUBLIC below, so that opening a route to the world is a change a
  reviewer sees;
- an anonymous request to a protected route that is not sent to the login page (pages) or refused
  with 401/403 (API): a 200, but also a 404 or a 500, which would mean that the view looked
  something up before asking who is there;
- a method the route does not take that is not answered 405, before anything else (anonymous
  included: the method is checked before the door).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from jaga.core.doors import door

# The routes anyone may use, and why. A new one must be added here on purpose.
PUBLIC = {
    "": "the home page sends a visitor to the public pages or to sign in",
    "healthz": "load balancers",
    "readyz": "load balancers",
    "metrics": "monitoring, with its own bearer token (404 without one)",
    "accounts/login/": "signing in",
    "accounts/login/verify/": "the second step of signing in",
    "accounts/logout/": "signing out",
    "accounts/invitation/<str:token>/": "an invited person sets a password (the token is the key)",
    "i18n/setlang/": "choosing the language",
    "lapor/": "the public hotline",
    "lapor/status/": "a reporter follows a report with its code",
    "pelatihan/<str:token>/": "a participant's test (the token is the key)",
    "pelatihan/<str:token>/tes/<str:kind>/": "a participant's test (the token is the key)",
    "pelatihan/<str:token>/sertifikat.pdf": "a participant's certificate (the token is the key)",
    "sertifikat/": "anyone verifies a certificate",
    "sertifikat/<str:code>/": "anyone verifies a certificate",
    "statistik/": "public statistics (disclosure-controlled)",
    "statistik/table.<str:fmt>": "public statistics (disclosure-controlled)",
    "statistik/datapackage.zip": "public statistics (disclosure-controlled)",
    "belajar/": "free lessons for children, parents and teachers",
    "belajar/<slug:slug>/": "free lessons for children, parents and teachers",
    "belajar/<slug:slug>/handout.pdf": "free lessons for children, parents and teachers",
    "belajar/<slug:slug>/gambar/<str:file>": "free lessons for children, parents and teachers: their pictures",
    "belajar/kursus/<slug:slug>/": "a self-paced course: learners register themselves or continue with their code",
    "belajar/kursus/<slug:slug>/keluar/": "a self-paced course: the learner leaves it on this device",
    "belajar/kursus/<slug:slug>/pelajaran/<slug:lesson>/": "a self-paced course: a registered learner reads a lesson",
    "belajar/kursus/<slug:slug>/tes/<str:kind>/": (
        "a self-paced course: a registered learner takes the module's pre- or post-test"
    ),
    "belajar/kursus/<slug:slug>/sertifikat.pdf": "a self-paced course: the learner's certificate",
    "kampanye/<slug:slug>/": "campaign pages: a message, lessons and the report form; visits counted without cookies",
    "kampanye/<slug:slug>/qr.svg": "campaign pages: the QR code of a page's address, for posters",
    "laporan/": "published annual reports",
    "survei/<str:token>/": "a survey participant answers (the link's token is the key)",
    "laporan/<uuid:report_id>/": "published annual reports",
    "laporan/<uuid:report_id>/<str:lang>.<str:ext>": "published annual reports",
    "api/v1/reports/": "published annual reports",
    "api/v1/reports/<uuid:report_id>/": "published annual reports",
    "api/v1/auth/token/": "signing in to the API",
    "api/v1/hotline/public-reports/": "the public hotline",
    "api/v1/hotline/status/": "a reporter follows a report with its code",
    "api/v1/stats/dashboard/": "public statistics (disclosure-controlled)",
    "api/v1/regions/": "the list of Indonesia's regions",
    "api/schema/": "the API's description",
    "api/docs/": "the API's documentation",
    "api/docs/try/": "the API's documentation",
}

EXAMPLE = {"uuid": str(uuid.UUID(int=7)), "int": "7", "str": "x", "slug": "x", "path": "x"}


def routes() -> Iterator[tuple[str, URLPattern]]:
    def walk(patterns: list[Any], prefix: str) -> Iterator[tuple[str, URLPattern]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern), pattern

    yield from walk(get_resolver().url_patterns, "")


def example_path(route: str) -> str:
    """The route with an example value in each of its parameters."""
    import re

    return "/" + re.sub(r"<(?:(\w+):)?\w+>", lambda m: EXAMPLE[m.group(1) or "str"], route)


ROUTES = sorted(routes())


def test_every_route_declares_its_door() -> None:
    undeclared = [route for route, pattern in ROUTES if door(pattern.callback) is None]
    assert not undeclared, f"routes that declare no permission and are not public: {undeclared}"


def test_the_public_routes_are_the_listed_ones() -> None:
    public = {route for route, pattern in ROUTES if (d := door(pattern.callback)) and d.public}
    assert public == set(PUBLIC), (
        f"public but not listed: {sorted(public - set(PUBLIC))}; listed but not public: {sorted(set(PUBLIC) - public)}"
    )


@pytest.mark.django_db
def test_anonymous_people_are_stopped_at_every_protected_route(regions: None) -> None:
    client = Client()
    wrong = []
    for route, pattern in ROUTES:
        declared = door(pattern.callback)
        if declared is None or declared.public:
            continue
        methods = sorted(declared.methods - {"OPTIONS", "HEAD"}) if declared.methods else ["GET", "POST"]
        for method in methods:
            response = client.generic(method, example_path(route))
            if declared.api:
                stopped = response.status_code in (401, 403)
            else:  # a page that does not take the method answers 405 first
                stopped = response.status_code == 405 or (
                    response.status_code == 302 and response["Location"].startswith("/accounts/login/")
                )
            if not stopped:
                wrong.append((method, route, response.status_code))
    assert not wrong, f"protected routes that answered an anonymous request: {wrong}"


@pytest.mark.django_db
def test_a_method_a_route_does_not_take_is_answered_405(regions: None) -> None:
    client = Client()
    wrong = []
    for route, pattern in ROUTES:
        declared = door(pattern.callback)
        if declared is None:
            continue
        method = next(m for m in ("PUT", "PATCH", "DELETE", "TRACE") if m not in (declared.methods or ()))
        response = client.generic(method, example_path(route))
        if response.status_code != 405:
            wrong.append((method, route, response.status_code))
    assert not wrong, f"routes that did not answer a wrong method with 405: {wrong}"


def test_views_read_objects_through_checked_lookups_only() -> None:
    """``get_object_or_404`` asks nothing about the reader (and answers 500 to a malformed id): views read
    objects through their app's ``access_*`` lookups, which ask first and call ``one_or_404``."""
    from pathlib import Path

    import jaga

    root = Path(jaga.__file__).parent
    found = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "tests" not in path.parts and "get_object_or_404(" in path.read_text(encoding="utf-8")
    ]
    assert not found, f"modules that read objects without a checked lookup: {found}"


@pytest.mark.django_db
def test_a_malformed_id_is_not_found_not_an_error(regions: None) -> None:
    from django.http import Http404

    from jaga.core.lookups import one_or_404
    from jaga.notifications.models import Notification
    from jaga.regions.models import Region

    with pytest.raises(Http404):  # a UUID key given something else (get_object_or_404: a 500)
        one_or_404(Notification, pk="not-a-uuid")
    with pytest.raises(Http404):
        one_or_404(Region.objects.all(), code="99.99")
    assert one_or_404(Region, code="31").code == "31"
