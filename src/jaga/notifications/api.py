"""``GET /api/v1/notifications/``: the user's notifications, newest first."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from jaga.accounts.requests import signed_in
from jaga.core.doors import DeclaredAPIView
from jaga.core.pagination import api_pages
from jaga.notifications.models import Kind, Notification


class NotificationSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    text = serializers.CharField(help_text="What happened, with a case reference; never a child's identity")
    read = serializers.SerializerMethodField()
    created = serializers.DateTimeField(source="created_at")

    class Meta:
        model = Notification
        fields = ["id", "kind", "text", "url", "read", "created"]

    def get_read(self, notification: Notification) -> bool:
        return notification.read_at is not None


NotificationPagination, NotificationPageSerializer = api_pages(NotificationSerializer, "Notification")


class NotificationListView(DeclaredAPIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="v1_notifications_list",
        summary="Your notifications, newest first",
        responses={200: NotificationPageSerializer},
    )
    def get(self, request: Request) -> Response:
        paginator = NotificationPagination()
        page = paginator.paginate_queryset(Notification.objects.filter(user=signed_in(request)), request, view=self)
        return paginator.get_paginated_response(NotificationSerializer(page, many=True).data)
