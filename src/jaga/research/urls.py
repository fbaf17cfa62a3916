from django.urls import path

from jaga.research import views

app_name = "research"

urlpatterns = [
    path("incidents/", views.incident_list_view, name="incidents"),
    path("incidents/new/", views.incident_new_view, name="incident_new"),
    path("incidents/import/", views.incident_import_view, name="incident_import"),
    path("incidents/<uuid:incident_id>/", views.incident_detail_view, name="incident"),
    path("incidents/<uuid:incident_id>/ungroup/", views.incident_ungroup_view, name="incident_ungroup"),
]
