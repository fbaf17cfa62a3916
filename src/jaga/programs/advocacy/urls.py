from django.urls import path

from jaga.programs.advocacy import views

urlpatterns = [
    path("advocacy/", views.advocacy_board_view, name="advocacy"),
    path("advocacy/new/", views.ask_create_view, name="ask_create"),
    path("advocacy/<uuid:ask_id>/", views.ask_detail_view, name="ask"),
]
