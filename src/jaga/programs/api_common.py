"""What the programme APIs share: the refusal they document and their query filters.

Each domain has its own `api.py` (partners, advocacy, campaigns, training, code, results); contact
people are not in the API: they are personal data, shown on the partner page and audited there.
"""

from __future__ import annotations

import re

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.request import Request

from jaga.regions.codes import PROVINCE_CODE
from jaga.regions.models import Region

FORBIDDEN = OpenApiResponse(description="Your role does not manage programmes")


PROVINCE = OpenApiParameter(
    "province",
    OpenApiTypes.STR,
    description="Kemendagri province code, e.g. 51; all when absent",
    pattern=PROVINCE_CODE,
)


def province_filter(request: Request, errors: dict[str, str]) -> str:
    """The ``province`` filter: empty, or a province code (else an error under its name)."""
    value = request.query_params.get("province")
    if value is None:
        return ""
    if not re.fullmatch(PROVINCE_CODE, value):
        errors["province"] = "Not a province code (two digits, for example 51 for Bali)."
    elif not Region.objects.filter(code=value, level=Region.Level.PROVINCE).exists():
        errors["province"] = "No province has this code."
    return value


def choice_filter(request: Request, name: str, allowed: list[str], errors: dict[str, str]) -> str:
    """A filter from the query string: empty, or one of ``allowed`` (else an error under its name)."""
    value = request.query_params.get(name)
    if value is None:
        return ""
    if value not in allowed:
        errors[name] = f"One of {', '.join(allowed)}."
    return value
