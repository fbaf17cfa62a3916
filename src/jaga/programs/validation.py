"""Validation shared by programme services: the model's own rules and the service's, reported together."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


def check_all(instance: Any, errors: dict[str, list[str]]) -> None:
    """The model's own validation and the service's rules, reported together (field by field)."""
    try:
        instance.full_clean()
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
