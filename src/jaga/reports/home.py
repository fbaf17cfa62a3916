"""What waits for the people who make annual reports, on the home page (``JAGA_HOME_ITEMS``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jaga.accounts.models import User
from jaga.accounts.permissions import user_has_perm
from jaga.reports.models import AnnualReport

State = AnnualReport.State


def home_items(user: User) -> list[tuple[str, int, str]]:
    items: list[tuple[str, int, str]] = []
    own = AnnualReport.objects.filter(owner_id=user.organisation_id)
    link = reverse("reports:list")
    if user_has_perm(user, "reports.approve"):
        items.append((_("Annual reports waiting for your approval"), own.filter(state=State.REVIEW).count(), link))
        items.append((_("Approved annual reports to publish"), own.filter(state=State.APPROVED).count(), link))
    elif user_has_perm(user, "reports.edit"):
        items.append((_("Annual reports in draft"), own.filter(state=State.DRAFT).count(), link))
        if user.organisation.is_national:
            last = timezone.localdate().year - 1
            started = own.filter(year=last, scope=AnnualReport.Scope.NATIONAL).exists()
            items.append((_("Last year's national report to start"), 0 if started else 1, link))
    return items
