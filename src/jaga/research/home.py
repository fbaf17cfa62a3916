"""What waits for the media monitors on the home page (``JAGA_HOME_ITEMS``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jaga.accounts.models import User
from jaga.accounts.permissions import user_has_perm
from jaga.research.models import Incident


def home_items(user: User) -> list[tuple[str, int, str]]:
    if not user_has_perm(user, "research.incidents"):
        return []
    link = reverse("research:incidents")
    grouped = Incident.objects.filter(same_as__isnull=False).count()
    this_year = Incident.objects.filter(year=timezone.localdate().year, same_as__isnull=True).count()
    return [
        (_("Media incidents grouped as the same incident: check them"), grouped, link),
        (_("Media incidents recorded this year"), this_year, link),
    ]
