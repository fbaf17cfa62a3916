from django.urls import path

from jaga.reports import public, views

app_name = "reports"

urlpatterns = [
    path("", views.report_list_view, name="list"),
    path("<uuid:report_id>/", views.report_detail_view, name="detail"),
    path("<uuid:report_id>/preview/<str:lang>/", views.report_preview_view, name="preview"),
    path("<uuid:report_id>/files/<str:kind>/<str:lang>/", views.report_file_view, name="file"),
]

# /laporan/: the public archive.
public_urlpatterns = [
    path("", public.archive_view, name="archive"),
    path("<uuid:report_id>/", public.edition_view, name="edition"),
    path("<uuid:report_id>/<str:lang>.<str:ext>", public.edition_file_view, name="file"),
]
