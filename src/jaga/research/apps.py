from django.apps import AppConfig


class ResearchConfig(AppConfig):
    """Research: the media-monitoring register of incidents, and surveys from XLSForm instruments."""

    name = "jaga.research"
    label = "research"
    verbose_name = "Research"
