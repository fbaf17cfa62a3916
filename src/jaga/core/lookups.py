"""The one lookup under every checked lookup (``access_*`` in each app): one object or 404.

Unlike ``get_object_or_404`` it answers 404, never 500, to an id that is malformed (a form field or a
query string changed by hand), and it is the only way views read an object: each app's checked lookup
first asks whether the actor may, then calls it (``core/tests/test_routes.py`` fails on a view that
reads an object any other way)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import Http404


def one_or_404(source: Any, **filters: Any) -> Any:
    """The object of ``source`` (a model class, a manager or a queryset) that ``filters`` select, or 404."""
    queryset = source._default_manager.all() if isinstance(source, type) and issubclass(source, Model) else source.all()
    try:
        found = queryset.filter(**filters).first()
    except (ValidationError, ValueError, TypeError):  # a malformed id: nothing has it
        found = None
    if found is None:
        raise Http404
    return found
