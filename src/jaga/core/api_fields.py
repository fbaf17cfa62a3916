"""The API reads what its schema says and nothing looser.

Django REST framework turns a number sent for a text field into text (``{"text": 0}`` becomes a note
"0") and an empty string sent for an id into null. Jaga's API refuses both with a 400 naming the
field: a client that sends the wrong type has a bug, and storing its guess would hide it (found by
fuzzing the API against its OpenAPI schema, docs/security.md).
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

_lenient_text = serializers.CharField.to_internal_value
_lenient_boolean = serializers.BooleanField.to_internal_value


def _strict_text(self: serializers.CharField, data: Any) -> str:
    if not isinstance(data, str):
        self.fail("invalid")
    return _lenient_text(self, data)


def _strict_boolean(self: serializers.BooleanField, data: Any) -> bool:
    if not isinstance(data, bool):  # JSON true or false; query strings are converted by their view
        self.fail("invalid", input=data)
    return bool(_lenient_boolean(self, data))


def make_fields_strict() -> None:
    """Called once at start-up (CoreConfig.ready): text fields take only text, booleans only true or false."""
    serializers.CharField.to_internal_value = _strict_text  # type: ignore[method-assign,assignment]
    serializers.BooleanField.to_internal_value = _strict_boolean  # type: ignore[method-assign,assignment]


def query_booleans(params: dict[str, Any], *names: str) -> dict[str, Any]:
    """A query string's ``true``/``false`` as booleans (anything else stays text, and is refused)."""
    words = {"true": True, "false": False}
    return {key: words.get(value, value) if key in names else value for key, value in params.items()}


class IdOrNullField(serializers.PrimaryKeyRelatedField):
    """An optional reference by id: the id or null, never an empty string (DRF would read "" as null)."""

    def run_validation(self, data: Any = serializers.empty) -> Any:
        if data == "":
            raise serializers.ValidationError("Send an id, or null.")
        return super().run_validation(data)


def year_param(query: Any, name: str = "year") -> int | None:
    """A year in the query string (``request.query_params``): None when it is not given, else four digits
    or a 400 naming the parameter (the same answer on every endpoint that filters by year)."""
    from rest_framework.exceptions import ValidationError

    raw = query.get(name)
    if raw is None:
        return None
    if not (isinstance(raw, str) and raw.isascii() and raw.isdigit() and len(raw) == 4):
        raise ValidationError({name: "A year is four digits, e.g. 2026."})
    return int(raw)
