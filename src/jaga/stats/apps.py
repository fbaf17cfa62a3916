from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "jaga.stats"
    label = "stats"
    verbose_name = "Statistics"
