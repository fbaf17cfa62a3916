from django.urls import path

from jaga.programs.results import views

urlpatterns = [
    path("results/", views.results_view, name="results"),
]
