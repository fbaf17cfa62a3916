from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from jaga.accounts.access import require_perm
from jaga.accounts.models import Organisation, User
from jaga.accounts.requests import AuthedHttpRequest
from jaga.audit.forms import AuditFilterForm
from jaga.audit.selectors import audit_event_list
from jaga.core.models import WorkerBeat


@dataclass(frozen=True)
class EventRow:
    """One audit row as the log page shows it: the people and organisation by name, details as JSON."""

    seq: int
    created_at: datetime
    action: str
    ip: str | None
    target_type: str
    target_id: str
    actor_label: str
    organisation_label: str
    details_text: str


PAGE_SIZE = 50


@require_safe
@require_perm("audit.view_log")
def event_list_view(request: AuthedHttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = audit_event_list(
        action=filters.get("action", ""),
        security=filters.get("security", False),
        actor_email=filters.get("actor", ""),
        organisation=filters.get("organisation"),
        since=filters.get("since"),
        until=filters.get("until"),
    )
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    people = {user.pk: user.email for user in User.objects.filter(pk__in={r.actor_id for r in rows if r.actor_id})}
    orgs = {
        o.pk: o.name for o in Organisation.objects.filter(pk__in={r.organisation_id for r in rows if r.organisation_id})
    }
    shown = [
        EventRow(
            seq=row.seq,
            created_at=row.created_at,
            action=row.action,
            ip=row.ip,
            target_type=row.target_type,
            target_id=row.target_id,
            actor_label=people.get(row.actor_id, "") if row.actor_id else "",
            organisation_label=orgs.get(row.organisation_id, "") if row.organisation_id else "",
            details_text=json.dumps(row.details, ensure_ascii=False, sort_keys=True) if row.details else "",
        )
        for row in rows
    ]
    query = request.GET.copy()
    query.pop("page", None)
    worker = WorkerBeat.objects.order_by("-beat_at").first()
    return render(
        request,
        "audit/event_list.html",
        {"form": form, "page": page, "rows": shown, "query": query.urlencode(), "worker": worker},
    )
