from django.apps import AppConfig


class HotlineConfig(AppConfig):
    name = "jaga.hotline"
    label = "hotline"
    verbose_name = "Public hotline"
