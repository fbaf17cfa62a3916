"""Writes on organisations, users, MFA and tokens. Each writes its audit row in the same transaction."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from jaga.accounts.lockout import lockout_reset
from jaga.accounts.models import ApiToken, Invitation, Organisation, Role, User, UserRole
from jaga.accounts.permissions import grantable_roles, user_has_perm
from jaga.audit.services import record
from jaga.regions.models import Region

RECOVERY_CODE_COUNT = 10
SYSTEM_ORGANISATION_NAME = "Jaga"


def token_hash(token: str) -> str:
    """Tokens are long random strings, so a plain SHA-256 is enough to keep them unreadable."""
    return hashlib.sha256(token.encode()).hexdigest()


# --- Organisations ------------------------------------------------------------------------------


def bootstrap_organisation() -> Organisation:
    """The national organisation that holds the first system admin (``jaga createsuperuser``)."""
    organisation, _created = Organisation.objects.get_or_create(
        name=SYSTEM_ORGANISATION_NAME, defaults={"type": Organisation.Type.NATIONAL_MINISTRY}
    )
    return organisation


@transaction.atomic
def system_admin_create(*, email: str, password: str | None, **fields: Any) -> User:
    """A system admin made from the command line (``jaga createsuperuser``): no actor, but an audit row."""
    fields.setdefault("full_name", "System admin")
    fields.setdefault("organisation", bootstrap_organisation())
    user = User.objects.create_user(email, password, **fields)
    UserRole.objects.create(user=user, role=Role.SYSTEM_ADMIN)
    record(
        "accounts.user.system_admin_created",
        target=user,
        organisation=user.organisation,
        details={"via": "command line", "roles": [Role.SYSTEM_ADMIN.value]},
    )
    return user


@transaction.atomic
def organisation_create(
    *,
    actor: User,
    name: str,
    type: str,
    jurisdiction: Region | None,
    request: HttpRequest | None = None,
) -> Organisation:
    if not user_has_perm(actor, "accounts.manage_organisations"):
        raise PermissionDenied
    organisation = Organisation(name=name.strip(), type=type, jurisdiction=jurisdiction)
    organisation.full_clean()
    organisation.save()
    record(
        "accounts.organisation.created",
        actor=actor,
        target=organisation,
        request=request,
        details={"type": type, "jurisdiction": jurisdiction.code if jurisdiction else "national"},
    )
    return organisation


@transaction.atomic
def organisation_update(
    *,
    actor: User,
    organisation: Organisation,
    name: str,
    type: str,
    jurisdiction: Region | None,
    is_active: bool,
    request: HttpRequest | None = None,
) -> Organisation:
    if not user_has_perm(actor, "accounts.manage_organisations"):
        raise PermissionDenied
    if organisation.pk == actor.organisation_id and not is_active:
        raise ValidationError({"is_active": _("You cannot deactivate your own organisation.")})
    before = {
        "name": organisation.name,
        "type": organisation.type,
        "jurisdiction": organisation.jurisdiction_id or "national",
        "is_active": organisation.is_active,
    }
    organisation.name, organisation.type = name.strip(), type
    organisation.jurisdiction, organisation.is_active = jurisdiction, is_active
    organisation.full_clean()
    organisation.save()
    after = {
        "name": organisation.name,
        "type": organisation.type,
        "jurisdiction": organisation.jurisdiction_id or "national",
        "is_active": organisation.is_active,
    }
    changed = sorted(key for key in after if after[key] != before[key])
    record(
        "accounts.organisation.changed",
        actor=actor,
        target=organisation,
        request=request,
        details={"fields": changed, "is_active": is_active},
    )
    if before["is_active"] and not is_active:
        for user in organisation.users.all():
            _end_sessions_and_tokens(user)
    return organisation


# --- Users ----------------------------------------------------------------------------------------


def _check_may_manage(actor: User, organisation: Organisation) -> None:
    if user_has_perm(actor, "accounts.manage_all_users"):
        return
    if user_has_perm(actor, "accounts.manage_org_users") and actor.organisation_id == organisation.pk:
        return
    raise PermissionDenied


def _clean_roles(
    actor: User, organisation: Organisation, roles: Iterable[str], current: Iterable[str] = ()
) -> set[str]:
    """The roles wanted, checked: each one added or removed must be one ``actor`` may grant here."""
    wanted = set(roles)
    unknown = wanted - set(Role.values)
    if unknown:
        raise ValidationError({"roles": _("Unknown role: %(roles)s") % {"roles": ", ".join(sorted(unknown))}})
    if not wanted:
        raise ValidationError({"roles": _("Choose at least one role.")})
    refused = (wanted ^ set(current)) - grantable_roles(actor, organisation)
    if refused:
        labels = ", ".join(str(Role(role).label) for role in sorted(refused))
        raise ValidationError(
            {"roles": _("You may not grant or remove these roles here: %(roles)s.") % {"roles": labels}}
        )
    return wanted


@transaction.atomic
def user_invite(
    *,
    actor: User,
    organisation: Organisation,
    email: str,
    full_name: str,
    roles: Iterable[str],
    request: HttpRequest | None = None,
) -> tuple[User, str]:
    """Create the account without a password and return it with a one-time link token."""
    _check_may_manage(actor, organisation)
    wanted = _clean_roles(actor, organisation, roles)
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("A user with this email already exists.")})
    user = User(email=email, full_name=full_name.strip(), organisation=organisation)
    user.set_unusable_password()
    user.full_clean()
    user.save()
    UserRole.objects.bulk_create([UserRole(user=user, role=role) for role in sorted(wanted)])
    token = _new_invitation(actor=actor, user=user)
    record(
        "accounts.user.invited",
        actor=actor,
        target=user,
        organisation=organisation,
        request=request,
        details={"roles": sorted(wanted)},
    )
    return user, token


def _new_invitation(*, actor: User | None, user: User) -> str:
    token = secrets.token_urlsafe(32)
    Invitation.objects.filter(user=user, used_at__isnull=True).update(used_at=timezone.now())
    Invitation.objects.create(
        user=user,
        token_hash=token_hash(token),
        created_by=actor,
        expires_at=timezone.now() + timedelta(days=settings.JAGA_INVITATION_DAYS),
    )
    return token


@transaction.atomic
def user_reinvite(*, actor: User, user: User, request: HttpRequest | None = None) -> str:
    """A fresh link to set a password: the way to reset one.

    The old password stops working at once and every session and API token of the user ends: a reset
    is often asked for because the password may be known to someone else.
    """
    _check_may_manage(actor, user.organisation)
    token = _new_invitation(actor=actor, user=user)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    ended = _end_sessions_and_tokens(user, keep_session=_own_session(request) if user.pk == actor.pk else None)
    record(
        "accounts.user.reinvited",
        actor=actor,
        target=user,
        organisation=user.organisation,
        request=request,
        details={"sessions_ended": ended},
    )
    return token


@transaction.atomic
def user_set_roles(*, actor: User, user: User, roles: Iterable[str], request: HttpRequest | None = None) -> User:
    _check_may_manage(actor, user.organisation)
    current = set(user.roles)
    if user.pk == actor.pk and not user_has_perm(actor, "accounts.manage_all_users"):
        raise ValidationError({"roles": _("You cannot change your own roles: ask another admin.")})
    wanted = _clean_roles(actor, user.organisation, roles, current)
    if user.pk == actor.pk and Role.SYSTEM_ADMIN in current and Role.SYSTEM_ADMIN not in wanted:
        raise ValidationError({"roles": _("You cannot remove your own system admin role.")})
    if user.pk == actor.pk and Role.ORG_ADMIN in current and Role.ORG_ADMIN not in wanted:
        raise ValidationError({"roles": _("You cannot remove your own organisation admin role.")})
    UserRole.objects.filter(user=user).exclude(role__in=wanted).delete()
    for role in sorted(wanted - current):
        UserRole.objects.create(user=user, role=role)
    user.forget_roles()
    record(
        "accounts.user.roles_changed",
        actor=actor,
        target=user,
        organisation=user.organisation,
        request=request,
        details={"added": sorted(wanted - current), "removed": sorted(current - wanted)},
    )
    return user


def _end_sessions_and_tokens(user: User, *, keep_session: str | None = None) -> int:
    """End every browser session and API token of ``user`` at once (but ``keep_session``, the caller's own)."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).exclude(pk=keep_session or "").iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
            ended += 1
    ApiToken.objects.filter(user=user).delete()
    return ended


def _own_session(request: HttpRequest | None) -> str | None:
    session = getattr(request, "session", None)
    return session.session_key if session is not None else None


@transaction.atomic
def user_deactivate(*, actor: User, user: User, request: HttpRequest | None = None) -> User:
    _check_may_manage(actor, user.organisation)
    if user.pk == actor.pk:
        raise ValidationError(_("You cannot deactivate your own account."))
    user.is_active = False
    user.save(update_fields=["is_active"])
    ended = _end_sessions_and_tokens(user)
    record(
        "accounts.user.deactivated",
        actor=actor,
        target=user,
        organisation=user.organisation,
        request=request,
        details={"sessions_ended": ended},
    )
    return user


@transaction.atomic
def user_reactivate(*, actor: User, user: User, request: HttpRequest | None = None) -> User:
    _check_may_manage(actor, user.organisation)
    user.is_active = True
    user.save(update_fields=["is_active"])
    record("accounts.user.reactivated", actor=actor, target=user, organisation=user.organisation, request=request)
    return user


@transaction.atomic
def user_unlock(*, actor: User, user: User, request: HttpRequest | None = None) -> int:
    """Lift a lockout of the account before its cool-off ends."""
    _check_may_manage(actor, user.organisation)
    cleared = lockout_reset(email=user.email)
    record(
        "accounts.user.unlocked",
        actor=actor,
        target=user,
        organisation=user.organisation,
        request=request,
        details={"records_cleared": cleared},
    )
    return cleared


@transaction.atomic
def invitation_accept(*, token: str, password: str, request: HttpRequest | None = None) -> User:
    invitation = Invitation.objects.select_related("user").filter(token_hash=token_hash(token)).first()
    if invitation is None or not invitation.is_usable():
        raise ValidationError(_("This link is not valid any more. Ask your organisation admin for a new one."))
    user = invitation.user
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])
    ended = _end_sessions_and_tokens(user)
    record("accounts.user.password_set", actor=user, target=user, request=request, details={"sessions_ended": ended})
    return user


