from django.urls import path

from jaga.hotline import views

app_name = "hotline"

urlpatterns = [
    path("", views.queue_view, name="queue"),
    path("stats/", views.stats_view, name="stats"),
    path("<uuid:report_id>/", views.detail_view, name="detail"),
    path("<uuid:report_id>/do/<str:action>/", views.action_view, name="action"),
]

public_urlpatterns = [
    path("", views.report_view, name="report"),
    path("status/", views.status_view, name="status"),
]
