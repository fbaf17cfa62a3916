from __future__ import annotations

from typing import Any

from django import forms as dj
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from jaga.accounts.models import Organisation, Role, User
from jaga.cases.models import Form, PlaceType, Sex
from jaga.core.forms import DATE, set_choices, set_queryset, with_blank
from jaga.hotline.models import Flag, Outcome, Report, State
from jaga.hotline.services import MAX_CONTACT, MAX_DESCRIPTION, ReportInput, validate_report
from jaga.hotline.triage import OutcomeInput
from jaga.regions.choices import regency_choices


def _map_errors(form: dj.Form, exc: ValidationError) -> None:
    for key, messages in exc.message_dict.items():
        form.add_error(key if key in form.fields else None, messages)


class ReportForm(dj.Form):
    """The public report form: no account, no JavaScript, every field but the story optional."""

    forms = dj.MultipleChoiceField(
        label=_("What kind of exploitation? (choose one or more)"),
        choices=Form.choices,
        widget=dj.CheckboxSelectMultiple,
    )
    online = dj.BooleanField(label=_("It happened online (a website, app, game or chat)"), required=False)
    in_danger = dj.BooleanField(label=_("A child is in danger right now"), required=False)
    live = dj.BooleanField(label=_("It is happening now or being streamed live"), required=False)
    regency_code = dj.ChoiceField(label=_("Where? Regency or city"), required=False)
    place_type = dj.ChoiceField(label=_("What kind of place?"), choices=with_blank(PlaceType.choices), required=False)
    occurred_on = dj.DateField(label=_("When? (approximately)"), required=False, widget=DATE)
    child_age = dj.IntegerField(label=_("The child's approximate age"), required=False, min_value=0, max_value=17)
    child_sex = dj.ChoiceField(label=_("The child's sex"), choices=Sex.choices, initial=Sex.UNKNOWN)
    description = dj.CharField(
        label=_("What happened?"),
        max_length=MAX_DESCRIPTION,
        widget=dj.Textarea(attrs={"rows": 6}),
        help_text=_("Who, what, where and when, as far as you know. Do not write your own name here."),
    )
    urls = dj.CharField(
        label=_("Web addresses (one per line)"),
        required=False,
        widget=dj.Textarea(attrs={"rows": 3, "inputmode": "url", "autocapitalize": "off", "spellcheck": "false"}),
        help_text=_(
            "Copy the link only. Never download, keep, screenshot or send images or videos of abuse: "
            "that is a crime and hurts the child again. This form accepts no uploads."
        ),
    )
    platform = dj.CharField(label=_("Platform or app (if online)"), required=False, max_length=100)
    contact = dj.CharField(
        label=_("Your contact details (optional)"),
        required=False,
        max_length=MAX_CONTACT,
        widget=dj.Textarea(attrs={"rows": 2}),
        help_text=_("Only if you agree to be contacted. They are encrypted and seen only by hotline staff."),
    )
    contact_consent = dj.BooleanField(label=_("The hotline may contact me"), required=False)
    # A honeypot: hidden from people (CSS), filled in by form-filling robots.
    website = dj.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=dj.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "regency_code", regency_choices(str(_("I do not know"))))

    def is_robot(self) -> bool:
        return bool(self.data.get("website"))

    def to_input(self) -> ReportInput:
        data = self.cleaned_data
        return ReportInput(
            description=data["description"],
            forms=list(data["forms"]),
            online=data["online"],
            regency_code=data["regency_code"],
            place_type=data["place_type"],
            occurred_on=data["occurred_on"],
            child_age=data["child_age"],
            child_sex=data["child_sex"],
            urls=[line for line in data["urls"].splitlines() if line.strip()],
            platform=data["platform"],
            in_danger=data["in_danger"],
            live=data["live"],
            contact=data["contact"],
            contact_consent=data["contact_consent"],
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors:
            try:
                validate_report(self.to_input())
            except ValidationError as exc:
                _map_errors(self, exc)
        return cleaned


class StatusForm(dj.Form):
    code = dj.CharField(label=_("Tracking code"), max_length=20, widget=dj.TextInput(attrs={"autocomplete": "off"}))
    secret = dj.CharField(label=_("Secret"), max_length=40, widget=dj.PasswordInput(attrs={"autocomplete": "off"}))


class QueueFilterForm(dj.Form):
    state = dj.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("open", _("Open (received or in review)")), ("", _("All")), *State.choices],
    )
    flag = dj.ChoiceField(label=_("Urgency flag"), required=False, choices=with_blank(Flag.choices))
    mine = dj.BooleanField(label=_("Assigned to me"), required=False)
    code = dj.CharField(
        label=_("Tracking code"), required=False, max_length=20, help_text=_("For example JG-7KQ2-M9XD")
    )