@transaction.atomic
def password_change(*, user: User, old_password: str, new_password: str, request: HttpRequest | None = None) -> None:
    if not user.check_password(old_password):
        raise ValidationError({"old_password": _("Your current password is not correct.")})
    validate_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    # Every other session and every API token ends; this session goes on (the view keeps it valid).
    ended = _end_sessions_and_tokens(user, keep_session=_own_session(request))
    record(
        "accounts.user.password_changed", actor=user, target=user, request=request, details={"sessions_ended": ended}
    )


# --- MFA --------------------------------------------------------------------------------------------


def mfa_enrolled(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def mfa_totp_pending(user: User) -> TOTPDevice:
    """The unconfirmed authenticator being set up (one per user), created on first call."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [f"{secrets.randbelow(10**10):010d}" for _index in range(RECOVERY_CODE_COUNT)]
    # django-otp compares recovery codes as stored; they are single use and deleted when used.
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def mfa_totp_confirm(*, user: User, token: str, request: HttpRequest | None = None) -> list[str]:
    """Confirm the pending authenticator with a code from it; returns new recovery codes."""
    device = mfa_totp_pending(user)
    if not device.verify_token(token.strip().replace(" ", "")):
        raise ValidationError({"token": _("That code is not right. Check the time on your phone and try again.")})
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(user)
    record("accounts.mfa.enrolled", actor=user, target=user, request=request)
    return codes


@transaction.atomic
def mfa_recovery_codes_regenerate(*, user: User, request: HttpRequest | None = None) -> list[str]:
    codes = _new_recovery_codes(user)
    record("accounts.mfa.recovery_codes_regenerated", actor=user, target=user, request=request)
    return codes


@transaction.atomic
def mfa_reset(*, actor: User, user: User, request: HttpRequest | None = None) -> None:
    """Remove a user's authenticator and recovery codes; they enrol again at their next login."""
    _check_may_manage(actor, user.organisation)
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    _end_sessions_and_tokens(user)
    record("accounts.mfa.reset", actor=actor, target=user, organisation=user.organisation, request=request)


def mfa_verify(user: User, token: str) -> Any:
    """The device that accepts ``token`` (authenticator code or unused recovery code), or None."""
    token = token.strip().replace(" ", "").replace("-", "")
    if not token:
        return None
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(token):
            return device
    for device in StaticDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(token):
            return device
    return None


# --- API tokens ------------------------------------------------------------------------------------


@transaction.atomic
def api_token_issue(*, user: User, request: HttpRequest | None = None) -> str:
    raw = "jaga_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        token_hash=token_hash(raw),
        expires_at=timezone.now() + timedelta(days=settings.JAGA_API_TOKEN_DAYS),
    )
    record("accounts.token.issued", actor=user, target=token, request=request)
    return raw


@transaction.atomic
def api_elevate(*, user: User, token: ApiToken | None, session: Any, request: HttpRequest | None = None) -> Any:
    """After the password or an MFA code again: identity reads for ``JAGA_REAUTH_MINUTES``.

    A token is elevated by itself; a browser session the way the re-authentication page does it.
    """
    until = timezone.now() + timedelta(minutes=settings.JAGA_REAUTH_MINUTES)
    if token is not None:
        token.elevated_until = until
        token.save(update_fields=["elevated_until"])
    else:
        session["jaga_reauth_at"] = timezone.now().timestamp()
    record(
        "accounts.reauth.succeeded",
        actor=user,
        target=user,
        request=request,
        details={"via": "api_token" if token is not None else "api_session"},
    )
    return until


@transaction.atomic
def api_token_revoke(*, user: User, token: ApiToken, request: HttpRequest | None = None) -> None:
    record("accounts.token.revoked", actor=user, target=token, request=request)
    token.delete()
