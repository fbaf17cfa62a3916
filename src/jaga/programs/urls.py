from django.urls import path

from jaga.programs import views, views_code, views_training

app_name = "programs"

urlpatterns = [
    path("partners/", views.partner_list_view, name="partners"),
    path("partners/<uuid:organisation_id>/", views.partner_detail_view, name="partner"),
    path("agreements/<uuid:agreement_id>/document/", views.agreement_document_view, name="agreement_document"),
    path("agreements/<uuid:agreement_id>/edit/", views.agreement_edit_view, name="agreement_edit"),
    path("advocacy/", views.advocacy_board_view, name="advocacy"),
    path("advocacy/new/", views.ask_create_view, name="ask_create"),
    path("advocacy/<uuid:ask_id>/", views.ask_detail_view, name="ask"),
    path("campaigns/", views.campaign_list_view, name="campaigns"),
    path("campaigns/new/", views.campaign_create_view, name="campaign_create"),
    path("campaigns/<uuid:campaign_id>/", views.campaign_detail_view, name="campaign"),
    path("training/", views_training.training_view, name="training"),
    path("training/modules/new/", views_training.module_create_view, name="module_create"),
    path("training/modules/<uuid:module_id>/", views_training.module_detail_view, name="module"),
    path("training/modules/<uuid:module_id>/edit/", views_training.module_create_view, name="module_edit"),
    path("training/materials/<uuid:material_id>/", views_training.material_download_view, name="material"),
    path("training/sessions/new/", views_training.session_create_view, name="session_create"),
    path("training/sessions/<uuid:session_id>/", views_training.session_detail_view, name="session"),
    path("training/sessions/<uuid:session_id>/edit/", views_training.session_create_view, name="session_edit"),
    path("training/participants-template.xlsx", views_training.import_template_view, name="participants_template"),
    path("training/certificates/<uuid:certificate_id>/", views_training.certificate_pdf_view, name="certificate"),
    path("code/", views_code.code_dashboard_view, name="code"),
    path("code/<uuid:member_id>/", views_code.code_member_view, name="code_member"),
    path("code/report/", views_code.code_report_view, name="code_report"),
    path("results/", views_code.results_view, name="results"),
]

# Public, without an account: the participants' test link and the certificate check.
test_urlpatterns = [
    path("<str:token>/", views_training.test_start_view, name="start"),
    path("<str:token>/tes/<str:kind>/", views_training.test_take_view, name="take"),
    path("<str:token>/sertifikat.pdf", views_training.test_certificate_view, name="certificate"),
]
verify_urlpatterns = [
    path("", views_training.verify_view, name="verify"),
    path("<str:code>/", views_training.verify_view, name="check"),
]
