from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jaga.accounts.choices import organisation_choices
from jaga.accounts.models import Organisation
from jaga.cases.forms import with_blank
from jaga.core.forms import DATE
from jaga.programs.models import (
    AdvocacyActivity,
    Agreement,
    Ask,
    CampaignActivity,
    CodeCriterion,
    CodeMember,
    CriterionProgress,
    Indicator,
    Module,
    Participant,
    Programme,
    Question,
    Score,
    Stage,
    TrainingSession,
)
from jaga.regions.choices import region_choices
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # long lists grouped: regions by province, organisations by type
        self.fields["region"].choices = region_choices()  # type: ignore[attr-defined]
        self.fields["lead"].choices = organisation_choices(self.fields["lead"].queryset)  # type: ignore[attr-defined]


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


# --- Training -------------------------------------------------------------------------------------


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
        self.fields["region"].queryset = Region.objects.order_by("code")
        self.fields["organisations"].queryset = Organisation.objects.filter(is_active=True)


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


# --- The Code -------------------------------------------------------------------------------------


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


# --- Results framework ----------------------------------------------------------------------------


def _provinces() -> list[tuple[str, str]]:
    return list(Region.objects.filter(level=Region.Level.PROVINCE).order_by("name").values_list("code", "name"))


class ResultsFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    province = forms.ChoiceField(label=_("Province"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = [("", _("National")), *_provinces()]


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
