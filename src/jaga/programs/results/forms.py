"""Forms of the results framework page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jaga.core.forms import set_choices, with_blank
from jaga.programs.results.models import Indicator
from jaga.regions.models import Region


def _provinces() -> list[tuple[str, str]]:
    return list(Region.objects.filter(level=Region.Level.PROVINCE).order_by("name").values_list("code", "name"))


class ResultsFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    province = forms.ChoiceField(label=_("Province"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "province", [("", _("National")), *_provinces()])


class BaselineForm(forms.Form):
    measure = forms.ChoiceField(label=_("Indicator"), choices=with_blank(Indicator.Measure.choices))
    baseline = forms.FloatField(label=_("Baseline"))
    baseline_year = forms.IntegerField(label=_("Baseline year"), min_value=2000, max_value=2100)


class TargetForm(forms.Form):
    measure = forms.ChoiceField(label=_("Indicator"), choices=with_blank(Indicator.Measure.choices))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    province = forms.ModelChoiceField(
        label=_("Province"),
        queryset=Region.objects.filter(level=Region.Level.PROVINCE).order_by("name"),
        required=False,
        help_text=_("Empty for the national target."),
    )
    target = forms.FloatField(label=_("Target"))
