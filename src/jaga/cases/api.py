from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from jaga.accounts.access import HasPerm, api_elevated
from jaga.accounts.models import Organisation
from jaga.accounts.requests import signed_in
from jaga.audit.services import record
from jaga.cases import services
from jaga.cases.access import access_case, may_see_identity
from jaga.cases.details import legal_process_update, perpetrator_add, service_record_add
from jaga.cases.forms import CaseFilterForm
from jaga.cases.inputs import CaseInput, ChildInput, ConsentInput
from jaga.cases.models import (
    Case,
    Consent,
    Form,
    LegalProcess,
    Perpetrator,
    ServiceRecord,
    Sex,
    Source,
    Status,
)
from jaga.cases.selectors import case_list
from jaga.core import idempotency
from jaga.core.api_fields import IdOrNullField, query_booleans
from jaga.core.doors import DeclaredAPIView
from jaga.core.fields import EncryptedTextField
from jaga.core.pagination import CappedPaginator
from jaga.regions.codes import REGENCY_CODE, REGENCY_CODE_OR_EMPTY, REGION_CODE

ERROR_RESPONSES = {
    400: OpenApiResponse(
        description="Invalid input: an object of field names (nested for child and consent) to messages"
    ),
    401: OpenApiResponse(description="No or invalid credentials"),
    403: OpenApiResponse(description="Your role does not allow this"),
}


CASE_404 = OpenApiResponse(description="No such case in your scope")


class ChildInSerializer(serializers.Serializer):
    full_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    aliases = serializers.CharField(required=False, allow_blank=True, max_length=300)
    nik = serializers.CharField(required=False, allow_blank=True, max_length=25)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    estimated_age = serializers.IntegerField(required=False, allow_null=True)
    sex = serializers.ChoiceField(choices=Sex.choices)
    address = serializers.CharField(required=False, allow_blank=True, max_length=500)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=30)
    guardian_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    guardian_relationship = serializers.CharField(required=False, allow_blank=True, max_length=30)


class ConsentInSerializer(serializers.Serializer):
    given_by = serializers.ChoiceField(choices=Consent.GivenBy.choices)
    services = serializers.BooleanField(default=False)
    sharing = serializers.BooleanField(default=False)
    statistics = serializers.BooleanField(default=False)
    given_on = serializers.DateField(required=False, allow_null=True)
    lawful_basis = serializers.CharField(required=False, allow_blank=True)
    justification = serializers.CharField(required=False, allow_blank=True)


class CaseInSerializer(serializers.Serializer):
    registered_on = serializers.DateField()
    source = serializers.ChoiceField(choices=Source.choices)  # type: ignore[assignment]  # a field named source
    forms = serializers.ListField(child=serializers.ChoiceField(choices=Form.choices), min_length=1)
    regency_code = serializers.RegexField(REGENCY_CODE, max_length=5, help_text="e.g. 31.71")
    residence_regency_code = serializers.RegexField(
        REGENCY_CODE_OR_EMPTY, max_length=5, required=False, allow_blank=True
    )
    exploitation_date = serializers.DateField(required=False, allow_null=True)
    modus = serializers.CharField(required=False, allow_blank=True)
    place_type = serializers.CharField(required=False, allow_blank=True)
    risk_level = serializers.CharField(required=False, allow_blank=True)
    child = ChildInSerializer()
    consent = ConsentInSerializer()

    def to_input(self) -> CaseInput:
        d = dict(self.validated_data)
        return CaseInput(
            registered_on=d["registered_on"],
            source=d["source"],
            forms=d["forms"],
            exploitation_regency=d["regency_code"],
            residence_regency=d.get("residence_regency_code", ""),
            exploitation_date=d.get("exploitation_date"),
            modus=d.get("modus", ""),
            place_type=d.get("place_type", ""),
            risk_level=d.get("risk_level", ""),
            child=ChildInput(**d["child"]),
            consent=ConsentInput(**d["consent"]),
        )


# The service names fields as in CaseInput; the API as in its request body.
API_NAMES = {"exploitation_regency": "regency_code", "residence_regency": "residence_regency_code"}


def api_errors(exc: DjangoValidationError) -> dict[str, Any]:
    """The service's errors as the API's body: ``child.nik`` becomes ``{"child": {"nik": [...]}}``."""
    if not hasattr(exc, "error_dict"):
        return {"detail": exc.messages}
    nested: dict[str, Any] = {}
    for key, messages in exc.message_dict.items():
        head, _dot, tail = key.partition(".")
        if tail:
            nested.setdefault(head, {})[tail] = messages
        else:
            nested[API_NAMES.get(key, key)] = messages
    return nested


class PerpetratorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Perpetrator
        fields = ["id", "relationship", "role", "sex", "age_band", "origin", "legal_status", "identity"]


class ServiceRecordSerializer(serializers.ModelSerializer):
    provider = IdOrNullField(queryset=Organisation.objects.all(), required=False, allow_null=True)

    class Meta:
        model = ServiceRecord
        fields = ["id", "service", "provider", "state", "started_on", "ended_on", "outcome"]


