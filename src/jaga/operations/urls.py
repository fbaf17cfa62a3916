from django.urls import path

from jaga.operations import views

app_name = "operations"

urlpatterns = [
    path("", views.overview_view, name="overview"),
    path("backups/", views.backup_start_view, name="backup_start"),
]
