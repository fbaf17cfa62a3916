"""The hotline's JSON: the public form's twin (no login, same limits) and the partner intake API."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from jaga.accounts.access import HasPerm
from jaga.accounts.requests import signed_in
from jaga.cases.models import Form, PlaceType, Sex
from jaga.core.doors import DeclaredAPIView
from jaga.hotline import ratelimit, services
from jaga.hotline.models import Channel, Report
from jaga.hotline.services import MAX_BATCH, MAX_CONTACT, MAX_DESCRIPTION, MAX_URLS, ReportInput
from jaga.regions.codes import REGENCY_CODE_OR_EMPTY


class ReportInSerializer(serializers.Serializer):
    forms = serializers.ListField(child=serializers.ChoiceField(choices=Form.choices), min_length=1)
    description = serializers.CharField(min_length=1, max_length=MAX_DESCRIPTION)
    regency_code = serializers.RegexField(REGENCY_CODE_OR_EMPTY, required=False, allow_blank=True, max_length=5)
    urls = serializers.ListField(
        child=serializers.CharField(max_length=2000), required=False, max_length=MAX_URLS, default=list
    )
    online = serializers.BooleanField(required=False, default=False)
    place_type = serializers.ChoiceField(choices=PlaceType.choices, required=False, allow_blank=True)
    occurred_on = serializers.DateField(required=False, allow_null=True)
    child_age = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=17)
    child_sex = serializers.ChoiceField(choices=Sex.choices, required=False, default=Sex.UNKNOWN)
    platform = serializers.CharField(required=False, allow_blank=True, max_length=100)
    in_danger = serializers.BooleanField(required=False, default=False)
    live = serializers.BooleanField(required=False, default=False)


class PublicReportInSerializer(ReportInSerializer):
    contact = serializers.CharField(required=False, allow_blank=True, max_length=MAX_CONTACT)
    contact_consent = serializers.BooleanField(required=False, default=False)


class PartnerReportInSerializer(ReportInSerializer):
    client_id = serializers.CharField(max_length=100, help_text="Your own id for the report: a retry with it is safe")


class PartnerBatchSerializer(serializers.Serializer):
    reports = PartnerReportInSerializer(many=True, max_length=MAX_BATCH, allow_empty=False)  # type: ignore[call-arg]  # ListSerializer takes them


def to_input(data: dict[str, Any]) -> ReportInput:
    return ReportInput(**dict(data))


def service_error(exc: DjangoValidationError) -> ValidationError:
    return ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})


def too_many(reason: str) -> Response:
    return Response(
        {"detail": reason},
        status=status.HTTP_429_TOO_MANY_REQUESTS,
        headers={"Retry-After": str(ratelimit.seconds_to_next_window())},
    )


RECEIPT = inline_serializer(
    "HotlineReceipt", {"tracking_code": serializers.CharField(), "secret": serializers.CharField()}
)
STATUS = inline_serializer("HotlineStatus", {"status": serializers.CharField(), "label": serializers.CharField()})
LIMITED = OpenApiResponse(description="Too many reports or checks from this address, or in all, this hour")


class PublicReportView(DeclaredAPIView):
    """A report from the public: no account, the same rules and limits as the form at /lapor/.

    JSON only (the API's only parser, settings.REST_FRAMEWORK): a form on another site can post
    form-encoded or plain text bodies without the browser asking first, never ``application/json``,
    so this endpoint cannot be used across sites (the page at /lapor/ has its CSRF token for that).
    """

    jaga_public = "the public hotline: anyone may report"

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="hotline_public_report",
        request=PublicReportInSerializer,
        responses={201: RECEIPT, 400: OpenApiResponse(description="Field errors"), 429: LIMITED},
        description="Answers the tracking code and the secret, once: keep both to check the status.",
    )
    def post(self, request: Request) -> Response:
        serializer = PublicReportInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # Only a report that would be stored counts against the hour's limits.
        reason = ratelimit.refusal(request._request, "submit")
        if reason:
            return too_many(reason)
        try:
            submitted = services.report_submit(to_input(serializer.validated_data), channel=Channel.PUBLIC_API)
        except services.HotlineFull:
            return too_many(ratelimit.full())
        except DjangoValidationError as exc:
            raise service_error(exc) from exc
        return Response(
            {"tracking_code": submitted.report.tracking_code, "secret": submitted.secret},
            status=status.HTTP_201_CREATED,
        )


class ReportStatusInSerializer(serializers.Serializer):
    code = serializers.CharField(min_length=1, max_length=40, help_text="The tracking code, e.g. JG-7K3Q-9XW2")
    secret = serializers.CharField(min_length=1, max_length=100, help_text="The secret shown with the code")


def _status_answer(request: Request, code: str, secret: str) -> Response:
    reason = ratelimit.refusal(request._request, "status")
    if reason:
        response = too_many(reason)
    else:
        state = services.report_status(code, secret)
        if state is None:
            response = Response({"detail": "No report matches this code and secret."}, status=status.HTTP_404_NOT_FOUND)
        else:
            response = Response({"status": state, "label": str(Report(state=state).get_state_display())})
    response["Cache-Control"] = "no-store"  # the answer belongs to whoever holds the secret
    return response


class PublicStatusView(DeclaredAPIView):
    jaga_public = "a reporter follows a report with its code"
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="hotline_public_status_check",
        request=ReportStatusInSerializer,
        responses={
            200: STATUS,
            400: OpenApiResponse(description="Field errors"),
            404: OpenApiResponse(description="No report matches this code and secret"),
            429: LIMITED,
        },
        description="The status of a report, with the code and secret in the body (never in a URL or a log).",
    )
    def post(self, request: Request) -> Response:
        serializer = ReportStatusInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return _status_answer(request, serializer.validated_data["code"], serializer.validated_data["secret"])

    @extend_schema(
        operation_id="hotline_public_status",
        deprecated=True,
        description="Kept for older clients: prefer POST, which keeps the secret out of URLs and logs.",
        parameters=[
            OpenApiParameter("code", str, required=True, description="The tracking code, e.g. JG-7K3Q-9XW2"),
            OpenApiParameter("secret", str, required=True, description="The secret shown with the code"),
        ],
        responses={
            200: STATUS,
            404: OpenApiResponse(description="No report matches this code and secret"),
            429: LIMITED,
        },
    )
    def get(self, request: Request) -> Response:
        return _status_answer(request, request.query_params.get("code", ""), request.query_params.get("secret", ""))


class PartnerReportView(DeclaredAPIView):
    """Reports from trusted partners (platforms, other hotlines) with an API token."""

    permission_classes = [HasPerm("hotline.submit_reports")]

    @extend_schema(
        operation_id="hotline_partner_reports",
        request=PartnerBatchSerializer,
        responses={
            201: inline_serializer(
                "HotlinePartnerReceipts",
                {
                    "reports": inline_serializer(
                        "HotlinePartnerReceipt",
                        {
                            "client_id": serializers.CharField(),
                            "tracking_code": serializers.CharField(),
                            "status": serializers.CharField(),
                            "created": serializers.BooleanField(),
                        },
                        many=True,
                    )
                },
            ),
            400: OpenApiResponse(description="Field errors by the report's index in the batch; nothing is stored"),
            403: OpenApiResponse(description="Your role does not allow this"),
        },
        description=(
            "A batch of up to 100 reports (or one report object without the `reports` wrapper). Every report is "
            "checked first: one invalid report stores none. A `client_id` you have sent before answers the "
            "report it made (`created: false`), so retries are safe. Answers 201 when any report is new, 200 otherwise."
        ),
    )
    def post(self, request: Request) -> Response:
        body = request.data
        if isinstance(body, list):  # a bare list is a batch too
            batch: Any = {"reports": body}
        elif isinstance(body, dict):
            batch = body if "reports" in body else {"reports": [body]}
        else:
            raise ValidationError({"reports": ['Send a report object, a list of them, or {"reports": [...]}.']})
        serializer = PartnerBatchSerializer(data=batch)
        serializer.is_valid(raise_exception=True)
        inputs = [to_input(item) for item in serializer.validated_data["reports"]]
        try:
            answers = services.partner_submit(actor=signed_in(request), inputs=inputs, request=request._request)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied from exc
        except DjangoValidationError as exc:
            raise service_error(exc) from exc
        except services.BatchInvalid as exc:
            raise ValidationError({"reports": exc.errors}) from exc
        except IntegrityError:
            return Response(
                {"detail": "The same report was being stored at once; retry."}, status=status.HTTP_409_CONFLICT
            )
        created = any(answer.created for answer in answers)
        return Response(
            {
                "reports": [
                    {
                        "client_id": answer.report.client_id,
                        "tracking_code": answer.report.tracking_code,
                        "status": answer.report.state,
                        "created": answer.created,
                    }
                    for answer in answers
                ]
            },
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(
        operation_id="hotline_partner_report_status",
        parameters=[OpenApiParameter("client_id", str, required=True, description="Your id of the report")],
        responses={200: STATUS, 404: OpenApiResponse(description="You sent no report with this id")},
    )
    def get(self, request: Request) -> Response:
        report = Report.objects.filter(
            partner=signed_in(request).organisation, client_id=request.query_params.get("client_id", "")
        ).first()
        if report is None:
            return Response({"detail": "You sent no report with this id."}, status=status.HTTP_404_NOT_FOUND)
        return Response({"status": report.state, "label": str(report.get_state_display())})
