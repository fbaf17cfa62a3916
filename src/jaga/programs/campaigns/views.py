"""Campaign pages: the list with reach, a new campaign, one campaign with its activities."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from jaga.accounts.access import require_perm
from jaga.accounts.requests import AuthedHttpRequest
from jaga.core.forms import add_errors
from jaga.core.tables import table_response
from jaga.programs.access import access_record
from jaga.programs.campaigns import services as campaigns
from jaga.programs.campaigns.forms import CampaignActivityForm, CampaignForm
from jaga.programs.campaigns.models import Campaign, CampaignActivity


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
def campaign_list_view(request: AuthedHttpRequest) -> HttpResponse:
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
def campaign_create_view(request: AuthedHttpRequest) -> HttpResponse:
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
                **fields,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Campaign created."))
            return redirect("programs:campaign", campaign_id=campaign.pk)
    return render(request, "programs/campaign_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@require_perm("programs.manage")
def campaign_detail_view(request: AuthedHttpRequest, campaign_id: Any) -> HttpResponse:
    campaign = access_record(request.user, Campaign.objects.prefetch_related("provinces", "partners"), pk=campaign_id)
    form = CampaignActivityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaigns.activity_add(actor=request.user, campaign=campaign, request=request, **form.cleaned_data)
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
            "parts": _parts(campaign),
        },
    )


def _parts(campaign: Campaign) -> list[dict[str, Any]]:
    """What the apps above programmes add to a campaign's page (``JAGA_CAMPAIGN_PARTS``: counted online reach)."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    found = (import_string(path)(campaign) for path in settings.JAGA_CAMPAIGN_PARTS)
    return [part for part in found if part]
