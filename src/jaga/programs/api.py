"""Programmes in JSON (programme officers): partners and agreements, advocacy, campaigns, training, The Code, results.

Contact people are not in the API: they are personal data, shown on the partner page and audited there.
"""

from __future__ import annotations

import re
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from jaga.accounts.access import HasPerm
from jaga.accounts.models import Organisation
from jaga.core.doors import DeclaredAPIView
from jaga.programs import results, services, training
from jaga.programs.models import Agreement, Ask, Campaign, CodeMember, Programme, Stage, TrainingSession
from jaga.regions.codes import PROVINCE_CODE
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


PROVINCE = OpenApiParameter(
    "province",
    OpenApiTypes.STR,
    description="Kemendagri province code, e.g. 51; all when absent",
    pattern=PROVINCE_CODE,
)


def _province(request: Request, errors: dict[str, str]) -> str:
    """The ``province`` filter: empty, or a province code (else an error under its name)."""
    value = request.query_params.get("province")
    if value is None:
        return ""
    if not re.fullmatch(PROVINCE_CODE, value):
        errors["province"] = "Not a province code (two digits, for example 51 for Bali)."
    elif not Region.objects.filter(code=value, level=Region.Level.PROVINCE).exists():
        errors["province"] = "No province has this code."
    return value


def _choice(request: Request, name: str, allowed: list[str], errors: dict[str, str]) -> str:
    """A filter from the query string: empty, or one of ``allowed`` (else an error under its name)."""
    value = request.query_params.get(name)
    if value is None:
        return ""
    if value not in allowed:
        errors[name] = f"One of {', '.join(allowed)}."
    return value


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
        kind = _choice(request, "type", Organisation.Type.values, errors)
        programme = _choice(request, "programme", Programme.values, errors)
        province = _province(request, errors)
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
    place = serializers.CharField()
    region = serializers.CharField(source="region_id", allow_null=True)
    organisations = serializers.SerializerMethodField()
    results = serializers.SerializerMethodField()

    def get_organisations(self, session: TrainingSession) -> list[str]:
        return sorted(str(org.pk) for org in session.organisations.all())

    @extend_schema_field(GainSerializer)
    def get_results(self, session: TrainingSession) -> dict:
        return GainSerializer(training.gain(session.participants.all())).data


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


class CodeMemberSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    organisation = serializers.UUIDField(source="organisation_id")
    name = serializers.CharField(source="organisation.name")
    sector = serializers.CharField()
    status = serializers.CharField()
    joined_on = serializers.DateField(allow_null=True)
    criteria = serializers.SerializerMethodField()
    reports = serializers.SerializerMethodField()

    def get_criteria(self, member: CodeMember) -> dict[str, str]:
        return {str(p.criterion): p.status for p in member.progress.all()}

    def get_reports(self, member: CodeMember) -> list[dict[str, Any]]:
        return [
            {"year": r.year, "status": r.status, "staff_trained": r.staff_trained}
            for r in sorted(member.reports.all(), key=lambda r: r.year)
        ]


class CodeMemberListView(DeclaredAPIView):
    permission_classes = [HasPerm("programs.manage")]

    @extend_schema(
        operation_id="programs_code_members",
        summary="Companies in The Code: membership, status per criterion (1 to 6) and annual reports",
        parameters=[OpenApiParameter("status", OpenApiTypes.STR, enum=CodeMember.Status.values)],
        responses={
            200: CodeMemberSerializer(many=True),
            400: OpenApiResponse(description="Unknown filter"),
            403: FORBIDDEN,
        },
    )
    def get(self, request: Request) -> Response:
        errors: dict[str, str] = {}
        status = _choice(request, "status", CodeMember.Status.values, errors)
        if errors:
            raise ValidationError(errors)
        members = CodeMember.objects.select_related("organisation").prefetch_related("progress", "reports")
        if status:
            members = members.filter(status=status)
        return Response(CodeMemberSerializer(members, many=True).data)


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
        province = _province(request, errors)
        if errors:
            raise ValidationError(errors)
        return Response(ResultSerializer(results.framework(int(year), province), many=True).data)
