from __future__ import annotations

import re

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request

from jaga.core.doors import MethodFirst
from jaga.regions.codes import REGION_CODE
from jaga.regions.models import Region
from jaga.regions.selectors import region_list


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent"]


@extend_schema(
    summary="List provinces and regencies/cities",
    parameters=[
        OpenApiParameter("level", OpenApiTypes.STR, enum=["province", "regency"]),
        OpenApiParameter("parent", OpenApiTypes.STR, description="Province code, e.g. 31", pattern=REGION_CODE),
    ],
    responses={
        200: RegionSerializer(many=True),
        400: OpenApiResponse(description="A malformed level or parent"),
        404: OpenApiResponse(description="No region has the parent code"),
    },
)
class RegionListView(MethodFirst, ListAPIView):
    """Public, read-only: every region with its Kemendagri code and name."""

    jaga_public = "the list of Indonesia's regions (public reference data)"

    serializer_class = RegionSerializer
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    pagination_class = None

    def get_queryset(self):
        request: Request = self.request
        level = request.query_params.get("level")
        parent = request.query_params.get("parent")
        errors = {}
        if level is not None and level not in Region.Level.values:
            errors["level"] = [_("Use province or regency.")]
        if parent is not None and not re.fullmatch(REGION_CODE, parent):
            errors["parent"] = [_("A province code such as 31.")]
        if errors:
            raise ValidationError(errors)
        if parent is not None and not Region.objects.filter(code=parent).exists():
            raise NotFound(_("No region has the code %(code)s.") % {"code": parent})
        return region_list(level=level, parent=parent)
