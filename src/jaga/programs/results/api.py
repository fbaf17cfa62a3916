"""API of the results framework."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from jaga.accounts.access import HasPerm
from jaga.core.doors import DeclaredAPIView
from jaga.programs.api_common import FORBIDDEN, PROVINCE, province_filter
from jaga.programs.results import services as results


class ResultSerializer(serializers.Serializer):
    programme = serializers.CharField(source="indicator.programme")
    indicator = serializers.CharField(source="indicator.measure")
    baseline = serializers.FloatField(source="indicator.baseline")
    baseline_year = serializers.IntegerField(source="indicator.baseline_year")
    target = serializers.FloatField(allow_null=True)
    actual = serializers.FloatField(allow_null=True)
    progress = serializers.IntegerField(allow_null=True, help_text="Actual as a share of the target, %")


class ResultsView(DeclaredAPIView):
    permission_classes = [HasPerm("programs.manage")]

    @extend_schema(
        operation_id="programs_results",
        summary="The results framework: each indicator's baseline, target and actual for a year and region",
        parameters=[
            OpenApiParameter("year", {"type": "integer", "minimum": 2000, "maximum": 2100}, required=True),
            PROVINCE,
        ],
        responses={
            200: ResultSerializer(many=True),
            400: OpenApiResponse(description="Missing or bad year, unknown province"),
            403: FORBIDDEN,
        },
    )
    def get(self, request: Request) -> Response:
        errors: dict[str, str] = {}
        year = request.query_params.get("year", "")
        if not (year.isdigit() and 2000 <= int(year) <= 2100):
            errors["year"] = "A year from 2000 to 2100 is required, for example 2026."
        province = province_filter(request, errors)
        if errors:
            raise ValidationError(errors)
        return Response(ResultSerializer(results.framework(int(year), province), many=True).data)
