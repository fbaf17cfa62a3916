from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jaga.cases.models import Form
from jaga.core.forms import set_choices
from jaga.stats.dimensions import DIMENSIONS, MAX_CROSSTAB_DIMENSIONS


def _province_choices() -> list[tuple[str, Any]]:
    from jaga.stats.dimensions import _provinces

    return [("", _("All of Indonesia")), *_provinces()]


class DashboardForm(forms.Form):
    year = forms.ChoiceField(label=_("Year"), required=False)
    province = forms.ChoiceField(label=_("Province"), required=False)
    form = forms.ChoiceField(label=_("Form of exploitation"), required=False)

    def __init__(self, *args: Any, years: list[int], public: bool, scope: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "year", [(str(y), str(y)) for y in years])
        if scope:
            del self.fields["province"]
        else:
            set_choices(self, "province", _province_choices())
        if public:
            del self.fields["form"]  # the public sees fixed tables only (docs/adr/0010)
        else:
            set_choices(self, "form", [("", _("Every form")), *Form.choices])


class CrosstabForm(forms.Form):
    dims = forms.MultipleChoiceField(
        label=_("Count by (up to three)"),
        choices=[(name, d.label) for name, d in DIMENSIONS.items()],
        widget=forms.CheckboxSelectMultiple,
    )
    year = forms.ChoiceField(label=_("Year"), required=False)
    province = forms.ChoiceField(label=_("Province"), required=False)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "year", [("", _("Every year")), *[(str(y), str(y)) for y in years]])
        set_choices(self, "province", _province_choices())

    def clean_dims(self) -> list[str]:
        dims = self.cleaned_data["dims"]
        if len(dims) > MAX_CROSSTAB_DIMENSIONS:
            raise forms.ValidationError(_("Choose at most three."))
        return dims
