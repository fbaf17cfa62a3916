from django.urls import path

from jaga.education import views, views_course

app_name = "education"

urlpatterns = [
    path("", views.staff_list_view, name="staff"),
    path("campaigns/", views.staff_campaigns_view, name="campaigns"),
    path("courses/", views_course.staff_courses_view, name="courses"),
    path("courses/<slug:slug>/", views_course.staff_courses_view, name="course"),
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
    path("kursus/<slug:slug>/", views_course.course_view, name="course"),
    path("kursus/<slug:slug>/keluar/", views_course.course_leave_view, name="course_leave"),
    path("kursus/<slug:slug>/pelajaran/<slug:lesson>/", views_course.course_lesson_view, name="course_lesson"),
    path("kursus/<slug:slug>/tes/<str:kind>/", views_course.course_test_view, name="course_test"),
    path("kursus/<slug:slug>/sertifikat.pdf", views_course.course_certificate_view, name="course_certificate"),
    path("<slug:slug>/", views.lesson_view, name="lesson"),
    path("<slug:slug>/handout.pdf", views.handout_view, name="handout"),
    path("<slug:slug>/gambar/<str:file>", views.image_view, name="image"),
]
