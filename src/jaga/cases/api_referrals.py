"""Referrals in JSON: asked from a case, listed, decided."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from jaga.accounts.access import HasPerm
from jaga.accounts.models import Organisation
from jaga.accounts.requests import signed_in
from jaga.cases.access import access_case, access_referral
from jaga.cases.api import CASE_404, ERROR_RESPONSES, service_errors
from jaga.cases.models import (
    Referral,
    Service,
)
from jaga.cases.referrals import referral_decide, referral_end, referral_request
from jaga.core.doors import DeclaredAPIView


class ReferralInSerializer(serializers.Serializer):
    to_organisation = serializers.UUIDField()
    service = serializers.ChoiceField(choices=Service.choices)
    is_transfer = serializers.BooleanField(default=False)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ReferralOutSerializer(serializers.ModelSerializer):
    case_reference = serializers.CharField(source="case.reference", read_only=True)

    class Meta:
        model = Referral
        fields = [
            "id", "case", "case_reference", "from_organisation", "to_organisation", "service", "is_transfer",
            "state", "requested_at", "decided_at", "ended_at",
        ]  # fmt: skip


class CaseReferralView(DeclaredAPIView):
    permission_classes = [HasPerm("cases.edit")]

    @extend_schema(
        summary="Refer a case to another organisation (needs consent to share or a lawful basis)",
        request=ReferralInSerializer,
        responses={
            201: ReferralOutSerializer,
            404: CASE_404,
            **ERROR_RESPONSES,
        },
    )
    def post(self, request: Request, case_id: Any) -> Response:
        case = access_case(signed_in(request), case_id)
        serializer = ReferralInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        organisation = Organisation.objects.filter(pk=data["to_organisation"]).first()
        if organisation is None:
            raise ValidationError({"to_organisation": [_("No organisation has this id.")]})
        with service_errors():
            referral = referral_request(
                actor=signed_in(request),
                case=case,
                to_organisation=organisation,
                service=data["service"],
                is_transfer=data["is_transfer"],
                reason=data.get("reason", ""),
                request=request._request,
            )
        return Response(ReferralOutSerializer(referral).data, status=status.HTTP_201_CREATED)


class ReferralListView(DeclaredAPIView):
    permission_classes = [HasPerm("cases.view")]

    @extend_schema(
        summary="Referrals your organisation sent or received", responses={200: ReferralOutSerializer(many=True)}
    )
    def get(self, request: Request) -> Response:
        organisation_id = signed_in(request).organisation_id
        referrals = Referral.objects.select_related("case").filter(
            Q(to_organisation_id=organisation_id) | Q(from_organisation_id=organisation_id)
        )
        return Response(ReferralOutSerializer(referrals, many=True).data)


REFERRAL_ACTIONS = ("accept", "decline", "complete", "revoke")


class ReferralDecisionSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=500, help_text="Required to decline: the sender sees it"
    )


class ReferralActionView(DeclaredAPIView):
    permission_classes = [HasPerm("cases.view")]

    @extend_schema(
        operation_id="v1_referrals_action",
        summary="Accept, decline, complete or revoke a referral",
        parameters=[OpenApiParameter("action", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(REFERRAL_ACTIONS))],
        request=ReferralDecisionSerializer,
        responses={
            200: ReferralOutSerializer,
            404: OpenApiResponse(description="No such referral for you"),
            **ERROR_RESPONSES,
        },
    )
    def post(self, request: Request, referral_id: Any, action: str) -> Response:
        if action not in REFERRAL_ACTIONS:
            raise NotFound
        referral = access_referral(signed_in(request), referral_id)
        reason = ""
        if action == "decline":  # the only action with a body; the others take none, as before
            body = ReferralDecisionSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            reason = body.validated_data.get("reason", "")
        with service_errors():
            if action in ("accept", "decline"):
                referral_decide(
                    actor=signed_in(request),
                    referral=referral,
                    accept=action == "accept",
                    reason=reason,
                    request=request._request,
                )
            else:
                state = Referral.State.COMPLETED if action == "complete" else Referral.State.REVOKED
                referral_end(actor=signed_in(request), referral=referral, state=state, request=request._request)
        referral.refresh_from_db()
        return Response(ReferralOutSerializer(referral).data)
