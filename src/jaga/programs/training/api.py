"""API of training sessions and their knowledge gain."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from jaga.accounts.access import HasPerm
from jaga.core.doors import DeclaredAPIView
from jaga.programs.api_common import FORBIDDEN
from jaga.programs.training.models import TrainingSession
from jaga.programs.training.selectors import gain


class GainSerializer(serializers.Serializer):
    participants = serializers.IntegerField()
    attended = serializers.IntegerField()
    pre_taken = serializers.IntegerField()
    post_taken = serializers.IntegerField()
    mean_pre = serializers.FloatField(allow_null=True)
    mean_post = serializers.FloatField(allow_null=True)
    mean_gain = serializers.FloatField(allow_null=True, help_text="Post minus pre, percentage points")
    passed = serializers.IntegerField()
    pass_share = serializers.FloatField(allow_null=True, help_text="Share of post-test takers at the pass mark, %")
    certificates = serializers.IntegerField()


class TrainingSessionSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    module = serializers.CharField(source="module.title")
    audience = serializers.CharField(source="module.audience")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    online = serializers.BooleanField()
    self_paced = serializers.BooleanField(help_text="A self-paced online course's yearly intake (their own audience)")
    place = serializers.CharField()
    region = serializers.CharField(source="region_id", allow_null=True)
    organisations = serializers.SerializerMethodField()
    results = serializers.SerializerMethodField()

    def get_organisations(self, session: TrainingSession) -> list[str]:
        return sorted(str(org.pk) for org in session.organisations.all())

    @extend_schema_field(GainSerializer)
    def get_results(self, session: TrainingSession) -> dict:
        return GainSerializer(gain(session.participants.all())).data


class TrainingSessionListView(DeclaredAPIView):
    permission_classes = [HasPerm("programs.manage")]

    @extend_schema(
        operation_id="programs_training_sessions",
        summary="Training sessions with attendance, mean pre/post scores, knowledge gain and certificates (no names)",
        parameters=[
            OpenApiParameter(
                "year",
                {"type": "integer", "minimum": 1900, "maximum": 2100},
                description="Sessions starting in this year",
            )
        ],
        responses={
            200: TrainingSessionSerializer(many=True),
            400: OpenApiResponse(description="Bad year"),
            403: FORBIDDEN,
        },
    )
    def get(self, request: Request) -> Response:
        sessions = TrainingSession.objects.select_related("module").prefetch_related("organisations")
        year = request.query_params.get("year")
        if year is not None:
            if not (year.isdigit() and 1900 <= int(year) <= 2100):
                raise ValidationError({"year": "A year from 1900 to 2100, for example 2026."})
            sessions = sessions.filter(starts_on__year=int(year))
        return Response(TrainingSessionSerializer(sessions, many=True).data)
