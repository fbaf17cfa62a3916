from django.urls import path

from jaga.linkage import views

app_name = "linkage"

urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("runs/", views.run_start_view, name="run_start"),
    path("runs/<uuid:run_id>/", views.run_view, name="run"),
    path("review/", views.review_list_view, name="review_list"),
    path("review/<uuid:pair_id>/", views.review_view, name="review"),
    path("cases/<uuid:case_id>/ask/", views.referral_ask_view, name="ask"),
    path("asks/<uuid:ask_id>/", views.referral_ask_answer_view, name="ask_answer"),
]
