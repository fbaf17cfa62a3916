from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from jaga.accounts import services
from jaga.accounts.access import secret_check
from jaga.accounts.authentication import ApiTokenAuthentication
from jaga.accounts.models import ApiToken, User
from jaga.accounts.permissions import user_permissions
from jaga.accounts.requests import signed_in
from jaga.core.doors import DeclaredAPIView


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(trim_whitespace=False, min_length=1, max_length=200)
    otp = serializers.CharField(required=False, allow_blank=True, max_length=20)


class TokenView(DeclaredAPIView):
    jaga_public = "signing in to the API (email, password, MFA code); revoking a token needs the token itself"
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(
        summary="Get an API token",
        request=TokenRequestSerializer,
        responses={
            200: inline_serializer(
                "TokenResponse", {"token": serializers.CharField(), "expires_at": serializers.DateTimeField()}
            ),
            400: OpenApiResponse(description="A field is missing or malformed, or the MFA code is missing"),
            401: OpenApiResponse(
                description="Wrong email, password or MFA code (code: invalid_credentials, invalid_otp)"
            ),
            403: OpenApiResponse(description="Locked out after repeated failures, or MFA not yet set up"),
        },
    )
    def post(self, request: Request) -> Response:
        """Same rules as the login page: lockout after repeated failures, and MFA where enrolled or required."""
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        django_request = request._request
        user = authenticate(django_request, username=data["email"], password=data["password"])
        if getattr(django_request, "axes_locked_out", False):
            from jaga.accounts.views import lockout_response

            return lockout_response(django_request)  # type: ignore[return-value]
        if user is None:
            return Response(
                {"detail": _("The email or password is not correct."), "code": "invalid_credentials"},
                status=status.HTTP_401_UNAUTHORIZED,
            )
        if services.mfa_enrolled(user):
            if not data.get("otp"):
                return Response(
                    {"otp": [_("This account uses MFA: send the code from the authenticator app as otp.")]},
                    status=status.HTTP_400_BAD_REQUEST,
                )
            if services.mfa_verify(user, data["otp"]) is None:
                user_login_failed.send(sender=__name__, credentials={"username": user.email}, request=django_request)
                return Response(
                    {"detail": _("The MFA code is not right."), "code": "invalid_otp"},
                    status=status.HTTP_401_UNAUTHORIZED,
                )
        elif settings.JAGA_MFA_REQUIRED:
            return Response(
                {
                    "detail": _("Set up MFA by logging in to the web application first."),
                    "code": "mfa_required",
                },
                status=status.HTTP_403_FORBIDDEN,
            )
        raw = services.api_token_issue(user=user, request=django_request)
        token = ApiToken.objects.get(token_hash=services.token_hash(raw))
        return Response({"token": raw, "expires_at": token.expires_at})

    @extend_schema(
        summary="Revoke the token used for this request",
        responses={
            204: None,
            400: OpenApiResponse(description="No token in the Authorization header"),
            401: OpenApiResponse(description="The token is not valid or has expired"),
            403: OpenApiResponse(description="The token is not valid or has expired"),
        },
    )
    def delete(self, request: Request) -> Response:
        auth = ApiTokenAuthentication().authenticate(request)
        if auth is None:
            return Response({"detail": _("Send the token to revoke in the Authorization header.")}, status=400)
        user, token = auth
        services.api_token_revoke(user=user, token=token, request=request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ElevateSerializer(serializers.Serializer):
    secret = serializers.CharField(
        trim_whitespace=False,
        min_length=1,
        max_length=200,
        help_text="Your password, or a code from your authenticator app",
    )


class ElevateView(DeclaredAPIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Re-authenticate before reading identities",
        description=(
            "The password or an MFA code again. For JAGA_REAUTH_MINUTES (5) afterwards the token (or the "
            "browser session) may read the child's identity in GET /api/v1/cases/{id}/, as the pages ask "
            "before showing it. Wrong secrets count towards the login lockout."
        ),
        request=ElevateSerializer,
        responses={
            200: inline_serializer("Elevated", {"elevated_until": serializers.DateTimeField()}),
            400: OpenApiResponse(description="The secret is missing"),
            401: OpenApiResponse(description="No or invalid credentials"),
            403: OpenApiResponse(description="The secret is not right (code: wrong_secret), or locked out"),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = ElevateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user: User = signed_in(request)
        django_request = request._request
        verdict = secret_check(django_request, user, serializer.validated_data["secret"])
        if verdict == "locked":
            from jaga.accounts.views import lockout_response

            return lockout_response(django_request)  # type: ignore[return-value]
        if verdict == "wrong":
            return Response(
                {"detail": _("That is not right. Try again."), "code": "wrong_secret"}, status=status.HTTP_403_FORBIDDEN
            )
        token = request.auth if isinstance(request.auth, ApiToken) else None
        until = services.api_elevate(user=user, token=token, session=django_request.session, request=django_request)
        return Response({"elevated_until": until})


class MeView(DeclaredAPIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Who is calling",
        responses=inline_serializer(
            "Me",
            {
                "email": serializers.EmailField(),
                "full_name": serializers.CharField(),
                "organisation": serializers.CharField(),
                "roles": serializers.ListField(child=serializers.CharField()),
                "permissions": serializers.ListField(child=serializers.CharField()),
            },
        ),
    )
    def get(self, request: Request) -> Response:
        user: User = signed_in(request)
        return Response(
            {
                "email": user.email,
                "full_name": user.full_name,
                "organisation": user.organisation.name,
                "roles": sorted(user.roles),
                "permissions": sorted(user_permissions(user)),
            }
        )
