"""Forms of the advocacy board and asks."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jaga.accounts.choices import organisation_choices
from jaga.accounts.models import Organisation
from jaga.core.forms import DATE, set_choices, with_blank
from jaga.programs.advocacy.models import AdvocacyActivity, Ask, Stage
from jaga.regions.choices import region_choices
from jaga.regions.models import Region


class AskForm(forms.Form):
    institution = forms.CharField(label=_("Target institution"), max_length=200)
    level = forms.ChoiceField(label=_("Level"), choices=with_blank(Ask.Level.choices))
    region = forms.ModelChoiceField(
        label=_("Province or regency/city"),
        queryset=Region.objects.order_by("code"),
        required=False,
        help_text=_("Empty for a national institution."),
    )
    title = forms.CharField(label=_("The ask"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=with_blank(Ask.Kind.choices))
    lead = forms.ModelChoiceField(label=_("Lead organisation"), queryset=Organisation.objects.filter(is_active=True))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # long lists grouped: regions by province, organisations by type
        set_choices(self, "region", region_choices())
        lead = self.fields["lead"]
        if isinstance(lead, forms.ModelChoiceField) and lead.queryset is not None:
            lead.choices = organisation_choices(lead.queryset)


class ActivityForm(forms.ModelForm):
    class Meta:
        model = AdvocacyActivity
        fields = ["kind", "held_on", "people", "notes", "follow_up", "follow_up_due"]
        widgets = {"held_on": DATE, "follow_up_due": DATE, "notes": forms.Textarea(attrs={"rows": 3})}


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=_("New stage"), choices=with_blank(Stage.choices))
    changed_on = forms.DateField(label=_("Date"), widget=DATE)
    evidence = forms.CharField(
        label=_("Evidence"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )  # the service says what counts as evidence


class BoardFilterForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=with_blank(Ask.Level.choices), required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=with_blank(Ask.Kind.choices), required=False)
