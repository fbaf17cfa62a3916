from django.urls import path

from jaga.programs import views

app_name = "programs"

urlpatterns = [
    path("partners/", views.partner_list_view, name="partners"),
    path("partners/<uuid:organisation_id>/", views.partner_detail_view, name="partner"),
    path("agreements/<uuid:agreement_id>/document/", views.agreement_document_view, name="agreement_document"),
    path("advocacy/", views.advocacy_board_view, name="advocacy"),
    path("advocacy/new/", views.ask_create_view, name="ask_create"),
    path("advocacy/<uuid:ask_id>/", views.ask_detail_view, name="ask"),
    path("campaigns/", views.campaign_list_view, name="campaigns"),
    path("campaigns/new/", views.campaign_create_view, name="campaign_create"),
    path("campaigns/<uuid:campaign_id>/", views.campaign_detail_view, name="campaign"),
]
