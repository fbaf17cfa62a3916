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


class LongSelect(forms.Select):
    """A select of hundreds of options (552 regions, every organisation), drawn as one string: Django's
    per-option templates cost about a tenth of a millisecond each, which a list page pays on every view.
    Groups (``<optgroup>``), the selected value and the field's attributes are kept."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> Any:
        from django.forms.utils import flatatt
        from django.utils.html import escape
        from django.utils.safestring import mark_safe

        chosen = {str(v) for v in (value if isinstance(value, list | tuple) else [value]) if v is not None}
        final = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})

        def option(code: Any, label: Any) -> str:
            code = "" if code is None else str(code)
            selected = " selected" if code in chosen else ""
            return f'<option value="{escape(code)}"{selected}>{escape(str(label))}</option>'

        parts = []
        for code, label in self.choices:
            if isinstance(label, list | tuple):
                inner = "".join(option(c, text) for c, text in label)
                parts.append(f'<optgroup label="{escape(str(code))}">{inner}</optgroup>')
            else:
                parts.append(option(code, label))
        return mark_safe(f"<select{flatatt(final)}>{''.join(parts)}</select>")  # noqa: S308 - every text escaped


def with_blank(choices: Any) -> list[tuple[str, Any]]:
    return [("", "—"), *choices]


def set_choices(form: forms.BaseForm, name: str, choices: Any) -> None:
    """Gives the choice field ``name`` its choices (known only when the form is made: regions, years)."""
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{name} is not a choice field")
    field.choices = choices


def set_queryset(form: forms.BaseForm, name: str, queryset: Any) -> forms.ModelChoiceField:
    """Gives the model choice field ``name`` the rows it offers; answers the field."""
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{name} is not a model choice field")
    field.queryset = queryset
    return field
