"""API of campaigns and their reach."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from jaga.accounts.access import HasPerm
from jaga.core.doors import DeclaredAPIView
from jaga.programs.api_common import FORBIDDEN
from jaga.programs.campaigns.models import Campaign


class CampaignSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    theme = serializers.CharField()
    audience = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(allow_null=True)
    provinces = serializers.SerializerMethodField()
    partners = serializers.SerializerMethodField()
    reach = serializers.SerializerMethodField()

    def get_provinces(self, campaign: Campaign) -> list[str]:
        return sorted(province.code for province in campaign.provinces.all())

    def get_partners(self, campaign: Campaign) -> list[str]:
        return sorted(str(partner.pk) for partner in campaign.partners.all())

    def get_reach(self, campaign: Campaign) -> dict[str, int]:
        totals = dict.fromkeys(["girls", "boys", "women", "men", "impressions", "engagement", "activities"], 0)
        for activity in campaign.activities.all():
            for key in ("girls", "boys", "women", "men", "impressions", "engagement"):
                totals[key] += getattr(activity, key)
            totals["activities"] += 1
        return totals


class CampaignListView(DeclaredAPIView):
    permission_classes = [HasPerm("programs.manage")]

    @extend_schema(
        operation_id="programs_campaigns",
        summary="Campaigns with their reach (participants by sex and age group, online impressions and engagement)",
        responses={200: CampaignSerializer(many=True), 403: FORBIDDEN},
    )
    def get(self, request: Request) -> Response:
        campaigns = Campaign.objects.prefetch_related("provinces", "partners", "activities")
        return Response(CampaignSerializer(campaigns, many=True).data)
