"""What the API adds to a case: perpetrators, services, the legal process, status, notes and consent."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jaga.accounts.access import HasPerm
from jaga.accounts.requests import signed_in
from jaga.cases import services, workflow
from jaga.cases.access import access_case
from jaga.cases.api import (
    CASE_404,
    ERROR_RESPONSES,
    PART_SERIALIZERS,
    CaseOutSerializer,
    ConsentInSerializer,
    PerpetratorSerializer,
    _without_identity,
    service_errors,
)
from jaga.cases.inputs import ConsentInput
from jaga.cases.models import (
    Status,
)
from jaga.core.doors import DeclaredAPIView


class CasePartView(DeclaredAPIView):
    permission_classes = [HasPerm("cases.edit")]

    @extend_schema(
        operation_id="v1_cases_part_create",
        summary="Add a perpetrator or a service received, or set the legal process",
        description="part is one of perpetrators, services, legal.",
        request=PerpetratorSerializer,
        responses={
            201: PerpetratorSerializer,
            404: CASE_404,
            **ERROR_RESPONSES,
        },
    )
    def post(self, request: Request, case_id: Any, part: str) -> Response:
        if part not in PART_SERIALIZERS:
            raise NotFound
        case = access_case(signed_in(request), case_id)
        serializer_class, service = PART_SERIALIZERS[part]
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            instance = service(
                actor=signed_in(request), case=case, request=request._request, **serializer.validated_data
            )
        body = _without_identity([serializer_class(instance).data], serializer_class.Meta.model, identity=False)[0]
        return Response(body, status=status.HTTP_201_CREATED)


class StatusInSerializer(serializers.Serializer):
    """Statuses follow approvals (``cases.workflow``): the one a caseworker sets is "services"."""

    status = serializers.ChoiceField(choices=[(Status.SERVICES, Status.SERVICES.label)])


class NoteInSerializer(serializers.Serializer):
    text = serializers.CharField(min_length=1, max_length=5000)


class CaseActionView(DeclaredAPIView):
    """Status changes, notes and new consents: the same services, scope and audit as the pages."""

    permission_classes = [HasPerm("cases.edit")]

    @extend_schema(
        operation_id="v1_cases_action_create",
        summary="Change the status, add a note, or record a new consent",
        description="action is one of status, notes, consent.",
        request=StatusInSerializer,
        responses={
            200: CaseOutSerializer,
            404: CASE_404,
            **ERROR_RESPONSES,
        },
    )
    def post(self, request: Request, case_id: Any, action: str) -> Response:
        serializers_by_action = {
            "status": StatusInSerializer,
            "notes": NoteInSerializer,
            "consent": ConsentInSerializer,
        }
        if action not in serializers_by_action:
            raise NotFound
        case = access_case(signed_in(request), case_id)
        serializer = serializers_by_action[action](data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        actor, django_request = signed_in(request), request._request
        with service_errors():
            if action == "status":
                workflow.case_start_services(actor=actor, case=case, request=django_request)
            elif action == "notes":
                services.note_add(actor=actor, case=case, text=data["text"], request=django_request)
            else:
                services.consent_record(actor=actor, case=case, consent=ConsentInput(**data), request=django_request)
        case.refresh_from_db()
        return Response(CaseOutSerializer(case, context={"identity": False}).data)


def _route_view(
    base: type[APIView], name: str, body: type[serializers.Serializer], answer: tuple[int, Any], summary: str
) -> type[APIView]:
    """``base`` on a route of its own for ``name``, documented with its own request ``body``."""
    status_code, answer_serializer = answer

    class RouteView(base):  # type: ignore[valid-type,misc]
        @extend_schema(
            operation_id=f"v1_cases_{name}_create",
            summary=summary,
            request=body,
            responses={status_code: answer_serializer, 404: CASE_404, **ERROR_RESPONSES},
        )
        def post(self, request: Request, case_id: Any) -> Response:
            return super().post(request, case_id, name)

    RouteView.__name__ = RouteView.__qualname__ = f"Case{name.title()}View"
    return RouteView


def _part_view(part: str, summary: str) -> type[APIView]:
    serializer_class = PART_SERIALIZERS[part][0]
    return _route_view(CasePartView, part, serializer_class, (201, serializer_class), summary)


def _action_view(action: str, serializer_class: type[serializers.Serializer], summary: str) -> type[APIView]:
    return _route_view(CaseActionView, action, serializer_class, (200, CaseOutSerializer), summary)


CasePerpetratorsView = _part_view("perpetrators", "Add a perpetrator (identifying details encrypted)")


CaseServicesView = _part_view("services", "Add a service the child received")


CaseLegalView = _part_view("legal", "Set the legal process")


CaseStatusView = _action_view(
    "status",
    StatusInSerializer,
    "Say that services have started (other statuses follow the approval of the assessment, plan and closure)",
)


CaseNotesView = _action_view("notes", NoteInSerializer, "Add a note (encrypted)")


CaseConsentView = _action_view("consent", ConsentInSerializer, "Record a new consent")
