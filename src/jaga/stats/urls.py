from django.urls import path

from jaga.stats import views

app_name = "stats"

urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("crosstab/", views.crosstab_view, name="crosstab"),
    path("refresh/", views.refresh_view, name="refresh"),
    path("table.<str:fmt>", views.export_view, name="export"),
]

public_urlpatterns = [
    path("", views.public_dashboard_view, name="dashboard"),
    path("table.<str:fmt>", views.public_export_view, name="export"),
]
