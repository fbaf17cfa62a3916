"""API of the media-monitoring register."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from jaga.accounts.access import HasPerm
from jaga.accounts.requests import signed_in
from jaga.core.api_fields import year_param
from jaga.core.doors import DeclaredAPIView
from jaga.research.models import Incident, Study


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
            OpenApiParameter("year", {"type": "integer", "minimum": 1000, "maximum": 9999}),
            OpenApiParameter("province", OpenApiTypes.STR, description="two digits, e.g. 51", pattern=r"^\d{2}$"),
        ],
        responses={
            200: IncidentSerializer(many=True),
            400: OpenApiResponse(description="A filter is malformed"),
            403: OpenApiResponse(description="Your role does not keep the media-monitoring register"),
        },
    )
    def get(self, request: Request) -> Response:
        found = Incident.objects.prefetch_related("sources")
        year, province = year_param(request.query_params), request.query_params.get("province", "")
        if province and not (province.isdigit() and len(province) == 2):
            raise ValidationError({"province": "A province code is two digits, e.g. 51 for Bali."})
        if year is not None:
            found = found.filter(year=year)
        if province:
            found = found.filter(region__code__startswith=province)
        return Response(IncidentSerializer(found[:5000], many=True).data)


class InstrumentSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    form_id = serializers.CharField()
    form_version = serializers.CharField()
    title = serializers.CharField()


class StudySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    ethics_reference = serializers.CharField()
    ethics_approved_on = serializers.DateField()
    retention_until = serializers.DateField()
    instruments = InstrumentSerializer(many=True)
    questions = serializers.SerializerMethodField()

    def get_questions(self, study: Study) -> list[dict[str, str]]:
        from jaga.research.analysis import TABULAR, known_questions

        return [
            {"path": path, "type": q.type, "label": q.label("id")}
            for path, q in known_questions(study).items()
            if q.type in TABULAR and not q.repeat
        ]


class StudyListView(DeclaredAPIView):
    permission_classes = [HasPerm("research.studies")]

    @extend_schema(
        operation_id="research_studies",
        summary="Survey studies: ethics approval, form versions and the questions that can be tabulated",
        responses={200: StudySerializer(many=True), 403: OpenApiResponse(description="Your role runs no studies")},
    )
    def get(self, request: Request) -> Response:
        studies = Study.objects.prefetch_related("instruments")
        return Response(StudySerializer(studies, many=True).data)


class StudyResultsView(DeclaredAPIView):
    permission_classes = [HasPerm("research.studies")]

    @extend_schema(
        operation_id="research_study_results",
        summary="A study's table of one question (optionally by another), through disclosure control; never responses",
        parameters=[
            OpenApiParameter("question", OpenApiTypes.STR, required=True),
            OpenApiParameter("by", OpenApiTypes.STR),
        ],
        responses={
            200: OpenApiTypes.OBJECT,
            400: OpenApiResponse(description="Not a question that can be tabulated"),
            404: OpenApiResponse(description="No such study"),
        },
    )
    def get(self, request: Request, study_id: Any) -> Response:
        from rest_framework.exceptions import NotFound

        from jaga.audit.services import record
        from jaga.research.analysis import AnalysisError, crosstab

        study = Study.objects.filter(pk=study_id).first()
        if study is None:
            raise NotFound("No study has this id.")
        try:
            table = crosstab(study, request.query_params.get("question", ""), request.query_params.get("by", ""))
        except AnalysisError as exc:
            raise ValidationError({"question": str(exc)}) from exc
        record(
            "research.table.viewed",
            actor=signed_in(request),
            target=study,
            details={"question": request.query_params.get("question", ""), "via": "api"},
        )
        return Response(
            {
                "title": table.title,
                "header": table.header(),
                "rows": table.body(),
                "responses": table.responses,
                "weighted": table.weighted,
            }
        )
