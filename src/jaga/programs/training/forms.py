"""Forms of the training pages, staff and public."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jaga.accounts.choices import organisation_choices
from jaga.accounts.models import Organisation
from jaga.core.forms import DATE, set_queryset, with_blank
from jaga.programs.training.models import Module, Participant, Question, Score, TrainingSession
from jaga.regions.models import Region


class ModuleForm(forms.ModelForm):
    class Meta:
        model = Module
        fields = ["title", "audience", "language", "objectives", "outline", "pass_mark"]
        widgets = {"objectives": forms.Textarea(attrs={"rows": 3}), "outline": forms.Textarea(attrs={"rows": 6})}


class MaterialForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    changes = forms.CharField(label=_("What changed"), max_length=300, required=False)
    file = forms.FileField(label=_("File (PDF, PowerPoint or Word)"))


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Question"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    option_1 = forms.CharField(label=_("Option 1"), max_length=300)
    option_2 = forms.CharField(label=_("Option 2"), max_length=300)
    option_3 = forms.CharField(label=_("Option 3"), max_length=300, required=False)
    option_4 = forms.CharField(label=_("Option 4"), max_length=300, required=False)
    answer = forms.TypedChoiceField(
        label=_("Correct option"), choices=[(str(n), str(n)) for n in range(1, 5)], coerce=int
    )


class SessionForm(forms.ModelForm):
    class Meta:
        model = TrainingSession
        fields = ["module", "starts_on", "ends_on", "online", "place", "region", "trainers", "organisations"]
        widgets = {"starts_on": DATE, "ends_on": DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "region", Region.objects.order_by("code"))
        set_queryset(self, "organisations", Organisation.objects.filter(is_active=True))


class TestsForm(forms.Form):
    pre = forms.BooleanField(label=_("Pre-test open"), required=False)
    post = forms.BooleanField(label=_("Post-test open"), required=False)
    self_registration = forms.BooleanField(label=_("Participants may register themselves"), required=False)


class ParticipantForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    sex = forms.ChoiceField(label=_("Sex"), choices=with_blank(Participant.Sex.choices))
    organisation = forms.ModelChoiceField(
        label=_("Organisation in Jaga"), queryset=Organisation.objects.filter(is_active=True), required=False
    )
    organisation_name = forms.CharField(
        label=_("Other organisation"), max_length=200, required=False, help_text=_("When it is not in Jaga.")
    )
    role = forms.CharField(label=_("Role or position"), max_length=120, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        field.choices = organisation_choices(field.queryset)  # type: ignore[attr-defined]


class ParticipantImportForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (XLSX or CSV)"))


class ScoreForm(forms.Form):
    participant = forms.ChoiceField(label=_("Participant"))
    kind = forms.ChoiceField(label=_("Test"), choices=Score.Kind.choices)
    score = forms.IntegerField(label=_("Score (%)"), min_value=0, max_value=100)


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Why is it revoked?"), max_length=300)


class CodeEntryForm(forms.Form):
    code = forms.CharField(
        label=_("Your participant code"), max_length=12, help_text=_("Six letters and digits, from your trainer.")
    )


class SelfRegisterForm(forms.Form):
    full_name = forms.CharField(label=_("Full name (as on the certificate)"), max_length=200)
    organisation_name = forms.CharField(label=_("Organisation"), max_length=200)
    role = forms.CharField(label=_("Role or position"), max_length=120, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=with_blank(Participant.Sex.choices))


class TestForm(forms.Form):
    """One radio group per question, named by the question's id."""

    def __init__(self, questions: list[Question], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for number, question in enumerate(questions, start=1):
            self.fields[str(question.pk)] = forms.ChoiceField(
                label=f"{number}. {question.text}",
                choices=[(str(k), option) for k, option in enumerate(question.options)],
                widget=forms.RadioSelect,
                required=False,  # the service names every unanswered question at once
            )


class VerifyForm(forms.Form):
    code = forms.CharField(label=_("Certificate code"), max_length=30, help_text=_("For example SERT-7K3M-Q2XD-9TRA"))
