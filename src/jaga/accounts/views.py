from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_otp import login as otp_login

from jaga.accounts import services
from jaga.accounts.access import (
    access_managed_user,
    access_organisation,
    managed_organisations,
    managed_users,
    reauthenticated_recently,
    redirect_to_reauth,
    require_login,
    require_perm,
    require_reauth,
    secret_check,
)
from jaga.accounts.forms import (
    InviteForm,
    LoginForm,
    OrganisationForm,
    OtpForm,
    PasswordChangeForm,
    ReauthForm,
    RolesForm,
    SetPasswordForm,
    TotpConfirmForm,
)
from jaga.accounts.models import Invitation, Organisation, Role, User
from jaga.accounts.permissions import PERMISSIONS, user_has_perm, user_permissions
from jaga.accounts.requests import AuthedHttpRequest
from jaga.audit.services import record
from jaga.core.doors import public
from jaga.core.forms import add_errors
from jaga.core.qr import qr_data_uri

PENDING_USER = "jaga_pending_user"
PENDING_AT = "jaga_pending_at"
PENDING_NEXT = "jaga_pending_next"
PENDING_SECONDS = 300
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


def lockout_response(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    """What a locked-out person sees, on the login page and in the API (called by django-axes)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = _(
        "Too many failed login attempts. Logging in is blocked for %(minutes)s minutes for this account "
        "and this network. Ask your organisation admin if you need help sooner."
    ) % {"minutes": minutes}
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "code": "locked_out"}, status=403)
    form = LoginForm(request.POST or None)
    return render(request, "accounts/login.html", {"form": form, "error": message}, status=403)


@require_http_methods(["GET", "POST"])
@public("signing in")
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next")
    if request.user.is_authenticated:
        return redirect(_safe_next(request, next_url))
    form = LoginForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        user = authenticate(request, username=form.cleaned_data["username"], password=form.cleaned_data["password"])
        if getattr(request, "axes_locked_out", False):
            return lockout_response(request)
        if user is None:
            error = _("The email or password is not correct.")
        elif services.mfa_enrolled(user):
            request.session.cycle_key()
            request.session[PENDING_USER] = str(user.pk)
            request.session[PENDING_AT] = timezone.now().timestamp()
            request.session[PENDING_NEXT] = _safe_next(request, next_url)
            return redirect("accounts:login_verify")
        else:
            login(request, user, backend=MODEL_BACKEND)
            if settings.JAGA_MFA_REQUIRED:
                return redirect("accounts:mfa_setup")
            return redirect(_safe_next(request, next_url))
    return render(request, "accounts/login.html", {"form": form, "error": error, "next": next_url or ""})


@require_http_methods(["GET", "POST"])
@public("the second step of signing in")
def login_verify_view(request: HttpRequest) -> HttpResponse:
    """The second step: a code from the authenticator or a recovery code."""
    from axes.handlers.proxy import AxesProxyHandler

    user_id = request.session.get(PENDING_USER)
    started = request.session.get(PENDING_AT, 0)
    user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None or timezone.now().timestamp() - started > PENDING_SECONDS:
        request.session.pop(PENDING_USER, None)
        messages.info(request, _("Please log in again."))
        return redirect("accounts:login")
    credentials = {"username": user.email}
    form = OtpForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        if AxesProxyHandler.is_locked(request, credentials):
            return lockout_response(request)
        device = services.mfa_verify(user, form.cleaned_data["otp"])
        if device is None:
            # Counts towards the same lockout as a wrong password.
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            if getattr(request, "axes_locked_out", False) or AxesProxyHandler.is_locked(request, credentials):
                return lockout_response(request)
            error = _("That code is not right. Try again, or use one of your recovery codes.")
        else:
            next_url = request.session.get(PENDING_NEXT)
            for key in (PENDING_USER, PENDING_AT, PENDING_NEXT):
                request.session.pop(key, None)
            login(request, user, backend=MODEL_BACKEND)
            otp_login(request, device)
            if device.__class__.__name__ == "StaticDevice":
                record("accounts.mfa.recovery_code_used", actor=user, target=user, request=request)
                messages.warning(request, _("You used a recovery code. Each works once: make new ones soon."))
            return redirect(_safe_next(request, next_url))
    return render(request, "accounts/login_verify.html", {"form": form, "error": error})


@require_POST
@public("signing out (a visitor without a session is sent to the login page)")
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("You have logged out."))
    return redirect("accounts:login")


@require_http_methods(["GET", "POST"])
@require_login
def mfa_setup_view(request: AuthedHttpRequest) -> HttpResponse:
    user: User = request.user
    if services.mfa_enrolled(user):
        if request.method == "GET" and request.GET.get("again") != "1":
            return render(request, "accounts/mfa_enrolled.html", {})
        if not reauthenticated_recently(request):
            # Replacing the authenticator is as sensitive as what it protects.
            return redirect_to_reauth(request, reverse("accounts:mfa_setup") + "?again=1")
    device = services.mfa_totp_pending(user)
    form = TotpConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.mfa_totp_confirm(user=user, token=form.cleaned_data["token"], request=request)
        except ValidationError as exc:
            form.add_error("token", exc.message_dict["token"])
        else:
            device.refresh_from_db()
            # A new session key now that the session is fully authenticated (OWASP: renew the session
            # identifier on every privilege change), so a key seen before enrolment is worth nothing.
            request.session.cycle_key()
            otp_login(request, device)
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "first_time": True})
    secret = _base32_secret(device.bin_key)
    return render(
        request,
        "accounts/mfa_setup.html",
        {"form": form, "qr": qr_data_uri(device.config_url), "secret": secret},
    )


def _base32_secret(key: bytes) -> str:
    from base64 import b32encode

    text = b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@require_http_methods(["GET", "POST"])
@require_login
@require_reauth
def recovery_codes_view(request: AuthedHttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "accounts/recovery_codes_confirm.html", {})
    codes = services.mfa_recovery_codes_regenerate(user=request.user, request=request)
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "first_time": False})


@require_http_methods(["GET", "POST"])
@require_login
def reauth_view(request: AuthedHttpRequest) -> HttpResponse:
    """Asks again for the password or an MFA code before something sensitive."""
    user: User = request.user
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    form = ReauthForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        verdict = secret_check(request, user, form.cleaned_data["secret"])
        if verdict == "locked":
            logout(request)
            return lockout_response(request)
        if verdict == "ok":
            request.session["jaga_reauth_at"] = timezone.now().timestamp()
            record("accounts.reauth.succeeded", actor=user, target=user, request=request)
            return redirect(next_url)
        form.add_error("secret", _("That is not right. Try again."))
    return render(
        request,
        "accounts/reauth.html",
        {"form": form, "next": next_url, "reauth_minutes": settings.JAGA_REAUTH_MINUTES},
    )


@require_http_methods(["GET", "POST"])
@require_login
def profile_view(request: AuthedHttpRequest) -> HttpResponse:
    user: User = request.user
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                user=user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["password1"],
                request=request,
            )
        except ValidationError as exc:
            add_errors(form, exc, default_field="password1")
        else:
            from django.contrib.auth import update_session_auth_hash

            update_session_auth_hash(request, user)
            messages.success(request, _("Your password has been changed."))
            return redirect("accounts:profile")
    perms = sorted(user_permissions(user))
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "mfa_enrolled": services.mfa_enrolled(user),
            "permissions": [(perm, PERMISSIONS[perm]) for perm in perms],
        },
    )


@require_http_methods(["GET", "POST"])
@public("an invited person sets a password: the token is the key")
def invitation_view(request: HttpRequest, token: str) -> HttpResponse:
    """Setting a first (or new) password from a one-time link."""
    invitation = Invitation.objects.select_related("user").filter(token_hash=services.token_hash(token)).first()
    if invitation is None or not invitation.is_usable():
        return render(request, "accounts/invitation_invalid.html", status=404)
    form = SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_accept(token=token, password=form.cleaned_data["password1"], request=request)
        except ValidationError as exc:
            add_errors(form, exc, default_field="password1")
        else:
            messages.success(request, _("Your password is set. You can log in now."))
            return redirect("accounts:login")
    return render(request, "accounts/invitation.html", {"form": form, "invited": invitation.user})


# --- User management (org admins for their organisation; system admins for all) ----------------


@require_safe
@require_perm("accounts.manage_org_users")
def user_list_view(request: AuthedHttpRequest) -> HttpResponse:
    users = managed_users(request.user).select_related("organisation").prefetch_related("role_grants")
    organisation_id = request.GET.get("organisation")
    if organisation_id:
        users = users.filter(
            organisation_id__in=managed_organisations(request.user).filter(pk=organisation_id).values("pk")
        )
    return render(request, "accounts/user_list.html", {"users": users})


@require_http_methods(["GET", "POST"])
@require_perm("accounts.manage_org_users")
def user_invite_view(request: AuthedHttpRequest) -> HttpResponse:
    actor: User = request.user
    form = InviteForm(request.POST or None, actor=actor, organisations=managed_organisations(actor))
    if request.method == "POST" and form.is_valid():
        try:
            user, token = services.user_invite(
                actor=actor,
                organisation=form.cleaned_data["organisation"],
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                roles=form.cleaned_data["roles"],
                request=request,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return _show_invitation_link(request, user, token)
    return render(request, "accounts/user_invite.html", {"form": form})


def _show_invitation_link(request: HttpRequest, user: User, token: str) -> HttpResponse:
    link = request.build_absolute_uri(reverse("accounts:invitation", args=[token]))
    return render(request, "accounts/invitation_link.html", {"invited": user, "link": link})


# The buttons on a user's page: action -> (service, what the admin is told when it is done).
ACCOUNT_ACTIONS: dict[str, tuple[Callable[..., Any], Any]] = {
    "deactivate": (services.user_deactivate, gettext_lazy("The account is deactivated and its sessions have ended.")),
    "reactivate": (services.user_reactivate, gettext_lazy("The account is active again.")),
    "unlock": (services.user_unlock, gettext_lazy("Failed logins are cleared: the user can log in again.")),
    "reset_mfa": (services.mfa_reset, gettext_lazy("MFA is reset. The user sets it up again at the next login.")),
}


@require_http_methods(["GET", "POST"])
@require_perm("accounts.manage_org_users")
def user_detail_view(request: AuthedHttpRequest, user_id: Any) -> HttpResponse:
    actor: User = request.user
    user = access_managed_user(actor, user_id)
    roles_data = request.POST if request.POST.get("action") == "roles" else None
    form = RolesForm(roles_data, actor=actor, organisation=user.organisation, initial={"roles": sorted(user.roles)})
    action_errors: list[str] = []
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "roles" and form.is_valid():
                services.user_set_roles(actor=actor, user=user, roles=form.roles_with(user.roles), request=request)
                messages.success(request, _("Roles saved."))
                return redirect("accounts:user_detail", user_id=user.pk)
            if action in ACCOUNT_ACTIONS:
                service, done = ACCOUNT_ACTIONS[action]
                service(actor=actor, user=user, request=request)
                messages.success(request, done)
                return redirect("accounts:user_detail", user_id=user.pk)
            if action == "reinvite":
                token = services.user_reinvite(actor=actor, user=user, request=request)
                return _show_invitation_link(request, user, token)
        except ValidationError as exc:
            if action == "roles":
                add_errors(form, exc)
            else:
                action_errors = exc.messages
    return render(
        request,
        "accounts/user_detail.html",
        {
            "managed": user,
            "form": form,
            "own_roles": user.pk == actor.pk and not user_has_perm(actor, "accounts.manage_all_users"),
            "kept_roles": [
                label for value, label in Role.choices if value in user.roles and value not in form.offered_roles
            ],
            "mfa_enrolled": services.mfa_enrolled(user),
            "action_errors": action_errors,
        },
    )


# --- Organisations (system admins) ----------------------------------------------------------------


@require_safe
@require_perm("accounts.manage_organisations")
def organisation_list_view(request: AuthedHttpRequest) -> HttpResponse:
    from django.db.models import Count
    from django.db.models.functions import Lower

    # Counting the users groups the rows, and a grouped query drops the model's ordering: by name again.
    organisations = (
        Organisation.objects.select_related("jurisdiction")
        .annotate(user_count=Count("users"))
        .order_by(Lower("name"), "pk")
    )
    return render(request, "accounts/organisation_list.html", {"organisations": organisations})


@require_http_methods(["GET", "POST"])
@require_perm("accounts.manage_organisations")
def organisation_form_view(request: AuthedHttpRequest, organisation_id: Any = None) -> HttpResponse:
    actor: User = request.user
    organisation = access_organisation(actor, organisation_id) if organisation_id else None
    initial = (
        {
            "name": organisation.name,
            "type": organisation.type,
            "jurisdiction": organisation.jurisdiction_id,
            "is_active": organisation.is_active,
        }
        if organisation
        else {"is_active": True}
    )
    form = OrganisationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if organisation is None:
                services.organisation_create(
                    actor=actor,
                    name=data["name"],
                    type=data["type"],
                    jurisdiction=data["jurisdiction"],
                    request=request,
                )
            else:
                services.organisation_update(
                    actor=actor,
                    organisation=organisation,
                    name=data["name"],
                    type=data["type"],
                    jurisdiction=data["jurisdiction"],
                    is_active=data["is_active"],
                    request=request,
                )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Organisation saved."))
            return redirect("accounts:organisation_list")
    return render(request, "accounts/organisation_form.html", {"form": form, "organisation": organisation})
