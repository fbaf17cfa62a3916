"""What waits for the media monitors on the home page (``JAGA_HOME_ITEMS``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jaga.accounts.models import User
from jaga.accounts.permissions import user_has_perm
from jaga.research.models import Incident


def home_items(user: User) -> list[tuple[str, int, str]]:
    items: list[tuple[str, int, str]] = []
    if user_has_perm(user, "research.studies"):
        from datetime import timedelta

        from jaga.research.models import Response, Study

        mine = [s.pk for s in Study.objects.all() if s.on_team(user)]
        week = Response.objects.filter(study__in=mine, created_at__gte=timezone.now() - timedelta(days=7)).count()
        items.append((_("Survey responses received in the last 7 days"), week, reverse("research:studies")))
    if not user_has_perm(user, "research.incidents"):
        return items
    link = reverse("research:incidents")
    grouped = Incident.objects.filter(same_as__isnull=False).count()
    this_year = Incident.objects.filter(year=timezone.localdate().year, same_as__isnull=True).count()
    return [
        *items,
        (_("Media incidents grouped as the same incident: check them"), grouped, link),
        (_("Media incidents recorded this year"), this_year, link),
    ]
