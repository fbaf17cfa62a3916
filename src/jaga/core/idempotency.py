"""``Idempotency-Key`` on API creates: a client that retries after a lost answer gets the first answer.

Without it a retry of ``POST /api/v1/cases/`` registers the child twice. The key is the client's
(any printable text up to 100 characters, e.g. a UUID per request); Jaga keeps the first successful
answer for ``KEEP`` and answers a retry with the same body with it (and ``Idempotent-Replayed:
true``), a reuse of the key with another body with 409. Two simultaneous requests with one key
store one result: the second waits on the unique key, rolls back, and answers the first's.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from jaga.core.crypto import blind_index
from jaga.core.models import IdempotentRequest

log = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
KEEP = timedelta(hours=24)
KEY_PATTERN = r"^[\x21-\x7e]{1,100}$"  # printable ASCII without spaces
_VALID = re.compile(KEY_PATTERN)

PARAMETER = OpenApiParameter(
    HEADER,
    {"type": "string", "pattern": KEY_PATTERN},
    location=OpenApiParameter.HEADER,
    description="Optional: your own id for this request (e.g. a UUID). A retry with the same key and body "
    "answers the first answer again instead of creating twice; kept 24 hours.",
)
CONFLICT = OpenApiResponse(description="This Idempotency-Key was used before with another request body")


def _replay(found: IdempotentRequest) -> Response:
    return Response(found.body, status=found.status, headers={"Idempotent-Replayed": "true"})


def once(request: Request, *, route: str, create: Callable[[], Response]) -> Response:
    """``create()``'s answer, or the stored answer of an earlier request with the same key and body."""
    key = request.headers.get(HEADER)
    if key is None:
        return create()
    if not _VALID.fullmatch(key):
        raise ValidationError({HEADER: ["Up to 100 printable characters without spaces, for example a UUID."]})
    digest = blind_index(json.dumps(request.data, sort_keys=True, default=str), purpose="idempotency")
    mine = IdempotentRequest.objects.filter(user_id=str(request.user.pk), route=route, key=key)
    found = mine.first()
    if found is not None:
        if found.request_hash != digest:
            return Response({"detail": f"This {HEADER} was used before with another request."}, status=409)
        return _replay(found)
    try:
        with transaction.atomic():
            response = create()
            if 200 <= response.status_code < 300:
                IdempotentRequest.objects.create(
                    user_id=str(request.user.pk), route=route, key=key, request_hash=digest,
                    status=response.status_code, body=_json(response.data),
                )  # fmt: skip
    except IntegrityError:
        found = mine.first()
        if found is None:
            raise
        return _replay(found)
    try:  # housekeeping after the commit: it must never turn a stored create into an error answer
        IdempotentRequest.objects.filter(created_at__lt=timezone.now() - KEEP).delete()
    except DatabaseError:
        log.warning("old idempotency keys not deleted; the next create will try again", exc_info=True)
    return response


def _json(data: Any) -> Any:
    """The answer as JSON would carry it (UUIDs and dates as text), to be stored and replayed alike."""
    return json.loads(json.dumps(data, cls=JSONEncoder))