class LegalProcessSerializer(serializers.ModelSerializer):
    outcome = serializers.CharField(required=False, allow_blank=True, max_length=200)

    class Meta:
        model = LegalProcess
        fields = ["stage", "police_report_number", "reported_on", "stage_on", "outcome"]


def _without_identity(rows: list[dict[str, Any]], model: type[models.Model], identity: bool) -> list[dict[str, Any]]:
    """Serialized parts, without their encrypted (identifying) fields unless identity may be shown."""
    if identity:
        return rows
    hidden = {f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)}
    return [{k: v for k, v in row.items() if k not in hidden} for row in rows]


class CaseOutSerializer(serializers.ModelSerializer):
    forms = serializers.ListField(child=serializers.CharField(), read_only=True)
    regency_code = serializers.CharField(source="exploitation_regency_id", read_only=True)
    organisation = serializers.CharField(source="organisation.name", read_only=True)
    child = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "reference",
            "organisation",
            "registered_on",
            "exploitation_date",
            "source",
            "forms",
            "modus",
            "place_type",
            "regency_code",
            "risk_level",
            "status",
            "closure_reason",
            "child",
            "perpetrators",
            "services",
            "legal",
        ]

    perpetrators = serializers.SerializerMethodField()
    services = serializers.SerializerMethodField()
    legal = serializers.SerializerMethodField()

    def _parts(self, serializer_class: type[serializers.ModelSerializer], objects: list[Any]) -> list[dict[str, Any]]:
        """Each part through one serializer per list, not one per case (building one costs more than using it)."""
        made = self.__dict__.setdefault("_part_serializers", {})
        if serializer_class not in made:
            made[serializer_class] = serializer_class()
        serializer = made[serializer_class]
        rows = [serializer.to_representation(obj) for obj in objects]
        return _without_identity(rows, serializer_class.Meta.model, self.context.get("identity", False))

    def get_perpetrators(self, case: Case) -> Any:
        return self._parts(PerpetratorSerializer, list(case.perpetrators.all()))

    def get_services(self, case: Case) -> Any:
        return self._parts(ServiceRecordSerializer, list(case.services.all()))

    def get_legal(self, case: Case) -> Any:
        legal = getattr(case, "legal", None)
        return self._parts(LegalProcessSerializer, [legal])[0] if legal else None

    def get_child(self, case: Case) -> dict[str, Any]:
        child = case.child
        data: dict[str, Any] = {
            "sex": child.sex,
            "age_at_registration": child.age_at_registration,
            "age_band": child.age_band,
        }
        if self.context.get("identity"):
            data.update(services.identity_of(child))
        elif self.context.get("withheld"):
            # The caller's role may see identities, but has not re-authenticated in the last minutes.
            data["identity_withheld"] = "Re-authenticate with POST /api/v1/auth/elevate/ to read the identity."
        return data


class CasePagination(PageNumberPagination):
    page_size = 50
    django_paginator_class = CappedPaginator  # "count" stops at 1,001 on very large lists


def _listing(request: Request, data: Any) -> Response:
    """One page of the cases the caller may see (the views check the role first), filtered as on the
    case list page; ``data`` has passed the filters' serializer."""
    form = CaseFilterForm(data)
    if not form.is_valid():
        raise ValidationError(form.errors)  # type: ignore[arg-type]  # a dict of lists of messages
    filters = {k: v for k, v in form.cleaned_data.items() if v not in (None, "", False)}
    paginator = CasePagination()
    cases = (
        case_list(user=signed_in(request), **filters)
        .select_related("organisation", "legal")
        .prefetch_related("form_links", "perpetrators", "services")
    )
    page = paginator.paginate_queryset(cases, request)
    if filters.get("q") and may_see_identity(signed_in(request)):
        # As on the page: a search may have compared names; recorded, without the words searched for.
        record(
            "cases.case.searched",
            actor=signed_in(request),
            request=request._request,
            details={"results": paginator.page.paginator.count if paginator.page else 0, "via": "api"},
        )
    return paginator.get_paginated_response(CaseOutSerializer(page, many=True, context={"identity": False}).data)


class CaseSearchSerializer(serializers.Serializer):
    """The case list's filters, strictly typed: the same for GET's query string and the search's body."""

    q = serializers.CharField(
        required=False, allow_blank=True, max_length=60,
        help_text="A reference, a NIK (16 digits), or a name (roles allowed)",
    )  # fmt: skip
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    form = serializers.ChoiceField(choices=Form.choices, required=False)
    region = serializers.RegexField(
        REGION_CODE, required=False, max_length=5, help_text="Province or regency code of exploitation, e.g. 51"
    )
    since = serializers.DateField(required=False, help_text="Registered on or after")
    until = serializers.DateField(required=False, help_text="Registered on or before")
    mine = serializers.BooleanField(required=False, help_text="Only cases assigned to me")


