"""Forms of the partner pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jaga.accounts.models import Organisation
from jaga.core.forms import DATE, set_choices, with_blank
from jaga.programs.partners.models import Agreement, Programme
from jaga.regions.models import Region


class PartnerFilterForm(forms.Form):
    type = forms.ChoiceField(label=_("Type"), choices=with_blank(Organisation.Type.choices), required=False)
    province = forms.ChoiceField(label=_("Province"), required=False)
    programme = forms.ChoiceField(label=_("Programme"), choices=with_blank(Programme.choices), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        provinces = Region.objects.filter(level=Region.Level.PROVINCE).order_by("name").values_list("code", "name")
        set_choices(self, "province", with_blank(list(provinces)))


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
