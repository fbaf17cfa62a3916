from django.urls import path

from jaga.research import views, views_studies

app_name = "research"

urlpatterns = [
    path("incidents/", views.incident_list_view, name="incidents"),
    path("incidents/new/", views.incident_new_view, name="incident_new"),
    path("incidents/import/", views.incident_import_view, name="incident_import"),
    path("incidents/<uuid:incident_id>/", views.incident_detail_view, name="incident"),
    path("incidents/<uuid:incident_id>/ungroup/", views.incident_ungroup_view, name="incident_ungroup"),
    path("studies/", views_studies.study_list_view, name="studies"),
    path("studies/<uuid:study_id>/", views_studies.study_detail_view, name="study"),
    path("studies/<uuid:study_id>/responses/", views_studies.study_responses_view, name="study_responses"),
    path("studies/<uuid:study_id>/respondents.zip", views_studies.respondent_file_view, name="respondent_file"),
]

# /survei/: the public survey form.
public_urlpatterns = [
    path("<str:token>/", views_studies.survey_view, name="survey"),
]
