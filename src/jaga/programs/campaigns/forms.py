"""Forms of the campaign pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jaga.accounts.models import Organisation
from jaga.core.forms import DATE, set_queryset
from jaga.programs.campaigns.models import CampaignActivity
from jaga.regions.models import Region


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    theme = forms.CharField(label=_("Theme"), max_length=200)
    audience = forms.CharField(
        label=_("Audience"), max_length=200, help_text=_("e.g. secondary-school pupils, parents")
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE, required=False)
    provinces = forms.ModelMultipleChoiceField(
        label=_("Provinces"),
        queryset=Region.objects.filter(level=Region.Level.PROVINCE).order_by("name"),
        required=False,
    )
    partners = forms.ModelMultipleChoiceField(
        label=_("Partners"), queryset=Organisation.objects.filter(is_active=True), required=False
    )


class CampaignActivityForm(forms.ModelForm):
    class Meta:
        model = CampaignActivity
        fields = [
            "kind",
            "held_on",
            "region",
            "girls",
            "boys",
            "women",
            "men",
            "impressions",
            "engagement",
            "materials",
        ]
        widgets = {"held_on": DATE}

    COUNTS = ("girls", "boys", "women", "men", "impressions", "engagement")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "region", Region.objects.order_by("code"))
        for name in self.COUNTS:  # an empty count is none
            self.fields[name].required = False

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in self.COUNTS:
            if cleaned.get(name) is None:
                cleaned[name] = 0
        return cleaned
