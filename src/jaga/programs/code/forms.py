"""Forms of The Code pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jaga.accounts.models import Organisation
from jaga.core.forms import DATE, with_blank
from jaga.programs.code.models import CodeCriterion, CodeMember, CriterionProgress


class CodeMemberForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Company"),
        queryset=Organisation.objects.filter(type=Organisation.Type.PRIVATE_SECTOR, is_active=True),
        help_text=_("A private-sector organisation in Jaga."),
    )
    sector = forms.ChoiceField(label=_("Sector"), choices=with_blank(CodeMember.Sector.choices))
    status = forms.ChoiceField(label=_("Membership"), choices=CodeMember.Status.choices)
    joined_on = forms.DateField(label=_("Member since"), widget=DATE, required=False)


class MembershipForm(forms.Form):
    status = forms.ChoiceField(label=_("Membership"), choices=CodeMember.Status.choices)
    joined_on = forms.DateField(label=_("Member since"), widget=DATE, required=False)


class ProgressForm(forms.Form):
    criterion = forms.TypedChoiceField(label=_("Criterion"), choices=CodeCriterion.choices, coerce=int)
    status = forms.ChoiceField(label=_("Status"), choices=CriterionProgress.Status.choices)
    evidence = forms.CharField(
        label=_("Evidence"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence_on = forms.DateField(label=_("Date of the evidence"), widget=DATE, required=False)


class CodeReportForm(forms.Form):
    """The annual report: the year, staff trained, and for criteria 1 to 5 a status and what shows it."""

    year = forms.IntegerField(label=_("Year reported on"), min_value=2000, max_value=2100)
    staff_trained = forms.IntegerField(label=_("Staff trained in the year"), min_value=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for criterion in CodeCriterion:
            if criterion == CodeCriterion.REPORTING:
                continue
            n = int(criterion)
            self.fields[f"status_{n}"] = forms.ChoiceField(
                label=criterion.label, choices=with_blank(CriterionProgress.Status.choices)
            )
            self.fields[f"evidence_{n}"] = forms.CharField(
                label=_("What the company did, and what shows it (criterion %(n)s)") % {"n": n},
                max_length=4000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def criteria(self) -> dict[int, tuple[str, str]]:
        data = self.cleaned_data
        return {
            int(c): (data.get(f"status_{int(c)}", ""), data.get(f"evidence_{int(c)}", ""))
            for c in CodeCriterion
            if c != CodeCriterion.REPORTING
        }


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("verify", _("Verify: the evidence holds")), ("return", _("Return to the company for changes"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note to the company"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
