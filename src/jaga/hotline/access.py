"""Checked lookups for hotline reports: the triage role reads any report (the hotline is national)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from jaga.accounts.permissions import user_has_perm
from jaga.core.lookups import one_or_404


def access_report(actor: Any, report_id: Any) -> Any:
    """A report for a hotline operator (``hotline.triage``); 404 when there is none."""
    from jaga.hotline.models import Report

    if not user_has_perm(actor, "hotline.triage"):
        raise PermissionDenied
    return one_or_404(Report, pk=report_id)
