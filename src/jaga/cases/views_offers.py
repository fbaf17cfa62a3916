"""The page where an organisation declares the services it provides (supervisors and organisation admins)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from jaga.accounts.access import require_login
from jaga.accounts.requests import AuthedHttpRequest
from jaga.cases.models import Service
from jaga.cases.offers import may_declare, offered, services_declare
from jaga.core.forms import add_errors


class OffersForm(forms.Form):
    services = forms.MultipleChoiceField(
        label=gettext_lazy("Services your organisation provides"),
        choices=Service.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy("Other organisations see these when they choose where to refer a child."),
    )


@require_http_methods(["GET", "POST"])
@require_login
def offers_view(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not may_declare(user):
        raise PermissionDenied
    form = OffersForm(request.POST or None, initial={"services": offered(user.organisation_id)})
    if request.method == "POST" and form.is_valid():
        try:
            services_declare(actor=user, services=form.cleaned_data["services"], request=request)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The services are saved."))
            return redirect("cases:offers")
    return render(request, "cases/offers.html", {"form": form}, status=400 if form.errors else 200)
