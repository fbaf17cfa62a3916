"""The notification list: newest first, unread marked; read one by opening it, or all at once."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from jaga.accounts.access import require_login
from jaga.accounts.requests import AuthedHttpRequest
from jaga.core.lookups import one_or_404
from jaga.core.pagination import CappedPaginator
from jaga.notifications.models import Notification, Preference
from jaga.notifications.services import notifications_mark_read


@require_http_methods(["GET", "POST"])
@require_login
def notification_list_view(request: AuthedHttpRequest) -> HttpResponse:
    if request.method == "POST":  # the preference
        Preference.objects.update_or_create(user=request.user, defaults={"email": bool(request.POST.get("email"))})
        return redirect("notifications:list")
    items = Notification.objects.filter(user=request.user)
    page = CappedPaginator(items, 25).get_page(request.GET.get("page"))
    preference = Preference.objects.filter(user=request.user).first()
    return render(
        request,
        "notifications/list.html",
        {"page": page, "email": preference.email if preference else True},
    )


@require_POST
@require_login
def notification_open_view(request: AuthedHttpRequest, notification_id: Any) -> HttpResponse:
    """Marks it read and goes where it points."""
    notification = one_or_404(Notification, pk=notification_id, user=request.user)  # one's own only
    notifications_mark_read(user=request.user, ids=[str(notification.pk)])
    if not url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect("notifications:list")
    return redirect(notification.url)


@require_POST
@require_login
def notification_read_all_view(request: AuthedHttpRequest) -> HttpResponse:
    notifications_mark_read(user=request.user)
    return redirect("notifications:list")
