from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "jaga.regions"
    label = "regions"
    verbose_name = "Regions"
