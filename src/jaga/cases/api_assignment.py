"""The API of assignment: a supervisor gives a case to a caseworker, as on the case page."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from jaga.accounts.access import HasPerm
from jaga.accounts.models import User
from jaga.accounts.requests import signed_in
from jaga.cases.access import access_case
from jaga.cases.api import CASE_404, ERROR_RESPONSES, service_errors
from jaga.cases.assignment import REASON_MAX, case_assign
from jaga.core.doors import DeclaredAPIView


class AssignInSerializer(serializers.Serializer):
    assignee = serializers.EmailField(max_length=254, help_text="The caseworker's login email")
    reason = serializers.CharField(max_length=REASON_MAX, help_text="Why (the caseworker and the timeline see it)")


class AssignOutSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    reference = serializers.CharField()
    assignee = serializers.EmailField()


class CaseAssignView(DeclaredAPIView):
    permission_classes = [HasPerm("cases.assign")]

    @extend_schema(
        operation_id="v1_cases_assign",
        summary="Assign or reassign the case to a caseworker (supervisors)",
        description=(
            "The assignee must be an active caseworker of your organisation: of the owning organisation, or "
            "of the organisation that accepted the case's referral. 400 names the field otherwise."
        ),
        request=AssignInSerializer,
        responses={200: AssignOutSerializer, 404: CASE_404, **ERROR_RESPONSES},
    )
    def post(self, request: Request, case_id: Any) -> Response:
        case = access_case(signed_in(request), case_id)
        body = AssignInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        assignee = User.objects.filter(email__iexact=body.validated_data["assignee"]).first()
        if assignee is None:  # the same answer as for someone of another organisation
            raise ValidationError({"assignee": [_("Assign cases to an active caseworker of your organisation.")]})
        with service_errors():
            case_assign(
                actor=signed_in(request),
                case=case,
                assignee=assignee,
                reason=body.validated_data["reason"],
                request=request._request,
            )
        return Response({"id": str(case.pk), "reference": case.reference, "assignee": assignee.email})
