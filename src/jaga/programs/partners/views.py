"""Partner pages: the list with its export, one partner with contacts, programmes and agreements."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from jaga.accounts.access import require_perm
from jaga.accounts.models import Organisation
from jaga.accounts.requests import AuthedHttpRequest
from jaga.core.files import download
from jaga.core.forms import add_errors
from jaga.core.tables import table_response
from jaga.programs.access import access_record
from jaga.programs.partners import services
from jaga.programs.partners.forms import AgreementForm, ContactForm, PartnerFilterForm, ProgrammesForm
from jaga.programs.partners.models import Agreement, Programme

EXPORT_HEADER = ["name", "type", "jurisdiction", "programmes", "agreements_in_force"]


def _rows(partners: Any) -> list[list[Any]]:
    labels = dict(Programme.choices)
    return [
        [
            org.name,
            org.get_type_display(),
            org.jurisdiction.name if org.jurisdiction else _("National"),
            "; ".join(str(labels[link.programme]) for link in org.programme_links.all()),
            org.agreements_in_force,
        ]
        for org in partners
    ]


@require_safe
@require_perm("programs.manage")
def partner_list_view(request: AuthedHttpRequest) -> HttpResponse:
    form = PartnerFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    partners = list(
        services.partners(
            kind=filters.get("type", ""), province=filters.get("province", ""), programme=filters.get("programme", "")
        )
    )
    fmt = request.GET.get("format", "")
    if fmt in ("csv", "xlsx"):
        return table_response(EXPORT_HEADER, _rows(partners), fmt, f"jaga-partners.{fmt}", sheet="partners")
    query = request.GET.copy()
    query.pop("format", None)
    return render(
        request,
        "programs/partner_list.html",
        {"form": form, "rows": list(zip(partners, _rows(partners), strict=True)), "query": query.urlencode()},
    )


@require_http_methods(["GET", "POST"])
@require_perm("programs.manage")
def partner_detail_view(request: AuthedHttpRequest, organisation_id: Any) -> HttpResponse:
    organisation = access_record(request.user, Organisation, pk=organisation_id)
    actor = request.user
    forms: dict[str, Form] = {
        "programmes": ProgrammesForm(
            initial={"programmes": [link.programme for link in organisation.programme_links.all()]}
        ),
        "contact": ContactForm(),
        "agreement": AgreementForm(initial={"parties": [organisation.pk]}),
    }
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "programmes":
                form: Form = ProgrammesForm(request.POST)
                forms["programmes"] = form
                if form.is_valid():
                    services.programmes_set(
                        actor=actor,
                        organisation=organisation,
                        programmes=form.cleaned_data["programmes"],
                        request=request,
                    )
                    messages.success(request, _("Programmes saved."))
                    return redirect("programs:partner", organisation_id=organisation.pk)
            elif action == "contact":
                form = forms["contact"] = ContactForm(request.POST)
                if form.is_valid():
                    services.contact_add(
                        actor=actor,
                        organisation=organisation,
                        data=services.ContactInput(**form.cleaned_data),
                        request=request,
                    )
                    messages.success(request, _("Contact added."))
                    return redirect("programs:partner", organisation_id=organisation.pk)
            elif action == "remove_contact":
                contact = access_record(request.user, organisation.contacts, pk=request.POST.get("contact"))
                services.contact_remove(actor=actor, contact=contact, request=request)
                messages.success(request, _("Contact removed."))
                return redirect("programs:partner", organisation_id=organisation.pk)
            elif action == "agreement":
                form = forms["agreement"] = AgreementForm(request.POST, request.FILES)
                if form.is_valid():
                    services.agreement_add(actor=actor, data=_agreement_input(form), request=request)
                    messages.success(request, _("Agreement added."))
                    return redirect("programs:partner", organisation_id=organisation.pk)
        except ValidationError as exc:
            if action in forms:
                add_errors(forms[action], exc)
            else:
                messages.error(request, " ".join(exc.messages))
    services.contacts_viewed(actor=actor, organisation=organisation, via="page", request=request)
    return render(
        request,
        "programs/partner_detail.html",
        {
            "organisation": organisation,
            "contacts": organisation.contacts.all(),
            "agreements": organisation.agreements.prefetch_related("parties"),
            "forms": forms,
        },
        status=400 if any(form.errors for form in forms.values()) else 200,
    )


def _agreement_input(form: AgreementForm) -> services.AgreementInput:
    """A valid agreement form's data, its uploaded PDF (if any) read."""
    data = dict(form.cleaned_data)
    upload = data.pop("document")
    return services.AgreementInput(
        **data, document_name=upload.name if upload else "", document=upload.read() if upload else b""
    )


@require_http_methods(["GET", "POST"])
@require_perm("programs.manage")
def agreement_edit_view(request: AuthedHttpRequest, agreement_id: Any) -> HttpResponse:
    """The add form, filled in, to change an agreement; back to the partner page it was opened from."""
    agreement = access_record(request.user, Agreement, pk=agreement_id)
    parties = list(agreement.parties.all())
    back = next((p for p in parties if str(p.pk) == request.GET.get("partner")), parties[0] if parties else None)
    initial = {name: getattr(agreement, name) for name in services.AGREEMENT_FIELDS}
    initial["parties"] = [p.pk for p in parties]
    form = AgreementForm(request.POST or None, request.FILES or None, initial=initial)
    # A party that has since been deactivated stays a party unless it is taken out.
    active_or_party = Q(is_active=True) | Q(pk__in=[p.pk for p in parties])
    form.fields["parties"].queryset = Organisation.objects.filter(active_or_party)  # type: ignore[attr-defined]
    if agreement.document_name:
        form.fields["document"].help_text = _("Leave empty to keep the current signed document.")
    if request.method == "POST" and form.is_valid():
        data = _agreement_input(form)
        try:
            services.agreement_update(actor=request.user, agreement=agreement, data=data, request=request)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Agreement saved."))
            return redirect("programs:partner", organisation_id=back.pk) if back else redirect("programs:partners")
    return render(request, "programs/agreement_form.html", {"form": form, "agreement": agreement, "back": back})


@require_safe
@require_perm("programs.manage")
def agreement_document_view(request: AuthedHttpRequest, agreement_id: Any) -> HttpResponse:
    agreement = access_record(request.user, Agreement, pk=agreement_id)
    if not agreement.document:
        return redirect("programs:partner", organisation_id=agreement.parties.first().pk)
    body = services.agreement_document(actor=request.user, agreement=agreement, request=request)
    return download(body, content_type="application/pdf", filename=f"agreement-{agreement.pk}.pdf")
