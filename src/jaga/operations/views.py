"""The operations page (system admins): the backups, their schedule, the worker, the disk."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from jaga.accounts.access import require_perm
from jaga.accounts.requests import AuthedHttpRequest
from jaga.core.health import disk_free_mb
from jaga.core.models import WorkerBeat
from jaga.operations.backup import BackupError, backup_key, check_value
from jaga.operations.models import BackupRun
from jaga.operations.services import backup_queue, backup_report


def _key_check() -> str:
    """The check value backup files carry in their header (of the key's bytes), "" without a usable key."""
    try:
        return check_value(backup_key())
    except BackupError:
        return ""


@require_safe
@require_perm("operations.backup")
def overview_view(request: AuthedHttpRequest) -> HttpResponse:
    context = {
        "runs": BackupRun.objects.select_related("started_by")[:30],
        "report": backup_report(),
        "disk_free_mb": disk_free_mb(),
        "worker": WorkerBeat.objects.order_by("-beat_at").first(),
        "scheduled": settings.JAGA_BACKUP_SCHEDULED,
        "hour": settings.JAGA_BACKUP_HOUR,
        "folder": settings.JAGA_BACKUP_DIR,
        "keep": (settings.JAGA_BACKUP_KEEP_DAILY, settings.JAGA_BACKUP_KEEP_WEEKLY, settings.JAGA_BACKUP_KEEP_MONTHLY),
        "key_check": _key_check(),
        "stale_hours": settings.JAGA_BACKUP_STALE_HOURS,
    }
    return render(request, "operations/overview.html", context)


@require_POST
@require_perm("operations.backup")
def backup_start_view(request: AuthedHttpRequest) -> HttpResponse:
    if not settings.JAGA_BACKUP_KEY:
        messages.error(request, _("Backups need JAGA_BACKUP_KEY: set it and restart Jaga."))
        return redirect("operations:overview")
    backup_queue(actor=request.user, request=request)
    messages.success(request, _("The backup is queued; this page shows it when it is done."))
    return redirect("operations:overview")
