"""Partners in JSON (programme officers): the directory with its filters, and the agreements.

Contact people are not in the API: they are personal data, shown on the partner page and audited there.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jaga.accounts.models import Organisation
from jaga.accounts.permissions import user_has_perm
from jaga.programs import services
from jaga.programs.models import Agreement, Ask, Campaign, Programme, Stage
from jaga.regions.models import Region

FORBIDDEN = OpenApiResponse(description="Your role does not manage programmes")


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


def _choice(request: Request, name: str, allowed: list[str], errors: dict[str, str]) -> str:
    """A filter from the query string: empty, or one of ``allowed`` (else an error under its name)."""
    value = request.query_params.get(name, "")
    if value and value not in allowed:
        errors[name] = f"One of {', '.join(allowed)}."
    return value


def _check(request: Request) -> None:
    if not user_has_perm(request.user, "programs.manage"):
        raise PermissionDenied


class PartnerListView(APIView):
    @extend_schema(
        operation_id="programs_partners",
        summary="The partner directory, filtered by type, province and programme",
        parameters=[
            OpenApiParameter("type", OpenApiTypes.STR, enum=Organisation.Type.values),
            OpenApiParameter("province", OpenApiTypes.STR, description="Kemendagri province code, e.g. 51"),
            OpenApiParameter("programme", OpenApiTypes.STR, enum=Programme.values),
        ],
        responses={
            200: PartnerSerializer(many=True),
            400: OpenApiResponse(description="Unknown filter"),
            403: FORBIDDEN,
        },
    )
    def get(self, request: Request) -> Response:
        _check(request)
        errors: dict[str, str] = {}
        kind = _choice(request, "type", Organisation.Type.values, errors)
        programme = _choice(request, "programme", Programme.values, errors)
        province = request.query_params.get("province", "")
        if province and not Region.objects.filter(code=province, level=Region.Level.PROVINCE).exists():
            errors["province"] = "Not a province code (for example 51 for Bali)."
        if errors:
            raise ValidationError(errors)
        partners = services.partners(kind=kind, province=province, programme=programme)
        return Response(PartnerSerializer(partners, many=True).data)


class AgreementListView(APIView):
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
        _check(request)
        errors: dict[str, str] = {}
        programme = _choice(request, "programme", Programme.values, errors)
        if errors:
            raise ValidationError(errors)
        agreements = Agreement.objects.prefetch_related("parties").defer("document")
        if programme:
            agreements = agreements.filter(programme=programme)
        return Response(AgreementSerializer(agreements, many=True).data)


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


class AskListView(APIView):
    @extend_schema(
        operation_id="programs_advocacy_asks",
        summary="Advocacy asks and the stage each has reached",
        parameters=[OpenApiParameter("stage", OpenApiTypes.STR, enum=Stage.values)],
        responses={200: AskSerializer(many=True), 400: OpenApiResponse(description="Unknown filter"), 403: FORBIDDEN},
    )
    def get(self, request: Request) -> Response:
        _check(request)
        errors: dict[str, str] = {}
        stage = _choice(request, "stage", Stage.values, errors)
        if errors:
            raise ValidationError(errors)
        asks = Ask.objects.all()
        if stage:
            asks = asks.filter(stage=stage)
        return Response(AskSerializer(asks, many=True).data)


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


class CampaignListView(APIView):
    @extend_schema(
        operation_id="programs_campaigns",
        summary="Campaigns with their reach (participants by sex and age group, online impressions and engagement)",
        responses={200: CampaignSerializer(many=True), 403: FORBIDDEN},
    )
    def get(self, request: Request) -> Response:
        _check(request)
        campaigns = Campaign.objects.prefetch_related("provinces", "partners", "activities")
        return Response(CampaignSerializer(campaigns, many=True).data)
