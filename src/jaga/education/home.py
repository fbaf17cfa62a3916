"""What waits for lesson writers on the home page (``JAGA_HOME_ITEMS``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from jaga.accounts.models import User
from jaga.accounts.permissions import user_has_perm
from jaga.education.models import LessonRevision


def home_items(user: User) -> list[tuple[str, int, str]]:
    if not user_has_perm(user, "education.write"):
        return []
    waiting = LessonRevision.objects.filter(state=LessonRevision.State.REVIEW).exclude(created_by=user).count()
    return [(_("Lessons waiting for your review"), waiting, reverse("education:staff"))]
