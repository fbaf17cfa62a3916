from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "jaga.linkage"
    label = "linkage"
    verbose_name = "Linkage"