def operators() -> Any:
    return User.objects.filter(is_active=True, role_grants__role=Role.HOTLINE_OPERATOR).order_by("full_name")


class AssignForm(dj.Form):
    assigned_to = dj.ModelChoiceField(label=_("Assign to"), queryset=User.objects.none(), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "assigned_to", operators()).label_from_instance = lambda obj: obj.full_name  # type: ignore[method-assign]


class CategoriseForm(dj.Form):
    forms = dj.MultipleChoiceField(
        label=_("Forms of exploitation"), choices=Form.choices, widget=dj.CheckboxSelectMultiple
    )
    flags = dj.MultipleChoiceField(
        label=_("Urgency flags"), choices=Flag.choices, widget=dj.CheckboxSelectMultiple, required=False
    )


class OutcomeForm(dj.Form):
    """One form per kind of outcome on the report's page; the service checks what each kind needs."""

    kind = dj.ChoiceField(choices=Outcome.Kind.choices, widget=dj.HiddenInput)
    on = dj.DateField(label=_("Date"), required=False, widget=DATE)
    police_unit = dj.CharField(label=_("Police unit (e.g. Ditreskrimsus Polda Bali)"), required=False, max_length=200)
    reference = dj.CharField(label=_("Reference number"), required=False, max_length=100)
    url = dj.ChoiceField(label=_("Address"), required=False)
    recipient = dj.ChoiceField(label=_("Sent to"), required=False, choices=with_blank(Outcome.Recipient.choices))
    takedown_result = dj.ChoiceField(
        label=_("Result"), required=False, choices=with_blank(Outcome.TakedownResult.choices)
    )
    organisation = dj.ModelChoiceField(
        label=_("Service unit that takes the case"), queryset=Organisation.objects.none(), required=False
    )
    regency_code = dj.ChoiceField(label=_("Regency/city of the case"), required=False)
    close_reason = dj.ChoiceField(label=_("Reason"), required=False, choices=with_blank(Outcome.CloseReason.choices))
    note = dj.CharField(label=_("Note"), required=False, max_length=2000, widget=dj.Textarea(attrs={"rows": 2}))

    FIELDS_BY_KIND = {
        Outcome.Kind.POLICE: ["on", "police_unit", "reference", "note"],
        Outcome.Kind.TAKEDOWN: ["on", "url", "recipient", "reference", "takedown_result", "note"],
        Outcome.Kind.CASE: ["organisation", "regency_code", "note"],
        Outcome.Kind.CLOSED: ["close_reason", "note"],
    }

    def __init__(self, *args: Any, report: Report, kind: str, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", kind)
        kwargs.setdefault("initial", {"kind": kind})
        super().__init__(*args, **kwargs)
        self.outcome_kind = kind
        keep = {"kind", *self.FIELDS_BY_KIND[Outcome.Kind(kind)]}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if "url" in self.fields:
            set_choices(self, "url", with_blank([(u.pk, u.url) for u in report.urls.all()]))
        if "organisation" in self.fields:
            units = Organisation.objects.filter(is_active=True, type=Organisation.Type.REGIONAL_SERVICE_UNIT)
            field = set_queryset(self, "organisation", units.order_by("name"))
            # The units of the report's province first (preselected when there is one), then the others.
            province = (report.regency_id or "").split(".")[0]
            near = [
                u for u in units.order_by("name") if province and (u.jurisdiction_id or "").split(".")[0] == province
            ]
            far = [u for u in units.order_by("name") if u not in near]
            groups: list[Any] = [("", "—")]
            if near:
                groups.append((str(_("In the report's province")), [(str(u.pk), u.name) for u in near]))
            groups.append((str(_("Other provinces")), [(str(u.pk), u.name) for u in far]))
            field.choices = groups
            if len(near) == 1 and not self.is_bound:
                self.initial["organisation"] = str(near[0].pk)
        if "regency_code" in self.fields:
            set_choices(self, "regency_code", regency_choices(str(_("As in the report"))))

    def to_input(self) -> OutcomeInput:
        data = self.cleaned_data
        return OutcomeInput(
            kind=self.outcome_kind,
            on=data.get("on"),
            police_unit=data.get("police_unit", ""),
            reference=data.get("reference", ""),
            recipient=data.get("recipient", ""),
            url_id=int(data["url"]) if data.get("url") else None,
            takedown_result=data.get("takedown_result", ""),
            close_reason=data.get("close_reason", ""),
            note=data.get("note", ""),
            organisation=data.get("organisation"),
            regency_code=data.get("regency_code", ""),
        )

    def add_service_errors(self, exc: ValidationError) -> None:
        _map_errors(self, exc)
