"""API of partners and agreements."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from jaga.accounts.access import HasPerm
from jaga.accounts.models import Organisation
from jaga.core.doors import DeclaredAPIView
from jaga.programs.api_common import FORBIDDEN, PROVINCE, choice_filter, province_filter
from jaga.programs.partners import services
from jaga.programs.partners.models import Agreement, Programme


class PartnerSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    type = serializers.CharField()
    jurisdiction = serializers.CharField(source="jurisdiction_id", allow_null=True)
    programmes = serializers.SerializerMethodField()
    agreements_in_force = serializers.IntegerField()

    def get_programmes(self, organisation: Organisation) -> list[str]:
        return sorted(link.programme for link in organisation.programme_links.all())


class AgreementSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    kind = serializers.CharField()
    programme = serializers.CharField()
    parties = serializers.SerializerMethodField()
    scope = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(allow_null=True)
    has_document = serializers.SerializerMethodField()

    def get_parties(self, agreement: Agreement) -> list[str]:
        return sorted(str(party.pk) for party in agreement.parties.all())

    def get_has_document(self, agreement: Agreement) -> bool:
        return bool(agreement.document_name)


class PartnerListView(DeclaredAPIView):
    permission_classes = [HasPerm("programs.manage")]

    @extend_schema(
        operation_id="programs_partners",
        summary="The partner directory, filtered by type, province and programme",
        parameters=[
            OpenApiParameter("type", OpenApiTypes.STR, enum=Organisation.Type.values),
            PROVINCE,
            OpenApiParameter("programme", OpenApiTypes.STR, enum=Programme.values),
        ],
        responses={
            200: PartnerSerializer(many=True),
            400: OpenApiResponse(description="Unknown filter"),
            403: FORBIDDEN,
        },
    )
    def get(self, request: Request) -> Response:
        errors: dict[str, str] = {}
        kind = choice_filter(request, "type", Organisation.Type.values, errors)
        programme = choice_filter(request, "programme", Programme.values, errors)
        province = province_filter(request, errors)
        if errors:
            raise ValidationError(errors)
        partners = services.partners(kind=kind, province=province, programme=programme)
        return Response(PartnerSerializer(partners, many=True).data)


class AgreementListView(DeclaredAPIView):
    permission_classes = [HasPerm("programs.manage")]

    @extend_schema(
        operation_id="programs_agreements",
        summary="Agreements and MoUs between partners",
        parameters=[OpenApiParameter("programme", OpenApiTypes.STR, enum=Programme.values)],
        responses={
            200: AgreementSerializer(many=True),
            400: OpenApiResponse(description="Unknown filter"),
            403: FORBIDDEN,
        },
    )
    def get(self, request: Request) -> Response:
        errors: dict[str, str] = {}
        programme = choice_filter(request, "programme", Programme.values, errors)
        if errors:
            raise ValidationError(errors)
        agreements = Agreement.objects.prefetch_related("parties").defer("document")
        if programme:
            agreements = agreements.filter(programme=programme)
        return Response(AgreementSerializer(agreements, many=True).data)
