from django.urls import path

from jaga.stats import views, views_caseload

app_name = "stats"

urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("crosstab/", views.crosstab_view, name="crosstab"),
    path("refresh/", views.refresh_view, name="refresh"),
    path("table.<str:fmt>", views.export_view, name="export"),
    path("research/", views.research_view, name="research"),
    path("caseload/", views_caseload.caseload_insights_view, name="caseload"),
    path("dhis2.json", views.interchange_view, {"kind": "dhis2"}, name="dhis2"),
    path("simfoni.csv", views.interchange_view, {"kind": "simfoni"}, name="simfoni"),
]

public_urlpatterns = [
    path("", views.public_dashboard_view, name="dashboard"),
    path("table.<str:fmt>", views.public_export_view, name="export"),
    path("datapackage.zip", views.public_datapackage_view, name="datapackage"),
]
