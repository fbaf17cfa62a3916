"""Forms of the breach register."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jaga.core.forms import set_choices
from jaga.operations.models import Breach

WHEN = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class BreachForm(forms.Form):
    title = forms.CharField(label=_("What happened, in a line"), max_length=200)
    concerned = forms.MultipleChoiceField(label=_("Data concerned"), choices=Breach.Data.choices,
                                     widget=forms.CheckboxSelectMultiple)  # fmt: skip
    subjects = forms.IntegerField(label=_("People affected (estimate; 0 if not known yet)"), min_value=0, initial=0)
    found_at = forms.DateTimeField(label=_("Found at"), widget=WHEN, required=False,
                                   help_text=_("Empty: now. The 3 x 24 hours run from this time."))  # fmt: skip
    cause = forms.CharField(label=_("Cause and what is known"), widget=forms.Textarea(attrs={"rows": 4}),
                            required=False, max_length=4000)  # fmt: skip


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[("confirm", _("It is a breach")),
                                                               ("dismiss", _("It is not a breach"))])  # fmt: skip
    reason = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000)


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note or evidence"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class NoticeForm(forms.Form):
    whom = forms.ChoiceField(label=_("Notified"), choices=[("authority", _("The authority")),
                                                           ("subjects", _("The people affected"))])  # fmt: skip
    on = forms.DateTimeField(label=_("Sent at"), widget=WHEN)
    reference = forms.CharField(label=_("Reference of the notice"), max_length=100, required=False)
    count = forms.IntegerField(label=_("People told"), min_value=0, required=False)


class CloseForm(forms.Form):
    summary = forms.CharField(label=_("What was done, and what changes"), widget=forms.Textarea(attrs={"rows": 3}),
                              max_length=4000)  # fmt: skip


class RetentionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of record"))
    months = forms.IntegerField(label=_("Kept for (months after it ends)"), min_value=1, max_value=600)

    def __init__(self, *args: Any, kinds: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "kind", kinds)


class HoldForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of record"))
    target_id = forms.CharField(label=_("Record id"), max_length=64)
    reason = forms.CharField(label=_("Why it is held"), max_length=300)

    def __init__(self, *args: Any, kinds: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "kind", kinds)
