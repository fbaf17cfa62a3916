"""Forms of the annual report's pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jaga.core.forms import set_choices, with_blank
from jaga.regions.models import Region
from jaga.reports.models import AnnualReport


class ReportForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    scope = forms.ChoiceField(label=_("Scope"), choices=AnnualReport.Scope.choices)
    province = forms.ChoiceField(label=_("Province (for a provincial report)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        last = timezone.localdate().year
        set_choices(self, "year", [(y, str(y)) for y in range(last, last - 10, -1)])
        provinces = Region.objects.filter(level=Region.Level.PROVINCE).order_by("name").values_list("code", "name")
        set_choices(self, "province", with_blank(list(provinces)))
        self.initial.setdefault("year", last - 1)


class NarrativeForm(forms.Form):
    text_id = forms.CharField(label=_("Bahasa Indonesia"), widget=forms.Textarea(attrs={"rows": 6}), required=False)
    text_en = forms.CharField(label=_("English"), widget=forms.Textarea(attrs={"rows": 6}), required=False)


class CommentForm(forms.Form):
    section = forms.ChoiceField(label=_("Part of the report"))
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args: Any, parts: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "section", parts)


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("What to change"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class CorrectionsForm(forms.Form):
    text = forms.CharField(
        label=_("What this version corrects, and why"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10_000
    )
