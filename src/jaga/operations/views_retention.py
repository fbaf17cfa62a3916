"""The retention page (system admins): each kind of record with its period, what goes now and within
30 days, the legal holds, the last runs."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jaga.accounts.access import require_perm
from jaga.accounts.requests import AuthedHttpRequest
from jaga.core.forms import add_errors
from jaga.core.lookups import one_or_404
from jaga.operations import retention
from jaga.operations.forms import HoldForm, RetentionForm
from jaga.operations.models import LegalHold, RetentionRun


@require_http_methods(["GET", "POST"])
@require_perm("operations.retention")
def retention_view(request: AuthedHttpRequest) -> HttpResponse:
    choices = [(kind.name, kind.label) for kind in retention.kinds()]
    period, hold = RetentionForm(kinds=choices), HoldForm(kinds=choices)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "period":
                period = RetentionForm(request.POST, kinds=choices)
                if period.is_valid():
                    retention.retention_set(actor=request.user, kind=period.cleaned_data["kind"],
                                            months=period.cleaned_data["months"], request=request)  # fmt: skip
                    messages.success(request, _("Saved."))
                    return redirect("operations:retention")
            elif action == "hold":
                hold = HoldForm(request.POST, kinds=choices)
                if hold.is_valid():
                    retention.hold_place(actor=request.user, request=request, **hold.cleaned_data)
                    messages.success(request, _("The record is held: it is not erased until the hold is released."))
                    return redirect("operations:retention")
            elif action == "release":
                held = one_or_404(LegalHold.objects.filter(released_at__isnull=True), pk=request.POST.get("hold"))
                retention.hold_release(actor=request.user, hold=held, request=request)
                messages.success(request, _("The hold is released."))
                return redirect("operations:retention")
        except ValidationError as exc:
            add_errors(period if action == "period" else hold, exc)
    context = {
        "forecast": retention.forecast(),
        "holds": LegalHold.objects.filter(released_at__isnull=True).select_related("placed_by"),
        "runs": RetentionRun.objects.all()[:10],
        "period": period,
        "hold": hold,
    }
    status = 400 if period.errors or hold.errors else 200
    return render(request, "operations/retention.html", context, status=status)
