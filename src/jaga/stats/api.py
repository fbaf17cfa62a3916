"""Aggregate statistics as JSON, with the same disclosure control as the pages.

Public: ``GET /api/v1/stats/dashboard/`` (fixed tables, one year, national or one province).
Signed in with ``stats.view``: ``GET /api/v1/stats/crosstab/`` (up to three dimensions).
Every hidden cell is ``null`` with its label (``"<5"`` or ``"x"``) beside it.
"""

from __future__ import annotations

import re
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from jaga.accounts.access import HasPerm
from jaga.accounts.requests import signed_in
from jaga.core.api_fields import year_param
from jaga.core.doors import DeclaredAPIView
from jaga.regions.codes import PROVINCE_CODE
from jaga.stats.access import province_scope
from jaga.stats.aggregates import Published, counting, dashboard, latest_refresh, province_map_rows, years_available
from jaga.stats.crosstab import CrosstabError, crosstab
from jaga.stats.dimensions import DIMENSIONS, MAX_CROSSTAB_DIMENSIONS
from jaga.stats.measures import other_measures

BAD = OpenApiResponse(description="A malformed year or province, or an unknown dimension, named in the message")
NOT_FOUND = OpenApiResponse(description="No figures for that year, or no province with that code")
YEAR = OpenApiParameter(
    "year",
    {"type": "integer", "minimum": 1000, "maximum": 9999},
    description="A year with figures; default the latest",
)
PROVINCE = OpenApiParameter(
    "province", OpenApiTypes.STR, description="Province code; default all of Indonesia", pattern=PROVINCE_CODE
)


def _table(table: Published) -> dict[str, Any]:
    return {
        "dimension": table.dim,
        "title": str(table.title),
        "rows": [
            {"value": value, "label": str(label), "count": table.numbers.get(value), "shown": shown}
            for value, label, shown in table.rows
        ],
        "total": table.total or None,
        "note": table.note or None,
    }


def _year(request: Request, years: list[int]) -> int:
    year = year_param(request.query_params)
    if year is None:
        if not years:
            raise ValidationError({"year": "No figures have been computed yet."})
        return years[0]
    if year not in years:
        raise NotFound(f"No figures for {year}; figures exist for: {', '.join(map(str, years)) or 'none'}.")
    return year


def _province(request: Request) -> str:
    code = request.query_params.get("province")
    if code is None:
        return ""
    if not re.fullmatch(PROVINCE_CODE, code):
        raise ValidationError({"province": "A province code is two digits, e.g. 51 for Bali."})
    if code not in {str(c) for c, _n in DIMENSIONS["province"].choices()}:
        raise NotFound(f"No province has the code {code}.")
    return code


class DashboardView(DeclaredAPIView):
    jaga_public = "public statistics, disclosure-controlled"
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="stats_dashboard",
        summary="The public dashboard's tables (disclosure-controlled)",
        parameters=[
            YEAR,
            PROVINCE,
        ],
        responses={200: OpenApiTypes.OBJECT, 400: BAD, 404: NOT_FOUND},
    )
    def get(self, request: Request) -> Response:
        unknown = set(request.query_params) - {"year", "province", "format"}
        if unknown:
            raise ValidationError({sorted(unknown)[0]: "Unknown parameter: the public figures take year and province."})
        years = years_available()
        year, province = _year(request, years), _province(request)
        board = dashboard(year=year, province=province)
        refresh = latest_refresh()
        return Response(
            {
                "year": year,
                "province": province or None,
                "counting": counting(),
                "threshold": board.threshold,
                "as_of": refresh.finished_at.isoformat() if refresh and refresh.finished_at else None,
                "total": board.total_shown,
                "provinces": [
                    {"code": code, "name": name, "count": number, "shown": shown}
                    for code, name, shown, number in province_map_rows(board)
                ],
                "months": _table(board.months),
                "tables": [_table(t) for t in board.tables.values()],
                "regencies": _table(board.regencies) if board.regencies else None,
                "other_measures": [
                    {k: v for k, v in part.items() if k != "template"} for part in other_measures(year, province)
                ],
            }
        )


class CrosstabView(DeclaredAPIView):
    permission_classes = [HasPerm("stats.view")]

    @extend_schema(
        operation_id="stats_crosstab",
        summary="A cross-tabulation of up to three dimensions (disclosure-controlled)",
        parameters=[
            OpenApiParameter(
                "dims",
                OpenApiTypes.STR,
                required=True,
                description=f"Comma-separated, one to three of: {', '.join(DIMENSIONS)}",
                pattern=f"^({'|'.join(DIMENSIONS)})(,({'|'.join(DIMENSIONS)})){{0,2}}$",
            ),
            YEAR,
            PROVINCE,
        ],
        responses={
            200: OpenApiTypes.OBJECT,
            400: BAD,
            403: OpenApiResponse(description="Your role has no statistics"),
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request) -> Response:
        dims = [d.strip() for d in request.query_params.get("dims", "").split(",") if d.strip()]
        if len(dims) > MAX_CROSSTAB_DIMENSIONS:
            raise ValidationError({"dims": f"At most {MAX_CROSSTAB_DIMENSIONS} dimensions."})
        year = year_param(request.query_params)
        province = province_scope(signed_in(request)) or _province(request)
        try:
            result = crosstab(dims=dims, year=year, province=province)
        except CrosstabError as exc:
            raise ValidationError({"dims": str(exc)}) from exc
        from jaga.audit.services import record

        record("stats.crosstab.viewed", actor=signed_in(request), request=request._request, details={"dims": dims})
        return Response(
            {
                "dimensions": dims,
                "year": result.year,
                "province": result.province or None,
                "cells": [
                    {
                        "values": values,
                        "labels": [str(n) for n in names],
                        "count": None if shown.startswith("<") or shown == "x" else int(shown),
                        "shown": shown,
                    }
                    for values, names, shown in result.rows()
                ],
            }
        )
