from django.urls import path

from jaga.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list_view, name="list"),
    path("read-all/", views.notification_read_all_view, name="read_all"),
    path("<uuid:notification_id>/", views.notification_open_view, name="open"),
]
