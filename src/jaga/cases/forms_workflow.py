"""Forms of the work on a case: assessment, case plan, closure request, decisions, tasks."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jaga.accounts.models import User
from jaga.cases.assignment import assignable_caseworkers
from jaga.cases.models import Assessment, ClosureReason, Need, RiskLevel, Service
from jaga.cases.workflow import TEXT_MAX, ActionInput
from jaga.core.forms import DATE, with_blank

ACTION_ROWS = 6  # rows offered on the plan page (no JavaScript needed); empty rows are ignored


class AssessmentForm(forms.Form):
    safety = forms.ChoiceField(label=_("Safety"), choices=Need.choices, initial=Need.NONE, required=False)
    health = forms.ChoiceField(label=_("Health"), choices=Need.choices, initial=Need.NONE, required=False)
    psychosocial = forms.ChoiceField(label=_("Psychosocial"), choices=Need.choices, initial=Need.NONE, required=False)
    legal = forms.ChoiceField(label=_("Legal"), choices=Need.choices, initial=Need.NONE, required=False)
    education = forms.ChoiceField(label=_("Education"), choices=Need.choices, initial=Need.NONE, required=False)
    family_economy = forms.ChoiceField(
        label=_("Family and economy"), choices=Need.choices, initial=Need.NONE, required=False
    )
    risk_rating = forms.ChoiceField(label=_("Risk rating"), choices=with_blank(RiskLevel.choices))
    narrative = forms.CharField(
        label=_("Assessment narrative"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=TEXT_MAX,
        required=False,
        help_text=_("What you found and why these needs. Stored encrypted; required to send for approval."),
    )

    @classmethod
    def initial_from(cls, entry: Assessment | None) -> dict[str, Any]:
        if entry is None:
            return {}
        names = [*Assessment.DOMAINS, "risk_rating", "narrative"]
        return {name: getattr(entry, name) for name in names}


class PlanForm(forms.Form):
    goals = forms.CharField(
        label=_("Goals"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TEXT_MAX,
        help_text=_("What the plan is to reach for the child. Stored encrypted."),
    )

    def __init__(self, *args: Any, organisation_id: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = assignable_caseworkers(organisation_id)
        for row in range(1, ACTION_ROWS + 1):
            self.fields[f"action_{row}_description"] = forms.CharField(
                label=_("Action %(n)s") % {"n": row}, max_length=200, required=False
            )
            self.fields[f"action_{row}_service"] = forms.ChoiceField(
                label=_("Service needed"), choices=with_blank(Service.choices), required=False
            )
            responsible = forms.ModelChoiceField(label=_("Responsible"), queryset=people, required=False)
            responsible.label_from_instance = lambda obj: obj.full_name  # type: ignore[method-assign]
            self.fields[f"action_{row}_responsible"] = responsible
            self.fields[f"action_{row}_due_on"] = forms.DateField(label=_("Due date"), required=False, widget=DATE)

    def rows(self) -> list[list[Any]]:
        """The action fields by row, for the template."""
        names = ("description", "service", "responsible", "due_on")
        return [[self[f"action_{row}_{name}"] for name in names] for row in range(1, ACTION_ROWS + 1)]

    def actions(self) -> list[ActionInput]:
        """The rows that say something (a row with only a date or a person still counts, to be refused)."""
        data = self.cleaned_data
        found = []
        for row in range(1, ACTION_ROWS + 1):
            values = [data.get(f"action_{row}_{name}") for name in ("description", "service", "responsible", "due_on")]
            if any(values):
                description, service, responsible, due_on = values
                found.append(
                    ActionInput(
                        description=description or "", due_on=due_on, service=service or "", responsible=responsible
                    )
                )
        return found

    @staticmethod
    def initial_from(plan: Any) -> dict[str, Any]:
        if plan is None:
            return {}
        initial: dict[str, Any] = {"goals": plan.goals}
        for row, action in enumerate(plan.actions.all()[:ACTION_ROWS], start=1):
            initial |= {
                f"action_{row}_description": action.description,
                f"action_{row}_service": action.service,
                f"action_{row}_responsible": action.responsible_id,
                f"action_{row}_due_on": action.due_on,
            }
        return initial


class ClosureForm(forms.Form):
    reason = forms.ChoiceField(label=_("Closure reason"), choices=with_blank(ClosureReason.choices))
    outcome = forms.CharField(
        label=_("Outcome for the child"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TEXT_MAX,
        help_text=_("Where the child is now and what was reached. Stored encrypted."),
    )


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_MAX,
        required=False,
        help_text=_("Required when you return it: say what needs to change."),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Why reopen"), max_length=200)


class TaskForm(forms.Form):
    title = forms.CharField(
        label=_("What to do"),
        max_length=200,
        help_text=_("Write what is to be done, not who the child is."),
    )
    owner = forms.ModelChoiceField[User](label=_("Owner"), queryset=None)
    due_on = forms.DateField(label=_("Due date"), widget=DATE)

    def __init__(self, *args: Any, organisation_id: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["owner"]
        field.queryset = assignable_caseworkers(organisation_id)  # type: ignore[attr-defined]
        field.label_from_instance = lambda user: user.full_name  # type: ignore[attr-defined]
