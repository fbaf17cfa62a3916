"""What the statistics hold now, on the home page of those who read them (``JAGA_HOME_ITEMS``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from jaga.accounts.models import User
from jaga.accounts.permissions import user_has_perm
from jaga.stats.aggregates import latest_refresh


def home_items(user: User) -> list[tuple[str, int, str]]:
    if not user_has_perm(user, "stats.view") or user_has_perm(user, "cases.assign"):
        return []  # supervisors have their caseload first; the statistics are a link away
    refresh = latest_refresh()
    children = refresh.children if refresh else 0
    return [(_("Children counted in the latest statistics"), children, reverse("stats:dashboard"))]
