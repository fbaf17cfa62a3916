from django.urls import path

from jaga.core import views

app_name = "core"

urlpatterns = [
    path("", views.home_view, name="home"),
    path("healthz", views.health_view, name="health"),
    path("readyz", views.ready_view, name="ready"),
    path("metrics", views.metrics_view, name="metrics"),
]
