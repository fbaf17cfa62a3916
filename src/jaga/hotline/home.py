"""What waits for a hotline operator on the home page (``JAGA_HOME_ITEMS``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from jaga.accounts.models import User
from jaga.accounts.permissions import user_has_perm
from jaga.hotline.models import Report, State

OPEN = [State.RECEIVED, State.IN_REVIEW]


def home_items(user: User) -> list[tuple[str, int, str]]:
    if not user_has_perm(user, "hotline.triage"):
        return []
    queue = reverse("hotline:queue")
    urgent = Report.objects.filter(state__in=OPEN, assigned_to__isnull=True, urgency__gt=0).count()
    mine = Report.objects.filter(state__in=OPEN, assigned_to=user).count()
    return [
        (_("Urgent reports nobody has taken"), urgent, f"{queue}?state=open"),
        (_("Open reports assigned to you"), mine, f"{queue}?state=open&mine=on"),
    ]
