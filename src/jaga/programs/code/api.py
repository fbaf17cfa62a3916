"""API of The Code's members."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from jaga.accounts.access import HasPerm
from jaga.core.doors import DeclaredAPIView
from jaga.programs.api_common import FORBIDDEN, choice_filter
from jaga.programs.code.models import CodeMember


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
        status = choice_filter(request, "status", CodeMember.Status.values, errors)
        if errors:
            raise ValidationError(errors)
        members = CodeMember.objects.select_related("organisation").prefetch_related("progress", "reports")
        if status:
            members = members.filter(status=status)
        return Response(CodeMemberSerializer(members, many=True).data)
