from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.utils.translation import gettext_lazy as _

from jaga.accounts.models import Organisation, Role, User
from jaga.accounts.permissions import grantable_roles
from jaga.core.forms import set_choices, set_queryset
from jaga.regions.models import Region


class LoginForm(forms.Form):
    username = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True})
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class OtpForm(forms.Form):
    otp = forms.CharField(
        label=_("Code from your authenticator app, or a recovery code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class TotpConfirmForm(forms.Form):
    token = forms.CharField(
        label=_("The 6-digit code your app shows now"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class ReauthForm(forms.Form):
    secret = forms.CharField(
        label=_("Your password or a code from your authenticator app"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )


class SetPasswordForm(forms.Form):
    password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords are not the same."))
        return data


class PasswordChangeForm(SetPasswordForm):
    old_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    field_order = ["old_password", "password1", "password2"]


class RolesForm(forms.Form):
    """The roles ``actor`` may grant in ``organisation``; roles held that they may not change are kept."""

    roles = forms.MultipleChoiceField(label=_("Roles"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, actor: User, organisation: Organisation | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = grantable_roles(actor, organisation or actor.organisation)
        set_choices(self, "roles", [(value, label) for value, label in Role.choices if value in allowed])

    @property
    def offered_roles(self) -> set[str]:
        roles = self.fields["roles"]
        return {str(value) for value, _label in getattr(roles, "choices", [])}

    def roles_with(self, held: frozenset[str] | set[str]) -> set[str]:
        """The roles chosen, plus those already held that this form does not offer."""
        return set(self.cleaned_data["roles"]) | (set(held) - self.offered_roles)


class InviteForm(RolesForm):
    email = forms.EmailField(label=_("Email"))
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    field_order = ["email", "full_name", "organisation", "roles"]

    def __init__(self, *args: Any, actor: User, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, actor=actor, **kwargs)
        set_queryset(self, "organisation", organisations.filter(is_active=True))
        self.fields["organisation"].initial = actor.organisation_id


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Region) -> str:
        return f"{obj.code} · {obj.name}"


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    type = forms.ChoiceField(label=_("Type"), choices=Organisation.Type.choices)
    jurisdiction = RegionChoiceField(
        label=_("Jurisdiction"),
        queryset=Region.objects.order_by("code"),
        required=False,
        empty_label=_("National"),
        help_text=_("National, one province or one regency/city."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
