"""What waits on the home page for those who manage people and security (``JAGA_HOME_ITEMS``)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jaga.accounts.access import managed_users
from jaga.accounts.models import Invitation, User
from jaga.accounts.permissions import user_has_perm


def home_items(user: User) -> list[tuple[str, int, str]]:
    items: list[tuple[str, int, str]] = []
    if user_has_perm(user, "accounts.manage_org_users"):
        from axes.models import AccessAttempt

        people = managed_users(user)
        now = timezone.now()
        pending = Invitation.objects.filter(user__in=people, used_at__isnull=True, expires_at__gt=now)
        items.append((_("Invitations not used yet"), pending.count(), reverse("accounts:user_list")))
        since = now - settings.AXES_COOLOFF_TIME
        emails = set(people.values_list("email", flat=True))
        locked = AccessAttempt.objects.filter(
            attempt_time__gte=since, failures_since_start__gte=settings.AXES_FAILURE_LIMIT
        ).values_list("username", flat=True)
        items.append((_("Accounts locked out now"), len(emails & set(locked)), reverse("accounts:user_list")))
        from django_otp.plugins.otp_totp.models import TOTPDevice

        enrolled = TOTPDevice.objects.filter(confirmed=True).values("user_id")
        without = people.filter(is_active=True).exclude(pk__in=enrolled).count()
        items.append((_("People without multi-factor authentication"), without, reverse("accounts:user_list")))
    if user_has_perm(user, "audit.view_log"):
        from jaga.audit.models import AuditEvent

        week = timezone.now() - timedelta(days=7)
        alerts = AuditEvent.objects.filter(action__startswith="security.alert.", created_at__gte=week).count()
        items.append((_("Security alerts in the last 7 days"), alerts, reverse("audit:event_list")))
    return items
