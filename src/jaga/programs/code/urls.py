from django.urls import path

from jaga.programs.code import views

urlpatterns = [
    path("code/", views.code_dashboard_view, name="code"),
    path("code/<uuid:member_id>/", views.code_member_view, name="code_member"),
    path("code/report/", views.code_report_view, name="code_report"),
]
