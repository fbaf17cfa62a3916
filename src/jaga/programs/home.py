"""What waits for programme officers and partners on the home page (``JAGA_HOME_ITEMS``)."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jaga.accounts.models import User
from jaga.accounts.permissions import user_has_perm
from jaga.programs.code.models import CodeCriterion, CodeMember, CodeReport
from jaga.programs.training.models import TrainingSession


def home_items(user: User) -> list[tuple[str, int, str]]:
    items: list[tuple[str, int, str]] = []
    today = timezone.localdate()
    if user_has_perm(user, "programs.manage"):
        waiting = CodeReport.objects.filter(status=CodeReport.Status.SUBMITTED).count()
        items.append((_("The Code reports to verify"), waiting, reverse("programs:code")))
        coming = TrainingSession.objects.filter(starts_on__gte=today, starts_on__lte=today + timedelta(days=30))
        items.append((_("Training sessions in the next 30 days"), coming.count(), reverse("programs:training")))
    member = CodeMember.objects.filter(organisation_id=user.organisation_id).first()
    if user_has_perm(user, "programs.submit_code_report") and member is not None:
        sent = member.reports.filter(year=today.year - 1).exists()
        items.append((_("The Code: last year's report to send"), 0 if sent else 1, reverse("programs:code_report")))
        met = set(member.progress.filter(status="met").values_list("criterion", flat=True))
        open_criteria = sum(1 for criterion in CodeCriterion.values if criterion not in met)
        items.append((_("The Code: criteria not met yet"), open_criteria, reverse("programs:code_report")))
    return items
