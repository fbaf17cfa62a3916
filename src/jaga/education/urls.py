from django.urls import path

from jaga.education import views

app_name = "education"

urlpatterns = [
    path("", views.staff_list_view, name="staff"),
    path("campaigns/", views.staff_campaigns_view, name="campaigns"),
    path("<slug:slug>/", views.staff_edit_view, name="edit"),
]

# /kampanye/: campaign landing pages.
kampanye_urlpatterns = [
    path("<slug:slug>/", views.campaign_page_view, name="page"),
    path("<slug:slug>/qr.svg", views.campaign_qr_view, name="qr"),
]

# /belajar/: the public lessons.
public_urlpatterns = [
    path("", views.index_view, name="index"),
    path("<slug:slug>/", views.lesson_view, name="lesson"),
    path("<slug:slug>/handout.pdf", views.handout_view, name="handout"),
]
