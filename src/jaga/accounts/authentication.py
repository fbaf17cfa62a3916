from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, SessionAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from jaga.accounts import services
from jaga.accounts.models import ApiToken, User


class ApiTokenAuthentication(BaseAuthentication):
    """``Authorization: Token jaga_...``; the token is looked up by its hash and expires."""

    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise AuthenticationFailed(_("Send the header as: Authorization: Token <token>."))
        raw = parts[1].decode(errors="replace")
        token = (
            ApiToken.objects.select_related("user__organisation").filter(token_hash=services.token_hash(raw)).first()
        )
        if token is None or token.expires_at <= timezone.now():
            raise AuthenticationFailed(_("The token is not valid or has expired. Ask for a new one."))
        user = token.user
        if not user.is_active or not user.organisation.is_active:
            raise AuthenticationFailed(_("This account is deactivated."))
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class VerifiedSessionAuthentication(SessionAuthentication):
    """The browser session, but only once it has passed MFA where MFA is required."""

    def authenticate(self, request: Request) -> tuple[User, None] | None:
        result = super().authenticate(request)
        verified = getattr(request._request.user, "is_verified", lambda: False)  # django-otp's middleware adds it
        if result and settings.JAGA_MFA_REQUIRED and not verified():
            return None
        return result


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "jaga.accounts.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "apiKey", "in": "header", "name": "Authorization", "description": "Token <token>"}


class VerifiedSessionScheme(OpenApiAuthenticationExtension):
    target_class = "jaga.accounts.authentication.VerifiedSessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME}
