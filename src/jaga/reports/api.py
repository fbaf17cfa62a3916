"""The published annual reports in the API: the archive, and one edition with its frozen figures."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from jaga.core.api_fields import year_param
from jaga.core.doors import DeclaredAPIView
from jaga.reports.models import LANGS, AnnualReport
from jaga.reports.public import published


class EditionSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    year = serializers.IntegerField()
    scope = serializers.CharField()
    province = serializers.CharField(source="province_id", allow_null=True)
    scope_name = serializers.CharField()
    version = serializers.IntegerField()
    state = serializers.CharField()
    published_at = serializers.DateTimeField()
    figures_as_of = serializers.DateTimeField()
    sha256 = serializers.CharField(source="content_hash")
    corrections = serializers.CharField()
    superseded_by = serializers.SerializerMethodField()
    files = serializers.SerializerMethodField()

    def get_superseded_by(self, edition: AnnualReport) -> str | None:
        correction = getattr(edition, "correction", None)
        return str(correction.pk) if correction is not None and correction.state == "published" else None

    def get_files(self, edition: AnnualReport) -> dict[str, dict[str, str]]:
        request = self.context.get("request")
        base = f"/laporan/{edition.pk}/"
        build = request.build_absolute_uri if request is not None else (lambda url: url)
        return {lang: {ext: build(f"{base}{lang}.{ext}") for ext in ("pdf", "html", "zip")} for lang in LANGS}


NOT_FOUND = OpenApiResponse(description="No published edition has this id")


class EditionListView(DeclaredAPIView):
    jaga_public = "published annual reports"
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="reports_list",
        summary="Published annual reports (laporan tahunan), newest first, with their files",
        parameters=[OpenApiParameter("year", {"type": "integer", "minimum": 1000, "maximum": 9999})],
        responses={200: EditionSerializer(many=True), 400: OpenApiResponse(description="A year is four digits")},
    )
    def get(self, request: Request) -> Response:
        editions = published()
        year = year_param(request.query_params)
        if year is not None:
            editions = editions.filter(year=year)
        return Response(EditionSerializer(editions, many=True, context={"request": request}).data)


class EditionDetailView(DeclaredAPIView):
    jaga_public = "published annual reports"
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="reports_detail",
        summary="One published edition: its files and its frozen figures (sections, tables) in a language",
        parameters=[OpenApiParameter("lang", OpenApiTypes.STR, enum=list(LANGS))],
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiResponse(description="Unknown language"), 404: NOT_FOUND},
    )
    def get(self, request: Request, report_id: Any) -> Response:
        lang = request.query_params.get("lang", "id")
        if lang not in LANGS:
            raise ValidationError({"lang": "id or en."})
        edition = published().filter(pk=report_id).first()
        if edition is None or not edition.content:
            raise NotFound("No published edition has this id.")
        body = dict(EditionSerializer(edition, context={"request": request}).data)
        body["content"] = edition.content[lang]
        return Response(body)
