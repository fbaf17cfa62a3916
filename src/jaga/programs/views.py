"""Partner pages: the directory with filters and exports, and one partner's programmes, contacts and agreements."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from jaga.accounts.access import require_perm
from jaga.accounts.models import Organisation
from jaga.core.files import download
from jaga.core.forms import add_errors
from jaga.core.tables import table_response
from jaga.programs import advocacy, campaigns, services
from jaga.programs.access import access_record
from jaga.programs.forms import (
    ActivityForm,
    AgreementForm,
    AskForm,
    BoardFilterForm,
    CampaignActivityForm,
    CampaignForm,
    ContactForm,
    PartnerFilterForm,
    ProgrammesForm,
    StageForm,
)
from jaga.programs.models import Agreement, Ask, Campaign, CampaignActivity, Programme

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
def partner_list_view(request: HttpRequest) -> HttpResponse:
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
def partner_detail_view(request: HttpRequest, organisation_id: Any) -> HttpResponse:
    organisation = access_record(request.user, Organisation, pk=organisation_id)
    actor = request.user
    forms = {
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
                forms["programmes"] = form = ProgrammesForm(request.POST)
                if form.is_valid():
                    services.programmes_set(
                        actor=actor,
                        organisation=organisation,
                        programmes=form.cleaned_data["programmes"],
                        request=request,  # type: ignore[arg-type]
                    )
                    messages.success(request, _("Programmes saved."))
                    return redirect("programs:partner", organisation_id=organisation.pk)
            elif action == "contact":
                forms["contact"] = form = ContactForm(request.POST)
                if form.is_valid():
                    services.contact_add(
                        actor=actor,  # type: ignore[arg-type]
                        organisation=organisation,
                        data=services.ContactInput(**form.cleaned_data),
                        request=request,
                    )
                    messages.success(request, _("Contact added."))
                    return redirect("programs:partner", organisation_id=organisation.pk)
            elif action == "remove_contact":
                contact = access_record(request.user, organisation.contacts, pk=request.POST.get("contact"))
                services.contact_remove(actor=actor, contact=contact, request=request)  # type: ignore[arg-type]
                messages.success(request, _("Contact removed."))
                return redirect("programs:partner", organisation_id=organisation.pk)
            elif action == "agreement":
                forms["agreement"] = form = AgreementForm(request.POST, request.FILES)
                if form.is_valid():
                    services.agreement_add(actor=actor, data=_agreement_input(form), request=request)  # type: ignore[arg-type]
                    messages.success(request, _("Agreement added."))
                    return redirect("programs:partner", organisation_id=organisation.pk)
        except ValidationError as exc:
            if action in forms:
                add_errors(forms[action], exc)
            else:
                messages.error(request, " ".join(exc.messages))
    services.contacts_viewed(actor=actor, organisation=organisation, via="page", request=request)  # type: ignore[arg-type]
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
def agreement_edit_view(request: HttpRequest, agreement_id: Any) -> HttpResponse:
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
            services.agreement_update(actor=request.user, agreement=agreement, data=data, request=request)  # type: ignore[arg-type]
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Agreement saved."))
            return redirect("programs:partner", organisation_id=back.pk) if back else redirect("programs:partners")
    return render(request, "programs/agreement_form.html", {"form": form, "agreement": agreement, "back": back})


@require_safe
@require_perm("programs.manage")
def agreement_document_view(request: HttpRequest, agreement_id: Any) -> HttpResponse:
    agreement = access_record(request.user, Agreement, pk=agreement_id)
    if not agreement.document:
        return redirect("programs:partner", organisation_id=agreement.parties.first().pk)
    body = services.agreement_document(actor=request.user, agreement=agreement, request=request)  # type: ignore[arg-type]
    return download(body, content_type="application/pdf", filename=f"agreement-{agreement.pk}.pdf")


# --- Advocacy -------------------------------------------------------------------------------------


@require_safe
@require_perm("programs.manage")
def advocacy_board_view(request: HttpRequest) -> HttpResponse:
    form = BoardFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    asks = Ask.objects.select_related("lead", "region")
    if filters.get("level"):
        asks = asks.filter(level=filters["level"])
    if filters.get("kind"):
        asks = asks.filter(kind=filters["kind"])
    if request.GET.get("format") == "xlsx":
        header = ["institution", "level", "region", "ask", "kind", "lead", "stage", "stage_since"]
        rows = [
            [
                a.institution,
                a.level,
                a.region.name if a.region else "",
                a.title,
                a.kind,
                a.lead.name,
                a.stage,
                a.stage_since,
            ]
            for a in asks
        ]
        return table_response(header, rows, "xlsx", "jaga-advocacy.xlsx", sheet="advocacy")
    query = request.GET.copy()
    query.pop("format", None)
    return render(
        request,
        "programs/advocacy_board.html",
        {"form": form, "columns": advocacy.board(asks), "query": query.urlencode()},
    )


@require_http_methods(["GET", "POST"])
@require_perm("programs.manage")
def ask_create_view(request: HttpRequest) -> HttpResponse:
    form = AskForm(request.POST or None, initial={"lead": request.user.organisation_id})  # type: ignore[union-attr]
    if request.method == "POST" and form.is_valid():
        try:
            ask = advocacy.ask_create(
                actor=request.user,  # type: ignore[arg-type]
                data=advocacy.AskInput(**form.cleaned_data),
                request=request,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The ask is on the board."))
            return redirect("programs:ask", ask_id=ask.pk)
    return render(request, "programs/ask_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@require_perm("programs.manage")
def ask_detail_view(request: HttpRequest, ask_id: Any) -> HttpResponse:
    ask = access_record(request.user, Ask.objects.select_related("lead", "region"), pk=ask_id)
    activity_form, stage_form = ActivityForm(prefix="activity"), StageForm(prefix="stage")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "activity":
                activity_form = ActivityForm(request.POST, prefix="activity")
                if activity_form.is_valid():
                    advocacy.activity_add(actor=request.user, ask=ask, request=request, **activity_form.cleaned_data)  # type: ignore[arg-type]
                    messages.success(request, _("Activity recorded."))
                    return redirect("programs:ask", ask_id=ask.pk)
            elif action == "stage":
                stage_form = StageForm(request.POST, prefix="stage")
                if stage_form.is_valid():
                    advocacy.stage_move(actor=request.user, ask=ask, request=request, **stage_form.cleaned_data)  # type: ignore[arg-type]
                    messages.success(request, _("Stage changed."))
                    return redirect("programs:ask", ask_id=ask.pk)
        except ValidationError as exc:
            add_errors(activity_form if action == "activity" else stage_form, exc)
    return render(
        request,
        "programs/ask_detail.html",
        {
            "ask": ask,
            "activities": ask.activities.all(),
            "changes": ask.stage_changes.select_related("by"),
            "activity_form": activity_form,
            "stage_form": stage_form,
        },
    )


# --- Campaigns ------------------------------------------------------------------------------------


def _reach_context(activities: Any, title: Any) -> dict[str, Any]:
    from jaga.stats import charts

    summary = campaigns.reach(activities)
    rows = [(code, name, str(n), n) for code, name, n in summary.by_province]
    return {
        "reach": summary,
        "map": charts.province_map(title, rows),
        "channel_chart": charts.bars(
            _("Participants by channel"), [(label, n, str(n)) for _c, label, n, _i in summary.by_channel]
        ),
    }


@require_safe
@require_perm("programs.manage")
def campaign_list_view(request: HttpRequest) -> HttpResponse:
    activities = CampaignActivity.objects.all()
    if request.GET.get("format") == "xlsx":
        header = [
            "campaign",
            "kind",
            "channel",
            "date",
            "region",
            "girls",
            "boys",
            "women",
            "men",
            "impressions",
            "engagement",
        ]
        rows = [
            [
                a.campaign.title,
                a.kind,
                a.channel,
                a.held_on,
                a.region_id or "",
                a.girls,
                a.boys,
                a.women,
                a.men,
                a.impressions,
                a.engagement,
            ]
            for a in activities.select_related("campaign")
        ]
        return table_response(header, rows, "xlsx", "jaga-campaign-activities.xlsx", sheet="campaign activities")
    return render(
        request,
        "programs/campaign_list.html",
        {
            "campaigns": Campaign.objects.prefetch_related("provinces", "partners"),
            **_reach_context(activities, _("Campaign participants by province")),
        },
    )


@require_http_methods(["GET", "POST"])
@require_perm("programs.manage")
def campaign_create_view(request: HttpRequest) -> HttpResponse:
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        provinces, partners = list(fields.pop("provinces")), list(fields.pop("partners"))
        try:
            campaign = campaigns.campaign_create(
                actor=request.user,
                provinces=provinces,
                partners=partners,
                request=request,
                **fields,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Campaign created."))
            return redirect("programs:campaign", campaign_id=campaign.pk)
    return render(request, "programs/campaign_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@require_perm("programs.manage")
def campaign_detail_view(request: HttpRequest, campaign_id: Any) -> HttpResponse:
    campaign = access_record(request.user, Campaign.objects.prefetch_related("provinces", "partners"), pk=campaign_id)
    form = CampaignActivityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaigns.activity_add(actor=request.user, campaign=campaign, request=request, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Activity recorded."))
            return redirect("programs:campaign", campaign_id=campaign.pk)
    return render(
        request,
        "programs/campaign_detail.html",
        {
            "campaign": campaign,
            "activities": campaign.activities.select_related("region"),
            "form": form,
            **_reach_context(campaign.activities.all(), _("Participants by province")),
        },
    )
