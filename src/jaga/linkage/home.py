"""What waits for a linkage officer on the home page (``JAGA_HOME_ITEMS``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from jaga.accounts.models import User
from jaga.accounts.permissions import user_has_perm
from jaga.linkage.models import LinkageRun, PairReview


def home_items(user: User) -> list[tuple[str, int, str]]:
    if not user_has_perm(user, "linkage.review"):
        return []
    pairs = PairReview.objects.filter(decision=PairReview.Decision.OPEN).count()
    failed = LinkageRun.objects.filter(state=LinkageRun.State.FAILED).order_by("-created_at")[:1]
    last_failed = int(failed.exists() and failed[0] == LinkageRun.objects.order_by("-created_at").first())
    return [
        (_("Pairs of records waiting for your review"), pairs, reverse("linkage:review_list")),
        (_("The last linkage run failed"), last_failed, reverse("linkage:dashboard")),
    ]
