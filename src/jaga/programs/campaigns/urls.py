from django.urls import path

from jaga.programs.campaigns import views

urlpatterns = [
    path("campaigns/", views.campaign_list_view, name="campaigns"),
    path("campaigns/new/", views.campaign_create_view, name="campaign_create"),
    path("campaigns/<uuid:campaign_id>/", views.campaign_detail_view, name="campaign"),
]
