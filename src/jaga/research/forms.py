"""Forms of the research pages."""

from __future__ import annotations

from typing import Any

from django import forms as dj
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from jaga.cases.choices import Form, Modus, PlaceType
from jaga.cases.record_models import LegalProcess, Perpetrator
from jaga.core.forms import set_choices, with_blank
from jaga.regions.choices import region_choices
from jaga.research.incidents import BANDS, SEXES, IncidentInput

SEX_LABELS = {"female": _("Girls"), "male": _("Boys"), "unknown": _("Sex not reported")}
BAND_LABELS = {"unknown": _("Age not reported")}
DATE = dj.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def child_field(band: str, sex: str) -> str:
    return f"children_{band.replace('-', '_')}_{sex}"


class IncidentForm(dj.Form):
    summary = dj.CharField(
        label=_("Summary (no names, no NIK, no phone numbers)"),
        max_length=2000,
        widget=dj.Textarea(attrs={"rows": 4}),
    )
    outlet = dj.CharField(label=_("Outlet or document"), max_length=200)
    url = dj.CharField(
        label=_("Address (URL), if online"),
        max_length=600,
        required=False,
        help_text=_("Jaga never opens it: it is kept to recognise the same article."),
    )
    published_on = dj.DateField(label=_("Publication date"), widget=DATE)
    incident_on = dj.DateField(label=_("Date of the incident, if known"), widget=DATE, required=False)
    region_code = dj.ChoiceField(label=_("Regency/city (or the province, if the report says no more)"))
    place_type = dj.ChoiceField(label=_("Place type"), required=False, choices=with_blank(PlaceType.choices))
    forms = dj.MultipleChoiceField(
        label=_("Forms of exploitation"), choices=Form.choices, widget=dj.CheckboxSelectMultiple
    )
    modus = dj.ChoiceField(label=_("Modus"), required=False, choices=with_blank(Modus.choices))
    legal_stage = dj.ChoiceField(
        label=_("Legal stage reported"), required=False, choices=with_blank(LegalProcess.Stage.choices)
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "region_code", region_choices("—"))
        for band in BANDS:
            for sex in SEXES:
                self.fields[child_field(band, sex)] = dj.IntegerField(
                    label=format_lazy("{} · {}", BAND_LABELS.get(band, band), SEX_LABELS[sex]),
                    min_value=0,
                    max_value=500,
                    initial=0,
                    required=False,
                    widget=dj.NumberInput(attrs={"inputmode": "numeric", "class": "count"}),
                )
        for role, role_label in Perpetrator.Role.choices:
            for origin, origin_label in Perpetrator.Origin.choices:
                self.fields[f"perp_{role}_{origin}"] = dj.IntegerField(
                    label=format_lazy("{} · {}", role_label, origin_label),
                    min_value=0,
                    max_value=500,
                    initial=0,
                    required=False,
                    widget=dj.NumberInput(attrs={"inputmode": "numeric", "class": "count"}),
                )

    def child_rows(self) -> list[tuple[Any, list[Any]]]:
        return [(BAND_LABELS.get(band, band), [self[child_field(band, sex)] for sex in SEXES]) for band in BANDS]

    def sex_labels(self) -> list[Any]:
        return [SEX_LABELS[sex] for sex in SEXES]

    def perpetrator_fields(self) -> list[Any]:
        return [self[name] for name in self.fields if name.startswith("perp_")]

    def main_fields(self) -> list[Any]:
        return [self[name] for name in self.fields if not name.startswith(("children_", "perp_"))]

    def to_input(self) -> IncidentInput:
        d = self.cleaned_data
        return IncidentInput(
            summary=d["summary"],
            region_code=d["region_code"],
            forms=list(d["forms"]),
            outlet=d["outlet"],
            published_on=d["published_on"],
            url=d.get("url") or "",
            incident_on=d.get("incident_on"),
            place_type=d.get("place_type") or "",
            modus=d.get("modus") or "",
            legal_stage=d.get("legal_stage") or "",
            children={f"{band}|{sex}": d.get(child_field(band, sex)) or 0 for band in BANDS for sex in SEXES},
            perpetrators={
                f"{role}|{origin}": d.get(f"perp_{role}_{origin}") or 0
                for role in Perpetrator.Role.values
                for origin in Perpetrator.Origin.values
            },
        )


class IncidentFilterForm(dj.Form):
    year = dj.ChoiceField(label=_("Year"), required=False)
    province = dj.ChoiceField(label=_("Province"), required=False)
    form = dj.ChoiceField(label=_("Form of exploitation"), required=False, choices=with_blank(Form.choices))

    def __init__(self, *args: Any, years: list[int], provinces: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "year", with_blank([(str(y), str(y)) for y in years]))
        set_choices(self, "province", with_blank(provinces))


class ImportForm(dj.Form):
    file = dj.FileField(label=_("Spreadsheet (XLSX or CSV, the template's columns)"))


class StudyForm(dj.Form):
    title = dj.CharField(label=_("Title"), max_length=200)
    ethics_reference = dj.CharField(label=_("Ethics approval reference"), max_length=120)
    ethics_approved_on = dj.DateField(label=_("Ethics approval date"), widget=DATE)
    consent_id = dj.CharField(
        label=_("Consent text (Bahasa Indonesia)"), max_length=4000, widget=dj.Textarea(attrs={"rows": 4})
    )
    consent_en = dj.CharField(
        label=_("Consent text (English)"), max_length=4000, required=False, widget=dj.Textarea(attrs={"rows": 4})
    )
    retention_until = dj.DateField(label=_("Responses kept until"), widget=DATE)
    access = dj.ChoiceField(
        label=_("Who may answer"),
        choices=[("link", _("Anyone with the link, anonymously")), ("code", _("Participants with an invitation code"))],
    )
    weight_question = dj.CharField(
        label=_("Question holding each response's weight (optional)"), max_length=80, required=False
    )


class InstrumentForm(dj.Form):
    file = dj.FileField(label=_("XLSForm (.xlsx)"))


class ResponsesImportForm(dj.Form):
    source = dj.ChoiceField(label=_("Exported from"), choices=[("kobo", "KoboToolbox"), ("odk", "ODK Central")])
    file = dj.FileField(label=_("Export (CSV or JSON)"))


class CodesForm(dj.Form):
    count = dj.IntegerField(label=_("How many invitation codes"), min_value=1, max_value=500, initial=20)


class AnalysisForm(dj.Form):
    question = dj.ChoiceField(label=_("Question"))
    by = dj.ChoiceField(label=_("Broken down by"), required=False)

    def __init__(self, *args: Any, choices: list[tuple[str, Any]], breakdowns: list[tuple[str, Any]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        set_choices(self, "question", choices)
        set_choices(self, "by", with_blank(breakdowns))


class TeamForm(dj.Form):
    members = dj.MultipleChoiceField(
        label=_("Team members (people with the researcher role)"), required=False, widget=dj.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, people: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "members", people)
