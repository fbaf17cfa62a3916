from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from jaga.accounts.models import Organisation
from jaga.core.forms import DATE


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=_("Action starts with"), required=False, max_length=100)
    security = forms.BooleanField(label=_("Only refused requests and security alerts"), required=False)
    actor = forms.EmailField(label=_("Actor's email"), required=False)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.all(), required=False, empty_label=_("All")
    )
    since = forms.DateField(label=_("From"), required=False, widget=DATE)
    until = forms.DateField(label=_("Until"), required=False, widget=DATE)
