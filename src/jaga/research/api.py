"""API of the media-monitoring register."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from jaga.accounts.access import HasPerm
from jaga.core.doors import DeclaredAPIView
from jaga.research.models import Incident


class SourceSerializer(serializers.Serializer):
    outlet = serializers.CharField()
    url = serializers.CharField()
    published_on = serializers.DateField()


class IncidentSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    year = serializers.IntegerField()
    incident_on = serializers.DateField(allow_null=True)
    region = serializers.CharField(source="region_id")
    place_type = serializers.CharField()
    forms = serializers.ListField(child=serializers.CharField())
    modus = serializers.CharField()
    children = serializers.DictField(child=serializers.IntegerField())
    perpetrators = serializers.DictField(child=serializers.IntegerField())
    legal_stage = serializers.CharField()
    summary = serializers.CharField()
    same_as = serializers.UUIDField(source="same_as_id", allow_null=True)
    sources = SourceSerializer(many=True)


class IncidentListView(DeclaredAPIView):
    permission_classes = [HasPerm("research.incidents")]

    @extend_schema(
        operation_id="research_incidents",
        summary="Incidents recorded from the media (no names); same_as links a record to the first of its incident",
        parameters=[
            OpenApiParameter("year", OpenApiTypes.INT),
            OpenApiParameter("province", OpenApiTypes.STR, description="two digits, e.g. 51"),
        ],
        responses={
            200: IncidentSerializer(many=True),
            400: OpenApiResponse(description="A filter is malformed"),
            403: OpenApiResponse(description="Your role does not keep the media-monitoring register"),
        },
    )
    def get(self, request: Request) -> Response:
        found = Incident.objects.prefetch_related("sources")
        year, province = request.query_params.get("year", ""), request.query_params.get("province", "")
        errors = {}
        if year and not (year.isdigit() and len(year) == 4):
            errors["year"] = "A year is four digits, e.g. 2025."
        if province and not (province.isdigit() and len(province) == 2):
            errors["province"] = "A province code is two digits, e.g. 51 for Bali."
        if errors:
            raise ValidationError(errors)
        if year:
            found = found.filter(year=int(year))
        if province:
            found = found.filter(region__code__startswith=province)
        return Response(IncidentSerializer(found[:5000], many=True).data)
