from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jaga.accounts.models import Organisation
from jaga.cases.forms import DATE, with_blank
from jaga.programs.models import AdvocacyActivity, Agreement, Ask, CampaignActivity, Programme, Stage
from jaga.regions.models import Region


class PartnerFilterForm(forms.Form):
    type = forms.ChoiceField(label=_("Type"), choices=with_blank(Organisation.Type.choices), required=False)
    province = forms.ChoiceField(label=_("Province"), required=False)
    programme = forms.ChoiceField(label=_("Programme"), choices=with_blank(Programme.choices), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        provinces = Region.objects.filter(level=Region.Level.PROVINCE).order_by("name").values_list("code", "name")
        self.fields["province"].choices = with_blank(list(provinces))


class ProgrammesForm(forms.Form):
    programmes = forms.MultipleChoiceField(
        label=_("Programmes"), choices=Programme.choices, required=False, widget=forms.CheckboxSelectMultiple
    )


class ContactForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    position = forms.CharField(label=_("Position"), max_length=120, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)


class AgreementForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=with_blank(Agreement.Kind.choices))
    programme = forms.ChoiceField(label=_("Programme"), choices=with_blank(Programme.choices))
    parties = forms.ModelMultipleChoiceField(
        label=_("Parties"),
        queryset=Organisation.objects.filter(is_active=True),
        help_text=_("This organisation and at least one other."),
    )
    scope = forms.CharField(label=_("Scope"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE, required=False, help_text=_("Empty when open-ended."))
    document = forms.FileField(label=_("Signed document (PDF)"), required=False)


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
        self.fields["region"].queryset = Region.objects.order_by("code")
        for name in self.COUNTS:  # an empty count is none
            self.fields[name].required = False

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for name in self.COUNTS:
            if cleaned.get(name) is None:
                cleaned[name] = 0
        return cleaned
