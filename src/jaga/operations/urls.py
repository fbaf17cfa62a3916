from django.urls import path

from jaga.operations import views, views_breaches, views_retention

app_name = "operations"

urlpatterns = [
    path("", views.overview_view, name="overview"),
    path("backups/", views.backup_start_view, name="backup_start"),
    path("retention/", views_retention.retention_view, name="retention"),
    path("breaches/", views_breaches.breach_list_view, name="breaches"),
    path("breaches/register.csv", views_breaches.breach_register_view, name="breach_register"),
    path("breaches/<uuid:breach_id>/", views_breaches.breach_detail_view, name="breach"),
]
