from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jaga.accounts.choices import organisation_choices
from jaga.accounts.models import Organisation
from jaga.cases.inputs import CaseInput, ChildInput, ConsentInput
from jaga.cases.models import (
    Consent,
    Form,
    LegalProcess,
    Modus,
    Perpetrator,
    PlaceType,
    RiskLevel,
    Service,
    ServiceRecord,
    Sex,
    Source,
    Status,
)
from jaga.core.forms import DATE, LongSelect, set_choices, set_queryset, with_blank
from jaga.regions.choices import regency_choices, region_choices

YES_NO_UNKNOWN = [("", _("Unknown")), ("yes", _("Yes")), ("no", _("No"))]


class ConsentForm(forms.Form):
    given_by = forms.ChoiceField(label=_("Consent given by"), choices=with_blank(Consent.GivenBy.choices))
    services = forms.BooleanField(label=_("Consent to services"), required=False)
    sharing = forms.BooleanField(label=_("Consent to sharing with other organisations"), required=False)
    statistics = forms.BooleanField(label=_("Consent to use in statistics"), required=False)
    given_on = forms.DateField(label=_("Date of consent"), required=False, widget=DATE)
    lawful_basis = forms.ChoiceField(
        label=_("Lawful basis, when nobody could consent"),
        choices=with_blank(Consent.LawfulBasis.choices),
        required=False,
    )
    justification = forms.CharField(
        label=_("Why consent could not be had"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CaseIntakeForm(forms.Form):
    """The intake form in three fieldsets: the case, the child, consent. Names mirror CaseInput."""

    registered_on = forms.DateField(label=_("Registration date"), widget=DATE)
    source = forms.ChoiceField(label=_("Source of the report"), choices=with_blank(Source.choices))
    modus = forms.ChoiceField(label=_("Modus"), choices=with_blank(Modus.choices), required=False)
    place_type = forms.ChoiceField(label=_("Place"), choices=with_blank(PlaceType.choices), required=False)
    exploitation_regency = forms.ChoiceField(label=_("Regency/city where it happened"))
    exploitation_date = forms.DateField(label=_("Date it happened (approximate)"), required=False, widget=DATE)
    residence_regency = forms.ChoiceField(label=_("Regency/city where the child lives"), required=False)
    risk_level = forms.ChoiceField(label=_("Risk level"), choices=with_blank(RiskLevel.choices), required=False)
    leave_for_supervisor = forms.BooleanField(
        label=_("Do not lead this case myself: leave it in the intake queue for a supervisor to assign"),
        required=False,
    )

    child_full_name = forms.CharField(label=_("Child's full name"), max_length=200, required=False)
    child_aliases = forms.CharField(label=_("Other names and nicknames"), max_length=300, required=False)
    child_nik = forms.CharField(label=_("NIK (16 digits)"), max_length=25, required=False)
    child_date_of_birth = forms.DateField(label=_("Date of birth"), required=False, widget=DATE)
    child_estimated_age = forms.IntegerField(
        label=_("Estimated age, when the date of birth is not known"), required=False, min_value=0, max_value=17
    )
    child_sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    child_address = forms.CharField(
        label=_("Address"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    child_phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    child_guardian_name = forms.CharField(label=_("Parent or guardian"), max_length=200, required=False)
    child_guardian_relationship = forms.CharField(label=_("Relationship to the child"), max_length=30, required=False)
    child_disability = forms.ChoiceField(label=_("Disability"), choices=YES_NO_UNKNOWN, required=False)
    child_schooling = forms.CharField(label=_("Schooling"), max_length=20, required=False)

    # Declared last: from here on, `forms` in this class body is the field, not the module.
    forms = forms.MultipleChoiceField(
        label=_("Forms of exploitation"), choices=Form.choices, widget=forms.CheckboxSelectMultiple
    )

    SECTIONS = (
        (
            _("The case"),
            (
                "registered_on",
                "source",
                "forms",
                "modus",
                "place_type",
                "exploitation_regency",
                "exploitation_date",
                "residence_regency",
                "risk_level",
                "leave_for_supervisor",
            ),
        ),
        (
            _("The child"),
            tuple(
                f"child_{n}"
                for n in (
                    "full_name",
                    "aliases",
                    "nik",
                    "date_of_birth",
                    "estimated_age",
                    "sex",
                    "address",
                    "phone",
                    "guardian_name",
                    "guardian_relationship",
                    "disability",
                    "schooling",
                )
            ),
        ),
        (
            _("Consent and lawful basis"),
            tuple(
                f"consent_{n}"
                for n in ("given_by", "services", "sharing", "statistics", "given_on", "lawful_basis", "justification")
            ),
        ),
    )

    # The consent step is the ConsentForm's fields, prefixed (see below the class).

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "exploitation_regency", regency_choices("—"))
        set_choices(self, "residence_regency", regency_choices("—"))

    def to_input(self) -> CaseInput:
        d = self.cleaned_data
        disability = {"yes": True, "no": False}.get(d.get("child_disability") or "")
        return CaseInput(
            registered_on=d["registered_on"],
            source=d["source"],
            forms=list(d["forms"]),
            modus=d.get("modus", ""),
            place_type=d.get("place_type", ""),
            exploitation_regency=d["exploitation_regency"],
            exploitation_date=d.get("exploitation_date"),
            residence_regency=d.get("residence_regency", ""),
            risk_level=d.get("risk_level", ""),
            child=ChildInput(
                full_name=d.get("child_full_name", ""),
                aliases=d.get("child_aliases", ""),
                nik=d.get("child_nik", ""),
                date_of_birth=d.get("child_date_of_birth"),
                estimated_age=d.get("child_estimated_age"),
                sex=d["child_sex"],
                address=d.get("child_address", ""),
                phone=d.get("child_phone", ""),
                guardian_name=d.get("child_guardian_name", ""),
                guardian_relationship=d.get("child_guardian_relationship", ""),
                disability=disability,
                schooling=d.get("child_schooling", ""),
            ),
            consent=ConsentInput(
                given_by=d["consent_given_by"],
                services=d.get("consent_services", False),
                sharing=d.get("consent_sharing", False),
                statistics=d.get("consent_statistics", False),
                given_on=d.get("consent_given_on"),
                lawful_basis=d.get("consent_lawful_basis", ""),
                justification=d.get("consent_justification", ""),
            ),
        )


CaseIntakeForm.base_fields.update(
    {f"consent_{name}": copy.deepcopy(field) for name, field in ConsentForm.base_fields.items()}
)


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=_("Reference, NIK or name"), required=False, max_length=60)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All")), *Status.choices], required=False)
    form = forms.ChoiceField(label=_("Form of exploitation"), choices=[("", _("All")), *Form.choices], required=False)
    region = forms.ChoiceField(label=_("Province or regency/city"), required=False, widget=LongSelect)
    since = forms.DateField(label=_("Registered from"), required=False, widget=DATE)
    until = forms.DateField(label=_("Registered until"), required=False, widget=DATE)
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "region", region_choices(str(_("All regions"))))


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class ReferralForm(forms.Form):
    to_organisation = forms.ModelChoiceField(label=_("Refer to"), queryset=Organisation.objects.none())
    service = forms.ChoiceField(label=_("Service"), choices=with_blank(Service.choices))
    is_transfer = forms.BooleanField(label=_("Transfer the whole case to this organisation"), required=False)
    reason = forms.CharField(
        label=_("Why (shared with the receiving organisation)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )

    def __init__(self, *args: Any, case: Any, service: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from jaga.cases.offers import refer_to_choices

        field = set_queryset(
            self, "to_organisation", Organisation.objects.filter(is_active=True).exclude(pk=case.organisation_id)
        )
        # Grouped nearest first, each with the services it provides; the queryset still checks the answer.
        field.choices = with_blank(refer_to_choices(case, service))
        field.help_text = _("Organisations that provide the service you choose, nearest first.")


class PerpetratorForm(forms.ModelForm):
    class Meta:
        model = Perpetrator
        fields = ["relationship", "role", "sex", "age_band", "origin", "legal_status", "identity"]
        widgets = {"identity": forms.Textarea(attrs={"rows": 2})}


class ServiceRecordForm(forms.ModelForm):
    class Meta:
        model = ServiceRecord
        fields = ["service", "provider", "state", "started_on", "ended_on", "outcome"]
        widgets = {"started_on": DATE, "ended_on": DATE, "outcome": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["provider"]
        field.queryset = Organisation.objects.filter(is_active=True)  # type: ignore[attr-defined]
        field.choices = organisation_choices(field.queryset)  # type: ignore[attr-defined]


class LegalProcessForm(forms.ModelForm):
    # The model field is encrypted text without a length; the form keeps the 200 characters it had.
    outcome = forms.CharField(label=_("outcome"), max_length=200, required=False)

    class Meta:
        model = LegalProcess
        fields = ["stage", "police_report_number", "reported_on", "stage_on", "outcome"]
        widgets = {
            "reported_on": DATE,
            "stage_on": DATE,
            "police_report_number": forms.TextInput(),
        }
        help_texts = {"police_report_number": _("Leave empty to keep the number already recorded.")}


class SubjectCorrectForm(forms.Form):
    full_name = forms.CharField(label=_("Child's full name"), max_length=200, required=False)
    aliases = forms.CharField(label=_("Other names and nicknames"), max_length=300, required=False)
    nik = forms.CharField(label=_("NIK (16 digits)"), max_length=25, required=False)
    date_of_birth = forms.DateField(label=_("Date of birth"), required=False, widget=DATE)
    address = forms.CharField(
        label=_("Address"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    guardian_name = forms.CharField(label=_("Parent or guardian"), max_length=200, required=False)


class EraseForm(forms.Form):
    confirm = forms.CharField(label=_("Type the case reference to confirm"), max_length=30)


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Document"),
        help_text=_(
            "PDF, JPEG, PNG, Word or Excel. Never upload images or videos of abuse: do not download, keep or share "
            "such material. Report links to it through the hotline instead."
        ),
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (CSV or XLSX)"))


class FactsForm(forms.Form):
    """The facts a caseworker corrects after registration (identity is corrected on the data-subject page)."""

    source = forms.ChoiceField(label=_("Source of the report"), choices=Source.choices)
    modus = forms.ChoiceField(label=_("Modus"), choices=with_blank(Modus.choices), required=False)
    place_type = forms.ChoiceField(label=_("Place"), choices=with_blank(PlaceType.choices), required=False)
    exploitation_regency = forms.ChoiceField(label=_("Regency/city where it happened"))
    exploitation_date = forms.DateField(label=_("Date it happened (approximate)"), required=False, widget=DATE)
    residence_regency = forms.ChoiceField(label=_("Regency/city where the child lives"), required=False)
    risk_level = forms.ChoiceField(label=_("Risk level"), choices=with_blank(RiskLevel.choices), required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    disability = forms.ChoiceField(label=_("Disability"), choices=YES_NO_UNKNOWN, required=False)
    schooling = forms.CharField(label=_("Schooling"), max_length=20, required=False)
    reason = forms.CharField(
        label=_("Why (needed when the risk is lowered)"), max_length=300, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip

    # Last in the class body: the field's name hides the forms module below it.
    forms = forms.MultipleChoiceField(
        label=_("Forms of exploitation"), choices=Form.choices, widget=forms.CheckboxSelectMultiple
    )
    field_order = ["source", "forms"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "exploitation_regency", regency_choices("—"))
        set_choices(self, "residence_regency", regency_choices("—"))

    @staticmethod
    def initial_from(facts: dict[str, Any]) -> dict[str, Any]:
        disability = {True: "yes", False: "no"}.get(facts["disability"], "")
        return {**facts, "disability": disability}

    def changes(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("reason")
        data["disability"] = {"yes": True, "no": False}.get(data["disability"])
        return data
