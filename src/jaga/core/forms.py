"""Helpers shared by the forms of every app."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

# A date input's value must be ISO (YYYY-MM-DD) whatever the language: in the Indonesian format
# (31-12-2027) the browser shows an empty field, and a form shown again loses the date.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def add_errors(form: Any, exc: ValidationError, default_field: str | None = None) -> None:
    """A service's ValidationError on the form: field errors on their fields, the rest on ``default_field``
    (or the form as a whole)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(default_field, exc.messages)
