from django.urls import path

from jaga.programs.partners import views

urlpatterns = [
    path("partners/", views.partner_list_view, name="partners"),
    path("partners/<uuid:organisation_id>/", views.partner_detail_view, name="partner"),
    path("agreements/<uuid:agreement_id>/document/", views.agreement_document_view, name="agreement_document"),
    path("agreements/<uuid:agreement_id>/edit/", views.agreement_edit_view, name="agreement_edit"),
]
