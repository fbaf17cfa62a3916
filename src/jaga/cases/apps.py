from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "jaga.cases"
    label = "cases"
    verbose_name = "Case registry"
