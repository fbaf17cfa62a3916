from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "jaga.programs"
    label = "programs"
    verbose_name = "Programmes"
