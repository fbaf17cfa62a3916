"""API of advocacy asks."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from jaga.accounts.access import HasPerm
from jaga.core.doors import DeclaredAPIView
from jaga.programs.advocacy.models import Ask, Stage
from jaga.programs.api_common import FORBIDDEN, choice_filter


class AskSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    institution = serializers.CharField()
    level = serializers.CharField()
    region = serializers.CharField(source="region_id", allow_null=True)
    title = serializers.CharField()
    kind = serializers.CharField()
    lead = serializers.UUIDField(source="lead_id")
    stage = serializers.CharField()
    stage_since = serializers.DateField()


class AskListView(DeclaredAPIView):
    permission_classes = [HasPerm("programs.manage")]

    @extend_schema(
        operation_id="programs_advocacy_asks",
        summary="Advocacy asks and the stage each has reached",
        parameters=[OpenApiParameter("stage", OpenApiTypes.STR, enum=Stage.values)],
        responses={200: AskSerializer(many=True), 400: OpenApiResponse(description="Unknown filter"), 403: FORBIDDEN},
    )
    def get(self, request: Request) -> Response:
        errors: dict[str, str] = {}
        stage = choice_filter(request, "stage", Stage.values, errors)
        if errors:
            raise ValidationError(errors)
        asks = Ask.objects.all()
        if stage:
            asks = asks.filter(stage=stage)
        return Response(AskSerializer(asks, many=True).data)
