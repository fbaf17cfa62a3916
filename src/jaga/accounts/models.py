from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jaga.core.models import Created, UUIDModel
from jaga.regions.models import Region


class Organisation(UUIDModel):
    """An agency that uses Jaga. Its jurisdiction is national (no region), a province or a regency."""

    class Type(models.TextChoices):
        NATIONAL_MINISTRY = "national_ministry", _("National ministry")
        REGIONAL_SERVICE_UNIT = "regional_service_unit", _("Regional service unit")
        LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
        INDEPENDENT_BODY = "independent_body", _("Independent body")
        NGO = "ngo", _("NGO")
        PRIVATE_SECTOR = "private_sector", _("Private sector")
        ACADEMIA = "academia", _("Academia")
        INTERNATIONAL_BODY = "international_body", _("International body")

    name = models.CharField(_("name"), max_length=200, unique=True)
    type = models.CharField(_("type"), max_length=30, choices=Type.choices)
    jurisdiction = models.ForeignKey(
        Region,
        verbose_name=_("jurisdiction"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty for a national organisation; otherwise one province or one regency/city."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_national(self) -> bool:
        return self.jurisdiction_id is None

    def covers(self, region_code: str) -> bool:
        """Whether ``region_code`` lies within this organisation's jurisdiction."""
        return self.jurisdiction is None or self.jurisdiction.contains(region_code)


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("Caseworker")
    SUPERVISOR = "supervisor", _("Supervisor")
    HOTLINE_OPERATOR = "hotline_operator", _("Hotline operator")
    ANALYST = "analyst", _("Analyst")
    RESEARCHER = "researcher", _("Researcher")
    LINKAGE_OFFICER = "linkage_officer", _("Linkage officer")
    PROGRAMME_OFFICER = "programme_officer", _("Programme officer")
    PARTNER = "partner", _("Partner")
    ORG_ADMIN = "org_admin", _("Organisation admin")
    SYSTEM_ADMIN = "system_admin", _("System admin")
    HEAD = "head", _("Head of organisation")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=(username or "").strip())

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        """Used by ``jaga createsuperuser``: a system admin in a national organisation, audited."""
        from jaga.accounts.services import system_admin_create

        return system_admin_create(email=email, password=password, **fields)


class User(AbstractBaseUser):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(_("email"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="users"
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(default=timezone.now, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.email.strip().lower()

    @property
    def roles(self) -> frozenset[str]:
        cached = getattr(self, "_roles_cache", None)
        if cached is None:
            cached = frozenset(self.role_grants.values_list("role", flat=True))
            self._roles_cache = cached
        return cached

    def forget_roles(self) -> None:
        if hasattr(self, "_roles_cache"):
            del self._roles_cache

    # Django's templates and admin ask these; Jaga's own permissions live in permissions.py.
    @property
    def is_staff(self) -> bool:
        return False

    @property
    def is_superuser(self) -> bool:
        return False

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        from jaga.accounts.permissions import user_has_perm

        return user_has_perm(self, perm)

    def has_module_perms(self, app_label: str) -> bool:
        return False


class UserRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(max_length=30, choices=Role.choices)
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="user_role_unique")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.role}"


class Invitation(Created):
    """A one-time link to set a first password. Only a hash of the token is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"invitation {self.id}"

    def is_usable(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now() and self.user.is_active


class ApiToken(Created):
    """A bearer token for machine clients. Only a SHA-256 hash of the token is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    # Until when this token may read identities: set by re-authenticating (POST /api/v1/auth/elevate/).
    elevated_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"token {self.id}"

    def is_elevated(self) -> bool:
        return self.elevated_until is not None and self.elevated_until > timezone.now()
