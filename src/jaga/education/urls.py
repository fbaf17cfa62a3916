from django.urls import path

from jaga.education import views

app_name = "education"

urlpatterns = [
    path("", views.staff_list_view, name="staff"),
    path("<slug:slug>/", views.staff_edit_view, name="edit"),
]

# /belajar/: the public lessons.
public_urlpatterns = [
    path("", views.index_view, name="index"),
    path("<slug:slug>/", views.lesson_view, name="lesson"),
    path("<slug:slug>/handout.pdf", views.handout_view, name="handout"),
]