class CaseListQuerySerializer(CaseSearchSerializer):
    """In a URL, ``q`` is a reference or its start only: identities never go in URLs."""

    q = serializers.RegexField(
        r"^[0-9]{1,4}(-[0-9]{0,6})?$",
        required=False,
        help_text="A reference or its start (2026-00123). NIKs and names go in POST /api/v1/cases/search/",
        error_messages={
            "invalid": "A URL may search a reference only (e.g. 2026-00123): identities never go in URLs. "
            "Send a NIK or a name in the body of POST /api/v1/cases/search/."
        },
    )


def _filters(data: Any, serializer_class: type[serializers.Serializer] = CaseSearchSerializer) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)  # each field's type first: {"since": [1]} is a 400, not a 500
    return {
        key: value.isoformat() if hasattr(value, "isoformat") else value
        for key, value in serializer.validated_data.items()
    }


class CasePageSerializer(serializers.Serializer):
    """One page of cases (the count stops at 1,001 on very large lists)."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = CaseOutSerializer(many=True)


class CaseSearchView(DeclaredAPIView):
    permission_classes = [HasPerm("cases.view")]

    @extend_schema(
        summary="Search the cases you may see by NIK or name (in the body, never the URL), with the list's filters",
        request=CaseSearchSerializer,
        parameters=[OpenApiParameter("page", OpenApiTypes.INT)],
        responses={200: CasePageSerializer, **ERROR_RESPONSES},
    )
    def post(self, request: Request) -> Response:
        return _listing(request, _filters(request.data if isinstance(request.data, dict) else {}))


class CaseListView(DeclaredAPIView):
    permission_classes = [HasPerm(GET="cases.view", POST="cases.edit")]

    @extend_schema(
        operation_id="v1_cases_list",
        summary="Cases you may see, newest first, with the case list's filters (no identity fields)",
        parameters=[CaseListQuerySerializer, OpenApiParameter("page", OpenApiTypes.INT, description="From 1")],
        responses={200: CasePageSerializer, **ERROR_RESPONSES},
    )
    def get(self, request: Request) -> Response:
        unknown = set(request.query_params) - set(CaseListQuerySerializer().fields) - {"page"}
        if unknown:
            raise ValidationError({name: ["Unknown filter."] for name in sorted(unknown)})
        params = query_booleans(request.query_params.dict(), "mine")
        return _listing(request, _filters(params, CaseListQuerySerializer))

    @extend_schema(
        summary="Register a case",
        description="Send an Idempotency-Key to make a retry safe: the same key and body answer the first answer.",
        request=CaseInSerializer,
        parameters=[idempotency.PARAMETER],
        responses={201: CaseOutSerializer, 409: idempotency.CONFLICT, **ERROR_RESPONSES},
    )
    def post(self, request: Request) -> Response:

        def register() -> Response:
            serializer = CaseInSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            with service_errors():
                case = services.case_register(
                    actor=signed_in(request), data=serializer.to_input(), request=request._request
                )
            # The answer never repeats the identity just sent: only GET /cases/{id}/, elevated and audited, shows it.
            body = CaseOutSerializer(case, context={"identity": False}).data
            return Response(body, status=status.HTTP_201_CREATED)

        return idempotency.once(request, route="cases.register", create=register)


class CaseDetailView(DeclaredAPIView):
    permission_classes = [HasPerm("cases.view")]

    @extend_schema(
        operation_id="v1_cases_detail",
        summary="One case; the child's identity only for roles allowed to see it, re-authenticated (audited)",
        description=(
            "The identity fields (name, NIK, date of birth, address, phone, guardian) are in `child` only for "
            "roles that may see identities and only within JAGA_REAUTH_MINUTES of POST /api/v1/auth/elevate/; "
            "otherwise `child.identity_withheld` says how to get them. Every read is audited."
        ),
        responses={
            200: CaseOutSerializer,
            404: CASE_404,
            **ERROR_RESPONSES,
        },
    )
    def get(self, request: Request, case_id: Any) -> Response:
        case = access_case(signed_in(request), case_id)
        allowed = may_see_identity(signed_in(request))
        identity = allowed and api_elevated(request)
        services.case_viewed(
            actor=signed_in(request), case=case, via="api", identity=identity, request=request._request
        )
        return Response(CaseOutSerializer(case, context={"identity": identity, "withheld": allowed}).data)


@contextmanager
def service_errors() -> Iterator[None]:
    """A service's refusal, as DRF answers it: 400 with field errors, or 403."""
    try:
        yield
    except DjangoValidationError as exc:
        raise ValidationError(api_errors(exc)) from exc
    except DjangoPermissionDenied as exc:
        raise PermissionDenied from exc


PART_SERIALIZERS: dict[str, tuple[type[serializers.ModelSerializer], Any]] = {
    "perpetrators": (PerpetratorSerializer, perpetrator_add),
    "services": (ServiceRecordSerializer, service_record_add),
    "legal": (LegalProcessSerializer, legal_process_update),
}
