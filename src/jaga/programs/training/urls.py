from django.urls import path

from jaga.programs.training import public, views

urlpatterns = [
    path("training/", views.training_view, name="training"),
    path("training/modules/new/", views.module_create_view, name="module_create"),
    path("training/modules/<uuid:module_id>/", views.module_detail_view, name="module"),
    path("training/modules/<uuid:module_id>/edit/", views.module_create_view, name="module_edit"),
    path("training/materials/<uuid:material_id>/", views.material_download_view, name="material"),
    path("training/sessions/new/", views.session_create_view, name="session_create"),
    path("training/sessions/<uuid:session_id>/", views.session_detail_view, name="session"),
    path("training/sessions/<uuid:session_id>/edit/", views.session_create_view, name="session_edit"),
    path("training/participants-template.xlsx", views.import_template_view, name="participants_template"),
    path("training/certificates/<uuid:certificate_id>/", views.certificate_pdf_view, name="certificate"),
]

# Public, without an account: the participants' test link and the certificate check.
test_urlpatterns = [
    path("<str:token>/", public.test_start_view, name="start"),
    path("<str:token>/tes/<str:kind>/", public.test_take_view, name="take"),
    path("<str:token>/sertifikat.pdf", public.test_certificate_view, name="certificate"),
]
verify_urlpatterns = [
    path("", public.verify_view, name="verify"),
    path("<str:code>/", public.verify_view, name="check"),
]
